/**
 * Runs one import in its own process, for the test that kills it with SIGKILL part-way.
 * Usage: node --import tsx test/importing/import-child.ts <dataDir> <folder> [station]
 * TIGERID_TEST_FILE_DELAY_MS stalls the process after each file (as a slow disk would), so the test has time to
 * kill it between the first files and the last.
 */
import { openCore } from '../../electron/core/context';
import { importFolder } from '../../electron/core/importing/import-folder';

const [dataDir, folder, station] = process.argv.slice(2);
if (dataDir === undefined || folder === undefined) {
  process.stderr.write('usage: import-child.ts <dataDir> <folder> [station]\n');
  process.exit(2);
}
const delayMs = Number(process.env.TIGERID_TEST_FILE_DELAY_MS ?? '0');
const stall = new Int32Array(new SharedArrayBuffer(4));

const core = openCore({ dataDir });
const summary = await importFolder(
  core,
  { folder, ...(station === undefined ? {} : { station }) },
  {
    // A synchronous sleep: it blocks this process like slow I/O would, between one committed file and the next.
    onFile: () => void (delayMs > 0 && Atomics.wait(stall, 0, 0, delayMs)),
  },
);
core.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
