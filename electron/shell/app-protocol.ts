import { readFile } from 'node:fs/promises';
import type { CoreContext } from '../core/context';
import { isEngineError, messageOf } from '../core/errors';
import { renderImage } from '../core/images/serve-image';
import type { Logger } from '../core/log';
import { httpStatusOfError } from '../core/server/http-status';
import { COMMON_HEADERS, HTML_HEADERS } from '../core/server/security-headers';
import { contentTypeFor, resolveStaticPath, type StaticTarget } from '../core/server/static-files';
import { APP_SCHEME, isAppUrl } from './app-origin';

/**
 * How app:// is registered (before the app is ready): standard (relative URLs and a real origin), secure (like
 * https, so the CSP 'self' and secure-context APIs work), fetch-capable. No CORS and no service workers: nothing
 * but our own page loads from it.
 */
export const APP_SCHEME_PRIVILEGES = [
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
  },
];

/**
 * Maps an app:// URL to a file of the built renderer. Anything not on app://tiger-id, any `..` (encoded or not),
 * backslash or NUL is refused; unknown routes without an extension get index.html (the renderer routes itself).
 */
export async function resolveAppPath(rendererDir: string, url: string): Promise<StaticTarget> {
  if (!isAppUrl(url)) return { kind: 'refused', reason: 'not an app://tiger-id URL' };
  // The path as it arrived, still percent-encoded: resolveStaticPath decodes once and checks what it decoded.
  const afterHost = url.slice(url.indexOf('//') + 2);
  const slash = afterHost.indexOf('/');
  const rawPath = slash === -1 ? '/' : (afterHost.slice(slash).split(/[?#]/)[0] ?? '/');
  return resolveStaticPath(rendererDir, rawPath);
}

export interface AppProtocolOptions {
  rendererDir: string;
  ctx: CoreContext;
  log: Logger;
}

/**
 * The handler for `protocol.handle('app', ...)`: the built renderer and the image routes of api.ts, with the same
 * headers as the HTTP bridge. Uses only the Fetch API's Request/Response, so tests run it in plain Node.
 */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed.');
    const target = await resolveAppPath(options.rendererDir, request.url);
    if (target.kind === 'refused') {
      options.log.warn(`app:// refused ${JSON.stringify(request.url.slice(0, 200))}: ${target.reason}`);
      return text(400, 'Bad request path.');
    }
    const path = new URL(request.url).pathname;
    if (path.startsWith('/images/')) return image(options, path);
    if (target.kind === 'missing') return text(404, 'Not found.');
    try {
      const body = await readFile(target.file);
      const type = contentTypeFor(target.file);
      const headers = type.startsWith('text/html') ? HTML_HEADERS : COMMON_HEADERS;
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: { ...headers, 'Content-Type': type },
      });
    } catch (error) {
      options.log.error(`app:// cannot read ${target.file}: ${messageOf(error)}`);
      return text(404, 'Not found.');
    }
  };
}

async function image(options: AppProtocolOptions, path: string): Promise<Response> {
  try {
    const rendered = await renderImage(options.ctx, path);
    if (!rendered) return text(404, 'No such image.');
    return new Response(new Uint8Array(rendered.body), {
      status: 200,
      headers: {
        ...COMMON_HEADERS,
        'Content-Type': rendered.contentType,
        'Cache-Control': 'private, max-age=60',
      },
    });
  } catch (error) {
    if (!isEngineError(error)) {
      options.log.error(`app:// image ${path} failed: ${(error as Error)?.stack ?? messageOf(error)}`);
      return text(500, 'Internal error; it was logged.');
    }
    return text(
      httpStatusOfError({ type: 'EngineError', code: error.code }),
      `${error.message} [${error.code}]`,
    );
  }
}

function text(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
