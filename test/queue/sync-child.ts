/**
 * The app's queue sync in its own process, for the test that SIGKILLs it part-way and starts it again.
 * Usage: node --import tsx test/queue/sync-child.ts <dataDir> <leaseMs>
 * The MODAL_* environment (server URL, enabled, retry delay) comes from the parent; the token from the gallery's
 * secret store, as in the app.
 */
import { join } from 'node:path';
import { openCore } from '../../electron/core/context';
import { RemoteInference } from '../../electron/core/inference/remote-inference';
import { memoryLogger } from '../../electron/core/log';
import { QueueSync } from '../../electron/core/queue/queue-sync';
import { FileSecretStore } from '../../electron/core/secrets';
import { MODAL_CLASS, MODEL_ID, remoteManifest } from './remote-gallery';

const [dataDir, leaseMs] = process.argv.slice(2);
if (dataDir === undefined || leaseMs === undefined) {
  process.stderr.write('usage: sync-child.ts <dataDir> <leaseMs>\n');
  process.exit(2);
}
const core = openCore({ dataDir });
const log = memoryLogger();
const remote = new RemoteInference(core, {
  secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
  env: process.env,
  classes: { [MODEL_ID]: MODAL_CLASS },
  log,
});
const sync = new QueueSync(core, {
  remote,
  manifest: remoteManifest(false),
  log,
  syncOptions: { leaseMs: Number(leaseMs) },
});
const report = await sync.syncNow({ byUser: true });
await sync.stop();
remote.close();
core.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
