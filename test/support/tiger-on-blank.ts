import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import type { NormalisedBox } from '../../electron/core/images/crop';
import { cameraFrame } from './camera-frames';
import { SHARED_DATA } from './shared-data';

const BLANKS = join(SHARED_DATA, 'camera-trap-negatives', 'images', 'blank');

/** The frame size every composed frame gets, whatever the blank's own size. */
export const COMPOSED_WIDTH = 1024;
export const COMPOSED_HEIGHT = 748;

/**
 * A camera-trap frame with a synthetic tiger (`syntheticTigerPhoto(individual, view)`, 400 × 262 px) pasted on it at
 * `at` (pixels): on a real blank camera-trap frame from ../shared when there is one, else on a generated scene.
 * Returns the JPEG, where the tiger lies (normalised) and which background was used.
 */
export async function tigerOnBlank(
  individual: number,
  view: number,
  at: { left: number; top: number } = { left: 520, top: 300 },
): Promise<{ jpeg: Buffer; tiger: NormalisedBox; background: string }> {
  const blank = existsSync(BLANKS)
    ? readdirSync(BLANKS)
        .filter((f) => f.endsWith('.jpg'))
        .sort()[0]
    : undefined;
  const base = blank
    ? await readFile(join(BLANKS, blank))
    : await cameraFrame({ shot: 1, width: COMPOSED_WIDTH, height: COMPOSED_HEIGHT });
  const [w, h] = [400, 262];
  const tiger = await syntheticTigerPhoto(individual, view, w, h);
  const jpeg = await sharp(base)
    .resize(COMPOSED_WIDTH, COMPOSED_HEIGHT, { fit: 'fill' })
    .composite([{ input: tiger, left: at.left, top: at.top }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return {
    jpeg,
    tiger: {
      x: at.left / COMPOSED_WIDTH,
      y: at.top / COMPOSED_HEIGHT,
      w: w / COMPOSED_WIDTH,
      h: h / COMPOSED_HEIGHT,
    },
    background: blank ? `real blank ${blank}` : 'generated scene (no ../shared data)',
  };
}
