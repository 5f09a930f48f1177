import { EngineError } from '../errors';
import type { RawImage } from '../images/raw-image';
import type { ModelStore } from './model-store';
import type { OnnxEngine, TensorBatch } from './onnx-engine';
import { prepareInput, stackBatch } from './preprocess';

/**
 * Crops → L2-normalised identity embeddings. Each result carries the model id and the model file's sha256:
 * only embeddings of the same model file are ever compared.
 */

export interface Embedding {
  vector: Float32Array;
  modelId: string;
  modelSha256: string;
}

export interface EmbedOptions {
  /** Crops per run. Default 2 on CPU (bigger batches are slower per image there, PLATFORM-NOTES), 8 on CUDA. */
  batchSize?: number;
}

function l2Normalise(vector: Float32Array, modelId: string): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  // A zero or non-finite vector has no direction: refuse it rather than store a meaningless embedding.
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new EngineError('INFERENCE_FAILED', `Model "${modelId}" returned an embedding with norm ${norm}`, {
      details: { id: modelId },
    });
  }
  return vector.map((v) => v / norm);
}

/**
 * A model's raw output for `count` crops → one L2-normalised vector per crop. Shared by local and remote (Modal)
 * inference, so both accept exactly the same outputs.
 */
export function vectorsFromOutput(
  output: TensorBatch,
  modelId: string,
  dim: number,
  count: number,
): Float32Array[] {
  // Never pad or truncate: a model that does not give exactly [count, dim] is the wrong model.
  if (output.dims.length !== 2 || output.dims[0] !== count || output.dims[1] !== dim) {
    throw new EngineError(
      'INFERENCE_FAILED',
      `Model "${modelId}" returned [${output.dims.join(',')}] for ${count} crops; the manifest expects [${count},${dim}]`,
      { details: { id: modelId, dims: [...output.dims], expectedDim: dim } },
    );
  }
  const vectors: Float32Array[] = [];
  for (let i = 0; i < count; i += 1)
    vectors.push(l2Normalise(output.data.subarray(i * dim, (i + 1) * dim), modelId));
  return vectors;
}

export async function embed(
  engine: OnnxEngine,
  store: ModelStore,
  modelId: string,
  crops: readonly RawImage[],
  options: EmbedOptions = {},
): Promise<Embedding[]> {
  const model = await store.resolve(modelId);
  const entry = model.entry;
  if (entry.task !== 'embed') {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `Model "${modelId}" is a ${entry.task} model, not an embedder`,
      { details: { id: modelId } },
    );
  }
  if (crops.length === 0) return [];
  const loaded = await engine.load(model);
  const batchDim = loaded.signature.inputShape[0];
  let batchSize = options.batchSize ?? (loaded.provider === 'cuda' ? 8 : 2);
  // An export with a fixed batch dimension takes exactly that many images per run.
  if (typeof batchDim === 'number') batchSize = batchDim;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Expected integer of at least 1 for batchSize but received ${batchSize}`);
  }
  const dim = entry.output.dim;
  const results: Embedding[] = [];
  for (let start = 0; start < crops.length; start += batchSize) {
    const chunk = crops.slice(start, start + batchSize);
    const prepared = await Promise.all(chunk.map((crop) => prepareInput(crop, entry.input)));
    const output = await engine.run(model, stackBatch(prepared, entry.input));
    for (const vector of vectorsFromOutput(output, modelId, dim, chunk.length)) {
      results.push({ vector, modelId, modelSha256: model.sha256 });
    }
  }
  return results;
}
