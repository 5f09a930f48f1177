import sharp from 'sharp';
import { readMediaFile } from '../../images/media-file';
import type { CoreContext } from '../../context';
import { engineErrorAt, isEngineError, messageOf } from '../../errors';
import { cropRaw } from '../../images/crop';
import { decodeImage } from '../../images/decode';
import { describeFileError, isSystemError } from '../../images/file-access';
import type { RawImage } from '../../images/raw-image';
import { sha256Hex } from '../../sha256';
import type { PhotoRecord } from './report-data';

/**
 * The pictures of a match report, cut from the original photo files and checked against the SHA-256 recorded at
 * import: a report never shows a file that changed since the decision was made, and a missing or unreadable file
 * is reported in place of its picture rather than failing the whole report.
 */

/** Long side of the whole frame: printed about 4 in wide, that is ~290 dpi. */
export const FRAME_MAX_SIDE = 1200;
/** Long side of a crop: stripes stay countable when zoomed in. Small detections are not enlarged. */
export const CROP_MAX_SIDE = 900;
/** Frames are decoded at most this large before cropping, so a small tiger in a 24 MP frame keeps its stripes. */
const SOURCE_MAX_SIDE = 4096;
const JPEG_QUALITY = 88;

/** What reading a photo file found; part of the sealed content, so the seal covers what the pages say about it. */
export type PhotoCheck =
  | { status: 'verified' }
  | { status: 'missing' }
  | { status: 'changed'; actualSha256: string }
  | { status: 'unreadable'; reason: string };

export interface JpegPicture {
  /**
   * Crops are data URLs: PDFKit embeds a picture given as the same string once, however often it is drawn (a
   * candidate's best picture recurs on many pages). Frames appear once, so they stay Buffers, which PDFKit does
   * not keep after embedding them.
   */
  src: string | Buffer;
  width: number;
  height: number;
}

export type EvidencePicture =
  | { check: { status: 'verified' }; crop: JpegPicture; frame: JpegPicture | null }
  | { check: Exclude<PhotoCheck, { status: 'verified' }> };

/** Loads pictures for one report: crops are cut once per detection and reused wherever it is a candidate. */
export class EvidencePictures {
  private readonly crops = new Map<number, Promise<EvidencePicture>>();
  private readonly checks = new Map<number, PhotoCheck>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly cropPadding: number,
  ) {}

  /** A detection's crop (and its whole frame when asked for). */
  async load(photo: PhotoRecord, withFrame: boolean): Promise<EvidencePicture> {
    if (!withFrame) {
      let cached = this.crops.get(photo.detectionId);
      if (!cached) {
        cached = this.read(photo, false);
        this.crops.set(photo.detectionId, cached);
      }
      return cached;
    }
    const picture = await this.read(photo, true);
    // Only the crop is kept for reuse: frames are the bulk of a report and are drawn once.
    this.crops.set(
      photo.detectionId,
      Promise.resolve('crop' in picture ? { ...picture, frame: null } : picture),
    );
    return picture;
  }

  /** Every check made so far, by detection id. */
  results(): Map<number, PhotoCheck> {
    return this.checks;
  }

  private async read(photo: PhotoRecord, withFrame: boolean): Promise<EvidencePicture> {
    const picture = await readPicture(this.ctx, photo, this.cropPadding, withFrame);
    this.checks.set(photo.detectionId, picture.check);
    return picture;
  }
}

async function readPicture(
  ctx: CoreContext,
  photo: PhotoRecord,
  padding: number,
  withFrame: boolean,
): Promise<EvidencePicture> {
  const row = ctx.db.prepare('SELECT path, path_raw FROM media WHERE id = ?').get(photo.mediaId) as
    { path: string; path_raw: Buffer | null } | undefined;
  if (!row) return { check: { status: 'missing' } };
  let bytes: Buffer;
  try {
    bytes = await readMediaFile(row);
  } catch (error) {
    if (isSystemError(error) && error.code === 'ENOENT') return { check: { status: 'missing' } };
    return { check: { status: 'unreadable', reason: describeFileError(error) } };
  }
  const actual = sha256Hex(bytes);
  if (actual !== photo.mediaSha256) return { check: { status: 'changed', actualSha256: actual } };
  let image: RawImage;
  try {
    image = (await decodeImage(bytes, { maxSide: SOURCE_MAX_SIDE })).image;
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { check: { status: 'unreadable', reason: error.message } };
  }
  return {
    check: { status: 'verified' },
    crop: await jpeg(cropRaw(image, photo.box, padding), CROP_MAX_SIDE, 'data-url'),
    frame: withFrame ? await jpeg(image, FRAME_MAX_SIDE, 'buffer') : null,
  };
}

async function jpeg(image: RawImage, maxSide: number, as: 'data-url' | 'buffer'): Promise<JpegPicture> {
  const callSite = new Error();
  try {
    const { data, info } = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    const src = as === 'buffer' ? data : `data:image/jpeg;base64,${data.toString('base64')}`;
    return { src, width: info.width, height: info.height };
  } catch (error) {
    throw engineErrorAt(
      callSite,
      'IMAGE_DECODE_FAILED',
      `Could not encode a report picture: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}
