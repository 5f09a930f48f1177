import type { AppApi } from '../../electron/core/api';

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
