import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiErrorDto, AppApi } from '../api';
import type { CoreContext } from '../context';
import { dispatch } from '../dispatch';
import { isEngineError, messageOf } from '../errors';
import { renderImage } from '../images/serve-image';
import type { Logger } from '../log';
import { httpStatusOf, httpStatusOfError } from './http-status';
import { BodyTooLarge, isJsonContentType, MAX_BODY_BYTES, readBody } from './request-body';
import { COMMON_HEADERS, HTML_HEADERS } from './security-headers';
import { contentTypeFor, resolveStaticPath } from './static-files';
import { newBridgeToken, presentedToken, redactToken, TOKEN_COOKIE, tokenMatches } from './token';

export interface BridgeOptions {
  api: AppApi;
  ctx: CoreContext;
  /** The built renderer (Vite's dist/renderer). */
  rendererDir: string;
  /** A loopback address only (default 127.0.0.1): the token travels over plain HTTP. */
  host?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Default: 32 random bytes as hex, new for every run. */
  token?: string;
  log: Logger;
}

export interface Bridge {
  /** http://127.0.0.1:PORT/?token=...: the link a user opens once; it trades the token for a cookie. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The bridge could not listen (port in use, address not available); `code` is Node's (EADDRINUSE, ...). */
export class BridgeListenError extends Error {
  override readonly name = 'BridgeListenError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Loopback only. The bridge is the desktop app's API for a browser on the same machine; on any other interface
 * the token (and the cookie it becomes) would cross a network in clear text.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
/** In-flight requests get this long to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Serves the built renderer and the AppApi on 127.0.0.1 for `tigerid serve`. Every route but the token exchange
 * needs the token (cookie or Bearer); the Host header must name the bridge itself (DNS rebinding); a POST from a
 * foreign Origin, or one that is not application/json (which a cross-site form cannot send without a CORS
 * preflight that is never answered), is refused. The token is never written to the log.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new RangeError(
      `Expected a loopback host (one of: 127.0.0.1, ::1, localhost) for host but received ${JSON.stringify(host)}`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Expected integer between 0 and 65535 for port but received ${String(port)}`);
  }
  const token = options.token ?? newBridgeToken();
  if (token.length < 16)
    throw new RangeError(`Expected a token of at least 16 characters but received ${token.length}`);
  const log = redactingLogger(options.log, token);

  const state: { allowedHosts: Set<string>; allowedOrigins: Set<string> } = {
    allowedHosts: new Set(),
    allowedOrigins: new Set(),
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error(
        `HTTP bridge: ${request.method ?? '?'} ${pathOf(request.url)} failed: ${(error as Error)?.stack ?? messageOf(error)}`,
      );
      if (!response.headersSent) sendText(response, 500, 'Internal error; it was logged.');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    response.on('finish', () =>
      log.debug(
        `${request.method ?? '?'} ${pathOf(request.url)} ${response.statusCode} ${Math.round(performance.now() - started)} ms`,
      ),
    );
    const rawUrl = request.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));

    // DNS rebinding: a page on evil.example that re-points its name at 127.0.0.1 still sends Host: evil.example.
    if (!state.allowedHosts.has(request.headers.host ?? '')) {
      return sendText(response, 403, 'Forbidden: this server only answers requests addressed to itself.');
    }
    if (path === '/' && request.method === 'GET' && query.has('token')) {
      if (!tokenMatches(query.get('token') ?? undefined, token)) return unauthorized(response);
      response.writeHead(302, {
        ...COMMON_HEADERS,
        // HttpOnly: scripts (an XSS) cannot read it; SameSite=Strict: other sites' pages never send it.
        'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        // Drops the token from the address bar and the history.
        Location: '/',
        'Cache-Control': 'no-store',
      });
      response.end();
      return;
    }
    if (!tokenMatches(presentedToken(request.headers), token)) return unauthorized(response);

    if (path.startsWith('/api/')) return handleApi(request, response, path);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendText(response, 405, 'Method not allowed.');
    }
    if (path.startsWith('/images/')) return handleImage(response, path);
    return handleStatic(response, path);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      return sendText(response, 405, 'Method not allowed: API calls are POST with a JSON body.');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !state.allowedOrigins.has(origin)) {
      return sendText(response, 403, 'Forbidden: cross-origin API calls are not allowed.');
    }
    if (!isJsonContentType(request.headers['content-type'])) {
      return sendApiError(response, 415, {
        type: 'InvalidArgument',
        code: 'INVALID_ARGUMENT',
        message: 'API calls need Content-Type: application/json.',
      });
    }
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      response.setHeader('Connection', 'close');
      return sendApiError(response, 413, {
        type: 'InvalidArgument',
        code: 'INVALID_ARGUMENT',
        message: `The request body is over ${MAX_BODY_BYTES} bytes.`,
      });
    }
    let args: unknown;
    try {
      args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      return sendApiError(response, 400, {
        type: 'InvalidArgument',
        code: 'INVALID_ARGUMENT',
        message: `The request body is not valid JSON: ${messageOf(error)}`,
      });
    }
    let method: string;
    try {
      method = decodeURIComponent(path.slice('/api/'.length));
    } catch {
      method = path.slice('/api/'.length);
    }
    const result = await dispatch(options.api, method, args, log);
    sendJson(response, httpStatusOf(result), result);
  }

  async function handleImage(response: ServerResponse, path: string): Promise<void> {
    try {
      const image = await renderImage(options.ctx, path);
      if (!image) return sendText(response, 404, 'No such image.');
      response.writeHead(200, {
        ...COMMON_HEADERS,
        'Content-Type': image.contentType,
        'Content-Length': image.body.length,
        // Ids can be reused after a photo is removed, so images are re-checked rather than cached for long.
        'Cache-Control': 'private, max-age=60',
      });
      response.end(image.body);
    } catch (error) {
      if (!isEngineError(error)) throw error;
      sendText(
        response,
        httpStatusOfError({ type: 'EngineError', code: error.code }),
        `${error.message} [${error.code}]`,
      );
    }
  }

  async function handleStatic(response: ServerResponse, path: string): Promise<void> {
    const target = await resolveStaticPath(options.rendererDir, path);
    if (target.kind === 'refused') {
      log.warn(`HTTP bridge refused ${JSON.stringify(pathOf(path))}: ${target.reason}`);
      return sendText(response, 400, 'Bad request path.');
    }
    if (target.kind === 'missing') return sendText(response, 404, 'Not found.');
    let body: Buffer;
    try {
      body = await readFile(target.file);
    } catch (error) {
      log.error(`HTTP bridge cannot read ${target.file}: ${messageOf(error)}`);
      return sendText(response, 404, 'Not found.');
    }
    const type = contentTypeFor(target.file);
    const isHtml = type.startsWith('text/html');
    response.writeHead(200, {
      ...(isHtml ? HTML_HEADERS : COMMON_HEADERS),
      'Content-Type': type,
      'Content-Length': body.length,
      // Vite puts content hashes in asset names; index.html must always be re-read to pick up a new build.
      'Cache-Control': isHtml ? 'no-cache' : 'private, max-age=3600',
    });
    response.end(body);
  }

  const bound = await listen(server, host, port);
  const urlHost = host === '::1' ? '[::1]' : host;
  state.allowedHosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`, `${urlHost}:${bound}`]);
  state.allowedOrigins = new Set([...state.allowedHosts].map((h) => `http://${h}`));
  const origin = `http://${urlHost}:${bound}`;
  log.info(`HTTP bridge listening on ${origin}`);

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port: bound,
    token,
    close: () => (closing ??= closeServer(server)),
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      const reason =
        code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : code === 'EACCES'
            ? `permission denied to listen on port ${port}`
            : `cannot listen on ${host}:${port} (${code})`;
      reject(new BridgeListenError(reason, code, { cause: error }));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  cut.unref();
  await closed;
  clearTimeout(cut);
}

function unauthorized(response: ServerResponse): void {
  sendText(response, 401, 'Unauthorized: open the link that "tigerid serve" printed.');
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(`${text}\n`);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  response.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

function sendApiError(response: ServerResponse, status: number, error: ApiErrorDto): void {
  sendJson(response, status, { ok: false, error });
}

/** The path without its query: the token exchange carries the token in the query, and logs keep only paths. */
function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return (q === -1 ? raw : raw.slice(0, q)).slice(0, 300);
}

function redactingLogger(log: Logger, token: string): Logger {
  const clean = (message: string) => redactToken(message, token);
  return {
    debug: (m) => log.debug(clean(m)),
    info: (m) => log.info(clean(m)),
    warn: (m) => log.warn(clean(m)),
    error: (m) => log.error(clean(m)),
  };
}
