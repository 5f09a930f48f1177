/**
 * ALIKE's keypoint detector (the paper's differentiable keypoint detection, DKD, at inference): local maxima of the
 * score map by non-maximum suppression, the strongest `limit` of them away from the border, each refined to
 * sub-pixel by a soft-argmax over its 5×5 neighbourhood, and the descriptor map sampled there bilinearly and
 * L2-normalised again. Follows the authors' soft_detect.py step for step, so the keypoints equal theirs
 * (test/inference/alike-reference.test.ts compares them with a PyTorch run).
 */

/** Non-maximum suppression radius and the refinement window's half-size (the authors' default, 2). */
const RADIUS = 2;
/** Soft-argmax temperature the authors tuned. */
const TEMPERATURE = 0.1;

/**
 * The network's output for one image: 1 + dim planes, channel 0 the score map. Only the top-left `width` × `height`
 * of each plane is the image (the rest is the padding to multiples of 32); `paddedWidth` and `paddedHeight`, when
 * given, are the planes' real size, so the maps are read in place instead of copied out.
 */
export interface DenseFeatures {
  data: Float32Array;
  dim: number;
  height: number;
  width: number;
  paddedWidth?: number;
  paddedHeight?: number;
}

export interface AlikeKeypoints {
  /** x, y per keypoint in pixels of the network's input, strongest first. */
  xy: Float32Array;
  scores: Float32Array;
  /** dim values per keypoint, each row unit length. */
  descriptors: Float32Array;
  dim: number;
}

export interface KeypointOptions {
  /** At most this many keypoints, the strongest. */
  limit: number;
  /** Only local maxima scoring above this (the authors use 0.2 when no limit is set; 0 keeps every maximum). */
  minScore?: number;
}

/** Max over the (2·RADIUS + 1)² window around each pixel; outside the map counts as −∞, as max_pool2d pads. */
function windowMax(values: Float32Array, width: number, height: number): Float32Array {
  const rows = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let m = -Infinity;
      for (let dx = Math.max(0, x - RADIUS); dx <= Math.min(width - 1, x + RADIUS); dx += 1) {
        m = Math.max(m, values[y * width + dx] ?? -Infinity);
      }
      rows[y * width + x] = m;
    }
  }
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let m = -Infinity;
      for (let dy = Math.max(0, y - RADIUS); dy <= Math.min(height - 1, y + RADIUS); dy += 1) {
        m = Math.max(m, rows[dy * width + x] ?? -Infinity);
      }
      out[y * width + x] = m;
    }
  }
  return out;
}

/** The authors' simple_nms: maxima, then twice more the maxima among what the first ones do not suppress. */
function suppressNonMaxima(scores: Float32Array, width: number, height: number): Float32Array {
  const n = scores.length;
  const pooled = windowMax(scores, width, height);
  const isMax = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) isMax[i] = scores[i] === pooled[i] ? 1 : 0;
  for (let round = 0; round < 2; round += 1) {
    const suppressed = windowMax(Float32Array.from(isMax), width, height);
    const rest = new Float32Array(n);
    for (let i = 0; i < n; i += 1) rest[i] = (suppressed[i] ?? 0) > 0 ? 0 : (scores[i] ?? 0);
    const restMax = windowMax(rest, width, height);
    for (let i = 0; i < n; i += 1) {
      if ((suppressed[i] ?? 0) <= 0 && rest[i] === restMax[i]) isMax[i] = 1;
    }
  }
  const kept = new Float32Array(n);
  for (let i = 0; i < n; i += 1) kept[i] = isMax[i] === 1 ? (scores[i] ?? 0) : 0;
  return kept;
}

/** Bilinear value of channel `c` at (x, y), zero outside the map (grid_sample, align_corners, zero padding). */
function bilinear(features: DenseFeatures, c: number, x: number, y: number): number {
  const { data, width, height } = features;
  const stride = features.paddedWidth ?? width;
  const plane = c * stride * (features.paddedHeight ?? height);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  let sum = 0;
  for (const [xx, yy, weight] of [
    [x0, y0, (1 - fx) * (1 - fy)],
    [x0 + 1, y0, fx * (1 - fy)],
    [x0, y0 + 1, (1 - fx) * fy],
    [x0 + 1, y0 + 1, fx * fy],
  ] as const) {
    if (xx >= 0 && xx < width && yy >= 0 && yy < height)
      sum += weight * (data[plane + yy * stride + xx] ?? 0);
  }
  return sum;
}

export function detectKeypoints(features: DenseFeatures, options: KeypointOptions): AlikeKeypoints {
  const { dim, width, height } = features;
  const stride = features.paddedWidth ?? width;
  // The score map of the image alone, row by row (a few hundred kB; the descriptor planes stay where they are).
  const scores = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1)
    scores.set(features.data.subarray(y * stride, y * stride + width), y * width);
  const kept = suppressNonMaxima(scores, width, height);
  const candidates: number[] = [];
  const minScore = options.minScore ?? 0;
  for (let y = RADIUS + 1; y < height - RADIUS; y += 1) {
    for (let x = RADIUS + 1; x < width - RADIUS; x += 1) {
      const i = y * width + x;
      if ((kept[i] ?? 0) > minScore) candidates.push(i);
    }
  }
  candidates.sort((a, b) => (kept[b] ?? 0) - (kept[a] ?? 0) || a - b);
  const chosen = candidates.slice(0, options.limit);
  const xy = new Float32Array(chosen.length * 2);
  const keypointScores = new Float32Array(chosen.length);
  const descriptors = new Float32Array(chosen.length * dim);
  const side = 2 * RADIUS + 1;
  const weights = new Float64Array(side * side);
  chosen.forEach((index, k) => {
    const cx = index % width;
    const cy = (index - cx) / width;
    // Soft-argmax over the window (zero outside the map, as unfold pads), relative to its maximum.
    let peak = -Infinity;
    for (let dy = -RADIUS; dy <= RADIUS; dy += 1) {
      for (let dx = -RADIUS; dx <= RADIUS; dx += 1) {
        const x = cx + dx;
        const y = cy + dy;
        const v = x >= 0 && x < width && y >= 0 && y < height ? (scores[y * width + x] ?? 0) : 0;
        weights[(dy + RADIUS) * side + dx + RADIUS] = v;
        peak = Math.max(peak, v);
      }
    }
    let total = 0;
    let sx = 0;
    let sy = 0;
    for (let dy = -RADIUS; dy <= RADIUS; dy += 1) {
      for (let dx = -RADIUS; dx <= RADIUS; dx += 1) {
        const w = Math.exp(((weights[(dy + RADIUS) * side + dx + RADIUS] ?? 0) - peak) / TEMPERATURE);
        total += w;
        sx += w * dx;
        sy += w * dy;
      }
    }
    const x = cx + sx / total;
    const y = cy + sy / total;
    xy[2 * k] = x;
    xy[2 * k + 1] = y;
    keypointScores[k] = bilinear(features, 0, x, y);
    let norm = 0;
    for (let c = 0; c < dim; c += 1) {
      const v = bilinear(features, 1 + c, x, y);
      descriptors[k * dim + c] = v;
      norm += v * v;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let c = 0; c < dim; c += 1) descriptors[k * dim + c] = (descriptors[k * dim + c] ?? 0) * scale;
  });
  return { xy, scores: keypointScores, descriptors, dim };
}
