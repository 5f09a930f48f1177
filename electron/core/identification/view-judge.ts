/**
 * Whether a detection's view can identify the animal, judged from what the matcher sees: the crop's size in pixels,
 * its sharpness, where the box lies in the frame, its shape, and the stripe features the matcher found. No model:
 * a face and a rump are both the animal seen end-on (a compact box), and nothing here tells them apart, so they
 * are one category. The reviewer corrects a judgement with one key (gallery/detection-view.ts).
 */
import type { NormalisedBox } from '../images/crop';
import type { RawImage } from '../images/raw-image';
import type { StripeDescriptor } from '../matching/stripe-matcher';

export const DETECTION_VIEWS = [
  'flank',
  'face-or-rump',
  'partial',
  'too-small',
  'blurred',
  'featureless',
] as const;
export type DetectionView = (typeof DETECTION_VIEWS)[number];

export interface ViewJudgement {
  view: DetectionView;
  identifiable: boolean;
  /** In words for the reviewer: what was seen, with the figure that decided it. */
  reason: string;
}

/** What the judge looks at, all of it known when analysis describes a crop. */
export interface ViewEvidence {
  /** The crop the matchers describe (the box plus padding), in decoded pixels. */
  crop: RawImage;
  box: NormalisedBox;
  /**
   * The whole frame is the detection (no box was found): no frame edge cuts it. Its shape still counts: a photo
   * that is a whole detection is most often a crop someone already made around the animal.
   */
  wholeFrame: boolean;
  stripes: StripeDescriptor | null;
  /** The stripe matcher's error code when it found no features (IMAGE_TOO_SMALL, IMAGE_NO_FEATURES). */
  stripesErrorCode: string | null;
}

/**
 * Thresholds, tuned on real ATRW crops (mostly flank views, tight crops) and on versions of them pasted on real
 * blank camera-trap frames: cut by the frame's edge, shrunk and motion-blurred (test/identification/view-judge.test.ts
 * gives the figures).
 */
export const VIEW_THRESHOLDS = {
  /** Crops shorter than this (pixels) hold too few stripes to tell tigers apart. */
  minShortSide: 64,
  /** Crops whose longer side is below this (pixels) are too small too. */
  minLongSide: 112,
  /** Sharpness (see sharpnessOf) below this is motion or focus blur. */
  minSharpness: 0.45,
  /** Fewer stripe features than this (the matcher keeps at most 500) is too little texture to compare. */
  minStripeFeatures: 40,
  /** A box narrower than this (width over height, in pixels) shows the animal end-on: its face or its rump. */
  minFlankAspect: 0.7,
  /** A box within this fraction of the frame's left or right edge runs out of the photo. */
  edgeMargin: 0.004,
} as const;

/** The longer side at which sharpness is measured, so that it says how blurred the animal is, not the photo. */
const SHARPNESS_SIDE = 256;
/** Length of the box filter that blurs the crop again (Crété-Roffet et al., "The blur effect", 2007). */
const REBLUR = 9;
/**
 * Neighbour differences below this (grey levels) are quantisation and sensor noise, not detail: a smooth 8-bit ramp
 * steps by single levels, which would otherwise read as sharp edges.
 */
const NOISE_LEVELS = 2;

/** The inner part of the crop (the padding around the box shows sharp background) in grey, at about SHARPNESS_SIDE. */
function greyInner(crop: RawImage): { grey: Float32Array; w: number; h: number } {
  const { width, height, channels, data } = crop;
  const x0 = Math.floor(width * 0.1);
  const y0 = Math.floor(height * 0.1);
  const innerW = width - 2 * x0;
  const innerH = height - 2 * y0;
  const step = Math.max(1, Math.floor(Math.max(innerW, innerH) / SHARPNESS_SIDE));
  const w = Math.floor(innerW / step);
  const h = Math.floor(innerH / step);
  const grey = new Float32Array(Math.max(0, w * h));
  const colours = Math.min(channels, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < step; dy++) {
        const row = (y0 + y * step + dy) * width;
        for (let dx = 0; dx < step; dx++) {
          const at = (row + x0 + x * step + dx) * channels;
          for (let c = 0; c < colours; c++) sum += data[at + c] ?? 0;
        }
      }
      grey[y * w + x] = sum / (step * step * colours);
    }
  }
  return { grey, w, h };
}

/**
 * Blur along one direction: how little neighbouring-pixel differences shrink when the image is blurred again
 * (1: already fully blurred, or no detail at all; 0: sharp).
 */
function blurAlong(grey: Float32Array, w: number, h: number, alongRows: boolean): number {
  const [outer, inner] = alongRows ? [h, w] : [w, h];
  const at = (o: number, i: number): number => (alongRows ? o * w + i : i * w + o);
  const half = Math.floor(REBLUR / 2);
  let sharpSum = 0;
  let lostSum = 0;
  const line = new Float32Array(inner);
  const blurred = new Float32Array(inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) line[i] = grey[at(o, i)] ?? 0;
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let k = -half; k <= half; k++) sum += line[Math.min(inner - 1, Math.max(0, i + k))] ?? 0;
      blurred[i] = sum / REBLUR;
    }
    for (let i = 1; i < inner; i++) {
      const d = Math.abs((line[i] ?? 0) - (line[i - 1] ?? 0));
      if (d < NOISE_LEVELS) continue;
      const db = Math.abs((blurred[i] ?? 0) - (blurred[i - 1] ?? 0));
      sharpSum += d;
      lostSum += Math.max(0, d - db);
    }
  }
  return sharpSum === 0 ? 1 : (sharpSum - lostSum) / sharpSum;
}

/**
 * Sharpness in [0, 1] of the animal: 1 minus the no-reference blur measure of Crété-Roffet et al. (blur the crop
 * again; an already blurred crop hardly changes), in the worse of the two directions, so that motion blur along
 * the animal's path counts. A ratio of differences, it does not read a dark infrared crop as blurred.
 */
export function sharpnessOf(crop: RawImage): number {
  const { grey, w, h } = greyInner(crop);
  if (w <= REBLUR || h <= REBLUR) return 0;
  return 1 - Math.max(blurAlong(grey, w, h, true), blurAlong(grey, w, h, false));
}

const fixed = (v: number, digits = 2): string => v.toFixed(digits);

/** Judges one detection's view; see VIEW_THRESHOLDS for what each verdict rests on. */
export function judgeView(evidence: ViewEvidence): ViewJudgement {
  const { crop, box, wholeFrame, stripes, stripesErrorCode } = evidence;
  const t = VIEW_THRESHOLDS;
  const short = Math.min(crop.width, crop.height);
  const long = Math.max(crop.width, crop.height);
  if (short < t.minShortSide || long < t.minLongSide || stripesErrorCode === 'IMAGE_TOO_SMALL') {
    return {
      view: 'too-small',
      identifiable: false,
      reason: `the animal is only ${crop.width}×${crop.height} pixels: too small to show its stripes`,
    };
  }
  // The animal walks along its length: a box cut by the left or right edge has lost part of its flank. Cut at the
  // top or bottom (or by the camera's info strip) it has mostly lost legs or back, and the flank still shows.
  if (!wholeFrame && (box.x <= t.edgeMargin || box.x + box.w >= 1 - t.edgeMargin)) {
    return {
      view: 'partial',
      identifiable: false,
      reason: `the animal runs out of the photo at its ${box.x <= t.edgeMargin ? 'left' : 'right'} edge: only part of it shows`,
    };
  }
  const sharpness = sharpnessOf(crop);
  if (sharpness < t.minSharpness) {
    return {
      view: 'blurred',
      identifiable: false,
      reason: `the photo of the animal is blurred (sharpness ${fixed(sharpness, 3)}, at least ${t.minSharpness} needed)`,
    };
  }
  const features = stripes?.onFur.length ?? 0;
  if (features < t.minStripeFeatures) {
    return {
      view: 'featureless',
      identifiable: false,
      reason: `the stripe matcher found ${features} stripe features (at least ${t.minStripeFeatures} needed): too plain, dark or washed out`,
    };
  }
  const aspect = crop.width / crop.height;
  if (aspect < t.minFlankAspect) {
    return {
      view: 'face-or-rump',
      identifiable: false,
      reason: `the box is narrow (${fixed(aspect)} wide per 1 tall): the animal faces towards or away from the camera, its flank hidden`,
    };
  }
  return {
    view: 'flank',
    identifiable: true,
    reason: `a side view: ${features} stripe features over a box ${fixed(aspect)} wide per 1 tall`,
  };
}
