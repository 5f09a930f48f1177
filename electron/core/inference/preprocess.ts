import sharp, { type OutputInfo } from 'sharp';
import type { RawImage } from '../images/raw-image';
import type { ModelInputSpec } from './manifest';
import { nativeError } from '../errors';
import type { TensorBatch } from './onnx-engine';

/**
 * RawImage → float32 model input, as the manifest entry describes: resize (letterbox / stretch / center-crop) with
 * sharp straight from the raw buffer (no re-encode), then scale, mean/std and layout in one JS pass.
 */

/**
 * How original-image pixels map into the model input: inputX = x * scaleX + offsetX (same for y). For letterbox
 * the offsets are the padding; for center-crop they are negative (the cropped margin). Detectors invert it.
 */
export interface InputMapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** Size of the original image the mapping starts from. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface PreparedInput {
  /** One image, in the manifest's layout, without the batch dimension. */
  data: Float32Array;
  mapping: InputMapping;
}

interface Geometry {
  /** Size the whole image is resized to. */
  resizeWidth: number;
  resizeHeight: number;
  mapping: InputMapping;
}

function geometry(width: number, height: number, spec: ModelInputSpec): Geometry {
  const W = spec.width;
  const H = spec.height;
  const base = { sourceWidth: width, sourceHeight: height };
  if (spec.resize === 'stretch') {
    return {
      resizeWidth: W,
      resizeHeight: H,
      mapping: { ...base, scaleX: W / width, scaleY: H / height, offsetX: 0, offsetY: 0 },
    };
  }
  const ratio =
    spec.resize === 'letterbox' ? Math.min(W / width, H / height) : Math.max(W / width, H / height);
  // Clamp so a 1-pixel-wide crop still has a column after resizing, and a rounding error never overflows the input.
  const clamp = (v: number, limit: number) =>
    spec.resize === 'letterbox' ? Math.min(limit, Math.max(1, v)) : Math.max(limit, v);
  const resizeWidth = clamp(Math.round(width * ratio), W);
  const resizeHeight = clamp(Math.round(height * ratio), H);
  // Centred, odd pixel on the right/bottom (as YOLOv5's letterbox rounds), using the exact per-axis scale.
  const offsetX =
    spec.resize === 'letterbox' ? Math.floor((W - resizeWidth) / 2) : 0 - Math.floor((resizeWidth - W) / 2);
  const offsetY =
    spec.resize === 'letterbox' ? Math.floor((H - resizeHeight) / 2) : 0 - Math.floor((resizeHeight - H) / 2);
  return {
    resizeWidth,
    resizeHeight,
    mapping: { ...base, scaleX: resizeWidth / width, scaleY: resizeHeight / height, offsetX, offsetY },
  };
}

function checkImage(image: RawImage): void {
  const expected = image.width * image.height * image.channels;
  if (
    !Number.isInteger(image.width) ||
    image.width < 1 ||
    !Number.isInteger(image.height) ||
    image.height < 1
  ) {
    throw new RangeError(
      `Expected positive integer width and height for image but received ${image.width}x${image.height}`,
    );
  }
  if (image.data.length !== expected) {
    throw new RangeError(
      `Expected ${expected} bytes for image.data (${image.width}x${image.height}x${image.channels}) but received ${image.data.length}`,
    );
  }
}

/** Resized/padded/cropped RGB pixels (uint8, interleaved, spec.width × spec.height × 3) and the mapping. */
export async function resizeForModel(
  image: RawImage,
  spec: ModelInputSpec,
): Promise<{ rgb: Buffer; mapping: InputMapping }> {
  checkImage(image);
  const g = geometry(image.width, image.height, spec);
  const site = new Error();
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  if (image.channels === 4) pipeline = pipeline.removeAlpha();
  if (g.resizeWidth !== image.width || g.resizeHeight !== image.height) {
    pipeline = pipeline.resize(g.resizeWidth, g.resizeHeight, {
      fit: 'fill',
      kernel: spec.interpolation === 'bicubic' ? 'cubic' : 'linear',
    });
  }
  if (spec.resize === 'letterbox') {
    const { offsetX, offsetY } = g.mapping;
    const pad = spec.padValue;
    pipeline = pipeline.extend({
      left: offsetX,
      top: offsetY,
      right: spec.width - g.resizeWidth - offsetX,
      bottom: spec.height - g.resizeHeight - offsetY,
      background: { r: pad, g: pad, b: pad, alpha: 1 },
    });
  } else if (spec.resize === 'center-crop') {
    pipeline = pipeline.extract({
      left: -g.mapping.offsetX,
      top: -g.mapping.offsetY,
      width: spec.width,
      height: spec.height,
    });
  }
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw nativeError(
      site,
      'IMAGE_DECODE_FAILED',
      `Resizing a ${image.width}x${image.height} image for the model failed`,
      error,
    );
  }
  const { data, info } = out;
  if (info.width !== spec.width || info.height !== spec.height) {
    throw new Error(
      `resizeForModel produced ${info.width}x${info.height} instead of ${spec.width}x${spec.height}`,
    );
  }
  if (info.channels === 3) return { rgb: data, mapping: g.mapping };
  // Grey input stays one channel through sharp; models want RGB, so repeat it.
  const rgb = Buffer.alloc(spec.width * spec.height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += info.channels) {
    const v = data[j] ?? 0;
    rgb[i] = v;
    rgb[i + 1] = v;
    rgb[i + 2] = v;
  }
  return { rgb, mapping: g.mapping };
}

/** (pixel × scale − mean[c]) / std[c], in the spec's layout. */
export function normalise(rgb: Buffer, spec: ModelInputSpec): Float32Array {
  const plane = spec.width * spec.height;
  const out = new Float32Array(plane * 3);
  const { scale, layout } = spec;
  const [m0, m1, m2] = spec.mean;
  const [s0, s1, s2] = spec.std;
  const means = [m0, m1, m2];
  const stds = [s0, s1, s2];
  for (let c = 0; c < 3; c += 1) {
    const m = means[c] as number;
    const s = stds[c] as number;
    for (let p = 0; p < plane; p += 1) {
      const value = ((rgb[p * 3 + c] ?? 0) * scale - m) / s;
      out[layout === 'NCHW' ? c * plane + p : p * 3 + c] = value;
    }
  }
  return out;
}

export async function prepareInput(image: RawImage, spec: ModelInputSpec): Promise<PreparedInput> {
  const { rgb, mapping } = await resizeForModel(image, spec);
  return { data: normalise(rgb, spec), mapping };
}

/** Stacks prepared images into one [N, …] batch. */
export function stackBatch(inputs: readonly PreparedInput[], spec: ModelInputSpec): TensorBatch {
  const per = spec.width * spec.height * 3;
  const data = new Float32Array(per * inputs.length);
  inputs.forEach((input, i) => data.set(input.data, i * per));
  const dims =
    spec.layout === 'NCHW'
      ? [inputs.length, 3, spec.height, spec.width]
      : [inputs.length, spec.height, spec.width, 3];
  return { data, dims };
}

/** One crop as a batch of one, the form a single request (local or remote) sends. */
export async function singleInput(image: RawImage, spec: ModelInputSpec): Promise<TensorBatch> {
  return stackBatch([await prepareInput(image, spec)], spec);
}
