import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, TIGERID_BIN } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';
import { send, writeRenderer } from './support';

const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});
function fresh() {
  const t = tempDir('tigerid-serve-');
  temps.push(t);
  return { data: join(t.path, 'data'), renderer: writeRenderer(join(t.path, 'renderer')) };
}

describe('tigerid serve', () => {
  it('prints a clickable URL, serves the app and stops cleanly on SIGINT without logging the token', async () => {
    const dirs = fresh();
    const child = spawn(
      process.execPath,
      [TIGERID_BIN, 'serve', '--port', '0', '--data', dirs.data, '--renderer', dirs.renderer, '-v'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /Tiger ID is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})\n/.exec(
          stdout,
        );
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[1]!));
        }
      });
    });
    const token = url.searchParams.get('token')!;
    const port = Number(url.port);

    const exchange = await send(port, { path: `/?token=${token}` });
    expect(exchange.status).toBe(302);
    const cookie = exchange.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await send(port, { path: '/', headers: { cookie } });
    expect(page.status).toBe(200);
    const api = await send(port, {
      method: 'POST',
      path: '/api/individuals.list',
      headers: { cookie, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      body: '{}',
    });
    expect(JSON.parse(api.text)).toEqual({ ok: true, value: [], mutated: false });

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/Tiger ID stopped\./);
    // Debug logging was on (-v): every request was logged, none with the token.
    expect(stderr).toMatch(/GET \/ 302/);
    expect(stderr).not.toContain(token);
  });

  it('says in one line when the port is in use', async () => {
    const dirs = fresh();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli([
        'serve',
        '--port',
        String(port),
        '--data',
        dirs.data,
        '--renderer',
        dirs.renderer,
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `tigerid serve: port ${port} on 127.0.0.1 is already in use; choose another with --port N, or --port 0 for any free port.\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('tells the user to build the renderer when it is missing', async () => {
    const dirs = fresh();
    const result = await runCli(['serve', '--data', dirs.data, '--renderer', join(dirs.renderer, 'nope')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the web UI is not built .*run "npm run build:renderer" first/);
  });

  it('refuses a port that is not a number, and a non-loopback host', async () => {
    const dirs = fresh();
    const port = await runCli([
      'serve',
      '--port',
      'eighty',
      '--data',
      dirs.data,
      '--renderer',
      dirs.renderer,
    ]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/Expected integer between 0 and 65535 for --port but received "eighty"/);
    const host = await runCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--data',
      dirs.data,
      '--renderer',
      dirs.renderer,
    ]);
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/loopback host/);
  });
});
