/**
 * Geometric verification of tentative matches between two crops: the largest set of matches that one affine map
 * carries from the query to the gallery crop (RANSAC on three-point samples). A flank seen again keeps its stripe
 * layout up to a shift, a scale, a slant and some bending; chance matches between two tigers agree on no map. An
 * affine map needs three matches where a homography needs four, so a few hundred draws find it at the low inlier
 * shares of real crops, in well under a millisecond; the draws are seeded, so a pair always gives the same count.
 */
import { mulberry32 } from '../stripe-hamming';

export interface ConsensusOptions {
  /** Reprojection tolerance in pixels of the gallery crop's working image. */
  tolerance: number;
  /** Random three-match samples drawn. */
  draws: number;
}

/** A same-side flank is never mirrored, nor scaled by more than 4× in area either way, between two crops. */
const MIN_AREA_RATIO = 1 / 16;
const MAX_AREA_RATIO = 16;

/**
 * Inliers of the best affine map. `from` and `to` hold x, y per match (the same index is one match). Returns the
 * indices of the matches the best map carries; empty when fewer than three matches or no plausible map.
 */
export function affineConsensus(from: Float32Array, to: Float32Array, options: ConsensusOptions): number[] {
  const count = from.length / 2;
  if (count < 3) return [];
  const random = mulberry32(count * 7919 + 17);
  const tolerance2 = options.tolerance * options.tolerance;
  let bestCount = 0;
  let best: readonly number[] | null = null;
  const fx = (i: number) => from[2 * i] ?? 0;
  const fy = (i: number) => from[2 * i + 1] ?? 0;
  const tx = (i: number) => to[2 * i] ?? 0;
  const ty = (i: number) => to[2 * i + 1] ?? 0;
  for (let draw = 0; draw < options.draws; draw += 1) {
    const i = Math.floor(random() * count);
    const j = Math.floor(random() * count);
    const k = Math.floor(random() * count);
    if (i === j || j === k || i === k) continue;
    const det = (fx(j) - fx(i)) * (fy(k) - fy(i)) - (fx(k) - fx(i)) * (fy(j) - fy(i));
    if (Math.abs(det) < 1e-6) continue;
    // u = a·x + b·y + c through the three samples, once per output coordinate.
    const solve = (u1: number, u2: number, u3: number) => {
      const a = ((u2 - u1) * (fy(k) - fy(i)) - (u3 - u1) * (fy(j) - fy(i))) / det;
      const b = ((fx(j) - fx(i)) * (u3 - u1) - (fx(k) - fx(i)) * (u2 - u1)) / det;
      return [a, b, u1 - a * fx(i) - b * fy(i)] as const;
    };
    const [a, b, c] = solve(tx(i), tx(j), tx(k));
    const [d, e, f] = solve(ty(i), ty(j), ty(k));
    const area = a * e - b * d;
    if (area < MIN_AREA_RATIO || area > MAX_AREA_RATIO) continue;
    let inliers = 0;
    for (let p = 0; p < count; p += 1) {
      const dx = a * fx(p) + b * fy(p) + c - tx(p);
      const dy = d * fx(p) + e * fy(p) + f - ty(p);
      if (dx * dx + dy * dy < tolerance2) inliers += 1;
    }
    if (inliers > bestCount) {
      bestCount = inliers;
      best = [a, b, c, d, e, f];
    }
  }
  if (best === null) return [];
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = best;
  const carried: number[] = [];
  for (let p = 0; p < count; p += 1) {
    const dx = a * fx(p) + b * fy(p) + c - tx(p);
    const dy = d * fx(p) + e * fy(p) + f - ty(p);
    if (dx * dx + dy * dy < tolerance2) carried.push(p);
  }
  return carried;
}
