/**
 * The built-in, training-free stripe matcher (HotSpotter / Wild-ID style), used when no re-identification
 * model is installed. Each crop becomes a set of AKAZE keypoints with binary descriptors (background flagged
 * by a fur-colour mask); a search first shortlists gallery images by distinctiveness-weighted one-vs-many
 * voting over a hash index of all gallery descriptors, then verifies the shortlist geometrically (ratio test
 * + RANSAC homography). Scores are comparable across queries and lie in [0, 1), like the deep models' cosine
 * similarities they are fused with: verified hits score 0.5 + 0.5·w/(w + 20) from their weighted inlier count w
 * (so in [0.5, 1)); unverified hits, and verified ones without a single inlier, half their vote share (in [0, 0.5)),
 * so every hit with geometric evidence ranks first.
 */
import type { RawImage } from '../images/raw-image';
import { loadOpenCv, type OpenCv } from './stripe-cv';
import { decodeFeatures, encodeFeatures } from './stripe-codec';
import { DEFAULT_FEATURES, DESCRIPTOR_BYTES, extractFeatures, type LocalFeatures } from './stripe-features';
import { DEFAULT_VERIFY, descriptorMat, verifyPair } from './stripe-verify';
import { VoteIndex } from './stripe-vote';
import { fixedPlaceTest, framePoint, SAME_PLACE, type FramePlacement } from './fixed-background';
import { hamming } from './stripe-hamming';

export const STRIPE_MATCHER_ID = 'builtin-stripes';
/** Bump whenever extraction changes: stored descriptors of another version are refused by `decode`. */
export const STRIPE_FEATURE_VERSION = 1;
export const STRIPE_MATCHER_VERSION: string = `akaze-mldb-${DEFAULT_FEATURES.workingSide}-fur.${STRIPE_FEATURE_VERSION}`;

/** Keypoints the fur mask calls background still count, at half weight (the mask is a weak cue on video). */
export const BACKGROUND_WEIGHT = 0.5;
/** Weighted inliers at which a verified score is halfway between 0.5 and 1. */
export const INLIER_HALF_SCORE = 20;
export const DEFAULT_SHORTLIST = 10;

export type StripeDescriptor = Readonly<LocalFeatures>;

export interface StripeHit {
  id: number;
  score: number;
  globalSimilarity: number;
  inliers: number;
  verified: boolean;
}

export interface StripeSearchOptions {
  shortlist?: number;
  limit?: number;
  excludeIds?: ReadonlySet<number>;
  /** Where the query's crop lies in its frame: correspondences at the same place of the same camera are dropped. */
  placement?: FramePlacement;
}

export interface StripeIndex {
  /**
   * With a placement, keypoints found at the same place of the frame in another detection of the same camera, with
   * a like descriptor, are fixed background: they cast no votes and weigh nothing in verification (in both).
   */
  add(id: number, d: StripeDescriptor, placement?: FramePlacement): void;
  remove(id: number): void;
  readonly size: number;
  /** per-gallery-image scores, best first: shortlist by global similarity, then geometric verification of the shortlist */
  search(query: StripeDescriptor, options?: StripeSearchOptions): StripeHit[];
}

export interface StripeMatcher {
  describe(image: RawImage): StripeDescriptor;
  encode(d: StripeDescriptor): Buffer;
  decode(b: Buffer): StripeDescriptor;
  createIndex(): StripeIndex;
}

/** Structural check of a descriptor handed in by a caller (it may not come from `describe`/`decode`). */
function checkDescriptor(d: StripeDescriptor): void {
  const count = d.onFur.length;
  if (d.points.length !== count * 2 || d.descriptors.length !== count * DESCRIPTOR_BYTES) {
    throw new TypeError('stripe descriptor has inconsistent keypoint, point and descriptor counts');
  }
  if (!(d.width > 0 && d.height > 0)) throw new TypeError('stripe descriptor has no working size');
}

function checkId(id: number): void {
  // Ids are packed with keypoint indices into one safe integer inside the vote index.
  if (!Number.isSafeInteger(id) || id < 0 || id > 2 ** 40) throw new RangeError(`invalid gallery id ${id}`);
}

function weightsOf(d: StripeDescriptor): Float32Array {
  return Float32Array.from(d.onFur, (v) => (v ? 1 : BACKGROUND_WEIGHT));
}

export function verifiedScore(weightedInliers: number): number {
  return 0.5 + (0.5 * weightedInliers) / (weightedInliers + INLIER_HALF_SCORE);
}

interface Stored {
  descriptor: StripeDescriptor;
  /** 0 for a keypoint of the fixed background (see FramePlacement). */
  weights: Float32Array;
  placement?: FramePlacement;
}

/** Descriptors closer than this (bits of 486) at the same place of one camera show the same fixed thing. */
const FIXED_MAX_DISTANCE = 80;

class StripeVoteIndex implements StripeIndex {
  private readonly votes = new VoteIndex();
  private readonly items = new Map<number, Stored>();
  /** camera -> grid cell (SAME_PLACE wide) -> keypoints of placed gallery items that lie in it. */
  private readonly places = new Map<string, Map<string, { id: number; k: number }[]>>();

  constructor(private readonly cv: OpenCv) {}

  get size(): number {
    return this.items.size;
  }

  add(id: number, d: StripeDescriptor, placement?: FramePlacement): void {
    checkId(id);
    checkDescriptor(d);
    this.remove(id);
    const stored: Stored = { descriptor: d, weights: weightsOf(d), ...(placement ? { placement } : {}) };
    this.items.set(id, stored);
    const touched = placement ? this.markFixed(id, stored, placement) : new Set<number>();
    for (const other of [id, ...touched]) this.indexVotes(other);
  }

  remove(id: number): void {
    const stored = this.items.get(id);
    if (stored?.placement) {
      const cells = this.places.get(stored.placement.camera);
      for (let k = 0; k < stored.weights.length; k++) {
        const key = cellKey(framePoint(stored.descriptor, stored.placement, k));
        const list = cells?.get(key)?.filter((p) => p.id !== id);
        if (list && list.length > 0) cells?.set(key, list);
        else cells?.delete(key);
      }
    }
    this.items.delete(id);
    this.votes.remove(id);
  }

  /**
   * Zeroes the weight of every keypoint of `id` that matches a keypoint of another item of the same camera at the
   * same place (of another individual, where items say theirs), and of that keypoint too; returns the other items
   * changed. (Weights zeroed in an item stay so when
   * the item that revealed them leaves: they were seen fixed once, which is enough.)
   */
  private markFixed(id: number, stored: Stored, placement: FramePlacement): Set<number> {
    let cells = this.places.get(placement.camera);
    if (!cells) this.places.set(placement.camera, (cells = new Map()));
    const touched = new Set<number>();
    const d = stored.descriptor;
    for (let k = 0; k < stored.weights.length; k++) {
      const [x, y] = framePoint(d, placement, k);
      const cx = Math.floor(x / SAME_PLACE);
      const cy = Math.floor(y / SAME_PLACE);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          for (const near of cells.get(`${cx + dx},${cy + dy}`) ?? []) {
            const other = this.items.get(near.id);
            if (!other?.placement || near.id === id) continue;
            if (placement.individual !== undefined && other.placement.individual === placement.individual)
              continue;
            const [ox, oy] = framePoint(other.descriptor, other.placement, near.k);
            if (Math.abs(ox - x) > SAME_PLACE || Math.abs(oy - y) > SAME_PLACE) continue;
            const distance = hamming(
              d.descriptors,
              k * DESCRIPTOR_BYTES,
              other.descriptor.descriptors,
              near.k * DESCRIPTOR_BYTES,
              DESCRIPTOR_BYTES,
            );
            if (distance >= FIXED_MAX_DISTANCE) continue;
            stored.weights[k] = 0;
            if (other.weights[near.k] !== 0) touched.add(near.id);
            other.weights[near.k] = 0;
          }
        }
      }
      const key = cellKey([x, y]);
      const list = cells.get(key);
      if (list) list.push({ id, k });
      else cells.set(key, [{ id, k }]);
    }
    return touched;
  }

  /** (Re)indexes an item's votes without its fixed-background keypoints. */
  private indexVotes(id: number): void {
    const stored = this.items.get(id);
    if (!stored) return;
    const keep = [...stored.weights.keys()].filter((k) => (stored.weights[k] ?? 0) > 0);
    if (keep.length === stored.weights.length) {
      this.votes.add(id, stored.descriptor.descriptors, stored.weights);
      return;
    }
    const descriptors = new Uint8Array(keep.length * DESCRIPTOR_BYTES);
    keep.forEach((k, i) =>
      descriptors.set(
        stored.descriptor.descriptors.subarray(k * DESCRIPTOR_BYTES, (k + 1) * DESCRIPTOR_BYTES),
        i * DESCRIPTOR_BYTES,
      ),
    );
    this.votes.add(
      id,
      descriptors,
      Float32Array.from(keep, (k) => stored.weights[k] ?? 0),
    );
  }

  search(query: StripeDescriptor, options: StripeSearchOptions = {}): StripeHit[] {
    checkDescriptor(query);
    const shortlist = options.shortlist ?? DEFAULT_SHORTLIST;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(shortlist >= 0) || !(limit >= 0)) throw new RangeError('shortlist and limit must be non-negative');
    const excluded = options.excludeIds;
    const queryWeights = weightsOf(query);
    const votes = this.votes.vote(
      query.descriptors,
      queryWeights,
      excluded ? (id) => excluded.has(id) : undefined,
    );
    const ranked = [...this.items.keys()]
      .filter((id) => !excluded?.has(id))
      .map((id) => ({ id, similarity: votes.get(id) ?? 0 }))
      .sort((a, b) => b.similarity - a.similarity || a.id - b.id);

    const cv = this.cv;
    const matcher = new cv.BFMatcher(cv.NORM_HAMMING, false);
    const queryMat = descriptorMat(cv, query);
    // Below 0.5: the shortlist's vote alone, for images not verified or where verification found no inliers.
    const voteScore = (similarity: number): number => 0.4995 * Math.min(1, similarity);
    try {
      const hits = ranked.map(({ id, similarity }, rank): StripeHit => {
        const stored = this.items.get(id);
        if (rank >= shortlist || !stored) {
          return {
            id,
            score: voteScore(similarity),
            globalSimilarity: similarity,
            inliers: 0,
            verified: false,
          };
        }
        const weight = (q: number, g: number): number =>
          Math.sqrt((queryWeights[q] ?? 1) * (stored.weights[g] ?? 1));
        const fixed = fixedPlaceTest(query, options.placement, stored.descriptor, stored.placement);
        const v = verifyPair(cv, matcher, queryMat, query, stored.descriptor, weight, DEFAULT_VERIFY, fixed);
        return {
          id,
          // No geometric agreement is no evidence either way: such images keep their vote's order instead of tying.
          score: v.weightedInliers > 0 ? verifiedScore(v.weightedInliers) : voteScore(similarity),
          globalSimilarity: similarity,
          inliers: v.inliers,
          verified: true,
        };
      });
      hits.sort((a, b) => b.score - a.score || a.id - b.id);
      return hits.slice(0, limit);
    } finally {
      queryMat.delete();
      matcher.delete();
    }
  }
}

function cellKey([x, y]: [number, number]): string {
  return `${Math.floor(x / SAME_PLACE)},${Math.floor(y / SAME_PLACE)}`;
}

function createMatcher(cv: OpenCv): StripeMatcher {
  return {
    describe: (image) => extractFeatures(cv, image, DEFAULT_FEATURES),
    encode: (d) => {
      checkDescriptor(d);
      return encodeFeatures(d, STRIPE_FEATURE_VERSION);
    },
    decode: (b) => decodeFeatures(b, STRIPE_FEATURE_VERSION),
    createIndex: () => new StripeVoteIndex(cv),
  };
}

let loading: Promise<StripeMatcher> | undefined;

/** Awaits the OpenCV runtime once; every caller shares one matcher. */
export function loadStripeMatcher(): Promise<StripeMatcher> {
  loading ??= loadOpenCv().then(({ cv }) => createMatcher(cv));
  return loading;
}
