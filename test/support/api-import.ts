import { join } from 'node:path';
import type { AppApi } from '../../electron/core/api';
import { createAppApi } from '../../electron/core/api-handlers';
import { Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/secrets';

/** Starts an import through the AppApi, as the Import screen does, and waits (30 s at most) until it has ended. */
export async function importThroughApi(
  api: AppApi,
  input: Parameters<AppApi['imports.start']>[0],
): Promise<void> {
  const job = await api['imports.start'](input);
  for (let i = 0; i < 600; i++) {
    const [current] = await api['imports.list']({});
    if (current?.jobId === job.jobId && current.state !== 'running') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${job.jobId} still running after 30 s`);
}

/**
 * An engine on a fresh data folder under `dir`, its AppApi acting for `reviewer`, and the camera card that `writeCard`
 * writes imported at station Ridge (as the Import screen would).
 */
export async function engineWithCard(
  dir: string,
  writeCard: (folder: string) => Promise<unknown>,
  reviewer: string,
): Promise<{ engine: Engine; api: AppApi }> {
  const folder = join(dir, 'sdcard');
  await writeCard(folder);
  const engine = new Engine({
    dataDir: join(dir, 'data'),
    secrets: new FileSecretStore(join(dir, 's.json')),
  });
  const api = createAppApi(engine, { TIGERID_REVIEWER: reviewer });
  await importThroughApi(api, { folder, station: 'Ridge' });
  return { engine, api };
}
