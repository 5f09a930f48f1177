import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../electron/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tigerid` in-process with captured output; `stdin` is what a user would type. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    env,
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

export const TIGERID_BIN = join(import.meta.dirname, '..', '..', 'bin', 'tigerid.js');

/** Runs the real `bin/tigerid.js` as a child process, as a user would. */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TIGERID_BIN, ...argv],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
