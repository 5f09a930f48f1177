import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { canDecodeHeic, decodeImage, readImageHeader } from '../../electron/core/images/decode';
import * as fixtures from '../support/image-fixtures';
import { tempDir } from '../support/temp-dir';

/** Runs `work`, expecting an EngineError; returns it for further checks. */
async function engineError(work: Promise<unknown>): Promise<EngineError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('decodeImage', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('decodes a JPEG buffer to 3-channel 8-bit pixels with its dimensions', async () => {
    const decoded = await decodeImage(await fixtures.jpeg(120, 80));
    expect(decoded.format).toBe('jpeg');
    expect(decoded.image).toMatchObject({ width: 120, height: 80, channels: 3 });
    expect(decoded.image.data.length).toBe(120 * 80 * 3);
    expect([decoded.originalWidth, decoded.originalHeight]).toEqual([120, 80]);
  });

  it('decodes from a path, for PNG and TIFF too', async () => {
    const pngPath = join(dir.path, 'a.png');
    const tiffPath = join(dir.path, 'b.tif');
    writeFileSync(pngPath, await fixtures.png(50, 40));
    writeFileSync(tiffPath, await fixtures.tiff(50, 40));
    expect((await decodeImage(pngPath)).format).toBe('png');
    const tiff = await decodeImage(tiffPath);
    expect(tiff.format).toBe('tiff');
    expect(tiff.image).toMatchObject({ width: 50, height: 40, channels: 3 });
  });

  it('shrinks on load to maxSide but reports the full-size dimensions', async () => {
    const decoded = await decodeImage(await fixtures.jpeg(1200, 800), { maxSide: 300 });
    expect(decoded.image).toMatchObject({ width: 300, height: 200 });
    expect([decoded.originalWidth, decoded.originalHeight]).toEqual([1200, 800]);
  });

  it('converts CMYK to sRGB', async () => {
    const decoded = await decodeImage(await fixtures.cmykJpeg(64, 48, [220, 30, 30]));
    expect(decoded.image.channels).toBe(3);
    expect(decoded.image.data.length).toBe(64 * 48 * 3);
    const [r, g, b] = fixtures.pixelAt(decoded.image, 32, 24);
    // Still clearly red after the round trip through a CMYK profile.
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
  });

  it('converts 16-bit PNG to 8 bits per channel', async () => {
    const decoded = await decodeImage(await fixtures.png16(64, 40));
    expect(decoded.image.data.length).toBe(64 * 40 * 3);
    expect(fixtures.pixelAt(decoded.image, 5, 5)).toEqual([255, 255, 255]);
    expect(fixtures.pixelAt(decoded.image, 60, 5)).toEqual([0, 0, 0]);
  });

  it('expands one-channel greyscale to three equal channels', async () => {
    const decoded = await decodeImage(await fixtures.greyPng(40, 40, 100));
    expect(decoded.image.channels).toBe(3);
    expect(fixtures.pixelAt(decoded.image, 10, 10)).toEqual([100, 100, 100]);
  });

  it('drops the alpha channel', async () => {
    const decoded = await decodeImage(await fixtures.rgbaPng(40, 40));
    expect(decoded.image.channels).toBe(3);
    expect(decoded.image.data.length).toBe(40 * 40 * 3);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'applies EXIF orientation %i: upright size, marked corner top-left',
    async (o) => {
      const decoded = await decodeImage(await fixtures.orientedJpeg(o));
      expect([decoded.image.width, decoded.image.height]).toEqual([
        fixtures.UPRIGHT.width,
        fixtures.UPRIGHT.height,
      ]);
      expect([decoded.originalWidth, decoded.originalHeight]).toEqual([
        fixtures.UPRIGHT.width,
        fixtures.UPRIGHT.height,
      ]);
      expect(fixtures.near(fixtures.pixelAt(decoded.image, 4, 4), fixtures.COLOURS.RED)).toBe(true);
      expect(fixtures.near(fixtures.pixelAt(decoded.image, 59, 4), fixtures.COLOURS.GREEN)).toBe(true);
      expect(fixtures.near(fixtures.pixelAt(decoded.image, 32, 30), fixtures.COLOURS.BLUE)).toBe(true);
    },
  );

  describe('refuses bad input with a specific reason', () => {
    it('empty file', async () => {
      const error = await engineError(decodeImage(Buffer.alloc(0)));
      expect(error.code).toBe('IMAGE_DECODE_FAILED');
      expect(error.details).toEqual({ reason: 'empty' });
      expect(error.message).toBe('The file is empty (0 bytes).');
    });

    it('empty file given by path', async () => {
      const path = join(dir.path, 'empty.jpg');
      writeFileSync(path, '');
      expect((await engineError(decodeImage(path))).details).toEqual({ reason: 'empty' });
    });

    it('truncated JPEG', async () => {
      const error = await engineError(decodeImage(fixtures.truncate(await fixtures.jpeg(400, 300), 0.6)));
      expect(error.code).toBe('IMAGE_DECODE_FAILED');
      expect(error.details).toEqual({ reason: 'truncated' });
      expect(error.message).toBe(
        'The JPEG file is truncated: it ends before its end-of-image marker (an interrupted copy?).',
      );
    });

    it('truncated JPEG even when shrinking on load', async () => {
      const bytes = fixtures.truncate(await fixtures.jpeg(1600, 1200), 0.5);
      expect((await engineError(decodeImage(bytes, { maxSide: 320 }))).details).toEqual({
        reason: 'truncated',
      });
    });

    it('truncated PNG', async () => {
      const error = await engineError(decodeImage(fixtures.truncate(await fixtures.png(300, 200), 0.5)));
      expect(error.code).toBe('IMAGE_DECODE_FAILED');
      expect(error.details).toEqual({ reason: 'truncated' });
      expect(error.message).toBe(
        'The PNG file is truncated: it ends before its end-of-image marker (an interrupted copy?).',
      );
    });

    it('text that is not an image', async () => {
      const error = await engineError(decodeImage(Buffer.from('These are my field notes, not a photo.\n')));
      expect(error.code).toBe('IMAGE_DECODE_FAILED');
      expect(error.details).toEqual({ reason: 'not-an-image' });
      expect(error.message).toBe(
        'The file is not an image: its content is not JPEG, PNG, TIFF, WebP or HEIF.',
      );
    });

    it('a format the app does not take (GIF)', async () => {
      const error = await engineError(decodeImage(await fixtures.gif(64, 64)));
      expect(error.details).toEqual({ reason: 'unsupported-format' });
      expect(error.message).toBe('GIF images are not supported; convert the file to JPEG or PNG.');
    });

    it.skipIf(canDecodeHeic())('HEIC when this sharp build has no HEVC decoder', async () => {
      const error = await engineError(decodeImage(fixtures.heicHeader()));
      expect(error.details).toEqual({ reason: 'unsupported-format' });
      expect(error.message).toMatch(
        /HEIC\/HEIF images cannot be decoded by this build .*HEVC.*convert the file to JPEG/,
      );
    });

    it('1×1 image', async () => {
      const error = await engineError(decodeImage(await fixtures.png(1, 1)));
      expect(error.code).toBe('IMAGE_TOO_SMALL');
      expect(error.message).toBe('The image is only 1 × 1 px; at least 32 px on each side is needed.');
    });

    it('a 20000×20000 image, from its header alone', async () => {
      const bytes = await fixtures.pngClaimingSize(20000, 20000);
      expect(bytes.length).toBeLessThan(100_000);
      const started = performance.now();
      const error = await engineError(decodeImage(bytes));
      // The claimed size is refused before decoding: the pixel data would be truncated garbage otherwise.
      expect(error.code).toBe('IMAGE_TOO_LARGE');
      expect(error.message).toBe(
        'The image is 20000 × 20000 px (400 megapixels); the limit is 100 megapixels.',
      );
      expect(error.details).toEqual({ width: 20000, height: 20000, maxPixels: 100_000_000 });
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('an image above a lower maxPixels', async () => {
      const error = await engineError(decodeImage(await fixtures.jpeg(200, 100), { maxPixels: 10_000 }));
      expect(error.code).toBe('IMAGE_TOO_LARGE');
      expect(error.message).toBe('The image is 200 × 100 px (20000 pixels); the limit is 10000 pixels.');
    });

    it('a missing file', async () => {
      const error = await engineError(decodeImage(join(dir.path, 'nope.jpg')));
      expect(error.code).toBe('FILE_UNREADABLE');
      expect(error.message).toBe('The file cannot be read: it does not exist (moved or deleted?).');
    });
  });

  it('keeps the caller in the stack of a native failure', async () => {
    const error = await engineError(decodeImage(fixtures.truncate(await fixtures.jpeg(400, 300), 0.6)));
    expect(error.stack).toContain('decode.test.ts');
    expect(error.stack).toMatch(/^EngineError: The JPEG file is truncated/);
  });

  it('rejects malformed options as RangeError naming the option', async () => {
    await expect(decodeImage(await fixtures.jpeg(64, 64), { maxSide: 0 })).rejects.toThrow(
      new RangeError('Expected positive integer for maxSide but received 0 of type number'),
    );
  });
});

describe('readImageHeader', () => {
  it('gives format and oriented size without decoding', async () => {
    expect(await readImageHeader(await fixtures.orientedJpeg(6))).toEqual({
      format: 'jpeg',
      width: 64,
      height: 40,
    });
  });
});
