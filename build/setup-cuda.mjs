// `npm run setup:cuda`: fetches onnxruntime-node's CUDA 12 execution provider (from NuGet, so it needs internet)
// into node_modules/onnxruntime-node. `npm ci` never does this: package.json's allowScripts denies onnxruntime-node's
// install script so that a field machine without internet installs cleanly. Needs CUDA 12 and cuDNN 9 installed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
const packageDir = join(dirname(entry), '..');
const install = spawnSync(process.execPath, [join(packageDir, 'script', 'install.js')], {
  cwd: packageDir,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
});
if (install.status !== 0) {
  console.error(
    `\nCould not fetch the CUDA provider (onnxruntime-node's installer exited ${install.status ?? install.signal}). ` +
      'It downloads from api.nuget.org: run this on a machine with internet. Tiger ID keeps running on the CPU meanwhile.',
  );
  process.exit(1);
}
console.log('CUDA provider installed. Check that it loads: npx tigerid doctor');
