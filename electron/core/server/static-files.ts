import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Content types of what a Vite build emits; anything else is served as bytes the browser will not sniff. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticTarget =
  /** A file inside the renderer folder. */
  | { kind: 'file'; file: string }
  /** No such file and the path looks like a client-side route: serve index.html (single-page app). */
  | { kind: 'spa'; file: string }
  /** No such file and the path names a file (it has an extension). */
  | { kind: 'missing' }
  /** Malformed or climbing out of the renderer folder: refused, never looked up. */
  | { kind: 'refused'; reason: string };

/**
 * Maps a URL path (still percent-encoded, without query) to a file under `rendererDir`, for the HTTP bridge and
 * the app:// protocol alike. Any `..` segment, encoded or not, any backslash or NUL is refused outright rather
 * than normalised away: a request that tries to climb is hostile, and answering it with index.html would hide that.
 */
export async function resolveStaticPath(rendererDir: string, urlPath: string): Promise<StaticTarget> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused', reason: 'malformed percent-encoding' };
  }
  if (!decoded.startsWith('/')) return { kind: 'refused', reason: 'the path must start with /' };
  if (decoded.includes('\0') || decoded.includes('\\'))
    return { kind: 'refused', reason: 'NUL or backslash in path' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.'))
    return { kind: 'refused', reason: 'dot segment in path' };

  const root = resolve(rendererDir);
  const wanted = resolve(root, `.${decoded}`);
  const inside = relative(root, wanted);
  // Belt and braces after the segment check: the resolved file must still be under the renderer folder.
  if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { kind: 'refused', reason: 'path outside the renderer folder' };
  }
  const candidate = inside === '' || decoded.endsWith('/') ? join(wanted, 'index.html') : wanted;
  if (await isFile(candidate)) return { kind: 'file', file: candidate };
  const last = segments[segments.length - 1] ?? '';
  if (extname(last) !== '') return { kind: 'missing' };
  return { kind: 'spa', file: join(root, 'index.html') };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
