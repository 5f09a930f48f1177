import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../electron/cli/commands';
import { CUDA_SETUP_COMMAND } from '../../electron/core/inference/execution-provider';

const REPO = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(REPO, file), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string; npm: string };
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { hasInstallScript?: boolean; engines?: unknown; optional?: boolean }>;
};
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string };
};

/** The first two ```sh blocks of the README: the set-up command and the test command a new user copies. */
function firstScreenCommands(): [string, string] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
  return [blocks[0] ?? '', blocks[1] ?? ''];
}

const packageName = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe("the README's two commands", () => {
  it('set up with npm ci and run only commands tigerid has', () => {
    const [setup] = firstScreenCommands();
    expect(setup.startsWith('npm ci && ')).toBe(true);
    const used = [...setup.matchAll(/npx tigerid (\S+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(commands.map((c) => c.name)).toContain(name);
  });

  it('CI installs and tests exactly as the README says, with no variables exported', () => {
    const [, test] = firstScreenCommands();
    const steps = read('.ci/run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#') && !/^(set|cd) /.test(line));
    expect(steps).toEqual(['npm ci', test]);
    expect(read('.ci/run')).not.toMatch(/\bexport\b|ELECTRON_SKIP_BINARY_DOWNLOAD|ONNXRUNTIME_NODE_INSTALL/);
  });

  it('state the Node and npm versions package.json enforces', () => {
    const node = semver.minVersion(pkg.engines.node).version.replace(/\.0$/, '');
    const npm = semver.minVersion(pkg.engines.npm).version.replace(/\.0$/, '');
    expect(readme).toContain(`Node.js ${node} or newer with npm ${npm} or newer`);
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
  });
});

describe('npm ci on a machine that reaches only the npm registry', () => {
  it('every install script in the lock file is reviewed, and the two that download elsewhere are denied', () => {
    const scripted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => packageName(path));
    expect(Object.keys(pkg.allowScripts).sort()).toEqual([...new Set(scripted)].sort());
    expect(pkg.allowScripts.electron).toBe(false);
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    expect(read('.npmrc')).toMatch(/^strict-allow-scripts=true$/m);
  });

  it('every package installs on the oldest Node the README asks for', () => {
    const oldest = semver.minVersion(pkg.engines.node).version;
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => {
        const range = (entry.engines as { node?: string } | undefined)?.node;
        return path !== '' && !entry.optional && range !== undefined && !semver.satisfies(oldest, range);
      })
      .map(([path, entry]) => `${packageName(path)} (${(entry.engines as { node: string }).node})`);
    expect(refused).toEqual([]);
  });

  it('the networked extras are one documented command each, and doctor names the same CUDA command', () => {
    expect(pkg.scripts['setup:electron']).toBeDefined();
    expect(pkg.scripts['setup:cuda']).toBeDefined();
    expect(CUDA_SETUP_COMMAND).toBe('npm run setup:cuda');
    const gpuSection = readme.slice(readme.indexOf('## Models and GPU setup'));
    expect(gpuSection).toContain(CUDA_SETUP_COMMAND);
    expect(readme).toContain('npm run setup:electron');
  });
});
