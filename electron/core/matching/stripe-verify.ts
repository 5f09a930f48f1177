/**
 * Geometric verification of one query/gallery pair: ratio-test matches of the binary descriptors, then a
 * RANSAC homography. A flank seen again keeps its stripe layout, so true matches agree on one plane-like
 * mapping; chance matches between different tigers do not. The count of consistent matches is the evidence.
 */
import { DESCRIPTOR_BYTES, type LocalFeatures } from './stripe-features';
import type { BfMatcher, Mat, OpenCv } from './stripe-cv';

export interface VerifyOptions {
  /** Lowe's ratio: best match must be clearly closer than the second best. */
  ratio: number;
  /** RANSAC reprojection tolerance as a share of the working image's longer side (bodies bend a little). */
  ransacShare: number;
  /** Below this many ratio-test matches no homography is attempted. */
  minMatches: number;
}

/** How much an inlier counts, from the fur flags of its two keypoints (background counts less). */
export type InlierWeight = (queryIndex: number, galleryIndex: number) => number;

export const DEFAULT_VERIFY: VerifyOptions = { ratio: 0.8, ransacShare: 0.02, minMatches: 8 };

export interface Verification {
  /** Matches consistent with the homography (0 when none was found or it was implausible). */
  inliers: number;
  /** Inliers weighted by `InlierWeight` (equals `inliers` when every keypoint is on fur). */
  weightedInliers: number;
  /** Matches that passed the ratio test. */
  tentative: number;
}

export function descriptorMat(cv: OpenCv, features: LocalFeatures): Mat {
  const rows = features.descriptors.length / DESCRIPTOR_BYTES;
  const mat = new cv.Mat(rows, DESCRIPTOR_BYTES, cv.CV_8UC1);
  mat.data.set(features.descriptors);
  return mat;
}

/** A same-side flank is never mirrored nor scaled by an order of magnitude between two crops. */
function plausible(h: Float64Array): boolean {
  const h22 = h[8] ?? 0;
  if (Math.abs(h22) < 1e-9) return false;
  const det = ((h[0] ?? 0) * (h[4] ?? 0) - (h[1] ?? 0) * (h[3] ?? 0)) / (h22 * h22);
  return det > 1 / 16 && det < 16;
}

export function verifyPair(
  cv: OpenCv,
  matcher: BfMatcher,
  queryMat: Mat,
  query: LocalFeatures,
  gallery: LocalFeatures,
  weight: InlierWeight,
  options: VerifyOptions = DEFAULT_VERIFY,
  /** Correspondences to drop before RANSAC: the fixed background of one camera (see fixed-background.ts). */
  background?: ((queryIndex: number, galleryIndex: number) => boolean) | null,
): Verification {
  const galleryMat = descriptorMat(cv, gallery);
  const knn = new cv.DMatchVectorVector();
  try {
    matcher.knnMatch(queryMat, galleryMat, knn, 2);
    // One match per gallery keypoint (the closest), so a repeated texture cannot inflate the count.
    const byTrain = new Map<number, { q: number; d: number }>();
    for (let i = 0; i < knn.size(); i++) {
      const pair = knn.get(i);
      if (pair.size() < 2) continue;
      const first = pair.get(0);
      const second = pair.get(1);
      if (first.distance >= options.ratio * second.distance) continue;
      if (background?.(first.queryIdx, first.trainIdx)) continue;
      const previous = byTrain.get(first.trainIdx);
      if (!previous || first.distance < previous.d)
        byTrain.set(first.trainIdx, { q: first.queryIdx, d: first.distance });
    }
    const tentative = byTrain.size;
    if (tentative < options.minMatches) return { inliers: 0, weightedInliers: 0, tentative };
    const src: number[] = [];
    const dst: number[] = [];
    const pairs: [number, number][] = [];
    for (const [t, { q }] of byTrain) {
      pairs.push([q, t]);
      src.push(query.points[q * 2] ?? 0, query.points[q * 2 + 1] ?? 0);
      dst.push(gallery.points[t * 2] ?? 0, gallery.points[t * 2 + 1] ?? 0);
    }
    const srcMat = cv.matFromArray(tentative, 1, cv.CV_32FC2, src);
    const dstMat = cv.matFromArray(tentative, 1, cv.CV_32FC2, dst);
    const inlierMask = new cv.Mat();
    try {
      const threshold = options.ransacShare * Math.max(gallery.width, gallery.height);
      const h = cv.findHomography(srcMat, dstMat, cv.RANSAC, threshold, inlierMask);
      try {
        if (h.rows !== 3 || !plausible(h.data64F)) return { inliers: 0, weightedInliers: 0, tentative };
        let inliers = 0;
        let weightedInliers = 0;
        for (let i = 0; i < inlierMask.rows; i++) {
          if (!inlierMask.data[i]) continue;
          const [q, t] = pairs[i] ?? [0, 0];
          inliers++;
          weightedInliers += weight(q, t);
        }
        return { inliers, weightedInliers, tentative };
      } finally {
        h.delete();
      }
    } finally {
      srcMat.delete();
      dstMat.delete();
      inlierMask.delete();
    }
  } finally {
    knn.delete();
    galleryMat.delete();
  }
}
