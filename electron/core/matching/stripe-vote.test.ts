import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_BYTES } from './stripe-features';
import { hamming, mulberry32 } from './stripe-hamming';
import { VoteIndex } from './stripe-vote';

function randomDescriptors(seed: number, count: number): Uint8Array {
  const random = mulberry32(seed);
  return Uint8Array.from({ length: count * DESCRIPTOR_BYTES }, () => Math.floor(random() * 256));
}

/** Copies of `source` with `flips` random bits changed per descriptor: the same stripes seen again. */
function noisy(source: Uint8Array, flips: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  const out = Uint8Array.from(source);
  for (let d = 0; d < out.length / DESCRIPTOR_BYTES; d++) {
    for (let f = 0; f < flips; f++) {
      const bit = Math.floor(random() * 486);
      const at = d * DESCRIPTOR_BYTES + (bit >> 3);
      out[at] = (out[at] ?? 0) ^ (1 << (bit & 7));
    }
  }
  return out;
}

const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

describe('hamming', () => {
  it('counts differing bits', () => {
    const a = Uint8Array.from([0b1010, 0xff]);
    const b = Uint8Array.from([0b0110, 0x0f]);
    expect(hamming(a, 0, b, 0, 2)).toBe(2 + 4);
    expect(hamming(a, 1, b, 1, 1)).toBe(4);
  });
});

describe('VoteIndex', () => {
  const n = 200;
  const images = [1, 2, 3, 4].map((seed) => randomDescriptors(seed, n));

  it('votes most for the image whose descriptors the query repeats', () => {
    const index = new VoteIndex();
    images.forEach((d, slot) => index.add(slot, d, ones(n)));
    const votes = index.vote(noisy(images[2] ?? new Uint8Array(), 25, 9), ones(n));
    const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked[0]?.[0]).toBe(2);
    expect(ranked[0]?.[1]).toBeGreaterThan(0.2);
    expect(ranked[1]?.[1] ?? 0).toBeLessThan(0.05);
  });

  it('gives less weight to descriptors every image shares (distinctiveness)', () => {
    const shared = randomDescriptors(50, 100);
    const index = new VoteIndex();
    for (let slot = 0; slot < 6; slot++) {
      const own = randomDescriptors(100 + slot, 100);
      const both = new Uint8Array(200 * DESCRIPTOR_BYTES);
      both.set(shared);
      both.set(own, shared.length);
      index.add(slot, both, ones(200));
    }
    const sharedOnly = index.vote(shared, ones(100)).get(0) ?? 0;
    const ownOnly = index.vote(randomDescriptors(100, 100), ones(100)).get(0) ?? 0;
    expect(ownOnly).toBeGreaterThan(3 * sharedOnly);
  });

  it('down-weights background descriptors and honours skip and remove', () => {
    const index = new VoteIndex();
    index.add(7, images[0] ?? new Uint8Array(), ones(n));
    const query = noisy(images[0] ?? new Uint8Array(), 20, 3);
    const full = index.vote(query, ones(n)).get(7) ?? 0;
    const background = index.vote(query, new Float32Array(n).fill(0.5)).get(7) ?? 0;
    expect(background).toBeCloseTo(full / 2, 5);
    expect(index.vote(query, ones(n), (slot) => slot === 7).size).toBe(0);
    index.remove(7);
    expect(index.slotCount).toBe(0);
    expect(index.vote(query, ones(n)).size).toBe(0);
  });

  it('rejects weights that do not match the descriptors', () => {
    expect(() => new VoteIndex().add(0, images[0] ?? new Uint8Array(), ones(3))).toThrow(RangeError);
  });
});
