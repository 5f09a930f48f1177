import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../electron/core/log';
import { exifDateTime, NO_METADATA, readPhotoMetadata } from '../../electron/core/images/metadata';
import * as fixtures from '../support/image-fixtures';

describe('readPhotoMetadata', () => {
  it('reads capture time, GPS and camera make/model/serial from EXIF written by sharp', async () => {
    const bytes = await fixtures.jpegWithExif({
      make: 'RECONYX',
      model: 'HyperFire 2',
      serial: 'H2X-0042-7781',
      dateTimeOriginal: '2023:11:02 05:41:09',
      gps: { latitude: 21.5123, longitude: 79.2567 },
    });
    const metadata = await readPhotoMetadata(bytes);
    expect(metadata).toMatchObject({
      // No offset tag: kept as the camera's local wall-clock time, with no zone invented.
      capturedAt: '2023-11-02T05:41:09',
      cameraMake: 'RECONYX',
      cameraModel: 'HyperFire 2',
      cameraSerial: 'H2X-0042-7781',
    });
    expect(metadata.latitude).toBeCloseTo(21.5123, 5);
    expect(metadata.longitude).toBeCloseTo(79.2567, 5);
  });

  it('adds the offset when the camera recorded OffsetTimeOriginal, and signs southern/western positions', async () => {
    const bytes = await fixtures.jpegWithExif({
      dateTimeOriginal: '2024:03:05 14:22:10',
      offsetTimeOriginal: '+05:30',
      gps: { latitude: -8.25, longitude: -60.5 },
    });
    const metadata = await readPhotoMetadata(bytes);
    expect(metadata.capturedAt).toBe('2024-03-05T14:22:10+05:30');
    expect(metadata.latitude).toBeCloseTo(-8.25, 5);
    expect(metadata.longitude).toBeCloseTo(-60.5, 5);
    expect(metadata.cameraMake).toBeNull();
    expect(metadata.cameraSerial).toBeNull();
  });

  it('gives all nulls, not an error, for an image without EXIF', async () => {
    expect(await readPhotoMetadata(await fixtures.png(40, 40))).toEqual(NO_METADATA);
    expect(await readPhotoMetadata(await fixtures.jpeg(40, 40))).toEqual(NO_METADATA);
  });

  it('gives all nulls and a debug line for bytes that are not an image', async () => {
    const log = memoryLogger();
    expect(await readPhotoMetadata(Buffer.from('not an image at all'), log)).toEqual(NO_METADATA);
    expect(log.lines.some((line) => line.startsWith('debug: No readable EXIF'))).toBe(true);
  });

  it('survives corrupt EXIF', async () => {
    const bytes = Buffer.from(
      await fixtures.jpegWithExif({ make: 'Bushnell', dateTimeOriginal: '2022:01:01 00:00:00' }),
    );
    // Overwrite the IFD entries just after the TIFF header inside the APP1 segment.
    const tiffStart = bytes.indexOf(Buffer.from('Exif\0\0')) + 6;
    bytes.fill(0xab, tiffStart + 8, tiffStart + 80);
    await expect(readPhotoMetadata(bytes)).resolves.toBeTypeOf('object');
  });
});

describe('exifDateTime', () => {
  it.each([
    ['2023:11:02 05:41:09', undefined, '2023-11-02T05:41:09'],
    ['2023:11:02 05:41:09', '-03:00', '2023-11-02T05:41:09-03:00'],
    ['2023:11:02 05:41:09', 'garbage', '2023-11-02T05:41:09'],
    ['0000:00:00 00:00:00', undefined, null],
    ['    :  :     :  :  ', undefined, null],
    ['2023:13:02 05:41:09', undefined, null],
    [undefined, undefined, null],
  ])('%s %s -> %s', (value, offset, expected) => {
    expect(exifDateTime(value, offset)).toBe(expected);
  });
});
