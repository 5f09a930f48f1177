import type { NormalisedBox } from '../images/crop';
import type { FrameSample } from './frame-sample';
import type { InfoStrip } from './info-strip';

/**
 * Background subtraction on small frames: each frame is compared with the most alike other frames of the same
 * camera (or burst); what differs from all of them over a large enough connected region is foreground, and each
 * such region gives a box. Pixel values are first normalised per frame and channel (median and spread), so the
 * sun going behind a cloud or a brighter infrared flash does not read as an animal.
 */

/** Rows of a sample that belong to the scene (not to the info strip): [first, end). */
export interface SceneRows {
  first: number;
  end: number;
}

export function sceneRows(height: number, strip: InfoStrip): SceneRows {
  const first = Math.min(height, Math.ceil(strip.top * height));
  const end = Math.max(first, Math.floor((1 - strip.bottom) * height));
  return { first, end };
}

/**
 * Spread below this (levels) is a nearly flat frame (a dark infrared night): dividing by it would turn sensor noise
 * and JPEG blocks into foreground.
 */
const MIN_SPREAD = 24;

/** Per channel: (value − median) / (p90 − p10) over the scene rows. */
export function normaliseSample(sample: FrameSample, rows: SceneRows): Float32Array {
  const { width, rgb } = sample;
  const out = new Float32Array(rgb.length);
  const start = rows.first * width * 3;
  const end = rows.end * width * 3;
  for (let c = 0; c < 3; c += 1) {
    const hist = new Uint32Array(256);
    let count = 0;
    for (let i = start + c; i < end; i += 3) {
      const v = rgb[i] ?? 0;
      hist[v] = (hist[v] ?? 0) + 1;
      count += 1;
    }
    const quantile = (q: number) => {
      let seen = 0;
      for (let v = 0; v < 256; v += 1) {
        seen += hist[v] ?? 0;
        if (seen > q * count) return v;
      }
      return 255;
    };
    const median = quantile(0.5);
    const spread = Math.max(MIN_SPREAD, quantile(0.9) - quantile(0.1));
    for (let i = start + c; i < end; i += 3) out[i] = ((rgb[i] ?? 0) - median) / spread;
  }
  return out;
}

/** Mean per-pixel difference (largest channel) over the scene rows, every `stride`-th pixel: how alike two scenes are. */
export function sceneDistance(
  a: Float32Array,
  b: Float32Array,
  width: number,
  rows: SceneRows,
  stride = 3,
): number {
  let sum = 0;
  let n = 0;
  for (let y = rows.first; y < rows.end; y += stride) {
    for (let x = 0; x < width; x += stride) {
      const i = (y * width + x) * 3;
      sum += Math.max(
        Math.abs((a[i] ?? 0) - (b[i] ?? 0)),
        Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)),
        Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0)),
      );
      n += 1;
    }
  }
  return n > 0 ? sum / n : 0;
}

export interface ForegroundOptions {
  /** A pixel is foreground when it differs from every reference by more than this (normalised, 3 × 3 mean). */
  threshold: number;
  /** Smallest region kept, as a share of the scene's pixels (0.0015: ~27 pixels of a 160 × 114 sample). */
  minRegion: number;
  /**
   * Frames further apart than this (mean normalised difference) show another scene: the camera was moved, or
   * frames of several cameras with no metadata were imported together. They are not used as background.
   */
  maxSceneDistance: number;
  /** Which reference difference counts, smallest first: 0 = differs from all references. */
  rank?: number;
}

/** Chosen on the localisation dev set (test/localisation/dev-set.test.ts; figures in its header). */
export const DEFAULT_FOREGROUND: ForegroundOptions = {
  threshold: 0.2,
  minRegion: 0.0015,
  maxSceneDistance: 0.3,
};

/** Regions closer than this (sample pixels) are one animal: legs, tail and body split by a fence post or grass. */
const MERGE_GAP = 3;

/**
 * Boxes (normalised to the whole frame) of the regions where the frame differs from the background, largest first;
 * none when the frame shows only the background.
 */
export function foregroundBoxes(
  frame: Float32Array,
  references: readonly Float32Array[],
  width: number,
  height: number,
  rows: SceneRows,
  options: ForegroundOptions = DEFAULT_FOREGROUND,
): NormalisedBox[] {
  return foregroundRegions(frame, references, width, height, rows, options).regions.map((r) =>
    normalisedBox(r, width, height),
  );
}

/** The foreground mask (1 = differs from the background) and its regions in sample pixels, largest first. */
export function foregroundRegions(
  frame: Float32Array,
  references: readonly Float32Array[],
  width: number,
  height: number,
  rows: SceneRows,
  options: ForegroundOptions = DEFAULT_FOREGROUND,
): { mask: Uint8Array; regions: Region[] } {
  // The background is the references themselves, not their median: a pixel is foreground only where the frame
  // differs from each of them (`rank` 0), or from most of them (`rank` n/2, for a burst, where the animal itself
  // stands in every reference and overlaps its own body from one frame to the next). An animal in one reference
  // then hides nothing (another shows the bare ground there) and leaves no ghost in the frame, as it does with a
  // median background of two or three frames.
  const score = new Float32Array(width * height);
  const diffs = new Float32Array(references.length);
  const rank = Math.min(references.length - 1, Math.max(0, options.rank ?? 0));
  for (let y = rows.first; y < rows.end; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const p = y * width + x;
      const i = p * 3;
      for (const [k, r] of references.entries()) {
        diffs[k] = Math.max(
          Math.abs((frame[i] ?? 0) - (r[i] ?? 0)),
          Math.abs((frame[i + 1] ?? 0) - (r[i + 1] ?? 0)),
          Math.abs((frame[i + 2] ?? 0) - (r[i + 2] ?? 0)),
        );
      }
      if (rank === 0) {
        let least = Infinity;
        for (const d of diffs) if (d < least) least = d;
        score[p] = least;
      } else {
        diffs.sort();
        score[p] = diffs[rank] ?? 0;
      }
    }
  }
  // The mean over the 3 × 3 neighbourhood: isolated noisy pixels and one-pixel edges (a camera shaken by wind) drop
  // out, an animal's body (many pixels that differ somewhat) stays.
  const mask = new Uint8Array(width * height);
  for (let y = rows.first + 1; y < rows.end - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy += 1)
        for (let dx = -1; dx <= 1; dx += 1) sum += score[(y + dy) * width + x + dx] ?? 0;
      if (sum / 9 > options.threshold) mask[y * width + x] = 1;
    }
  }
  const regions = connectedRegions(mask, width, height);
  const sceneArea = width * (rows.end - rows.first);
  const big = regions.filter((r) => r.area >= options.minRegion * sceneArea);
  return { mask, regions: mergeNear(big).sort((a, b) => b.area - a.area) };
}

export function normalisedBox(r: Region, width: number, height: number): NormalisedBox {
  return { x: r.x1 / width, y: r.y1 / height, w: (r.x2 + 1 - r.x1) / width, h: (r.y2 + 1 - r.y1) / height };
}

/** A region of the foreground mask: its bounding box (inclusive, sample pixels) and pixel count. */
export interface Region {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  area: number;
}

function connectedRegions(mask: Uint8Array, width: number, height: number): Region[] {
  const label = new Int32Array(width * height);
  const regions: Region[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start += 1) {
    if (mask[start] === 0 || label[start] !== 0) continue;
    const region: Region = { x1: width, y1: height, x2: -1, y2: -1, area: 0 };
    label[start] = regions.length + 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop();
      if (p === undefined) break;
      const x = p % width;
      const y = (p - x) / width;
      region.area += 1;
      region.x1 = Math.min(region.x1, x);
      region.x2 = Math.max(region.x2, x);
      region.y1 = Math.min(region.y1, y);
      region.y2 = Math.max(region.y2, y);
      for (const q of [p - 1, p + 1, p - width, p + width]) {
        if (q < 0 || q >= mask.length || mask[q] === 0 || label[q] !== 0) continue;
        if ((q === p - 1 || q === p + 1) && Math.floor(q / width) !== y) continue;
        label[q] = regions.length + 1;
        stack.push(q);
      }
    }
    regions.push(region);
  }
  return regions;
}

function mergeNear(regions: Region[]): Region[] {
  const out = regions.map((r) => ({ ...r }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i += 1) {
      for (let j = i + 1; j < out.length && !merged; j += 1) {
        const a = out[i];
        const b = out[j];
        if (a === undefined || b === undefined) continue;
        const near =
          a.x1 - MERGE_GAP <= b.x2 &&
          b.x1 - MERGE_GAP <= a.x2 &&
          a.y1 - MERGE_GAP <= b.y2 &&
          b.y1 - MERGE_GAP <= a.y2;
        if (!near) continue;
        out[i] = {
          x1: Math.min(a.x1, b.x1),
          y1: Math.min(a.y1, b.y1),
          x2: Math.max(a.x2, b.x2),
          y2: Math.max(a.y2, b.y2),
          area: a.area + b.area,
        };
        out.splice(j, 1);
        merged = true;
      }
    }
  }
  return out;
}

/**
 * The reference mapped onto the frame's values, per channel (least squares a·reference + b over the pixels outside
 * the mask). Per-frame normalisation leaves two frames of one scene apart where an animal shifted one frame's
 * histogram (a dark night frame with a bright glare): compared after this fit, only the animal differs.
 */
export function fitReference(
  frame: Float32Array,
  reference: Float32Array,
  mask: Uint8Array,
  width: number,
  rows: SceneRows,
): Float32Array {
  const out = new Float32Array(reference.length);
  for (let c = 0; c < 3; c += 1) {
    let n = 0;
    let sr = 0;
    let sf = 0;
    let srr = 0;
    let srf = 0;
    for (let p = rows.first * width; p < rows.end * width; p += 1) {
      if (mask[p] !== 0) continue;
      const r = reference[p * 3 + c] ?? 0;
      const f = frame[p * 3 + c] ?? 0;
      n += 1;
      sr += r;
      sf += f;
      srr += r * r;
      srf += r * f;
    }
    const variance = n > 0 ? srr / n - (sr / n) ** 2 : 0;
    // A flat reference channel (or no pixel outside the mask) gets no fit: it is left as normalised.
    const a = variance > 1e-6 ? (srf / n - (sr / n) * (sf / n)) / variance : 1;
    const b = n > 0 ? sf / n - a * (sr / n) : 0;
    for (let p = rows.first * width; p < rows.end * width; p += 1) {
      out[p * 3 + c] = a * (reference[p * 3 + c] ?? 0) + b;
    }
  }
  return out;
}

/**
 * Where only two frames of a scene are at hand (from different triggers), the region where they differ holds an
 * animal in one of them, and nothing but the frames themselves tells which: this is the frame whose own edges run
 * along the region's outline. An animal's silhouette is an edge in the frame that shows it; in the frame that shows
 * the ground there, the outline crosses the ground's texture at random. Returns the frame's edge energy along the
 * outline over the reference's (the reference fitted to the frame, fitReference): above 1 the change is more likely
 * the frame's.
 */
export function outlineEdgeRatio(
  frame: Float32Array,
  reference: Float32Array,
  mask: Uint8Array,
  region: Region,
  width: number,
  rows: SceneRows,
): number {
  let inFrame = 0;
  let inReference = 0;
  for (let y = Math.max(rows.first + 1, region.y1 - 1); y <= Math.min(rows.end - 2, region.y2 + 1); y += 1) {
    for (let x = Math.max(1, region.x1 - 1); x <= Math.min(width - 2, region.x2 + 1); x += 1) {
      const p = y * width + x;
      const m = mask[p];
      // The outline: pixels on either side of the mask's edge.
      if (m === mask[p - 1] && m === mask[p + 1] && m === mask[p - width] && m === mask[p + width]) continue;
      inFrame += edgeEnergy(frame, p, width);
      inReference += edgeEnergy(reference, p, width);
    }
  }
  // A small floor keeps two flat outlines (a dark night) near 1: undecided.
  const floor = 1e-2 * (region.x2 - region.x1 + region.y2 - region.y1 + 2);
  return (inFrame + floor) / (inReference + floor);
}

/** Squared Sobel gradient at pixel p, summed over the three channels. */
function edgeEnergy(image: Float32Array, p: number, width: number): number {
  let energy = 0;
  for (let c = 0; c < 3; c += 1) {
    const at = (q: number) => image[q * 3 + c] ?? 0;
    const gx =
      at(p - width + 1) +
      2 * at(p + 1) +
      at(p + width + 1) -
      at(p - width - 1) -
      2 * at(p - 1) -
      at(p + width - 1);
    const gy =
      at(p + width - 1) +
      2 * at(p + width) +
      at(p + width + 1) -
      at(p - width - 1) -
      2 * at(p - width) -
      at(p - width + 1);
    energy += gx * gx + gy * gy;
  }
  return energy;
}
