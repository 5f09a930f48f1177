import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { TIGERID_BIN } from '../../support/run-cli';
import { RENDERER_DIR } from './renderer-build';

const URL_LINE = /Tiger ID is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)\s*\n/;

export interface ServeProcess {
  /** The printed link, token included: `page.goto(url)` signs the browser in. */
  url: string;
  origin: string;
  token: string;
  child: ChildProcessWithoutNullStreams;
  /** performance.now() when the child was spawned, and when its URL line arrived (it listens then). */
  spawnedAt: number;
  listeningAt: number;
  stderr(): string;
  /** SIGINT, as Ctrl-C; resolves with the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  rendererDir?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** More options for `serve`, e.g. ['--manifest', FILE]. */
  args?: string[];
}

/** Spawns the real `bin/tigerid.js serve --data DIR --port 0` and waits for the URL it prints. */
export async function startServe(dataDir: string, options: ServeOptions = {}): Promise<ServeProcess> {
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      TIGERID_BIN,
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--renderer',
      options.rendererDir ?? RENDERER_DIR,
      ...(options.args ?? []),
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TIGERID_REVIEWER: 'e2e-ranger', ...options.env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `tigerid serve printed no URL within ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr}`,
          ),
        ),
      options.timeoutMs ?? 60_000,
    );
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = URL_LINE.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tigerid serve exited (${code}) before printing its URL; stderr: ${stderr}`));
    });
  });
  const listeningAt = performance.now();
  const parsed = new URL(url);
  let stopping: Promise<number | null> | undefined;
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    child,
    spawnedAt,
    listeningAt,
    stderr: () => stderr,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGINT');
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exited;
        clearTimeout(kill);
        return code;
      })()),
  };
}

/** Calls the HTTP bridge's API as the UI does (Bearer token instead of the cookie). */
export async function apiCall<T>(
  serve: Pick<ServeProcess, 'origin' | 'token'>,
  method: string,
  args: unknown,
): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${serve.token}` },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error.message}`);
  return body.value;
}
