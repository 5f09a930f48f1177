// Bundles the Electron main process and the preload for `npm run build:main`:
//   dist/electron/main.js     ESM (Electron 41 loads an ESM main; package.json has "type": "module")
//   dist/electron/preload.cjs CommonJS, one file: a sandboxed preload can require only 'electron'
// esbuild comes with tsx and vite. Every runtime dependency stays external: electron-builder ships them in
// node_modules, and the native ones (better-sqlite3, sharp, onnxruntime-node) must load from app.asar.unpacked.
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
process.chdir(root);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = ['electron', ...Object.keys(pkg.dependencies ?? {})];

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
  external,
};

try {
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.js', format: 'esm' }),
    build({
      ...common,
      entryPoints: ['electron/preload.ts'],
      outfile: 'dist/electron/preload.cjs',
      format: 'cjs',
    }),
  ]);
  // The migrator reads its SQL files from beside the code that runs it (import.meta.dirname): in the bundle that
  // is dist/electron, so the migrations travel with it.
  cpSync('electron/core/db/migrations', 'dist/electron/migrations', {
    recursive: true,
    filter: (f) => !f.endsWith('.ts'),
  });
  console.log('Built dist/electron/main.js, dist/electron/preload.cjs and dist/electron/migrations/');
} catch {
  // esbuild has already printed each error with its file and line; a stack trace here would only bury them.
  console.error('build:main failed (see the errors above).');
  process.exitCode = 1;
}
