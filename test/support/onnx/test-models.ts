import { buildModel, type Dim } from '../../../electron/core/inference/onnx-writer/build-model';

/**
 * Tiny ONNX models with MegaDetector's and MegaDescriptor's input/output layouts whose outputs are known by
 * construction, so decoding and preprocessing can be checked exactly. These are test fixtures, never models.
 */

/** One MegaDetector v5 output row: box centre/size in input pixels, objectness, then animal/person/vehicle scores. */
export type DetectorRow = [
  cx: number,
  cy: number,
  w: number,
  h: number,
  obj: number,
  animal: number,
  person: number,
  vehicle: number,
];

/**
 * A "detector" taking `images` [1,3,size,size] and returning the given rows as [1,N,8] (MegaDetector v5 layout).
 * The rows are added to ReduceSum(images)*0 so the output depends on the input and the runtime cannot fold the
 * graph into a constant that ignores the feed.
 */
export function constantDetectorModel(
  size: number,
  rows: readonly DetectorRow[],
  options: { rowWidth?: number } = {},
): Uint8Array {
  const width = options.rowWidth ?? 8;
  const values = rows.flatMap((r) => r.slice(0, width));
  return buildModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output', dims: [1, rows.length, width] }],
    initializers: [
      { name: 'rows', dims: [1, rows.length, width], values },
      { name: 'zero', dims: [], values: [0] },
    ],
    nodes: [
      { op: 'ReduceSum', inputs: ['images'], outputs: ['pixel_sum'], attributes: { keepdims: 0 } },
      { op: 'Mul', inputs: ['pixel_sum', 'zero'], outputs: ['nothing'] },
      { op: 'Add', inputs: ['rows', 'nothing'], outputs: ['output'] },
    ],
  });
}

/**
 * The same rows in the YOLOv9/ultralytics layout [1, 4+classes, N] (no objectness): row r's class scores are
 * obj × class of the v5 row, so both decoders must find the same boxes.
 */
export function constantYolov9DetectorModel(size: number, rows: readonly DetectorRow[]): Uint8Array {
  const channels = 7;
  const columns = rows.map(([cx, cy, w, h, obj, a, p, v]) => [cx, cy, w, h, obj * a, obj * p, obj * v]);
  const values: number[] = [];
  for (let c = 0; c < channels; c += 1) for (const col of columns) values.push(col[c] ?? NaN);
  return buildModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output0', dims: [1, channels, rows.length] }],
    initializers: [
      { name: 'rows', dims: [1, channels, rows.length], values },
      { name: 'zero', dims: [], values: [0] },
    ],
    nodes: [
      { op: 'ReduceSum', inputs: ['images'], outputs: ['pixel_sum'], attributes: { keepdims: 0 } },
      { op: 'Mul', inputs: ['pixel_sum', 'zero'], outputs: ['nothing'] },
      { op: 'Add', inputs: ['rows', 'nothing'], outputs: ['output0'] },
    ],
  });
}

/**
 * An "embedder": GlobalAveragePool over [batch,3,H,W] → [batch,3] → MatMul by `matrix` (3×D) → [batch,D].
 * So embedding = channel means (of the normalised input) × matrix, computable by hand.
 */
export function linearEmbedderModel(
  height: number,
  width: number,
  matrix: readonly (readonly number[])[],
  options: { outputDim?: Dim; layout?: 'NCHW' | 'NHWC'; batch?: Dim } = {},
): Uint8Array {
  const dim = matrix[0]?.length ?? 0;
  if (matrix.length !== 3 || matrix.some((row) => row.length !== dim))
    throw new RangeError('matrix must be 3×D');
  const batch = options.batch ?? 'batch';
  const nhwc = options.layout === 'NHWC';
  return buildModel({
    inputs: [{ name: 'input', dims: nhwc ? [batch, height, width, 3] : [batch, 3, height, width] }],
    outputs: [{ name: 'embedding', dims: [batch, options.outputDim ?? dim] }],
    initializers: [{ name: 'matrix', dims: [3, dim], values: matrix.flat() }],
    nodes: [
      ...(nhwc
        ? [{ op: 'Transpose', inputs: ['input'], outputs: ['nchw'], attributes: { perm: [0, 3, 1, 2] } }]
        : []),
      { op: 'GlobalAveragePool', inputs: [nhwc ? 'nchw' : 'input'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['means'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['means', 'matrix'], outputs: ['embedding'] },
    ],
  });
}

/** A model whose input has rank 3 ([1,3,size]) but MegaDetector's output shape: must be refused at install. */
export function wrongRankDetectorModel(size: number): Uint8Array {
  return buildModel({
    inputs: [{ name: 'images', dims: [1, 3, size] }],
    outputs: [{ name: 'output', dims: [1, 1, 8] }],
    initializers: [
      { name: 'rows', dims: [1, 1, 8], values: [1, 1, 1, 1, 0.5, 0.5, 0, 0] },
      { name: 'zero', dims: [], values: [0] },
    ],
    nodes: [
      { op: 'ReduceSum', inputs: ['images'], outputs: ['pixel_sum'], attributes: { keepdims: 0 } },
      { op: 'Mul', inputs: ['pixel_sum', 'zero'], outputs: ['nothing'] },
      { op: 'Add', inputs: ['rows', 'nothing'], outputs: ['output'] },
    ],
  });
}

/**
 * The smallest model: Identity over float32 [1]. Used to check that the runtime loads what we build, and it is the
 * model the engine's CUDA probe embeds (a test pins that the engine's bytes equal these).
 */
export function identityModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', dims: [1] }],
    outputs: [{ name: 'y', dims: [1] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    graphName: 'probe',
  });
}

/**
 * Like `linearEmbedderModel` but the output folds the batch into one row ([1, batch·D], declared [1,'flat']):
 * it passes the static shape check and returns the wrong shape only at run time, for batches above 1.
 */
export function batchFoldingEmbedderModel(
  height: number,
  width: number,
  matrix: readonly (readonly number[])[],
): Uint8Array {
  const dim = matrix[0]?.length ?? 0;
  return buildModel({
    inputs: [{ name: 'input', dims: ['batch', 3, height, width] }],
    outputs: [{ name: 'embedding', dims: [1, 'flat'] }],
    initializers: [{ name: 'matrix', dims: [3, dim], values: matrix.flat() }],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['input'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['means'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['means', 'matrix'], outputs: ['per_image'] },
      { op: 'Flatten', inputs: ['per_image'], outputs: ['embedding'], attributes: { axis: 0 } },
    ],
  });
}
