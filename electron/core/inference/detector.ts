import type { NormalisedBox } from '../images/crop';
import { EngineError } from '../errors';
import type { RawImage } from '../images/raw-image';
import { modelTag, type DetectorEntry } from './manifest';
import type { LoadableModel, ModelStore } from './model-store';
import type { OnnxEngine, TensorBatch } from './onnx-engine';
import { prepareInput, stackBatch, type InputMapping } from './preprocess';

/**
 * MegaDetector decoding: raw rows → confidence (objectness × class score for v5), threshold, per-class NMS,
 * animal class only, boxes mapped back from the letterboxed input to normalised [0,1] boxes of the original image.
 */

export interface Detection {
  box: NormalisedBox;
  /** Null only for the whole-frame detection, where no detector ran. */
  confidence: number | null;
  /** `modelId@sha256-prefix`, or 'whole-frame'. */
  detector: string;
  label: 'animal';
}

export const WHOLE_FRAME_DETECTOR = 'whole-frame';

/** What the pipeline stores when no detector is installed: the frame itself, with no invented confidence. */
export function wholeFrameDetection(): Detection {
  return {
    box: { x: 0, y: 0, w: 1, h: 1 },
    confidence: null,
    detector: WHOLE_FRAME_DETECTOR,
    label: 'animal',
  };
}

/** A candidate in model-input pixels (corners). */
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  confidence: number;
  classIndex: number;
}

function candidate(
  cx: number,
  cy: number,
  w: number,
  h: number,
  confidence: number,
  classIndex: number,
): Candidate {
  return { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, confidence, classIndex };
}

/**
 * Rows above the threshold, each with its best class (YOLOv5's single-label NMS input). `output` is the model's
 * first output for ONE image: [1,N,5+C] for yolov5-md, [1,4+C,N] for yolov9-md.
 */
export function decodeCandidates(output: TensorBatch, entry: DetectorEntry): Candidate[] {
  const classes = entry.output.classes.length;
  const threshold = entry.output.confidenceThreshold;
  const { data, dims } = output;
  const out: Candidate[] = [];
  if (entry.output.format === 'yolov5-md') {
    const width = 5 + classes;
    if (dims.length !== 3 || dims[2] !== width) {
      throw new EngineError(
        'INFERENCE_FAILED',
        `Detector "${entry.id}" returned [${dims.join(',')}], expected [1,N,${width}]`,
      );
    }
    const n = dims[1] ?? 0;
    for (let r = 0; r < n; r += 1) {
      const o = r * width;
      const objectness = data[o + 4] ?? 0;
      if (!(objectness > threshold)) continue; // also skips NaN; obj × score ≤ obj, so nothing above is lost
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < classes; c += 1) {
        const score = (data[o + 5 + c] ?? 0) * objectness;
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      if (bestScore > threshold) {
        out.push(
          candidate(data[o] ?? 0, data[o + 1] ?? 0, data[o + 2] ?? 0, data[o + 3] ?? 0, bestScore, best),
        );
      }
    }
    return out;
  }
  const channels = 4 + classes;
  if (dims.length !== 3 || dims[1] !== channels) {
    throw new EngineError(
      'INFERENCE_FAILED',
      `Detector "${entry.id}" returned [${dims.join(',')}], expected [1,${channels},N]`,
    );
  }
  const n = dims[2] ?? 0;
  const at = (channel: number, column: number) => data[channel * n + column] ?? 0;
  for (let col = 0; col < n; col += 1) {
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c += 1) {
      const score = at(4 + c, col);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (bestScore > threshold)
      out.push(candidate(at(0, col), at(1, col), at(2, col), at(3, col), bestScore, best));
  }
  return out;
}

export function iou(a: Candidate, b: Candidate): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS within each class (torchvision's batched_nms): highest confidence first, ties in row order. */
export function nonMaxSuppression(candidates: readonly Candidate[], iouThreshold: number): Candidate[] {
  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.confidence - a.c.confidence || a.i - b.i);
  const kept: Candidate[] = [];
  for (const { c } of order) {
    if (kept.some((k) => k.classIndex === c.classIndex && iou(k, c) > iouThreshold)) continue;
    kept.push(c);
  }
  return kept;
}

/** Input-pixel corners → normalised box of the original image, clipped; null if nothing is left inside. */
export function toImageBox(c: Candidate, mapping: InputMapping): NormalisedBox | null {
  const { sourceWidth: W, sourceHeight: H } = mapping;
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const x1 = clip((c.x1 - mapping.offsetX) / mapping.scaleX, W);
  const x2 = clip((c.x2 - mapping.offsetX) / mapping.scaleX, W);
  const y1 = clip((c.y1 - mapping.offsetY) / mapping.scaleY, H);
  const y2 = clip((c.y2 - mapping.offsetY) / mapping.scaleY, H);
  if (!(x2 > x1 && y2 > y1)) return null;
  return { x: x1 / W, y: y1 / H, w: (x2 - x1) / W, h: (y2 - y1) / H };
}

/** The whole decode for one image's output; exported so it can be checked without a model. */
export function decodeDetections(
  output: TensorBatch,
  entry: DetectorEntry,
  mapping: InputMapping,
  detector: string,
): Detection[] {
  const animal = entry.output.classes.indexOf('animal');
  const kept = nonMaxSuppression(decodeCandidates(output, entry), entry.output.iouThreshold);
  const detections: Detection[] = [];
  for (const c of kept) {
    if (c.classIndex !== animal) continue;
    const box = toImageBox(c, mapping);
    if (box !== null) detections.push({ box, confidence: c.confidence, detector, label: 'animal' });
  }
  return detections;
}

export interface DetectOptions {
  /** A specific detector; default: the first installed detector in manifest order. */
  modelId?: string;
}

/**
 * Every animal in the frame, highest confidence first. With no detector installed (and none asked for), the whole
 * frame is the one detection. An installed detector that fails raises; there is no fallback to the whole frame.
 */
export async function detectAnimals(
  engine: OnnxEngine,
  store: ModelStore,
  image: RawImage,
  options: DetectOptions = {},
): Promise<Detection[]> {
  let model: LoadableModel | null;
  if (options.modelId !== undefined) model = await store.resolve(options.modelId);
  else model = await store.firstInstalled('detect');
  if (model === null) return [wholeFrameDetection()];
  const entry = model.entry;
  if (entry.task !== 'detect') {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `Model "${model.id}" is a ${entry.task} model, not a detector`,
      { details: { id: model.id } },
    );
  }
  const prepared = await prepareInput(image, entry.input);
  const output = await engine.run(model, stackBatch([prepared], entry.input));
  return decodeDetections(output, entry, prepared.mapping, modelTag(model.id, model.sha256));
}
