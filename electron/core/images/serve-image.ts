import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import sharp from 'sharp';
import type { CoreContext } from '../context';
import { EngineError, engineErrorAt, messageOf } from '../errors';
import { getSetting } from '../settings';
import { boxOf, cropRaw, type BoxColumns } from './crop';
import { decodeImage } from './decode';
import { describeFileError, isSystemError } from './file-access';
import { readMediaFile } from './media-file';
import type { RawImage } from './raw-image';
import { THUMBNAIL_MAX_SIDE } from './thumbnail';

/** Longest side of a full photo sent to the UI: sharper than any screen shows in the viewer, a fraction of 12 MP. */
export const FULL_MAX_SIDE = 2048;
/** Longest side of a detection crop: enough to compare stripes side by side. */
export const CROP_MAX_SIDE = 1024;
/**
 * Frames are decoded at most this large before a crop is cut, so a small tiger in a 24 MP frame keeps its stripes
 * while libjpeg can still shrink-on-load the huge ones.
 */
const CROP_SOURCE_MAX_SIDE = 4096;
const JPEG_QUALITY = 85;

export interface RenderedImage {
  contentType: 'image/jpeg';
  body: Buffer;
}

interface MediaRow {
  id: number;
  path: string;
  path_raw: Buffer | null;
  thumbnail_path: string | null;
}

interface DetectionRow extends MediaRow, BoxColumns {}

type ImageRoute =
  | { kind: 'thumbnail'; mediaId: number }
  | { kind: 'full'; mediaId: number }
  | { kind: 'crop'; detectionId: number };

// The paths of `imagePaths` in api.ts; anything else (query strings included) is not an image route.
const MEDIA_ROUTE = /^\/images\/media\/([1-9][0-9]{0,15})\/(thumbnail|full)$/;
const CROP_ROUTE = /^\/images\/detections\/([1-9][0-9]{0,15})\/crop$/;

/** Which image a URL path names, or undefined when it is not one of `imagePaths`. */
export function parseImagePath(path: string): ImageRoute | undefined {
  const media = MEDIA_ROUTE.exec(path);
  if (media) {
    const mediaId = Number(media[1]);
    if (!Number.isSafeInteger(mediaId)) return undefined;
    return media[2] === 'thumbnail' ? { kind: 'thumbnail', mediaId } : { kind: 'full', mediaId };
  }
  const crop = CROP_ROUTE.exec(path);
  if (crop) {
    const detectionId = Number(crop[1]);
    return Number.isSafeInteger(detectionId) ? { kind: 'crop', detectionId } : undefined;
  }
  return undefined;
}

/**
 * Renders the image behind one of `imagePaths` as JPEG. The HTTP bridge and Electron's app:// protocol both
 * call this, so the browser and the desktop window always see the same pixels.
 *
 * Returns null for a path that is not an image route or an id that is not in the gallery. Throws EngineError
 * FILE_UNREADABLE when the photo file has vanished or cannot be read, IMAGE_DECODE_FAILED when it no longer decodes.
 */
export async function renderImage(ctx: CoreContext, path: string): Promise<RenderedImage | null> {
  const route = parseImagePath(path);
  if (!route) return null;
  switch (route.kind) {
    case 'thumbnail': {
      const row = mediaRow(ctx, route.mediaId);
      return row ? thumbnail(ctx, row) : null;
    }
    case 'full': {
      const row = mediaRow(ctx, route.mediaId);
      return row ? jpegOf(await decodePhoto(row, FULL_MAX_SIDE), FULL_MAX_SIDE) : null;
    }
    case 'crop': {
      const row = detectionRow(ctx, route.detectionId);
      if (!row) return null;
      const frame = await decodePhoto(row, CROP_SOURCE_MAX_SIDE);
      // The padding the matchers use (5 % by default), so the reviewer sees what was compared. A whole-frame
      // detection (0,0,1,1) is clipped to the frame and so gives the whole frame.
      const padding = getSetting(ctx, 'detection.cropPadding');
      const box = boxOf(row);
      return jpegOf(cropRaw(frame, box, padding), CROP_MAX_SIDE);
    }
  }
}

function mediaRow(ctx: CoreContext, mediaId: number): MediaRow | undefined {
  return ctx.db.prepare('SELECT id, path, path_raw, thumbnail_path FROM media WHERE id = ?').get(mediaId) as
    MediaRow | undefined;
}

function detectionRow(ctx: CoreContext, detectionId: number): DetectionRow | undefined {
  return ctx.db
    .prepare(
      `SELECT m.id, m.path, m.path_raw, m.thumbnail_path, d.box_x, d.box_y, d.box_w, d.box_h
         FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?`,
    )
    .get(detectionId) as DetectionRow | undefined;
}

/**
 * The stored thumbnail (media.thumbnail_path is relative to the data folder, '/'-separated). A gallery restored
 * without its thumbnails folder still shows pictures: the thumbnail is rendered from the photo instead, loudly.
 */
async function thumbnail(ctx: CoreContext, row: MediaRow): Promise<RenderedImage> {
  if (row.thumbnail_path !== null) {
    const file = resolve(ctx.paths.root, row.thumbnail_path);
    // The database is ours, but a path that climbs out of the data folder is never served.
    const inside = relative(ctx.paths.root, file);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new EngineError(
        'FILE_UNREADABLE',
        `The thumbnail path of photo ${row.id} points outside the data folder.`,
      );
    }
    try {
      return { contentType: 'image/jpeg', body: await readFile(file) };
    } catch (error) {
      if (!isSystemError(error) || error.code !== 'ENOENT')
        throw unreadable(`The thumbnail of photo ${row.id}`, error);
      ctx.log.warn(
        `Thumbnail of photo ${row.id} is missing (${row.thumbnail_path}); rendering it from the photo.`,
      );
    }
  }
  return jpegOf(await decodePhoto(row, THUMBNAIL_MAX_SIDE), THUMBNAIL_MAX_SIDE);
}

/** Oriented sRGB pixels of the photo, read by its raw path bytes when the name is not valid UTF-8. */
async function decodePhoto(row: MediaRow, maxSide: number): Promise<RawImage> {
  let bytes: Buffer;
  try {
    bytes = await readMediaFile(row);
  } catch (error) {
    throw unreadable(`Photo ${row.path}`, error);
  }
  return (await decodeImage(bytes, { maxSide })).image;
}

async function jpegOf(image: RawImage, maxSide: number): Promise<RenderedImage> {
  const callSite = new Error();
  try {
    const body = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
    return { contentType: 'image/jpeg', body };
  } catch (error) {
    throw engineErrorAt(callSite, 'IMAGE_DECODE_FAILED', `Could not encode the image: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function unreadable(what: string, error: unknown): EngineError {
  return new EngineError('FILE_UNREADABLE', `${what} cannot be read: ${describeFileError(error)}.`, {
    cause: error,
    ...(isSystemError(error) ? { details: { errno: error.code } } : {}),
  });
}
