/**
 * How much a crop looks like a tiger to a stripe matcher, with no model: the share of its pixels that lie on a
 * deep, dark, elongated bar (a stripe), measured on brightness alone (the brightest channel: orange fur is bright,
 * a black stripe dark in every channel) so night infrared frames are judged like colour ones. A tiger's flank is
 * covered in them; a deer, a coyote or an opossum shows fur with few, and the lines the ground or a branch draws
 * are rarely as dark against their surroundings, nor as parallel over a stripe's width as a flank's stripes. It orders Review (tiger-like encounters first) and flags the
 * others; it never removes anything.
 */
import type { RawImage } from '../images/raw-image';

/**
 * Below this share of stripe pixels a detection's stripes look nothing like a tiger's. Chosen on the localisation
 * dev set (test/localisation/dev-set.test.ts gives the figures) and on real ATRW crops: below every tiger frame of
 * the dev set (the lowest 0.0019, a small tiger left in its whole frame) and 3 of the 1,335 ATRW crops; 25 of its
 * 56 other-species frames lie below.
 */
export const TIGER_LIKE_THRESHOLD = 0.0015;

/**
 * Longer side (pixels) at which the crop is judged, so the figure does not depend on the photo's resolution; at
 * this size a tiger's stripes across a tight crop are a few pixels wide.
 */
const SIDE = 320;
/** Box radius (pixels at SIDE) that smooths the crop to a stripe's scale (a stripe is a few pixels wide). */
const BAR_RADIUS = 1;
/** How far (pixels at SIDE) on either side of a stripe the fur is looked for. */
const FLANK_DISTANCE = 3;
/** Directions across which a stripe may run: horizontal, vertical and both diagonals. */
const ACROSS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
];
/**
 * A stripe pixel is darker than the fur on both sides of it (a dark bar, not the dark side of an edge) by this many
 * standard deviations of the brightness around it (LOCAL_RADIUS): a tiger in shade or underexposed beside a sunlit
 * clearing keeps its stripes, which a contrast measured over the whole crop would hide…
 */
const MIN_DEPTH_SPREAD = 0.8;
/** …and by at least this many levels: in a flat, dark patch, JPEG noise is no stripe. */
const MIN_DEPTH_LEVELS = 8;
/** Radius (pixels at SIDE) of the neighbourhood whose spread sets a stripe's depth: a few stripes across. */
const LOCAL_RADIUS = 12;
/**
 * …and lies where the gradients agree on one orientation over a stripe's width and more (a bar, not a speck, a
 * corner or the crossing blades of a tuft of grass).
 */
const MIN_COHERENCE = 0.7;
/** Radius of the window over which gradient orientations are pooled. */
const TENSOR_RADIUS = 8;

/** Share of the crop's pixels on a dark stripe, in [0, 1]. */
export function tigerLikeness(crop: RawImage): number {
  const { grey, w, h } = greyAt(crop, SIDE);
  const bar = boxBlur(grey, w, h, BAR_RADIUS);
  const jxx = new Float32Array(w * h);
  const jyy = new Float32Array(w * h);
  const jxy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      const gx = ((bar[p + 1] ?? 0) - (bar[p - 1] ?? 0)) / 2;
      const gy = ((bar[p + w] ?? 0) - (bar[p - w] ?? 0)) / 2;
      jxx[p] = gx * gx;
      jyy[p] = gy * gy;
      jxy[p] = gx * gy;
    }
  }
  const sxx = boxBlur(jxx, w, h, TENSOR_RADIUS);
  const syy = boxBlur(jyy, w, h, TENSOR_RADIUS);
  const sxy = boxBlur(jxy, w, h, TENSOR_RADIUS);
  const mean = boxBlur(grey, w, h, LOCAL_RADIUS);
  const meanOfSquares = boxBlur(
    grey.map((v) => v * v),
    w,
    h,
    LOCAL_RADIUS,
  );
  let stripes = 0;
  for (let p = 0; p < w * h; p++) {
    const spread = Math.sqrt(Math.max(0, (meanOfSquares[p] ?? 0) - (mean[p] ?? 0) ** 2));
    if (valleyDepth(bar, p, w, h) <= Math.max(MIN_DEPTH_LEVELS, MIN_DEPTH_SPREAD * spread)) continue;
    const a = sxx[p] ?? 0;
    const b = syy[p] ?? 0;
    const c = sxy[p] ?? 0;
    const trace = a + b;
    // Coherence (λ1 − λ2)/(λ1 + λ2) of the structure tensor; flat patches (trace ≤ 1) have no orientation.
    if (trace > 1 && Math.sqrt((a - b) ** 2 + 4 * c * c) / trace > MIN_COHERENCE) stripes += 1;
  }
  return w * h > 0 ? stripes / (w * h) : 0;
}

/**
 * How much darker pixel p is than both its neighbours FLANK_DISTANCE away, across the direction where that is most:
 * positive on a dark bar, zero or less on an edge (one side is as dark) or in a flat patch.
 */
function valleyDepth(image: Float32Array, p: number, w: number, h: number): number {
  const x = p % w;
  const y = (p - x) / w;
  const centre = image[p] ?? 0;
  let deepest = -Infinity;
  for (const [dx, dy] of ACROSS) {
    const x1 = x + dx * FLANK_DISTANCE;
    const y1 = y + dy * FLANK_DISTANCE;
    const x2 = x - dx * FLANK_DISTANCE;
    const y2 = y - dy * FLANK_DISTANCE;
    if (x1 < 0 || x1 >= w || x2 < 0 || x2 >= w || y1 < 0 || y1 >= h || y2 < 0 || y2 >= h) continue;
    const sides = Math.min(image[y1 * w + x1] ?? 0, image[y2 * w + x2] ?? 0);
    deepest = Math.max(deepest, sides - centre);
  }
  return deepest;
}

/**
 * Brightness (the brightest channel) at `side` pixels on the longer side: each pixel the mean of the source pixels
 * it covers (the nearest one when enlarging), so the stripe radii are a share of the crop whatever its size.
 */
const SAMPLES = 4;

function greyAt(image: RawImage, side: number): { grey: Float32Array; w: number; h: number } {
  const { width, height, channels, data } = image;
  const scale = side / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const grey = new Float32Array(w * h);
  const span = (i: number, n: number, size: number) => {
    const start = Math.min(size - 1, Math.floor((i * size) / n));
    return [start, Math.max(start + 1, Math.floor(((i + 1) * size) / n))] as const;
  };
  for (let y = 0; y < h; y++) {
    const [y0, y1] = span(y, h, height);
    for (let x = 0; x < w; x++) {
      const [x0, x1] = span(x, w, width);
      // At most SAMPLES × SAMPLES source pixels per block: a whole 2560-pixel frame costs about what a crop does.
      const sy = Math.max(1, Math.floor((y1 - y0) / SAMPLES));
      const sx = Math.max(1, Math.floor((x1 - x0) / SAMPLES));
      let sum = 0;
      let n = 0;
      for (let yy = y0; yy < y1; yy += sy) {
        for (let xx = x0; xx < x1; xx += sx, n++) {
          const p = (yy * width + xx) * channels;
          sum += channels >= 3 ? Math.max(data[p] ?? 0, data[p + 1] ?? 0, data[p + 2] ?? 0) : (data[p] ?? 0);
        }
      }
      grey[y * w + x] = sum / n;
    }
  }
  return { grey, w, h };
}

/** Mean over the (2r+1)² box, shrunk at the borders; running sums, so the radius costs nothing. */
function boxBlur(a: Float32Array, w: number, h: number, r: number): Float32Array {
  const rows = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x < Math.min(w, r); x++) sum += a[row + x] ?? 0;
    for (let x = 0; x < w; x++) {
      if (x + r < w) sum += a[row + x + r] ?? 0;
      if (x - r - 1 >= 0) sum -= a[row + x - r - 1] ?? 0;
      rows[row + x] = sum / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(h, r); y++) sum += rows[y * w + x] ?? 0;
    for (let y = 0; y < h; y++) {
      if (y + r < h) sum += rows[(y + r) * w + x] ?? 0;
      if (y - r - 1 >= 0) sum -= rows[(y - r - 1) * w + x] ?? 0;
      out[y * w + x] = sum / (Math.min(h - 1, y + r) - Math.max(0, y - r) + 1);
    }
  }
  return out;
}
