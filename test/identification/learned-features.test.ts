import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { isEngineError } from '../../electron/core/errors';
import { extractAlike } from '../../electron/core/inference/alike/alike-extractor';
import { alikeOnnx, ALIKE_INPUT, ALIKE_OUTPUT } from '../../electron/core/inference/alike/alike-network';
import { readStateDict } from '../../electron/core/inference/alike/torch-state-dict';
import { affineConsensus } from '../../electron/core/matching/learned-features/affine-consensus';
import {
  decodeLearnedFeatures,
  encodeLearnedFeatures,
  learnedFeatures,
  type LearnedFeatures,
} from '../../electron/core/matching/learned-features/learned-features';
import { LearnedFeatureIndex } from '../../electron/core/matching/learned-features/learned-feature-index';
import { mutualNearest } from '../../electron/core/matching/learned-features/mutual-matches';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';

describe('affine consensus', () => {
  const random = mulberry32(5);
  /** 60 matches carried by x' = 1.1x − 0.2y + 30, y' = 0.15x + 0.95y − 12, then `outliers` random ones. */
  function matches(outliers: number, mirror = false) {
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const x = random() * 300;
      const y = random() * 200;
      from.push(x, y);
      to.push((mirror ? -1.1 : 1.1) * x - 0.2 * y + 30, 0.15 * x + 0.95 * y - 12);
    }
    for (let i = 0; i < outliers; i += 1) {
      from.push(random() * 300, random() * 200);
      to.push(random() * 300, random() * 200);
    }
    return { from: Float32Array.from(from), to: Float32Array.from(to) };
  }

  it('finds the matches one affine map carries among 60 % chance matches', () => {
    const { from, to } = matches(90);
    const carried = affineConsensus(from, to, { tolerance: 3, draws: 400 });
    expect(carried.filter((i) => i < 60)).toHaveLength(60);
    // A chance match may fall within 3 px of the map by luck, but hardly any.
    expect(carried.length).toBeLessThan(63);
    expect(affineConsensus(from, to, { tolerance: 3, draws: 400 })).toEqual(carried);
  });

  it('accepts no mirrored map (a flank is never seen mirrored) and needs three matches', () => {
    const { from, to } = matches(0, true);
    expect(affineConsensus(from, to, { tolerance: 3, draws: 400 })).toEqual([]);
    expect(affineConsensus(from.subarray(0, 4), to.subarray(0, 4), { tolerance: 3, draws: 400 })).toEqual([]);
  });
});

describe('mutual nearest neighbours', () => {
  it('pairs descriptors that are each other’s most similar, and only those', () => {
    // 2-d unit vectors: query 0 and gallery 1 point the same way; query 1's best (gallery 1) prefers query 0.
    const unit = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
    const query = Float32Array.from([...unit(0), ...unit(20), ...unit(90)]);
    const gallery = Float32Array.from([...unit(170), ...unit(2), ...unit(88)]);
    expect(mutualNearest(query, gallery, 2)).toEqual([
      [0, 1],
      [2, 2],
    ]);
  });
});

describe('stored learned features', () => {
  it('round-trips through their blob, and a damaged blob is DESCRIPTOR_CORRUPT', () => {
    const features = learnedFeatures({
      width: 320,
      height: 200,
      xy: Float32Array.from([10.5, 20.25, 300, 199]),
      descriptors: Float32Array.from([0.6, 0.8, 0, -1]),
      dim: 2,
    });
    const back = decodeLearnedFeatures(encodeLearnedFeatures(features));
    expect(back.width).toBe(320);
    expect(Array.from(back.points)).toEqual([10.5, 20.25, 300, 199]);
    expect(Array.from(back.descriptors.values)).toEqual([76, 102, 0, -127]);
    expect(back.global[0]).toBeCloseTo(features.global[0]!, 6);
    const blob = encodeLearnedFeatures(features);
    for (const damaged of [blob.subarray(0, blob.length - 1), Buffer.from('not features at all')]) {
      try {
        decodeLearnedFeatures(damaged);
        throw new Error('decoded a damaged blob');
      } catch (error) {
        expect(isEngineError(error, 'DESCRIPTOR_CORRUPT')).toBe(true);
      }
    }
  });
});

describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `learned features of real ALIKE on striped animals${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    async function describePhoto(photo: Buffer, session: ort.InferenceSession): Promise<LearnedFeatures> {
      const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const extraction = await extractAlike(
        { data, width: info.width, height: info.height, channels: 3 },
        async (input) => {
          const out = (
            await session.run({ [ALIKE_INPUT]: new ort.Tensor('float32', input.data, input.dims) })
          )[ALIKE_OUTPUT]!;
          return { data: out.data as Float32Array, dims: out.dims };
        },
        { side: 384, limit: 500 },
      );
      return learnedFeatures(extraction);
    }

    it('verifies another view of the same animal and ranks it first, well ahead of other animals', async () => {
      const file = join(ALIKE_WEIGHTS_DIR, 'alike-t.pth');
      const session = await ort.InferenceSession.create(
        alikeOnnx(readStateDict(readFileSync(file), file), file),
      );
      const index = new LearnedFeatureIndex();
      for (const individual of [1, 2, 3, 4])
        index.add(individual, await describePhoto(await syntheticTigerPhoto(individual, 0), session));
      const margins: number[] = [];
      for (const individual of [1, 2, 3, 4]) {
        const hits = index.search(await describePhoto(await syntheticTigerPhoto(individual, 5), session));
        expect(hits[0]?.id).toBe(individual);
        expect(hits[0]?.verified).toBe(true);
        expect(hits[0]?.score).toBeGreaterThan(0.5);
        for (const other of hits.slice(1)) expect(other.score).toBeLessThan(hits[0]!.score);
        margins.push(hits[0]!.inliers / hits[1]!.inliers);
      }
      // The synthetic animals share one body outline and evenly spaced stripes, so another animal still gives some
      // consistent matches; the same animal gives on average well over twice as many.
      expect(margins.reduce((a, b) => a + b, 0) / margins.length).toBeGreaterThan(2);
      const excluded = index.search(await describePhoto(await syntheticTigerPhoto(2, 5), session), {
        excludeIds: new Set([2]),
      });
      expect(excluded.map((h) => h.id)).not.toContain(2);
    });
  },
);
