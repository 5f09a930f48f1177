import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropRaw, type NormalisedBox } from '../../electron/core/images/crop';
import type { RawImage } from '../../electron/core/images/raw-image';
import { cropPlacement, type FramePlacement } from '../../electron/core/matching/fixed-background';
import {
  loadStripeMatcher,
  type StripeDescriptor,
  type StripeMatcher,
} from '../../electron/core/matching/stripe-matcher';
import { NEGATIVES_DIR } from '../support/localisation-dev-set';
import { ATRW_DIR, HAS_ATRW } from '../support/shared-data';

/** A real blank camera-trap frame: leaf litter, branches and a tyre, textured enough to match itself. */
const BLANK = join(NEGATIVES_DIR, 'images', 'blank', 'BLANK_061_59d5b54c-23d2-11e8-a6a3-ec086b02610b.jpg');
const HAS_DATA =
  HAS_ATRW &&
  (() => {
    try {
      return readFileSync(BLANK).length > 0;
    } catch {
      return false;
    }
  })();

const PADDING = 0.05;
/** Where the tiger is pasted, and the loose box a detector would draw around it (mostly background). */
const TIGER = { x: 0.35, y: 0.35, w: 0.16 };
const LOOSE: NormalisedBox = { x: 0.2, y: 0.15, w: 0.5, h: 0.65 };

async function tigerOf(individual: string): Promise<string> {
  const line = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${individual},`));
  return join(ATRW_DIR, line!.split(',')[1]!);
}

/** The blank with a real ATRW tiger pasted at `at`, decoded. */
async function frameWith(tiger: string, at: { x: number; y: number; w: number }): Promise<RawImage> {
  const { width = 0, height = 0 } = await sharp(BLANK).metadata();
  const pasted = await sharp(tiger)
    .resize({ width: Math.round(at.w * width) })
    .toBuffer();
  const { data, info } = await sharp(BLANK)
    .composite([{ input: pasted, left: Math.round(at.x * width), top: Math.round(at.y * height) }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

describe.skipIf(!HAS_DATA)('fixed background of one camera in stripe matching', () => {
  let matcher: StripeMatcher;
  let tigerA: StripeDescriptor;
  let tigerB: StripeDescriptor;
  let tigerAElsewhere: StripeDescriptor;
  const at = (camera: string, box: NormalisedBox): FramePlacement => cropPlacement(camera, box, PADDING);
  const elsewhere: NormalisedBox = { x: 0.05, y: 0.3, w: 0.3, h: 0.45 };

  beforeAll(async () => {
    matcher = await loadStripeMatcher();
    const describe = async (individual: string, where: typeof TIGER, box: NormalisedBox) =>
      matcher.describe(cropRaw(await frameWith(await tigerOf(individual), where), box, PADDING));
    // Two different tigers at the same place of the same camera, each in a loose box full of the same background.
    tigerA = await describe('atrw-0', TIGER, LOOSE);
    tigerB = await describe('atrw-1', TIGER, LOOSE);
    // Tiger A again, at another place of the same camera.
    tigerAElsewhere = await describe('atrw-0', { x: 0.1, y: 0.35, w: 0.16 }, elsewhere);
  });

  it('matches two different tigers by their shared background when position is not known', () => {
    const index = matcher.createIndex();
    index.add(1, tigerA);
    const [hit] = index.search(tigerB, { shortlist: 1 });
    console.log('other tiger, position unknown', { inliers: hit!.inliers, score: hit!.score });
    // The premise of the test: the background inside the box alone verifies as a match.
    expect(hit!.verified).toBe(true);
    expect(hit!.inliers).toBeGreaterThanOrEqual(8);
    expect(hit!.score).toBeGreaterThan(0.5);
  });

  it('drops correspondences at the same place of the same camera, in verification and in the index', () => {
    const index = matcher.createIndex();
    index.add(1, tigerA, at('cam-1', LOOSE));
    const [hit] = index.search(tigerB, { shortlist: 1, placement: at('cam-1', LOOSE) });
    console.log('other tiger, same camera and place', { inliers: hit!.inliers, score: hit!.score });
    expect(hit!.inliers).toBeLessThan(8);
    expect(hit!.score).toBeLessThan(0.5);
    // Another camera with the same view (a second unit on the same post) is not this camera: nothing is dropped.
    const [other] = index.search(tigerB, { shortlist: 1, placement: at('cam-2', LOOSE) });
    expect(other!.score).toBeGreaterThan(0.5);
  });

  it('keeps in the index what one individual shows at the same place twice (a tiger resting through a burst)', () => {
    const index = matcher.createIndex();
    index.add(1, tigerA, { ...at('cam-1', LOOSE), individual: 7 });
    index.add(2, tigerA, { ...at('cam-1', LOOSE), individual: 7 });
    const same = index.search(tigerAElsewhere, { shortlist: 0 }).find((h) => h.id === 1)!;
    const other = matcher.createIndex();
    other.add(1, tigerA, { ...at('cam-1', LOOSE), individual: 7 });
    other.add(2, tigerA, { ...at('cam-1', LOOSE), individual: 8 });
    const zeroed = other.search(tigerAElsewhere, { shortlist: 0 }).find((h) => h.id === 1)!;
    // Two individuals at one place: everything they share is background and leaves the votes.
    expect(zeroed.globalSimilarity).toBeLessThan(same.globalSimilarity / 2);
    expect(same.globalSimilarity).toBeGreaterThan(0);
  });

  it('keeps the true match of the same tiger seen at another place of the same camera', () => {
    const index = matcher.createIndex();
    index.add(1, tigerA, at('cam-1', LOOSE));
    index.add(2, tigerB, at('cam-1', LOOSE));
    const hits = index.search(tigerAElsewhere, { shortlist: 2, placement: at('cam-1', elsewhere) });
    expect(hits[0]!.id).toBe(1);
    expect(hits[0]!.score).toBeGreaterThan(0.5);
    // A's and B's shared background left the votes: B gets fewer than in an index that knows no positions.
    const unplaced = matcher.createIndex();
    unplaced.add(1, tigerA);
    unplaced.add(2, tigerB);
    const before = unplaced.search(tigerAElsewhere, { shortlist: 0 }).find((h) => h.id === 2)!;
    const after = hits.find((h) => h.id === 2)!;
    console.log('votes for the other tiger', {
      before: before.globalSimilarity,
      after: after.globalSimilarity,
    });
    expect(after.globalSimilarity).toBeLessThan(before.globalSimilarity);
  });
});
