/**
 * Foreground ("fur") mask from colour alone, no training. Tiger fur is a saturated orange with black stripes;
 * zoo and forest backgrounds are mostly grass, rock, water and shade. Different tigers filmed in the same
 * enclosure share background keypoints, so keypoints are kept only where the local density of fur-orange
 * pixels is high: this covers the black stripes too, because they are surrounded by orange.
 */

export interface FurMask {
  /** width*height bytes, 255 = keep keypoints here, 0 = background. */
  readonly mask: Uint8Array;
  /** Share of the image covered by the mask. */
  readonly coverage: number;
  /** True when too little orange was found (infrared/greyscale frame): the whole image is used instead. */
  readonly fallback: boolean;
}

export interface FurMaskOptions {
  /** Box radius for the orange density, as a share of the longer side. */
  radiusShare: number;
  /** Minimum orange density inside the box for a pixel to count as fur. */
  minDensity: number;
  /** Below this coverage the colour cue is considered absent and the full frame is used. */
  minCoverage: number;
}

export const DEFAULT_FUR_MASK: FurMaskOptions = { radiusShare: 0.06, minDensity: 0.15, minCoverage: 0.08 };

/** Orange fur: red dominant, green clearly below red (dry grass and sand are yellower), blue lowest, saturated. */
export function isFurOrange(r: number, g: number, b: number): boolean {
  if (r < 60 || !(r > g && g >= b)) return false;
  const saturation = (r - b) / r;
  const greenShare = (g - b) / (r - b + 1);
  return saturation > 0.25 && greenShare > 0.15 && greenShare < 0.75;
}

export function furMask(
  rgb: Uint8Array,
  width: number,
  height: number,
  options: FurMaskOptions = DEFAULT_FUR_MASK,
): FurMask {
  const n = width * height;
  // Integral image of the orange indicator, so the box density costs O(1) per pixel whatever the radius.
  const stride = width + 1;
  const integral = new Uint32Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (isFurOrange(rgb[p] ?? 0, rgb[p + 1] ?? 0, rgb[p + 2] ?? 0)) rowSum++;
      integral[(y + 1) * stride + x + 1] = (integral[y * stride + x + 1] ?? 0) + rowSum;
    }
  }
  const radius = Math.max(2, Math.round(options.radiusShare * Math.max(width, height)));
  const mask = new Uint8Array(n);
  let kept = 0;
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const sum =
        (integral[y1 * stride + x1] ?? 0) -
        (integral[y0 * stride + x1] ?? 0) -
        (integral[y1 * stride + x0] ?? 0) +
        (integral[y0 * stride + x0] ?? 0);
      if (sum >= options.minDensity * (y1 - y0) * (x1 - x0)) {
        mask[y * width + x] = 255;
        kept++;
      }
    }
  }
  const coverage = n === 0 ? 0 : kept / n;
  if (coverage < options.minCoverage) return { mask: mask.fill(255), coverage: 1, fallback: true };
  return { mask, coverage, fallback: false };
}
