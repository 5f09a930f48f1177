import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliContext } from '../../electron/cli/command';
import { openCore, type CoreContext } from '../../electron/core/context';
import { bundledManifestPath } from '../../electron/core/inference/manifest';
import { openRemoteInference, type RemoteInference } from '../../electron/core/inference/remote-inference';
import { memoryLogger } from '../../electron/core/log';
import type { ProgressEvent } from '../../electron/core/progress';
import { FileSecretStore } from '../../electron/core/secrets';

export interface CapturedCli {
  ctx: CliContext;
  /** What the command printed, and every progress event it reported. */
  io: { stdout: string; stderr: string; progress: ProgressEvent[]; progressDone: number };
  log: ReturnType<typeof memoryLogger>;
  /** Closes the remote inference, and the gallery when this context opened it. */
  close(): void;
}

/**
 * A CliContext that keeps what a command prints, for running a command object in-process. Given a gallery, the
 * command works on it; given only a data folder, the gallery opens there on first use, as in the real CLI (for
 * commands whose behaviour depends on whether a gallery exists yet).
 * Remote inference is the real one, configured from `env` (Modal off unless the test turns it on).
 */
export function cliContext(
  gallery: CoreContext | { dataDir: string },
  options: { json?: boolean; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): CapturedCli {
  const io = { stdout: '', stderr: '', progress: [] as ProgressEvent[], progressDone: 0 };
  const log = memoryLogger();
  const env = options.env ?? {};
  const dataDir = 'paths' in gallery ? gallery.paths.root : gallery.dataDir;
  let opened: (CoreContext & { close(): void }) | undefined;
  let remote: RemoteInference | undefined;
  const ctx: CliContext = {
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    log,
    progress: () =>
      Object.assign((event: ProgressEvent) => void io.progress.push(event), {
        done: () => void (io.progressDone += 1),
      }),
    core: () => ('paths' in gallery ? gallery : (opened ??= openCore({ dataDir, log }))),
    remote: (manifestFile) =>
      (remote ??= openRemoteInference(ctx.core(), {
        secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
        env,
        modelsFolder: dirname(manifestFile ?? bundledManifestPath()),
        cwd: dataDir,
        log,
      })),
    dataDir,
    env,
    json: options.json ?? false,
    stdin: Readable.from([options.stdin ?? '']),
    signal: new AbortController().signal,
  };
  return {
    ctx,
    io,
    log,
    close: () => {
      remote?.close();
      opened?.close();
    },
  };
}
