import { open, type FileHandle } from 'node:fs/promises';
import type { CoreContext } from '../context';
import { EngineError, type ErrorCode } from '../errors';
import { decodeImage, type DecodedImage } from '../images/decode';
import { fileUnreadable } from '../images/file-access';
import { readPhotoMetadata } from '../images/metadata';
import { THUMBNAIL_MAX_SIDE, writeThumbnail } from '../images/thumbnail';
import type { ImportStore, NewMedia } from './import-store';
import type { ScannedFile } from './scan';
import { sha256Hex } from '../sha256';

/** Bigger files are refused before reading: even a 100 MP 16-bit TIFF is well under this. */
export const MAX_FILE_BYTES = 1024 ** 3;

/** The slow, parallel half of importing one file; the commit (fast, in scan order) is the caller's. */
export type PreparedFile =
  | { kind: 'image'; file: ScannedFile; media: NewMedia }
  | { kind: 'duplicate'; file: ScannedFile; mediaId: number }
  | { kind: 'failed'; file: ScannedFile; code: ErrorCode; message: string };

/**
 * Reads, hashes and decodes one file, reads its EXIF and writes its thumbnail. Problems with the file itself
 * (unreadable, not an image, corrupt, too big or small) come back as 'failed' for the report; problems with our
 * own data folder (disk full writing the thumbnail) are thrown, because every later file would fail the same way.
 */
export async function prepareFile(
  ctx: CoreContext,
  store: ImportStore,
  file: ScannedFile,
  options: { maxPixels?: number },
): Promise<PreparedFile> {
  let content: Buffer;
  try {
    content = await readWhole(file);
  } catch (error) {
    return failure(file, error);
  }
  const sha256 = sha256Hex(content);
  const existing = store.mediaIdBySha(sha256);
  if (existing !== undefined) return { kind: 'duplicate', file, mediaId: existing };

  let decoded: DecodedImage;
  try {
    // Decoding straight to thumbnail size still runs the whole file through the decoder (so truncated or
    // corrupt data is caught now, not at analysis time) but lets libjpeg shrink on load: a fraction of the cost.
    decoded = await decodeImage(content, { maxSide: THUMBNAIL_MAX_SIDE, maxPixels: options.maxPixels });
  } catch (error) {
    return failure(file, error);
  }
  const [metadata, thumbnail] = await Promise.all([
    readPhotoMetadata(content, ctx.log),
    writeThumbnail(ctx.paths, sha256, decoded.image),
  ]);
  return {
    kind: 'image',
    file,
    media: {
      sha256,
      path: file.path,
      pathRaw: file.raw,
      fileName: file.name,
      byteSize: content.length,
      // Oriented dimensions: what every box, crop and screen in the app refers to.
      width: decoded.originalWidth,
      height: decoded.originalHeight,
      format: decoded.format,
      thumbnailPath: thumbnail.relative,
      ...metadata,
    },
  };
}

async function readWhole(file: ScannedFile): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    // Opened by its bytes: the display text of a non-UTF-8 name does not name the file.
    handle = await open(file.bytes, 'r');
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) {
      throw new EngineError(
        'IMAGE_TOO_LARGE',
        `The file is ${(size / 1024 ** 3).toFixed(1)} GB; files over ${MAX_FILE_BYTES / 1024 ** 3} GB are not imported.`,
        { details: { byteSize: size, maxBytes: MAX_FILE_BYTES } },
      );
    }
    return await handle.readFile();
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw fileUnreadable(file.path, error);
  } finally {
    await handle?.close();
  }
}

function failure(file: ScannedFile, error: unknown): PreparedFile {
  if (error instanceof EngineError) return { kind: 'failed', file, code: error.code, message: error.message };
  throw error;
}
