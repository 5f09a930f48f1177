import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { alikeOnnx, ALIKE_INPUT, ALIKE_OUTPUT } from '../../electron/core/inference/alike/alike-network';
import { detectKeypoints } from '../../electron/core/inference/alike/alike-keypoints';
import { readStateDict } from '../../electron/core/inference/alike/torch-state-dict';
import { isEngineError } from '../../electron/core/errors';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';

/**
 * The app's own ALIKE conversion against the authors' network run in PyTorch (models/alike_reference.py wrote
 * test/fixtures/alike/*.json from the same weights and the same generated image): the score and descriptor maps
 * agree to 1e-5 at every 7th pixel, and the keypoint detector finds the same keypoints with the same descriptors.
 */
interface Reference {
  height: number;
  width: number;
  gridStep: number;
  scores: number[];
  descriptors: number[][];
  keypoints: { xy: [number, number][]; scores: number[]; descriptors: number[][] };
}

/** The image of models/alike_reference.py (striped_image), [1, 3, H, W] in [0, 1]. */
function stripedImage(height: number, width: number): Float32Array {
  const data = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c += 1) {
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        data[(c * height + y) * width + x] =
          0.5 + 0.45 * Math.sin(0.35 * x + 3 * Math.sin(0.05 * y) + 0.4 * c);
      }
    }
  }
  return data;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
};

const weights = (size: string) => join(ALIKE_WEIGHTS_DIR, `alike-${size}.pth`);

describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `ALIKE converted from the published weights${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    it.each(['t', 's', 'n', 'l'])(
      'alike-%s equals the PyTorch reference to 1e-5, keypoints included',
      async (size) => {
        const reference = JSON.parse(
          readFileSync(join(import.meta.dirname, '..', 'fixtures', 'alike', `alike-${size}.json`), 'utf8'),
        ) as Reference;
        const { height, width, gridStep } = reference;
        const file = weights(size);
        const session = await ort.InferenceSession.create(
          alikeOnnx(readStateDict(readFileSync(file), file), file),
        );
        const output = await session.run({
          [ALIKE_INPUT]: new ort.Tensor('float32', stripedImage(height, width), [1, 3, height, width]),
        });
        const features = output[ALIKE_OUTPUT]!;
        const data = features.data as Float32Array;
        const dim = features.dims[1]! - 1;
        const plane = height * width;
        const scores: number[] = [];
        const descriptors: number[] = [];
        for (let y = 0; y < height; y += gridStep) {
          for (let x = 0; x < width; x += gridStep) {
            scores.push(data[y * width + x]!);
            for (let c = 0; c < 8; c += 1) descriptors.push(data[(1 + c) * plane + y * width + x]!);
          }
        }
        console.log(
          `alike-${size} max difference: scores ${maxDifference(scores, reference.scores).toExponential(1)}, descriptors ${maxDifference(descriptors, reference.descriptors.flat()).toExponential(1)}`,
        );
        expect(maxDifference(scores, reference.scores)).toBeLessThan(1e-5);
        expect(maxDifference(descriptors, reference.descriptors.flat())).toBeLessThan(1e-5);

        const found = detectKeypoints({ data, dim, height, width }, { limit: reference.keypoints.xy.length });
        expect(maxDifference(found.xy, reference.keypoints.xy.flat())).toBeLessThan(1e-4);
        expect(maxDifference(found.scores, reference.keypoints.scores)).toBeLessThan(1e-5);
        expect(maxDifference(found.descriptors, reference.keypoints.descriptors.flat())).toBeLessThan(1e-5);
      },
    );

    it('converts deterministically: the same weights give the same bytes', () => {
      const file = weights('t');
      const bytes = readFileSync(file);
      const hash = () =>
        createHash('sha256')
          .update(alikeOnnx(readStateDict(bytes, file), file))
          .digest('hex');
      expect(hash()).toBe(hash());
    });

    it('refuses a file that is not an ALIKE state_dict, saying why', () => {
      const catches = (fn: () => unknown) => {
        try {
          fn();
        } catch (error) {
          expect(isEngineError(error, 'MODEL_INVALID')).toBe(true);
          return (error as Error).message;
        }
        throw new Error('expected MODEL_INVALID');
      };
      expect(catches(() => readStateDict(Buffer.from('not a zip at all'), 'x.pth'))).toMatch(
        /x\.pth is not a PyTorch state_dict.*no zip directory/,
      );
      const file = weights('t');
      const state = readStateDict(readFileSync(file), file);
      state.delete('convhead2.weight');
      expect(catches(() => alikeOnnx(state, file))).toMatch(
        /not an ALIKE state_dict: it has no convhead2\.weight/,
      );
      const other = readStateDict(readFileSync(file), file);
      const head = other.get('block1.conv1.weight')!;
      other.set('block1.conv1.weight', { shape: [8, 4, 3, 3], values: new Float32Array(8 * 4 * 9) });
      expect(head.shape).toEqual([8, 3, 3, 3]);
      expect(catches(() => alikeOnnx(other, file))).toMatch(
        /block1\.conv1\.weight is \[8, 4, 3, 3\], ALNet needs \[8, 3, 3, 3\]/,
      );
    });
  },
);
