/**
 * The gallery searched by learned local features: each query is compared with every gallery crop by global
 * descriptor only (one dot product of dim values each), and the most similar `shortlist` crops are verified
 * keypoint by keypoint: mutual nearest neighbours, then the largest affine consensus. Scores share the stripe
 * matcher's scale, so the two fuse: a verified crop scores 0.5 + 0.5·n/(n + INLIER_HALF_SCORE) from its n inliers
 * (in [0.5, 1)), any other half its global similarity (below 0.5).
 */
import { dot } from '../dot-product';
import { affineConsensus } from './affine-consensus';
import type { LearnedFeatures } from './learned-features';
import { dequantise, mutualNearest } from './mutual-matches';

export interface LearnedFeatureHit {
  id: number;
  score: number;
  globalSimilarity: number;
  inliers: number;
  verified: boolean;
}

export interface LearnedFeatureSearch {
  shortlist?: number;
  excludeIds?: ReadonlySet<number>;
}

/** Inliers at which a verified score is halfway between 0.5 and 1. */
export const INLIER_HALF_SCORE = 20;
/** Fewer inliers than this are chance: two different tigers reach it on a few crops in a hundred. */
export const MIN_INLIERS = 8;
export const DEFAULT_SHORTLIST = 20;
/** Affine consensus tolerance, as a share of the gallery crop's longer working side (bodies bend a little). */
const TOLERANCE_SHARE = 0.03;
const DRAWS = 400;

export class LearnedFeatureIndex {
  private readonly entries = new Map<number, LearnedFeatures>();

  get size(): number {
    return this.entries.size;
  }

  add(id: number, features: LearnedFeatures): void {
    this.entries.set(id, features);
  }

  remove(id: number): void {
    this.entries.delete(id);
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  search(query: LearnedFeatures, options: LearnedFeatureSearch = {}): LearnedFeatureHit[] {
    const hits: LearnedFeatureHit[] = [];
    for (const [id, gallery] of this.entries) {
      if (options.excludeIds?.has(id) === true) continue;
      hits.push({
        id,
        score: 0,
        globalSimilarity: dot(query.global, gallery.global),
        inliers: 0,
        verified: false,
      });
    }
    hits.sort((a, b) => b.globalSimilarity - a.globalSimilarity || a.id - b.id);
    const shortlist = options.shortlist ?? DEFAULT_SHORTLIST;
    const queryValues = dequantise(query.descriptors);
    hits.forEach((hit, rank) => {
      const gallery = this.entries.get(hit.id);
      if (rank < shortlist && gallery !== undefined)
        hit.inliers = verifiedInliers(query, gallery, queryValues);
      hit.verified = hit.inliers >= MIN_INLIERS;
      hit.score = hit.verified
        ? 0.5 + (0.5 * hit.inliers) / (hit.inliers + INLIER_HALF_SCORE)
        : 0.5 * Math.max(0, hit.globalSimilarity);
    });
    return hits.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

/** Matches of the query carried by one affine map onto the gallery crop. */
export function verifiedInliers(
  query: LearnedFeatures,
  gallery: LearnedFeatures,
  queryValues: Float32Array = dequantise(query.descriptors),
): number {
  const pairs = mutualNearest(queryValues, dequantise(gallery.descriptors), query.descriptors.dim);
  const from = new Float32Array(pairs.length * 2);
  const to = new Float32Array(pairs.length * 2);
  pairs.forEach(([q, g], k) => {
    from[2 * k] = query.points[2 * q] ?? 0;
    from[2 * k + 1] = query.points[2 * q + 1] ?? 0;
    to[2 * k] = gallery.points[2 * g] ?? 0;
    to[2 * k + 1] = gallery.points[2 * g + 1] ?? 0;
  });
  const tolerance = TOLERANCE_SHARE * Math.max(gallery.width, gallery.height);
  return affineConsensus(from, to, { tolerance, draws: DRAWS }).length;
}
