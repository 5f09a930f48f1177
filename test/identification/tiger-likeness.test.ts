import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../electron/core/images/raw-image';
import { renderStripes, solidImage, stripeSvg } from '../../electron/core/matching/stripe-test-images';
import { TIGER_LIKE_THRESHOLD, tigerLikeness } from '../../electron/core/matching/tiger-likeness';
import { ATRW_DIR, ATRW_SKIP_REASON, HAS_ATRW } from '../support/shared-data';

async function raw(input: Buffer | string, grey = false): Promise<RawImage> {
  const pipeline = grey ? sharp(input).grayscale().toColourspace('srgb') : sharp(input);
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** A plain brown coat (a deer's, a dog's) with soft shading, optionally crossed by a thin pale twig. */
function plainCoatSvg(twig: boolean): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
    <defs><radialGradient id="g"><stop offset="0" stop-color="#a0704a"/><stop offset="1" stop-color="#6b4a30"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="#7d8a5a"/>
    <ellipse cx="320" cy="200" rx="290" ry="160" fill="url(#g)"/>
    ${twig ? '<path d="M 40 380 L 600 300" stroke="#c8c0a0" stroke-width="3"/>' : ''}
  </svg>`;
}

describe('tiger-likeness', () => {
  it('scores dark parallel stripes high, in colour and in infrared grey, and plain coats or flat crops low', async () => {
    const stripes = await renderStripes(1);
    const score = tigerLikeness(stripes);
    expect(score).toBeGreaterThan(5 * TIGER_LIKE_THRESHOLD);
    const grey = tigerLikeness(await raw(Buffer.from(stripeSvg(1)), true));
    expect(grey).toBeGreaterThan(5 * TIGER_LIKE_THRESHOLD);
    // A coat without stripes scores nothing (its outline is an edge, not a dark bar); a twig across it a little.
    expect(tigerLikeness(await raw(Buffer.from(plainCoatSvg(false))))).toBe(0);
    expect(tigerLikeness(await raw(Buffer.from(plainCoatSvg(true))))).toBeLessThan(0.1 * score);
    expect(tigerLikeness(solidImage(300, 200, [120, 90, 60]))).toBe(0);
    // The figure is a share of the crop's pixels: the same crop at another resolution scores about the same.
    const half = await raw(
      await sharp(stripes.data, { raw: { width: stripes.width, height: stripes.height, channels: 3 } })
        .resize(stripes.width / 2)
        .png()
        .toBuffer(),
    );
    expect(Math.abs(tigerLikeness(half) - score)).toBeLessThan(0.25 * score);
  });

  it.skipIf(!HAS_ATRW)(
    `calls at least 98 in 100 real ATRW tigers tiger-like${HAS_ATRW ? '' : ` (${ATRW_SKIP_REASON})`}`,
    async () => {
      const files = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[1]!)
        .filter((_, i) => i % 25 === 0);
      const scores = await Promise.all(files.map(async (f) => tigerLikeness(await raw(join(ATRW_DIR, f)))));
      const tigerLike = scores.filter((s) => s >= TIGER_LIKE_THRESHOLD).length;
      console.log('ATRW crops tiger-like', `${tigerLike}/${scores.length}`);
      expect(tigerLike).toBeGreaterThanOrEqual(Math.ceil(0.98 * scores.length));
    },
  );
});
