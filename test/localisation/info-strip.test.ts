import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../electron/core/images/decode';
import { sampleFrame } from '../../electron/core/localisation/frame-sample';
import { cameraStrip, detectInfoStrip, sceneBox } from '../../electron/core/localisation/info-strip';
import { cameraFrame, FRAME_HEIGHT } from '../support/camera-frames';
import { SNOW_LEOPARD_DIR } from '../support/localisation-dev-set';
import { existsSync } from 'node:fs';

const HAS_SNOW_LEOPARDS = existsSync(join(SNOW_LEOPARD_DIR, 'labels.csv'));

describe('info strip', () => {
  it('finds the black bars with text at the top and bottom of a generated frame', async () => {
    const { image } = await decodeImage(await cameraFrame({ shot: 1, strip: 20 }));
    const strip = detectInfoStrip(image);
    // The bar is 20 rows; the detector adds one row for the JPEG-blurred edge.
    expect(strip.top * FRAME_HEIGHT).toBeGreaterThanOrEqual(20);
    expect(strip.top * FRAME_HEIGHT).toBeLessThanOrEqual(23);
    expect(strip.bottom * FRAME_HEIGHT).toBeGreaterThanOrEqual(20);
    expect(strip.bottom * FRAME_HEIGHT).toBeLessThanOrEqual(23);
  });

  it('finds none on a frame without a strip, nor in a plain dark band without text', async () => {
    const { image } = await decodeImage(await cameraFrame({ shot: 2 }));
    expect(detectInfoStrip(image)).toEqual({ top: 0, bottom: 0 });
    // A black band (night sky) with no text: not a strip.
    const dark = { ...image, data: Buffer.from(image.data) };
    dark.data.fill(3, 0, image.width * 30 * 3);
    expect(detectInfoStrip(dark).top).toBe(0);
  });

  it('takes the median over a camera, so one frame that misses or invents a strip does not decide', () => {
    const strips = [
      { top: 0.04, bottom: 0.04 },
      { top: 0.04, bottom: 0 },
      { top: 0.2, bottom: 0.04 },
    ];
    expect(cameraStrip(strips)).toEqual({ top: 0.04, bottom: 0.04 });
    expect(sceneBox({ top: 0.04, bottom: 0.05 })).toEqual({ x: 0, y: 0.04, w: 1, h: 1 - 0.04 - 0.05 });
  });

  it.skipIf(!HAS_SNOW_LEOPARDS)(
    `finds the Reconyx strips on all 17 real snow-leopard frames${HAS_SNOW_LEOPARDS ? '' : ` (skipped: ${SNOW_LEOPARD_DIR} is absent)`}`,
    async () => {
      const images = readdirSync(join(SNOW_LEOPARD_DIR, 'images')).sort();
      expect(images).toHaveLength(17);
      for (const file of images) {
        const { strip } = await sampleFrame(join(SNOW_LEOPARD_DIR, 'images', file));
        // Reconyx bars are 36 of 1536 rows (2.3 %), top and bottom, day and night.
        expect(strip.top, file).toBeGreaterThanOrEqual(0.02);
        expect(strip.top, file).toBeLessThanOrEqual(0.03);
        expect(strip.bottom, file).toBeGreaterThanOrEqual(0.02);
        expect(strip.bottom, file).toBeLessThanOrEqual(0.03);
      }
    },
  );
});
