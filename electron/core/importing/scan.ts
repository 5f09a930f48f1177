import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { describeFileError } from '../images/file-access';
import { pathText } from './path-text';

/** Extensions worth opening. The content decides the format; the name only filters out sidecars and videos. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.tif', '.tiff', '.heic', '.heif'];

export interface ScannedFile {
  /** Absolute path as bytes: the only form that reopens a file whose name is not valid UTF-8. */
  bytes: Buffer;
  /** Absolute path as display text (see path-text.ts); also the file's key in import_files. */
  path: string;
  /** `bytes` when the path is not valid UTF-8, else null (media.path_raw). */
  raw: Buffer | null;
  /** Last path component as display text. */
  name: string;
}

export interface UnreadableEntry {
  path: string;
  message: string;
}

export interface ScanResult {
  /** Candidate images in a stable order (byte order of paths), so every run visits them identically. */
  files: ScannedFile[];
  /** Hidden files and folders (names starting with '.'), not descended into. */
  hidden: number;
  /** Files whose extension is not an image's (videos, sidecars, notes). */
  notImages: number;
  /** Folders that could not be listed: reported, and the rest of the tree is still scanned. */
  unreadable: UnreadableEntry[];
}

/**
 * Lists candidate image files under `folder`, recursively. Names are read as bytes (`encoding: 'buffer'`) so
 * non-UTF-8 names survive. Symbolic links are followed, each real folder visited once, so a link loop ends.
 */
export async function scanFolder(
  folder: string,
  onProgress?: (found: number) => void,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const result: ScanResult = { files: [], hidden: 0, notImages: 0, unreadable: [] };
  const visited = new Set<string>();
  const separator = Buffer.from(sep);
  const extensions = IMAGE_EXTENSIONS.map((ext) => Buffer.from(ext));

  const walk = async (dir: Buffer): Promise<void> => {
    if (signal?.aborted) return;
    let entries: Dirent<Buffer>[];
    try {
      const info = await stat(dir);
      const id = `${info.dev}:${info.ino}`;
      if (visited.has(id)) return;
      visited.add(id);
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      result.unreadable.push({
        path: pathText(dir).text,
        message: `Cannot list the folder: ${describeFileError(error)}.`,
      });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      if (entry.name[0] === 0x2e /* '.' */) {
        result.hidden += 1;
        continue;
      }
      const full = Buffer.concat([dir, separator, entry.name]);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(full);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          // A dangling link: count it with the non-images rather than fail the folder.
          result.notImages += 1;
          continue;
        }
      }
      if (isDirectory) {
        await walk(full);
      } else if (isFile && extensions.some((ext) => endsWithIgnoringCase(entry.name, ext))) {
        const text = pathText(full);
        result.files.push({ bytes: full, path: text.text, raw: text.raw, name: pathText(entry.name).text });
        onProgress?.(result.files.length);
      } else {
        result.notImages += 1;
      }
    }
  };

  await walk(Buffer.from(folder));
  return result;
}

function endsWithIgnoringCase(name: Buffer, suffix: Buffer): boolean {
  if (name.length <= suffix.length) return false;
  const tail = name.subarray(name.length - suffix.length);
  // ASCII case folding only: extensions are ASCII, and the bytes before them may not be text at all.
  return tail.every((byte, i) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte) === suffix[i]);
}
