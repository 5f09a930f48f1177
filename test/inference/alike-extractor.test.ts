import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { alikeOnnx, ALIKE_INPUT, ALIKE_OUTPUT } from '../../electron/core/inference/alike/alike-network';
import { extractAlike, type AlikeRun } from '../../electron/core/inference/alike/alike-extractor';
import { readStateDict } from '../../electron/core/inference/alike/torch-state-dict';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';

async function alikeRun(size: string): Promise<AlikeRun> {
  const file = join(ALIKE_WEIGHTS_DIR, `alike-${size}.pth`);
  const session = await ort.InferenceSession.create(alikeOnnx(readStateDict(readFileSync(file), file), file));
  return async (input) => {
    const output = (await session.run({ [ALIKE_INPUT]: new ort.Tensor('float32', input.data, input.dims) }))[
      ALIKE_OUTPUT
    ]!;
    return { data: output.data as Float32Array, dims: output.dims };
  };
}

/** Wavy dark bars on orange fur, 300 × 170 (not multiples of 32), as raw RGB. */
async function stripedCrop() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="170"><rect width="300" height="170" fill="#d98a3a"/>${Array.from(
    { length: 12 },
    (_, i) =>
      `<path d="M ${20 + i * 24} 0 q 14 40 -4 85 q -14 45 6 85" stroke="#111" stroke-width="${5 + (i % 3) * 3}" fill="none"/>`,
  ).join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `ALIKE keypoints of a crop${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    it('finds at most `limit` unit-length keypoints inside the working image, the same each time', async () => {
      const run = await alikeRun('t');
      const crop = await stripedCrop();
      const found = await extractAlike(crop, run, { side: 240, limit: 150 });
      expect(found.width).toBe(240);
      expect(found.height).toBe(136);
      const count = found.scores.length;
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThanOrEqual(150);
      for (let k = 0; k < count; k += 1) {
        const x = found.xy[2 * k]!;
        const y = found.xy[2 * k + 1]!;
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(found.width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThan(found.height);
        let norm = 0;
        for (let c = 0; c < found.dim; c += 1) norm += found.descriptors[k * found.dim + c]! ** 2;
        expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      }
      // The same crop twice gives the same keypoints: nothing random between the pixels and the keypoints.
      const again = await extractAlike(crop, run, { side: 240, limit: 150 });
      expect(Array.from(again.xy)).toEqual(Array.from(found.xy));
    });

    it('keeps keypoints where the stripes are, not on the plain fur', async () => {
      const run = await alikeRun('t');
      const crop = await stripedCrop();
      // Paint the right half plain fur: keypoints must leave it.
      for (let y = 0; y < crop.height; y += 1) {
        for (let x = 150; x < crop.width; x += 1) crop.data.set([0xd9, 0x8a, 0x3a], (y * crop.width + x) * 3);
      }
      const found = await extractAlike(crop, run, { side: 300, limit: 200 });
      const xs = Array.from({ length: found.scores.length }, (_, k) => found.xy[2 * k]!);
      const onPlain = xs.filter((x) => x > 160).length;
      expect(xs.length).toBeGreaterThan(30);
      expect(onPlain / xs.length).toBeLessThan(0.1);
    });
  },
);
