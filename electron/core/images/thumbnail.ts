import { messageOf, engineErrorAt } from '../errors';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DataPaths } from '../data-paths';
import type { RawImage } from './raw-image';

/** Longest side of a gallery thumbnail: crisp in a high-DPI grid of ~160 px tiles, small enough to load hundreds. */
export const THUMBNAIL_MAX_SIDE = 320;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface ThumbnailLocation {
  /** Where the file is on this machine. */
  absolute: string;
  /**
   * The same file relative to the data folder, with '/' separators: what the database stores, so a gallery
   * folder that is moved or restored from backup on another machine keeps working.
   */
  relative: string;
}

/** Content-addressed: thumbnails/<first two hex digits>/<sha256>.jpg, so 256 shards keep folders small. */
export function thumbnailLocation(paths: DataPaths, sha256: string): ThumbnailLocation {
  if (!SHA256_HEX.test(sha256)) {
    throw new TypeError(`Expected 64 lowercase hex digits for sha256 but received ${JSON.stringify(sha256)}`);
  }
  const shard = sha256.slice(0, 2);
  return {
    absolute: join(paths.thumbnails, shard, `${sha256}.jpg`),
    relative: `thumbnails/${shard}/${sha256}.jpg`,
  };
}

/**
 * Writes the JPEG thumbnail of already-decoded, already-oriented pixels, shrunk to THUMBNAIL_MAX_SIDE.
 * Written to a temporary name and renamed, so a reader (or a process killed mid-write) never leaves a half
 * file under the final name; because the name is the content hash, writing it again is harmless.
 */
export async function writeThumbnail(
  paths: DataPaths,
  sha256: string,
  image: RawImage,
): Promise<ThumbnailLocation> {
  const callSite = new Error();
  const location = thumbnailLocation(paths, sha256);
  let jpeg: Buffer;
  try {
    jpeg = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .resize({
        width: THUMBNAIL_MAX_SIDE,
        height: THUMBNAIL_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw engineErrorAt(
      callSite,
      'IMAGE_DECODE_FAILED',
      `Could not encode the thumbnail: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  await mkdir(join(paths.thumbnails, sha256.slice(0, 2)), { recursive: true });
  const temporary = `${location.absolute}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, jpeg);
    await rename(temporary, location.absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return location;
}
