import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/**
 * Images made on the fly by the tests themselves, so no test depends on files outside the repository.
 * Pixel values are deterministic: the same call gives the same bytes (and the same SHA-256) every time.
 */

/** Smooth gradient with a seed-dependent twist: compresses realistically and differs per seed. */
export function gradientPixels(width: number, height: number, seed = 0): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = (seed * 37 + ((x * y) % 97)) % 256;
    }
  }
  return data;
}

export function jpeg(width: number, height: number, seed = 0): Promise<Buffer> {
  return sharp(gradientPixels(width, height, seed), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export function png(width: number, height: number, seed = 0): Promise<Buffer> {
  return sharp(gradientPixels(width, height, seed), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export function tiff(width: number, height: number, seed = 0): Promise<Buffer> {
  return sharp(gradientPixels(width, height, seed), { raw: { width, height, channels: 3 } })
    .tiff({ compression: 'lzw' })
    .toBuffer();
}

/** A solid colour, stored as CMYK JPEG (as print workflows and some scanners write). */
export function cmykJpeg(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .toColourspace('cmyk')
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** A 16-bit-per-channel PNG whose left half is full white (65535) and right half black. */
export function png16(width: number, height: number): Promise<Buffer> {
  // A Uint16Array tells sharp the raw samples are 16-bit ('ushort').
  const data = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) data.fill(65535, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toBuffer();
}

/** A one-channel greyscale PNG. */
export function greyPng(width: number, height: number, level: number): Promise<Buffer> {
  return sharp(Buffer.alloc(width * height, level), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** An RGBA PNG, half transparent. */
export function rgbaPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .toBuffer();
}

export function gif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .gif()
    .toBuffer();
}

/** The first `fraction` of a file, as an interrupted copy leaves it. */
export function truncate(bytes: Buffer, fraction: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/**
 * A small valid PNG whose header claims `width` × `height`. Any decoder that trusted the header would try to
 * allocate width*height*3 bytes; the importer must refuse it from the header alone.
 */
export async function pngClaimingSize(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await png(64, 64));
  // IHDR is the first chunk: length(4) 'IHDR'(4) width(4) height(4) ... crc over type+data at offset 29.
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)) >>> 0, 29);
  return bytes;
}

/** The start of an iPhone HEIC file: an ISO-BMFF 'ftyp' box with brand 'heic'. */
export function heicHeader(): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypheic', 4, 'latin1');
  box.writeUInt32BE(0, 12);
  box.write('mif1heic', 16, 'latin1');
  return Buffer.concat([box, Buffer.alloc(200)]);
}

export const UPRIGHT = { width: 64, height: 40, marker: 16 } as const;
export type Rgb = [number, number, number];
const RED: Rgb = [230, 20, 20];
const GREEN: Rgb = [20, 200, 20];
const BLUE: Rgb = [20, 20, 220];

/** Colour of the upright picture: red block top-left, green block top-right, blue elsewhere. */
function uprightColour(x: number, y: number): Rgb {
  const { width, marker } = UPRIGHT;
  if (y < marker && x < marker) return RED;
  if (y < marker && x >= width - marker) return GREEN;
  return BLUE;
}

/**
 * A JPEG whose stored pixels are laid out so that applying EXIF `orientation` shows the upright picture.
 * The mapping from stored (sx, sy) to displayed (dx, dy) is written out from the EXIF specification here,
 * independently of sharp, so the test checks sharp's rotation rather than repeating it.
 */
export function orientedJpeg(orientation: number): Promise<Buffer> {
  const swapped = orientation >= 5;
  const sw = swapped ? UPRIGHT.height : UPRIGHT.width;
  const sh = swapped ? UPRIGHT.width : UPRIGHT.height;
  const data = Buffer.alloc(sw * sh * 3);
  for (let sy = 0; sy < sh; sy++) {
    for (let sx = 0; sx < sw; sx++) {
      const [dx, dy] = displayed(orientation, sx, sy, sw, sh);
      data.set(uprightColour(dx, dy), (sy * sw + sx) * 3);
    }
  }
  return sharp(data, { raw: { width: sw, height: sh, channels: 3 } })
    .withMetadata({ orientation })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

function displayed(orientation: number, sx: number, sy: number, sw: number, sh: number): [number, number] {
  switch (orientation) {
    case 1:
      return [sx, sy];
    case 2: // mirrored horizontally
      return [sw - 1 - sx, sy];
    case 3: // rotated 180
      return [sw - 1 - sx, sh - 1 - sy];
    case 4: // mirrored vertically
      return [sx, sh - 1 - sy];
    case 5: // transposed: stored row 0 is the left column
      return [sy, sx];
    case 6: // needs 90° clockwise: stored row 0 is the right column
      return [sh - 1 - sy, sx];
    case 7: // transversed: stored row 0 is the right column, stored column 0 the bottom row
      return [sh - 1 - sy, sw - 1 - sx];
    case 8: // needs 90° anticlockwise: stored row 0 is the left column, stored column 0 the bottom row
      return [sy, sw - 1 - sx];
    default:
      throw new RangeError(`Expected EXIF orientation 1 to 8 but received ${orientation}`);
  }
}

/** The colour at (x, y) of 3-channel pixels. */
export function pixelAt(image: { data: Buffer; width: number; channels: number }, x: number, y: number): Rgb {
  const i = (y * image.width + x) * image.channels;
  return [image.data[i] ?? -1, image.data[i + 1] ?? -1, image.data[i + 2] ?? -1];
}

/** Whether two colours are within `tolerance` on every channel (JPEG is lossy). */
export function near(actual: Rgb, expected: Rgb, tolerance = 40): boolean {
  return actual.every((value, i) => Math.abs(value - (expected[i] ?? 0)) <= tolerance);
}

export const COLOURS = { RED, GREEN, BLUE };

/** A JPEG carrying the EXIF fields the importer reads, written by sharp's withExif. */
export function jpegWithExif(fields: {
  make?: string;
  model?: string;
  serial?: string;
  dateTimeOriginal?: string;
  offsetTimeOriginal?: string;
  gps?: { latitude: number; longitude: number };
}): Promise<Buffer> {
  const ifd0: Record<string, string> = {};
  const ifd2: Record<string, string> = {};
  const ifd3: Record<string, string> = {};
  if (fields.make) ifd0.Make = fields.make;
  if (fields.model) ifd0.Model = fields.model;
  if (fields.serial) ifd2.BodySerialNumber = fields.serial;
  if (fields.dateTimeOriginal) ifd2.DateTimeOriginal = fields.dateTimeOriginal;
  if (fields.offsetTimeOriginal) ifd2.OffsetTimeOriginal = fields.offsetTimeOriginal;
  if (fields.gps) {
    ifd3.GPSLatitudeRef = fields.gps.latitude < 0 ? 'S' : 'N';
    ifd3.GPSLatitude = dms(Math.abs(fields.gps.latitude));
    ifd3.GPSLongitudeRef = fields.gps.longitude < 0 ? 'W' : 'E';
    ifd3.GPSLongitude = dms(Math.abs(fields.gps.longitude));
  }
  return sharp(gradientPixels(96, 64, 7), { raw: { width: 96, height: 64, channels: 3 } })
    .withExif({ IFD0: ifd0, IFD2: ifd2, IFD3: ifd3 })
    .jpeg()
    .toBuffer();
}

/** Degrees as EXIF rationals "d/1 m/1 s/100", as libvips parses them. */
function dms(value: number): string {
  const degrees = Math.floor(value);
  const minutesFull = (value - degrees) * 60;
  const minutes = Math.floor(minutesFull);
  const hundredthsOfSeconds = Math.round((minutesFull - minutes) * 60 * 100);
  return `${degrees}/1 ${minutes}/1 ${hundredthsOfSeconds}/100`;
}
