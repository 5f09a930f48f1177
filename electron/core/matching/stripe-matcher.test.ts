import { beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import {
  loadStripeMatcher,
  STRIPE_MATCHER_ID,
  STRIPE_MATCHER_VERSION,
  type StripeDescriptor,
  type StripeMatcher,
} from './stripe-matcher';
import { renderStripes, renderStripesWarped, solidImage } from './stripe-test-images';

let matcher: StripeMatcher;
let a: StripeDescriptor;
let aWarped: StripeDescriptor;
let b: StripeDescriptor;
let c: StripeDescriptor;

beforeAll(async () => {
  matcher = await loadStripeMatcher();
  a = matcher.describe(await renderStripes(1));
  aWarped = matcher.describe(await renderStripesWarped(1));
  b = matcher.describe(await renderStripes(2));
  c = matcher.describe(await renderStripes(3));
});

describe('loadStripeMatcher', () => {
  it('initialises OpenCV once and shares the matcher', async () => {
    expect(await loadStripeMatcher()).toBe(matcher);
    expect(STRIPE_MATCHER_ID).toBe('builtin-stripes');
    expect(STRIPE_MATCHER_VERSION).toMatch(/\.\d+$/);
  });
});

describe('describe', () => {
  it('extracts keypoints on the synthetic flank, mostly on the fur', () => {
    const count = a.onFur.length;
    expect(count).toBeGreaterThan(100);
    expect(a.points.length).toBe(count * 2);
    const onFur = a.onFur.reduce((s, v) => s + v, 0);
    expect(onFur / count).toBeGreaterThan(0.6);
  });

  it('rejects tiny images with IMAGE_TOO_SMALL', () => {
    expect.assertions(1);
    try {
      matcher.describe(solidImage(40, 30, [200, 120, 40]));
    } catch (error) {
      expect(isEngineError(error, 'IMAGE_TOO_SMALL')).toBe(true);
    }
  });

  it('refuses a featureless image instead of returning an empty descriptor', () => {
    expect(() => matcher.describe(solidImage(300, 200, [200, 120, 40]))).toThrow(/too little texture/);
  });

  it('rejects inconsistent pixel buffers as misuse', () => {
    expect(() => matcher.describe({ data: Buffer.alloc(10), width: 100, height: 100, channels: 3 })).toThrow(
      RangeError,
    );
  });

  it('accepts grey and RGBA input', async () => {
    const rgb = await renderStripes(1);
    const n = rgb.width * rgb.height;
    const grey = Buffer.alloc(n);
    const rgba = Buffer.alloc(n * 4);
    for (let i = 0; i < n; i++) {
      grey[i] = rgb.data[i * 3] ?? 0;
      rgba.set([rgb.data[i * 3] ?? 0, rgb.data[i * 3 + 1] ?? 0, rgb.data[i * 3 + 2] ?? 0, 255], i * 4);
    }
    expect(matcher.describe({ ...rgb, data: grey, channels: 1 }).onFur.length).toBeGreaterThan(50);
    expect(matcher.describe({ ...rgb, data: rgba, channels: 4 }).descriptors).toEqual(a.descriptors);
  });
});

describe('index search', () => {
  it('finds the warped, cropped flank far above a different pattern', () => {
    const index = matcher.createIndex();
    index.add(10, a);
    index.add(20, b);
    index.add(30, c);
    const hits = index.search(aWarped);
    expect(hits.map((h) => h.id)).toEqual([10, expect.any(Number), expect.any(Number)]);
    const [best, second] = hits;
    expect(best?.verified).toBe(true);
    expect(best?.inliers).toBeGreaterThan(30);
    expect(second?.inliers ?? 0).toBeLessThan(12);
    expect((best?.score ?? 0) - (second?.score ?? 0)).toBeGreaterThan(0.15);
    expect(best?.globalSimilarity).toBeGreaterThan(second?.globalSimilarity ?? 0);
  });

  it('supports remove, size, excludeIds and limit', () => {
    const index = matcher.createIndex();
    index.add(1, a);
    index.add(2, b);
    index.add(3, c);
    expect(index.size).toBe(3);
    expect(index.search(aWarped, { excludeIds: new Set([1]) }).map((h) => h.id)).not.toContain(1);
    expect(index.search(aWarped, { limit: 1 })).toHaveLength(1);
    index.remove(1);
    expect(index.size).toBe(2);
    expect(
      index
        .search(aWarped)
        .map((h) => h.id)
        .sort(),
    ).toEqual([2, 3]);
    index.remove(1); // removing twice is harmless
    index.add(2, a); // re-adding an id replaces its descriptor
    expect(index.size).toBe(2);
    expect(index.search(aWarped)[0]?.id).toBe(2);
  });

  it('ranks every verified hit above every unverified one', () => {
    const index = matcher.createIndex();
    index.add(1, b);
    index.add(2, c);
    index.add(3, a);
    const hits = index.search(aWarped, { shortlist: 1 });
    expect(hits[0]?.verified).toBe(true);
    expect(hits[0]?.id).toBe(3);
    for (const h of hits.slice(1)) {
      expect(h.verified).toBe(false);
      expect(h.score).toBeLessThan(0.5);
      expect(h.inliers).toBe(0);
    }
    const none = index.search(aWarped, { shortlist: 0 });
    expect(none.every((h) => !h.verified && h.score < 0.5)).toBe(true);
    expect(none[0]?.id).toBe(3);
  });

  it('returns nothing from an empty index and rejects bad ids', () => {
    const index = matcher.createIndex();
    expect(index.search(a)).toEqual([]);
    expect(() => index.add(-1, a)).toThrow(RangeError);
    expect(() => index.add(1.5, a)).toThrow(RangeError);
  });
});

describe('encode / decode', () => {
  it('round-trips a descriptor compactly', () => {
    const buffer = matcher.encode(a);
    expect(buffer.length).toBeLessThan(a.onFur.length * 70 + 64);
    const back = matcher.decode(buffer);
    expect(back.descriptors).toEqual(a.descriptors);
    expect(back.onFur).toEqual(a.onFur);
    expect(back.width).toBe(a.width);
    for (let i = 0; i < a.points.length; i++)
      expect(Math.abs((back.points[i] ?? 0) - (a.points[i] ?? 0))).toBeLessThan(0.02);
    const index = matcher.createIndex();
    index.add(1, back);
    index.add(2, b);
    expect(index.search(aWarped)[0]?.id).toBe(1);
  });

  it('rejects corrupt, truncated and foreign buffers with a clear error', () => {
    const buffer = matcher.encode(a);
    const flipped = Buffer.from(buffer);
    flipped[200] = (flipped[200] ?? 0) ^ 0x10;
    const expectCorrupt = (b: Buffer, pattern: RegExp): void => {
      try {
        matcher.decode(b);
        expect.unreachable('decode accepted a corrupt buffer');
      } catch (error) {
        expect(isEngineError(error, 'DESCRIPTOR_CORRUPT')).toBe(true);
        expect((error as Error).message).toMatch(pattern);
      }
    };
    expectCorrupt(flipped, /checksum/);
    expectCorrupt(buffer.subarray(0, buffer.length - 5), /length/);
    expectCorrupt(Buffer.from('hello world, not a descriptor'), /magic/);
    expectCorrupt(Buffer.alloc(3), /bytes/);
  });
});

describe('descriptor versioning', () => {
  it('refuses a descriptor written by another feature version', async () => {
    const { encodeFeatures } = await import('./stripe-codec');
    const stale = encodeFeatures(a, 999);
    try {
      matcher.decode(stale);
      expect.unreachable('decode accepted a stale descriptor');
    } catch (error) {
      expect(isEngineError(error, 'DESCRIPTOR_STALE')).toBe(true);
      expect((error as Error).message).toMatch(/recompute/);
    }
  });
});
