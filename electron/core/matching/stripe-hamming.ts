/** Hamming distance between fixed-size binary descriptors stored back to back in byte arrays. */

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (POPCOUNT[i >> 1] ?? 0) + (i & 1);

export function hamming(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  bytes: number,
): number {
  let d = 0;
  for (let i = 0; i < bytes; i++) d += POPCOUNT[(a[aOffset + i] ?? 0) ^ (b[bOffset + i] ?? 0)] ?? 0;
  return d;
}

/** Deterministic PRNG (mulberry32): the hash functions must be identical in every process and release. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
