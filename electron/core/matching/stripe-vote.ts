/**
 * Shortlisting by one-vs-many voting (HotSpotter style), without any trained vocabulary: every gallery
 * descriptor sits in several locality-sensitive hash tables keyed by random subsets of its bits; a query
 * descriptor looks up its buckets, measures the true Hamming distance to the colliding gallery descriptors
 * and votes for the gallery images it lands close to. A vote is weighted by distinctiveness (an IDF over the
 * gallery images the descriptor matches): texture that many images share (background, generic fur) counts
 * little, a stripe pattern found in few images counts a lot.
 */
import { DESCRIPTOR_BYTES } from './stripe-features';
import { hamming, mulberry32 } from './stripe-hamming';

export interface VoteOptions {
  /** Number of hash tables: more tables, better recall of true neighbours, slower. */
  tables: number;
  /** Bits per hash key (the key space is 2^bits). */
  bitsPerKey: number;
  /** Distances at or above this many bits (of 486) are not votes. */
  maxDistance: number;
  /** Buckets holding more than this share of all gallery descriptors are skipped as non-distinctive. */
  maxBucketShare: number;
}

export const DEFAULT_VOTE: VoteOptions = {
  tables: 10,
  bitsPerKey: 16,
  maxDistance: 100,
  maxBucketShare: 0.01,
};

const DESCRIPTOR_BITS = 486;
const MAX_KEYPOINTS_PER_IMAGE = 4096;

interface Entry {
  descriptors: Uint8Array;
  weights: Float32Array;
  count: number;
}

export class VoteIndex {
  private readonly bitPositions: Uint16Array[];
  private readonly buckets: Map<number, number[]>[];
  private readonly entries = new Map<number, Entry>();
  private descriptorTotal = 0;

  constructor(private readonly options: VoteOptions = DEFAULT_VOTE) {
    const random = mulberry32(0x7167e5);
    this.bitPositions = [];
    this.buckets = [];
    for (let t = 0; t < options.tables; t++) {
      const bits = new Uint16Array(options.bitsPerKey);
      for (let b = 0; b < bits.length; b++) bits[b] = Math.floor(random() * DESCRIPTOR_BITS);
      this.bitPositions.push(bits);
      this.buckets.push(new Map());
    }
  }

  get slotCount(): number {
    return this.entries.size;
  }

  private key(descriptors: Uint8Array, offset: number, table: number): number {
    const bits = this.bitPositions[table] ?? new Uint16Array(0);
    let key = 0;
    for (let b = 0; b < bits.length; b++) {
      const bit = bits[b] ?? 0;
      key = (key << 1) | (((descriptors[offset + (bit >> 3)] ?? 0) >> (bit & 7)) & 1);
    }
    return key >>> 0;
  }

  /** `slot` is a small non-negative integer chosen by the caller. */
  add(slot: number, descriptors: Uint8Array, weights: Float32Array): void {
    const count = descriptors.length / DESCRIPTOR_BYTES;
    if (count > MAX_KEYPOINTS_PER_IMAGE) throw new RangeError(`too many descriptors (${count})`);
    if (weights.length !== count) throw new RangeError('one weight per descriptor is required');
    this.remove(slot);
    this.entries.set(slot, { descriptors, weights, count });
    this.descriptorTotal += count;
    for (let i = 0; i < count; i++) {
      const packed = slot * MAX_KEYPOINTS_PER_IMAGE + i;
      for (let t = 0; t < this.options.tables; t++) {
        const table = this.buckets[t];
        const k = this.key(descriptors, i * DESCRIPTOR_BYTES, t);
        const bucket = table?.get(k);
        if (bucket) bucket.push(packed);
        else table?.set(k, [packed]);
      }
    }
  }

  remove(slot: number): void {
    const entry = this.entries.get(slot);
    if (!entry) return;
    for (let i = 0; i < entry.count; i++) {
      const packed = slot * MAX_KEYPOINTS_PER_IMAGE + i;
      for (let t = 0; t < this.options.tables; t++) {
        const table = this.buckets[t];
        const k = this.key(entry.descriptors, i * DESCRIPTOR_BYTES, t);
        const bucket = table?.get(k);
        if (!bucket) continue;
        const at = bucket.indexOf(packed);
        if (at >= 0) bucket.splice(at, 1);
        if (bucket.length === 0) table?.delete(k);
      }
    }
    this.entries.delete(slot);
    this.descriptorTotal -= entry.count;
  }

  /** Votes per slot, normalised so that a query voting for itself scores about 1. */
  vote(query: Uint8Array, queryWeights: Float32Array, skip?: (slot: number) => boolean): Map<number, number> {
    const scores = new Map<number, number>();
    const slots = this.entries.size;
    if (slots === 0) return scores;
    const queryCount = query.length / DESCRIPTOR_BYTES;
    const cap = Math.max(32, Math.round(this.options.maxBucketShare * this.descriptorTotal));
    const maxD = this.options.maxDistance;
    const best = new Map<number, number>();
    const bestWeight = new Map<number, number>();
    const seen = new Set<number>();
    for (let q = 0; q < queryCount; q++) {
      best.clear();
      bestWeight.clear();
      seen.clear();
      const qOffset = q * DESCRIPTOR_BYTES;
      for (let t = 0; t < this.options.tables; t++) {
        const bucket = this.buckets[t]?.get(this.key(query, qOffset, t));
        if (!bucket || bucket.length > cap) continue;
        for (const packed of bucket) {
          if (seen.has(packed)) continue;
          seen.add(packed);
          const slot = Math.floor(packed / MAX_KEYPOINTS_PER_IMAGE);
          if (skip?.(slot)) continue;
          const entry = this.entries.get(slot);
          if (!entry) continue;
          const d = hamming(
            query,
            qOffset,
            entry.descriptors,
            (packed % MAX_KEYPOINTS_PER_IMAGE) * DESCRIPTOR_BYTES,
            DESCRIPTOR_BYTES,
          );
          if (d >= maxD) continue;
          const previous = best.get(slot);
          if (previous === undefined || d < previous) best.set(slot, d);
        }
      }
      if (best.size === 0) continue;
      // IDF over the images this descriptor matches: a descriptor found everywhere says nothing about identity.
      const idf = Math.log((slots + 1) / best.size) * (queryWeights[q] ?? 1);
      for (const [slot, d] of best) {
        const closeness = 1 - d / maxD;
        scores.set(slot, (scores.get(slot) ?? 0) + closeness * closeness * idf * (bestWeight.get(slot) ?? 1));
      }
    }
    const norm = Math.max(1, queryCount) * Math.log(slots + 1);
    for (const [slot, s] of scores) scores.set(slot, s / norm);
    return scores;
  }
}
