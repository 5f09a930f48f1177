/**
 * Local stripe features: the crop is brought to a fixed working size (crops are already framed on the animal,
 * so this also normalises the animal's scale), fur is masked by colour, and AKAZE keypoints with 486-bit MLDB
 * descriptors are extracted inside the mask. The strongest keypoints are kept so that every image costs the
 * same to store and to match.
 */
import { EngineError } from '../errors';
import type { RawImage } from '../images/raw-image';
import { type OpenCv, withMats } from './stripe-cv';
import { DEFAULT_FUR_MASK, furMask } from './stripe-mask';

/** AKAZE MLDB descriptors are 486 bits, stored in 61 bytes. */
export const DESCRIPTOR_BYTES = 61;
export const MIN_SIDE = 48;
export const MAX_PIXELS = 60_000_000;

export interface FeatureOptions {
  /** Longer side of the working image in pixels. */
  workingSide: number;
  /** Strongest keypoints kept per image. */
  maxKeypoints: number;
  /** AKAZE detector threshold: low enough that small, low-contrast crops still give enough keypoints. */
  akazeThreshold: number;
  /** Fewer keypoints than this and the image cannot be matched. */
  minKeypoints: number;
  /** Flag keypoints outside the fur mask as background (they are kept, but weigh less when matching). */
  useMask: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  workingSide: 512,
  maxKeypoints: 500,
  akazeThreshold: 0.0005,
  minKeypoints: 12,
  useMask: true,
};

export interface LocalFeatures {
  /** Size of the working image the coordinates refer to. */
  width: number;
  height: number;
  /** x0, y0, x1, y1, ... in working-image pixels. */
  points: Float32Array;
  /** count * DESCRIPTOR_BYTES bytes. */
  descriptors: Uint8Array;
  /** Share of the working image the fur mask kept (1 when the colour cue was absent). */
  maskCoverage: number;
  /** Per keypoint: 1 = on fur (or no colour cue in this image), 0 = likely background. */
  onFur: Uint8Array;
}

export function checkRawImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(`unsupported channels ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`image data has ${data.length} bytes, expected ${width * height * channels}`);
  }
  if (Math.min(width, height) < MIN_SIDE) {
    throw new EngineError('IMAGE_TOO_SMALL', `image ${width}x${height} is too small for stripe matching`, {
      details: { width, height, minSide: MIN_SIDE },
    });
  }
  if (width * height > MAX_PIXELS) {
    throw new EngineError('IMAGE_TOO_LARGE', `image ${width}x${height} is too large for stripe matching`, {
      details: { width, height, maxPixels: MAX_PIXELS },
    });
  }
}

function toRgb(image: RawImage): Uint8Array {
  if (image.channels === 3) return image.data;
  const n = image.width * image.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      rgb[i * 3 + c] = image.data[image.channels === 1 ? i : i * 4 + c] ?? 0;
    }
  }
  return rgb;
}

export function extractFeatures(
  cv: OpenCv,
  image: RawImage,
  options: FeatureOptions = DEFAULT_FEATURES,
): LocalFeatures {
  checkRawImage(image);
  const scale = options.workingSide / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const source = new cv.Mat(image.height, image.width, cv.CV_8UC3);
  const working = new cv.Mat();
  const gray = new cv.Mat();
  const descriptors = new cv.Mat();
  const keypoints = new cv.KeyPointVector();
  const akaze = new cv.AKAZE();
  const mats = [source, working, gray, descriptors, keypoints, akaze];
  return withMats(mats, () => {
    source.data.set(toRgb(image));
    cv.resize(source, working, new cv.Size(width, height), 0, 0, scale < 1 ? cv.INTER_AREA : cv.INTER_LINEAR);
    cv.cvtColor(working, gray, cv.COLOR_RGB2GRAY);
    const fur = options.useMask
      ? furMask(working.data, width, height, DEFAULT_FUR_MASK)
      : { mask: new Uint8Array(width * height).fill(255), coverage: 1, fallback: true };
    // Detection runs on the whole frame: the colour mask is too unreliable on washed-out video to discard
    // keypoints outright, so background is only flagged here and down-weighted by the matcher.
    const everywhere = new cv.Mat();
    try {
      akaze.setThreshold(options.akazeThreshold);
      akaze.detectAndCompute(gray, everywhere, keypoints, descriptors);
    } finally {
      everywhere.delete();
    }
    const count = keypoints.size();
    if (count > 0 && descriptors.cols !== DESCRIPTOR_BYTES) {
      throw new EngineError('INFERENCE_FAILED', `unexpected AKAZE descriptor width ${descriptors.cols}`);
    }
    // Strongest first, so truncation keeps the most repeatable keypoints.
    const order = Array.from({ length: count }, (_, i) => i);
    const responses = order.map((i) => keypoints.get(i).response);
    order.sort((a, b) => (responses[b] ?? 0) - (responses[a] ?? 0));
    const kept = order.slice(0, options.maxKeypoints);
    if (kept.length < options.minKeypoints) {
      throw new EngineError(
        'IMAGE_NO_FEATURES',
        `only ${kept.length} stripe keypoints found: image has too little texture`,
        {
          details: {
            reason: 'too-few-keypoints',
            keypoints: kept.length,
            minKeypoints: options.minKeypoints,
          },
        },
      );
    }
    const points = new Float32Array(kept.length * 2);
    const bytes = new Uint8Array(kept.length * DESCRIPTOR_BYTES);
    const onFur = new Uint8Array(kept.length);
    kept.forEach((src, dst) => {
      const kp = keypoints.get(src);
      points[dst * 2] = kp.pt.x;
      points[dst * 2 + 1] = kp.pt.y;
      const px = Math.min(width - 1, Math.max(0, Math.round(kp.pt.x)));
      const py = Math.min(height - 1, Math.max(0, Math.round(kp.pt.y)));
      onFur[dst] = fur.mask[py * width + px] ? 1 : 0;
      bytes.set(
        descriptors.data.subarray(src * DESCRIPTOR_BYTES, (src + 1) * DESCRIPTOR_BYTES),
        dst * DESCRIPTOR_BYTES,
      );
    });
    return { width, height, points, descriptors: bytes, maskCoverage: fur.coverage, onFur };
  });
}
