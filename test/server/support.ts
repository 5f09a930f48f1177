import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { createAppApi } from '../../electron/core/api-handlers';
import { Engine } from '../../electron/core/engine';
import { memoryLogger } from '../../electron/core/log';
import { FileSecretStore } from '../../electron/core/secrets';
import { startBridge, type Bridge } from '../../electron/core/server/bridge';
import { tempDir } from '../support/temp-dir';

export const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>Tiger ID</body></html>';
export const APP_JS = 'console.log("tiger id");';

/** A stand-in for Vite's dist/renderer: index.html, a script and a stylesheet. */
export function writeRenderer(dir: string): string {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'assets', 'app.js'), APP_JS);
  writeFileSync(join(dir, 'assets', 'app.css'), 'body { color: black; }');
  return dir;
}

export interface BridgeFixture {
  bridge: Bridge;
  engine: Engine;
  log: ReturnType<typeof memoryLogger>;
  dataDir: string;
  root: string;
  close(): Promise<void>;
}

/** A real Engine on a temp data folder behind a real bridge on 127.0.0.1, any free port. */
export async function startFixture(): Promise<BridgeFixture> {
  const temp = tempDir('tigerid-bridge-');
  const dataDir = join(temp.path, 'data');
  const rendererDir = writeRenderer(join(temp.path, 'renderer'));
  const log = memoryLogger();
  const engine = new Engine({ dataDir, secrets: new FileSecretStore(join(dataDir, 'secrets.json')), log });
  const bridge = await startBridge({ api: createAppApi(engine, {}), ctx: engine.core, rendererDir, log });
  return {
    bridge,
    engine,
    log,
    dataDir,
    root: temp.path,
    close: async () => {
      await bridge.close();
      await engine.close();
      temp.cleanup();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * One HTTP request with full control of the path and headers (fetch would normalise `/../` and refuse to set
 * Host), as a hostile page or a curl user could send it.
 */
export function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** POST /api/<method> with the bearer token, as the renderer's HTTP client does. */
export async function callApi(
  bridge: Bridge,
  method: string,
  args: unknown = {},
): Promise<RawResponse & { json: unknown }> {
  const res = await send(bridge.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: {
      authorization: `Bearer ${bridge.token}`,
      'content-type': 'application/json',
      origin: bridge.origin,
    },
    body: JSON.stringify(args),
  });
  return { ...res, json: JSON.parse(res.text) as unknown };
}
