import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a photo is, for media.filePath. The standard's filePath is a URL or a path inside the package; the
 * gallery's photos stay where they were imported from, so they are given as file: URLs (and filePublic false).
 */
export function galleryFileUrl(path: string, raw: Buffer | null): string {
  if (raw === null) return pathToFileURL(path).href;
  // A name that is not UTF-8: its file: URL percent-encodes the bytes themselves.
  let encoded = '';
  for (const byte of raw) {
    const c = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `file://${encoded}`;
}

/** A package row's relative filePath pointed into that package's folder; in another package it must say so. */
export function packageFileUrl(filePath: string, packageFolder: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(filePath) || isAbsolute(filePath) || packageFolder === undefined)
    return filePath;
  return pathToFileURL(resolve(packageFolder, filePath)).href;
}
