import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, type ModelEntry } from '../../../electron/core/inference/manifest';
import { OnnxEngine } from '../../../electron/core/inference/onnx-engine';
import { sha256File } from '../../../electron/core/sha256';
import { buildModel, type InitializerSpec } from '../../../electron/core/inference/onnx-writer/build-model';

/**
 * Reference outputs for models/compare_reference.py: small generated models with real convolutions (so CPU and
 * GPU arithmetic can actually differ), a deterministic input, and what the desktop's own engine (OnnxEngine on
 * CPU, the path every user has) returns for it. The Python side runs the same file on the same bytes and must
 * agree to 1e-4. Random weights make these fixtures, never models.
 */

export const EMBEDDER_SIZE = 32;
export const EMBEDDER_DIM = 32;
export const EMBEDDER_BATCH = 2;
export const DETECTOR_SIZE = 64;
/** 8×8 cells of an 8-px stride give 64 candidate rows of cx,cy,w,h,obj,animal,person,vehicle. */
export const DETECTOR_ROWS = 64;

/** mulberry32: a tiny seeded PRNG, so every run writes the same weights and input. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform weights scaled by 1/sqrt(fan-in), so activations stay near 1 through the layers. */
function weights(next: () => number, name: string, dims: number[], fanIn: number): InitializerSpec {
  const count = dims.reduce((a, b) => a * b, 1);
  const scale = 1 / Math.sqrt(fanIn);
  return { name, dims, values: Array.from({ length: count }, () => (next() * 2 - 1) * scale) };
}

/** Conv 3→8 → ReLU → Conv 8→16 stride 2 → ReLU → global average pool → Gemm 16→32: [batch,3,32,32] → [batch,32]. */
export function referenceEmbedderModel(): Uint8Array {
  const next = random(20_240_601);
  return buildModel({
    inputs: [{ name: 'input', dims: ['batch', 3, EMBEDDER_SIZE, EMBEDDER_SIZE] }],
    outputs: [{ name: 'embedding', dims: ['batch', EMBEDDER_DIM] }],
    initializers: [
      weights(next, 'w1', [8, 3, 3, 3], 27),
      weights(next, 'b1', [8], 27),
      weights(next, 'w2', [16, 8, 3, 3], 72),
      weights(next, 'b2', [16], 72),
      weights(next, 'w3', [16, EMBEDDER_DIM], 16),
      weights(next, 'b3', [EMBEDDER_DIM], 16),
    ],
    nodes: [
      { op: 'Conv', inputs: ['input', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      {
        op: 'Conv',
        inputs: ['r1', 'w2', 'b2'],
        outputs: ['c2'],
        attributes: { pads: [1, 1, 1, 1], strides: [2, 2] },
      },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'GlobalAveragePool', inputs: ['r2'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['features'], attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['features', 'w3', 'b3'], outputs: ['embedding'] },
    ],
  });
}

/** MegaDetector v5's layout: [1,3,64,64] → Conv 8×8 stride 8 → [1,8,64] → [1,64,8] rows → sigmoid. */
export function referenceDetectorModel(): Uint8Array {
  const next = random(20_240_602);
  return buildModel({
    inputs: [{ name: 'images', dims: [1, 3, DETECTOR_SIZE, DETECTOR_SIZE] }],
    outputs: [{ name: 'output', dims: [1, DETECTOR_ROWS, 8] }],
    initializers: [
      weights(next, 'w', [8, 3, 8, 8], 192),
      weights(next, 'b', [8], 192),
      { name: 'rows_shape', type: 'int64', dims: [3], values: [1, 8, DETECTOR_ROWS] },
    ],
    nodes: [
      { op: 'Conv', inputs: ['images', 'w', 'b'], outputs: ['cells'], attributes: { strides: [8, 8] } },
      { op: 'Reshape', inputs: ['cells', 'rows_shape'], outputs: ['columns'] },
      { op: 'Transpose', inputs: ['columns'], outputs: ['rows'], attributes: { perm: [0, 2, 1] } },
      { op: 'Sigmoid', inputs: ['rows'], outputs: ['output'] },
    ],
  });
}

const COMMON_ENTRY = {
  url: null,
  sha256: null,
  size: null,
  licence: 'test fixture',
  description: 'generated reference model with random weights',
  cpuCapable: true,
  ensembleWeight: 1,
};

/** Manifest entries for the two models, so the engine checks their shapes exactly as it checks real ones. */
function referenceEntries(): { embedder: ModelEntry; detector: ModelEntry } {
  const manifest = parseManifest(
    {
      version: 1,
      models: [
        {
          ...COMMON_ENTRY,
          id: 'reference-embedder',
          task: 'embed',
          file: 'model.onnx',
          input: {
            width: EMBEDDER_SIZE,
            height: EMBEDDER_SIZE,
            resize: 'stretch',
            mean: [0.485, 0.456, 0.406],
            std: [0.229, 0.224, 0.225],
            layout: 'NCHW',
            scale: 1 / 255,
          },
          output: { dim: EMBEDDER_DIM },
        },
        {
          ...COMMON_ENTRY,
          id: 'reference-detector',
          task: 'detect',
          file: 'model.onnx',
          input: {
            width: DETECTOR_SIZE,
            height: DETECTOR_SIZE,
            resize: 'letterbox',
            mean: [0, 0, 0],
            std: [1, 1, 1],
            layout: 'NCHW',
            scale: 1 / 255,
          },
          output: { format: 'yolov5-md', classes: ['animal', 'person', 'vehicle'] },
        },
      ],
    },
    'reference models',
  );
  const [embedder, detector] = manifest.models;
  if (embedder === undefined || detector === undefined) throw new Error('reference manifest lost an entry');
  return { embedder, detector };
}

/** Values in the range of normalised image pixels (about -2.1..2.6 after ImageNet mean/std). */
function referenceInput(dims: readonly number[], seed: number): Float32Array {
  const next = random(seed);
  const count = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: count }, () => next() * 4.7 - 2.1);
}

/** Little-endian float32 bytes, whatever the host's byte order. */
function float32LE(values: Float32Array): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes;
}

export interface ReferenceMeta {
  model_id: string;
  sha256: string;
  dims: number[];
  provider: 'cpu';
  onnxruntime: string;
}

async function writeReference(
  engine: OnnxEngine,
  folder: string,
  entry: ModelEntry,
  model: Uint8Array,
  inputDims: number[],
  seed: number,
): Promise<ReferenceMeta> {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'model.onnx');
  writeFileSync(path, model);
  const sha256 = await sha256File(path);
  const input = referenceInput(inputDims, seed);
  const output = await engine.run({ id: entry.id, sha256, path, entry }, { data: input, dims: inputDims });
  const meta: ReferenceMeta = {
    model_id: entry.id,
    sha256,
    dims: [...output.dims],
    provider: 'cpu',
    onnxruntime: OnnxEngine.runtimeVersion(),
  };
  writeFileSync(join(folder, 'input.bin'), float32LE(input));
  writeFileSync(join(folder, 'shape.json'), `${JSON.stringify(inputDims)}\n`);
  writeFileSync(join(folder, 'output.bin'), float32LE(output.data));
  writeFileSync(join(folder, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** Writes `<outDir>/embedder` and `<outDir>/detector`, each a complete reference folder. */
export async function writeReferences(
  outDir: string,
): Promise<{ embedder: ReferenceMeta; detector: ReferenceMeta }> {
  const entries = referenceEntries();
  // CPU on purpose: the reference is the result every desktop can reproduce.
  const engine = new OnnxEngine({ providers: ['cpu'] });
  try {
    const embedder = await writeReference(
      engine,
      join(outDir, 'embedder'),
      entries.embedder,
      referenceEmbedderModel(),
      [EMBEDDER_BATCH, 3, EMBEDDER_SIZE, EMBEDDER_SIZE],
      11,
    );
    const detector = await writeReference(
      engine,
      join(outDir, 'detector'),
      entries.detector,
      referenceDetectorModel(),
      [1, 3, DETECTOR_SIZE, DETECTOR_SIZE],
      12,
    );
    return { embedder, detector };
  } finally {
    await engine.close();
  }
}
