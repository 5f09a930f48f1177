import { messageOf, type EngineError, engineErrorAt } from '../errors';
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { fileUnreadable } from './file-access';
import type { RawImage } from './raw-image';
import { SNIFF_BYTES, sniffFormat, type SniffedFormat } from './sniff';

/** Formats this app decodes. GIF and BMP are refused: no camera trap writes them, and GIF is palette-limited. */
export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'heif' | 'avif';

/** Smaller frames carry no usable stripe pattern; such files are usually icons or broken thumbnails. */
export const MIN_IMAGE_SIDE = 32;
/** 100 MP is above any camera trap and most DSLRs, and its decoded RGB (300 MB) still fits in memory comfortably. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export type DecodeFailureReason = 'empty' | 'truncated' | 'not-an-image' | 'unsupported-format' | 'corrupt';

export interface DecodeOptions {
  /**
   * Shrink so that neither side exceeds this many pixels. For JPEG, libjpeg then decodes at 1/2, 1/4 or 1/8
   * scale directly ("shrink-on-load"), several times faster than a full decode followed by a resize.
   */
  maxSide?: number;
  /** Refuse images with more pixels than this, judged from the header before any pixel is decoded. */
  maxPixels?: number;
}

/** 3-channel 8-bit sRGB: the one pixel layout every later stage (thumbnails, crops, models) accepts. */
export type RgbImage = RawImage & { channels: 3 };

export interface DecodedImage {
  image: RgbImage;
  format: ImageFormat;
  /** Full-size dimensions after EXIF orientation, whatever `maxSide` shrank the pixels to. */
  originalWidth: number;
  originalHeight: number;
}

export interface ImageHeader {
  format: ImageFormat;
  /** Dimensions after EXIF orientation. */
  width: number;
  height: number;
}

/**
 * Whether this sharp build decodes HEVC-coded HEIF (iPhone "HEIC"). The prebuilt sharp binaries ship libheif
 * with the AV1 decoder only (patents), so usually only AVIF; a build against a system libvips may do both.
 */
export function canDecodeHeic(): boolean {
  return sharp.format.heif.input.fileSuffix?.includes('.heic') ?? false;
}

/**
 * Decodes a file (path) or its bytes (Buffer) into oriented 3-channel sRGB pixels: EXIF orientation applied,
 * CMYK and 16-bit converted, alpha dropped (camera traps never use it), greyscale expanded to three channels.
 *
 * Throws EngineError IMAGE_DECODE_FAILED (`details.reason`: empty, truncated, not-an-image, unsupported-format,
 * corrupt), IMAGE_TOO_SMALL, IMAGE_TOO_LARGE (from the header, before decoding) or FILE_UNREADABLE.
 */
export async function decodeImage(
  input: Buffer | string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const callSite = new Error();
  const maxPixels = checkPositiveInteger('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const maxSide =
    options.maxSide === undefined ? undefined : checkPositiveInteger('maxSide', options.maxSide);

  const header = await readImageHeaderAt(callSite, input, maxPixels);
  let pipeline = sharp(input, {
    autoOrient: true,
    limitInputPixels: maxPixels,
    // 'error' rejects truncated and undecodable data but tolerates libjpeg warnings such as "extraneous bytes
    // before marker", which many camera firmwares produce in otherwise perfect files.
    failOn: 'error',
  });
  if (maxSide !== undefined) {
    pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  }
  try {
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`the decoder produced ${info.channels} channels where 3 were expected`);
    }
    return {
      image: { data, width: info.width, height: info.height, channels: 3 },
      format: header.format,
      originalWidth: header.width,
      originalHeight: header.height,
    };
  } catch (error) {
    throw decodeFailure(callSite, header.format, error, input);
  }
}

/**
 * Reads format and oriented dimensions from the header only, refusing too-small and too-large images without
 * decoding a pixel: a 20000×20000 PNG is a few bytes of header but 1.2 GB of pixels.
 */
export async function readImageHeader(
  input: Buffer | string,
  options: Pick<DecodeOptions, 'maxPixels'> = {},
): Promise<ImageHeader> {
  const callSite = new Error();
  const maxPixels = checkPositiveInteger('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS);
  return readImageHeaderAt(callSite, input, maxPixels);
}

async function readImageHeaderAt(
  callSite: Error,
  input: Buffer | string,
  maxPixels: number,
): Promise<ImageHeader> {
  const head = typeof input === 'string' ? await readHead(input) : input.subarray(0, SNIFF_BYTES);
  if (head.length === 0) {
    throw failed(callSite, 'empty', 'The file is empty (0 bytes).');
  }
  const format = checkSupported(callSite, sniffFormat(head));

  let metadata: Metadata;
  try {
    // The pixel limit is ours to enforce with a clear message, so sharp's own (which also guards metadata()) is off.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeFailure(callSite, format, error, input);
  }
  const { width, height } = metadata.autoOrient;
  if (width * height > maxPixels) {
    throw engineErrorAt(
      callSite,
      'IMAGE_TOO_LARGE',
      `The image is ${width} × ${height} px (${pixelCount(width * height)}); the limit is ${pixelCount(maxPixels)}.`,
      { details: { width, height, maxPixels } },
    );
  }
  if (Math.min(width, height) < MIN_IMAGE_SIDE) {
    throw engineErrorAt(
      callSite,
      'IMAGE_TOO_SMALL',
      `The image is only ${width} × ${height} px; at least ${MIN_IMAGE_SIDE} px on each side is needed.`,
      { details: { width, height, minSide: MIN_IMAGE_SIDE } },
    );
  }
  return { format, width, height };
}

async function readHead(path: string): Promise<Buffer> {
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw fileUnreadable(path, error);
  }
}

const FORMAT_NAMES: Record<SniffedFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  tiff: 'TIFF',
  webp: 'WebP',
  heif: 'HEIC/HEIF',
  avif: 'AVIF',
  gif: 'GIF',
  bmp: 'BMP',
};

function checkSupported(callSite: Error, sniffed: SniffedFormat | undefined): ImageFormat {
  switch (sniffed) {
    case undefined:
      throw failed(
        callSite,
        'not-an-image',
        'The file is not an image: its content is not JPEG, PNG, TIFF, WebP or HEIF.',
      );
    case 'gif':
    case 'bmp':
      throw failed(
        callSite,
        'unsupported-format',
        `${FORMAT_NAMES[sniffed]} images are not supported; convert the file to JPEG or PNG.`,
      );
    case 'heif':
      if (!canDecodeHeic()) {
        throw failed(
          callSite,
          'unsupported-format',
          'HEIC/HEIF images cannot be decoded by this build (its image library has no HEVC decoder); convert the file to JPEG.',
        );
      }
      return sniffed;
    default:
      return sniffed;
  }
}

function decodeFailure(
  callSite: Error,
  format: ImageFormat,
  error: unknown,
  input: Buffer | string,
): EngineError {
  const native = messageOf(error);
  const name = FORMAT_NAMES[format];
  // libvips keeps its error text per thread and, with several decodes in flight, sometimes hands sharp
  // "Unknown error" instead; the file's own structure still tells a truncated file apart from a corrupt one.
  const detail = /^(unknown error)?$/i.test(native.trim())
    ? 'the decoder gave no detail'
    : `decoder: ${native}`;
  if (typeof input !== 'string' && lacksEndMarker(format, input)) {
    // Said without the decoder's text, so the same file always gets the same message (stored and compared).
    return failed(
      callSite,
      'truncated',
      `The ${name} file is truncated: it ends before its end-of-image marker (an interrupted copy?).`,
      error,
    );
  }
  if (/premature end|truncated|unexpected end|end of file|not enough data|read error/i.test(native)) {
    return failed(
      callSite,
      'truncated',
      `The ${name} file is truncated: it ends before the image data does (an interrupted copy?); ${detail}.`,
      error,
    );
  }
  if (/unsupported image format/i.test(native)) {
    return failed(
      callSite,
      'unsupported-format',
      `The ${name} file uses a variant this decoder cannot read; ${detail}.`,
      error,
    );
  }
  return failed(callSite, 'corrupt', `The ${name} image data is corrupt; ${detail}.`, error);
}

const JPEG_END = Buffer.from([0xff, 0xd9]);
const PNG_END = Buffer.from('IEND', 'latin1');

/**
 * Whether a JPEG or PNG lacks its end marker: the sure sign of a cut-off copy. A JPEG must end with EOI
 * (FF D9, which cannot occur inside entropy-coded data), ignoring the zero padding some cameras append; a PNG
 * with its IEND chunk. Other formats have no such marker and are judged by the decoder's message alone.
 */
function lacksEndMarker(format: ImageFormat, bytes: Buffer): boolean {
  if (format === 'jpeg') {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0x00) end -= 1;
    return !bytes.subarray(Math.max(0, end - 2), end).equals(JPEG_END);
  }
  if (format === 'png') return !bytes.subarray(Math.max(0, bytes.length - 64)).includes(PNG_END);
  return false;
}

function failed(callSite: Error, reason: DecodeFailureReason, message: string, cause?: unknown): EngineError {
  return engineErrorAt(callSite, 'IMAGE_DECODE_FAILED', message, { details: { reason }, cause });
}

function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Expected positive integer for ${name} but received ${String(value)} of type ${typeof value}`,
    );
  }
  return value;
}

function pixelCount(pixels: number): string {
  if (pixels < 100_000) return `${pixels} pixels`;
  const mp = pixels / 1_000_000;
  return `${mp >= 10 ? mp.toFixed(0) : mp.toFixed(1)} megapixels`;
}
