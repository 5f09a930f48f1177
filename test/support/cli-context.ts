import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliContext } from '../../electron/cli/command';
import type { CoreContext } from '../../electron/core/context';
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
}

/**
 * A CliContext over a real gallery that keeps what a command prints, for running a command object in-process.
 * Remote inference is the real one, configured from `env` (Modal off unless the test turns it on).
 */
export function cliContext(
  core: CoreContext,
  options: { json?: boolean; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): CapturedCli {
  const io = { stdout: '', stderr: '', progress: [] as ProgressEvent[], progressDone: 0 };
  const log = memoryLogger();
  const env = options.env ?? {};
  let remote: RemoteInference | undefined;
  const ctx: CliContext = {
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    log,
    progress: () =>
      Object.assign((event: ProgressEvent) => void io.progress.push(event), {
        done: () => void (io.progressDone += 1),
      }),
    core: () => core,
    remote: (manifestFile) =>
      (remote ??= openRemoteInference(core, {
        secrets: new FileSecretStore(join(core.paths.root, 'secrets.json')),
        env,
        modelsFolder: dirname(manifestFile ?? bundledManifestPath()),
        cwd: core.paths.root,
        log,
      })),
    dataDir: core.paths.root,
    env,
    json: options.json ?? false,
    stdin: Readable.from([options.stdin ?? '']),
    signal: new AbortController().signal,
  };
  return { ctx, io, log };
}
