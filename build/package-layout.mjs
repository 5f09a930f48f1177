// `npm run package:layout`: packages the app into an unpacked folder with electron-builder, WITHOUT downloading
// Electron, and checks the layout a real installer would contain.
//
// electron-builder normally downloads the Electron zip (impossible offline), so this points `electronDist` at a
// stub folder holding a fake `electron` executable: electron-builder copies it as the app skeleton and does all
// the rest for real (app.asar, asarUnpack, extraResources, the production node_modules). Native modules are not
// rebuilt (npmRebuild: false): that needs Electron's headers from the network and belongs to the release machine.
//
// Usage: node build/package-layout.mjs [--project DIR] [--out DIR] [--keep]
import { listPackage } from '@electron/asar';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** A bundled model bigger than this is a model download that slipped in, not a small bundled model. */
const MAX_BUNDLED_ONNX_BYTES = 5 * 1024 * 1024;
// Each native module and where its .node addon lives (sharp 0.35 keeps it in its @img/sharp-<platform> package).
const NATIVE_MODULES = {
  'better-sqlite3': 'better-sqlite3',
  sharp: '@img',
  'onnxruntime-node': 'onnxruntime-node',
};
const ATRW = /atrw/i;

const { values } = parseArgs({
  options: { project: { type: 'string' }, out: { type: 'string' }, keep: { type: 'boolean' } },
});
const repo = resolve(import.meta.dirname, '..');
const project = resolve(values.project ?? repo);
const out = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'tigerid-layout-'));

const problems = [];
try {
  for (const file of ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/electron/migrations']) {
    if (!existsSync(join(project, file))) problems.push(`${file} is missing: run "npm run build:main" first`);
  }
  if (problems.length === 0) {
    const appDir = packageWithStub(project, out);
    checkLayout(appDir, project);
  }
} finally {
  if (!values.keep && !values.out) rmSync(out, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`Packaging layout check FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('Packaging layout check passed.');
}

function packageWithStub(projectDir, outDir) {
  // electron-builder takes the production tree from `npm ls`; when npm cannot list it (a stale install record, an
  // extraneous package) it silently packages the direct dependencies alone. Say so instead.
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: projectDir,
    encoding: 'utf8',
  });
  if (listed.status !== 0) {
    const reason = listed.stderr.split('\n').slice(0, 4).join('\n');
    problems.push(
      `npm cannot list the production dependencies (run "npm ci"), so the package would be incomplete:\n${reason}`,
    );
    return undefined;
  }
  const stub = join(outDir, 'stub-electron');
  mkdirSync(stub, { recursive: true });
  // Never run: it only has to exist so electron-builder can copy and rename it to the app's executable.
  writeFileSync(join(stub, 'electron'), '#!/bin/sh\necho "stub Electron for the layout check" >&2\nexit 1\n');
  chmodSync(join(stub, 'electron'), 0o755);
  writeFileSync(join(stub, 'version'), electronVersion(projectDir));

  const cli = createRequire(join(repo, 'package.json')).resolve('electron-builder/cli.js');
  const result = spawnSync(
    process.execPath,
    [
      cli,
      '--projectDir',
      projectDir,
      '--config',
      join(repo, 'build', 'electron-builder.yml'),
      '--linux',
      'dir',
      `--${process.arch}`,
      '--publish',
      'never',
      `-c.electronDist=${stub}`,
      `-c.electronVersion=${electronVersion(projectDir)}`,
      '-c.npmRebuild=false',
      '-c.nodeGypRebuild=false',
      `-c.directories.output=${join(outDir, 'release')}`,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    },
  );
  if (result.status !== 0) {
    problems.push(`electron-builder failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    return undefined;
  }
  const release = join(outDir, 'release');
  const unpacked = readdirSync(release).find((d) => d.endsWith('-unpacked'));
  if (!unpacked) problems.push(`electron-builder produced no *-unpacked folder in ${release}`);
  return unpacked ? join(release, unpacked) : undefined;
}

function checkLayout(appDir, projectDir) {
  if (!appDir) return;
  const resources = join(appDir, 'resources');
  const asar = join(resources, 'app.asar');
  if (!existsSync(asar)) {
    problems.push('resources/app.asar is missing');
    return;
  }
  const entries = new Set(listPackage(asar, { isPack: false }).map((p) => p.replaceAll('\\', '/')));
  const inAsar = [
    '/package.json',
    '/dist/electron/main.js',
    '/dist/electron/preload.cjs',
    '/dist/electron/migrations/0001_gallery.sql',
  ];
  if (existsSync(join(projectDir, 'dist/renderer/index.html'))) inAsar.push('/dist/renderer/index.html');
  for (const entry of inAsar) if (!entries.has(entry)) problems.push(`app.asar lacks ${entry}`);
  for (const entry of entries) {
    if (entry.startsWith('/dist/') && entry.endsWith('.map'))
      problems.push(`app.asar ships a source map: ${entry}`);
    if (ATRW.test(entry)) problems.push(`app.asar contains ATRW data: ${entry}`);
  }

  const unpackedModules = join(resources, 'app.asar.unpacked', 'node_modules');
  for (const [name, addonDir] of Object.entries(NATIVE_MODULES)) {
    for (const dir of new Set([name, addonDir])) {
      if (!existsSync(join(unpackedModules, dir)))
        problems.push(`${dir} is not unpacked (app.asar.unpacked/node_modules/${dir} missing)`);
    }
    if (!walk(join(unpackedModules, addonDir)).some((f) => f.endsWith('.node'))) {
      problems.push(`${name} is unpacked without its native .node addon (looked in ${addonDir})`);
    }
  }

  // The licences' texts travel with the models: BSD-3 asks that binary copies carry the ALIKE notice.
  for (const file of ['models.json', 'modal-classes.json', 'licences/ALIKE-BSD-3-Clause.txt']) {
    if (!existsSync(join(resources, 'models', file))) problems.push(`resources/models/${file} is missing`);
  }
  for (const file of walk(appDir)) {
    const rel = relative(appDir, file);
    if (ATRW.test(rel)) problems.push(`ATRW data in the package: ${rel}`);
    if (file.endsWith('.onnx') && statSync(file).size > MAX_BUNDLED_ONNX_BYTES) {
      problems.push(`model weights in the package (${rel}, ${statSync(file).size} bytes > 5 MB)`);
    }
  }
  for (const entry of entries)
    if (entry.endsWith('.onnx'))
      problems.push(`an .onnx inside app.asar (native code cannot read it): ${entry}`);

  const size = (p) => walk(p).reduce((n, f) => n + statSync(f).size, 0);
  console.log(
    `Layout of ${appDir}:\n  app.asar ${mb(statSync(asar).size)} (${entries.size} entries)\n` +
      `  app.asar.unpacked ${mb(size(join(resources, 'app.asar.unpacked')))}\n  models ${readdirSync(join(resources, 'models')).join(', ')}`,
  );
}

function electronVersion(projectDir) {
  const require = createRequire(join(projectDir, 'package.json'));
  try {
    return require('electron/package.json').version;
  } catch {
    return require(join(repo, 'node_modules/electron/package.json')).version;
  }
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
