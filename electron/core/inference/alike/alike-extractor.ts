/**
 * A crop → ALIKE keypoints and descriptors, as the authors run the network: RGB in [0, 1] at a working size, padded
 * with zeros to multiples of 32, the dense maps cut back to the image before keypoints are chosen. The network runs
 * wherever `run` sends it (the local onnxruntime engine, CUDA or CPU); everything after it is TypeScript.
 */
import sharp from 'sharp';
import { EngineError } from '../../errors';
import type { RawImage } from '../../images/raw-image';
import type { TensorBatch } from '../onnx-engine';
import { ALIKE_STRIDE } from './alike-network';
import { detectKeypoints, type AlikeKeypoints } from './alike-keypoints';

export interface AlikeExtraction extends AlikeKeypoints {
  /** The working image the keypoints are in (the crop scaled so its longer side is `side`). */
  width: number;
  height: number;
}

export interface ExtractOptions {
  /** Longer side of the working image, in pixels. */
  side: number;
  /** At most this many keypoints, the strongest. */
  limit: number;
}

/** Runs the converted network on one [1, 3, H, W] tensor; returns its `features` output. */
export type AlikeRun = (input: TensorBatch) => Promise<TensorBatch>;

export async function workingImage(crop: RawImage, side: number): Promise<RawImage & { channels: 3 }> {
  const scale = side / Math.max(crop.width, crop.height);
  const width = Math.max(1, Math.round(crop.width * scale));
  const height = Math.max(1, Math.round(crop.height * scale));
  const data = await sharp(crop.data, {
    raw: { width: crop.width, height: crop.height, channels: crop.channels },
  })
    .removeAlpha()
    .toColourspace('srgb')
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data, width, height, channels: 3 };
}

export async function extractAlike(
  crop: RawImage,
  run: AlikeRun,
  options: ExtractOptions,
): Promise<AlikeExtraction> {
  const image = await workingImage(crop, options.side);
  const { width, height } = image;
  const paddedHeight = Math.ceil(height / ALIKE_STRIDE) * ALIKE_STRIDE;
  const paddedWidth = Math.ceil(width / ALIKE_STRIDE) * ALIKE_STRIDE;
  const input = new Float32Array(3 * paddedHeight * paddedWidth);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c += 1) {
        input[(c * paddedHeight + y) * paddedWidth + x] = (image.data[p + c] ?? 0) / 255;
      }
    }
  }
  const output = await run({ data: input, dims: [1, 3, paddedHeight, paddedWidth] });
  const [batch, channels, outHeight, outWidth] = output.dims;
  if (output.dims.length !== 4 || batch !== 1 || outHeight !== paddedHeight || outWidth !== paddedWidth) {
    throw new EngineError(
      'INFERENCE_FAILED',
      `ALIKE returned [${output.dims.join(',')}] for a [1,3,${paddedHeight},${paddedWidth}] image; it must keep the image's size`,
      { details: { dims: [...output.dims] } },
    );
  }
  const dim = (channels ?? 1) - 1;
  // The authors cut the maps back to the image before choosing keypoints, so the padding's edge is no corner; the
  // detector reads the image's part of each plane in place.
  const found = detectKeypoints(
    { data: output.data, dim, height, width, paddedWidth, paddedHeight },
    { limit: options.limit },
  );
  return { ...found, width, height };
}
