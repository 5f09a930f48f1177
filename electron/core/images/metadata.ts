import exifr from 'exifr';
import { z } from 'zod';
import { messageOf } from '../errors';
import { silentLogger, type Logger } from '../log';

/** What a photo says about when, where and with which camera it was taken. Every field may be unknown. */
export interface PhotoMetadata {
  /**
   * Capture time as ISO 8601 text. EXIF stores local wall-clock time without a zone; unless the camera also
   * wrote OffsetTimeOriginal we keep it zone-less ("2024-03-05T14:22:10") rather than invent one: assuming
   * the importing computer's zone would shift every photo by hours. With an offset: "2024-03-05T14:22:10+05:30".
   */
  capturedAt: string | null;
  latitude: number | null;
  longitude: number | null;
  cameraMake: string | null;
  cameraModel: string | null;
  cameraSerial: string | null;
}

export const NO_METADATA: PhotoMetadata = Object.freeze({
  capturedAt: null,
  latitude: null,
  longitude: null,
  cameraMake: null,
  cameraModel: null,
  cameraSerial: null,
});

// exifr's names: it calls tag 0xA431 (EXIF BodySerialNumber) "SerialNumber" and 0xC62F "CameraSerialNumber".
const SERIAL_TAGS = [
  'BodySerialNumber',
  'SerialNumber',
  'InternalSerialNumber',
  'CameraSerialNumber',
] as const;
const PICKED_TAGS = [
  'DateTimeOriginal',
  'OffsetTimeOriginal',
  'CreateDate',
  'OffsetTimeDigitized',
  'Make',
  'Model',
  ...SERIAL_TAGS,
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
];

// Each field falls back to undefined on its own, so one malformed tag never discards the others.
const text = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).replace(/\0/g, '').trim())
  .optional()
  .catch(undefined);
const coordinate = z.number().finite().optional().catch(undefined);

const exifSchema = z.object({
  DateTimeOriginal: text,
  OffsetTimeOriginal: text,
  CreateDate: text,
  OffsetTimeDigitized: text,
  Make: text,
  Model: text,
  BodySerialNumber: text,
  SerialNumber: text,
  InternalSerialNumber: text,
  CameraSerialNumber: text,
  latitude: coordinate,
  longitude: coordinate,
});

/**
 * Reads capture time, GPS position and camera identity from EXIF. Missing EXIF is normal (PNGs, edited
 * exports) and corrupt EXIF is common in cheap camera traps: both give nulls and a debug line, never an error,
 * because the pixels are still worth importing.
 */
export async function readPhotoMetadata(
  input: Buffer | string,
  log: Logger = silentLogger,
): Promise<PhotoMetadata> {
  let raw: unknown;
  try {
    // reviveValues off keeps dates as the camera's text: exifr would otherwise parse them in the process's zone.
    raw = await exifr.parse(input, { pick: PICKED_TAGS, reviveValues: false });
  } catch (error) {
    log.debug(`No readable EXIF in ${label(input)}: ${messageOf(error)}`);
    return NO_METADATA;
  }
  if (raw === undefined || raw === null) return NO_METADATA;
  const parsed = exifSchema.safeParse(raw);
  if (!parsed.success) return NO_METADATA;
  const exif = parsed.data;
  if (typeof raw === 'object' && 'errors' in raw) {
    log.debug(`Partly corrupt EXIF in ${label(input)}; kept the readable tags.`);
  }

  const serial = SERIAL_TAGS.map((tag) => exif[tag]).find((value) => value !== undefined && value !== '');
  return {
    capturedAt:
      exifDateTime(exif.DateTimeOriginal, exif.OffsetTimeOriginal) ??
      exifDateTime(exif.CreateDate, exif.OffsetTimeDigitized),
    ...gpsPosition(exif.latitude, exif.longitude),
    cameraMake: nonEmpty(exif.Make),
    cameraModel: nonEmpty(exif.Model),
    cameraSerial: nonEmpty(serial),
  };
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const EXIF_OFFSET = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

/** "2024:03:05 14:22:10" -> "2024-03-05T14:22:10"; null for blanks and the "0000:00:00" of unset clocks. */
export function exifDateTime(value: string | undefined, offset?: string): string | null {
  const match = value === undefined ? null : EXIF_DATE.exec(value);
  if (!match) return null;
  const part = (index: number) => Number(match[index]);
  const valid =
    part(1) >= 1970 &&
    part(2) >= 1 &&
    part(2) <= 12 &&
    part(3) >= 1 &&
    part(3) <= 31 &&
    part(4) <= 23 &&
    part(5) <= 59 &&
    // 60: EXIF allows a leap second.
    part(6) <= 60;
  if (!valid) return null;
  const local = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`;
  return offset !== undefined && EXIF_OFFSET.test(offset) ? `${local}${offset}` : local;
}

function gpsPosition(
  latitude: number | undefined,
  longitude: number | undefined,
): { latitude: number | null; longitude: number | null } {
  const valid =
    latitude !== undefined &&
    longitude !== undefined &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180 &&
    // 0,0 is what GPS-less firmwares write into the GPS tags; no tiger lives in the Gulf of Guinea.
    !(latitude === 0 && longitude === 0);
  return valid ? { latitude, longitude } : { latitude: null, longitude: null };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function label(input: Buffer | string): string {
  return typeof input === 'string' ? input : 'image buffer';
}
