import { storedDetectionCrop } from '../analysis/analyse-media';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { vectorsFromOutput } from '../inference/embedder';
import type { EmbedderEntry, Manifest } from '../inference/manifest';
import type { RemoteModel } from '../inference/modal-engine';
import type { TensorBatch } from '../inference/onnx-engine';
import { singleInput } from '../inference/preprocess';
import type { EmbedPayload } from './embed-payload';

/**
 * One queued unit of remote work: the embedding of one stored detection by one model file. The crop is cut again
 * from the photo when the job runs (the queue stores ids, not pixels), exactly as analysis cut it.
 */

export function embedderEntry(manifest: Manifest, modelId: string): EmbedderEntry {
  const entry = manifest.models.find((m) => m.id === modelId);
  if (entry?.task !== 'embed') {
    throw new EngineError('NOT_FOUND', `Model "${modelId}" is not an embedder of this app's manifest`, {
      details: { modelId },
    });
  }
  return entry;
}

export function remoteModelOf(p: EmbedPayload): RemoteModel {
  return { id: p.modelId, sha256: p.modelSha256 };
}

/** The model input for the job's crop, prepared locally as for local inference. */
export async function embedJobInput(
  ctx: CoreContext,
  entry: EmbedderEntry,
  p: EmbedPayload,
): Promise<TensorBatch> {
  return singleInput(await storedDetectionCrop(ctx, p.detectionId), entry.input);
}

/**
 * Stores the embedding a remote call returned. Runs inside the transaction that closes the job; an embedding of
 * the same detection and model file that already exists (computed locally meanwhile) is kept, never doubled.
 */
export function storeEmbedResult(
  ctx: CoreContext,
  entry: EmbedderEntry,
  p: EmbedPayload,
  output: TensorBatch,
): { detectionId: number; stored: boolean } {
  const [vector] = vectorsFromOutput(output, p.modelId, entry.output.dim, 1);
  if (vector === undefined) throw new Error('vectorsFromOutput returned no vector for one crop');
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const result = ctx.db
    .prepare(
      `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at)
       SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM detections WHERE id = ?)
       ON CONFLICT (detection_id, model_id, model_hash) DO NOTHING`,
    )
    .run(
      p.detectionId,
      p.modelId,
      p.modelSha256,
      vector.length,
      bytes,
      ctx.now().toISOString(),
      p.detectionId,
    );
  return { detectionId: p.detectionId, stored: result.changes === 1 };
}
