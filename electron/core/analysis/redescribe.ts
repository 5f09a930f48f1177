/**
 * Describes the gallery's detections with the installed local-features model (ALIKE) where they have no features
 * of its current file: after it is first installed, or after an upgrade changed its file. The work list is read
 * from the database each time, and each detection's new features replace those of older files of the model in one
 * transaction, so a run killed at any point resumes where it stopped and no detection is described twice.
 */
import type { CoreContext } from '../context';
import { EngineError, isEngineError, messageOf } from '../errors';
import { encodeLearnedFeatures, learnedFeatures } from '../matching/learned-features/learned-features';
import type { ProgressListener } from '../progress';
import { ignoreProgress } from '../progress';
import { storedDetectionCrop } from './analyse-media';
import type { AnalysisServices } from './services';

export interface RedescribeSummary {
  modelId: string;
  described: number;
  /** Detections that were already described with this file. */
  alreadyDone: number;
  /** Detections whose photo could not be read or described, with why; they stay pending for the next run. */
  failed: { detectionId: number; reason: string }[];
}

/** Detections without features of the installed file of the model, oldest first. */
export function pendingRedescription(ctx: CoreContext, modelId: string, modelHash: string): number[] {
  return ctx.db
    .prepare(
      `SELECT d.id FROM detections d
        WHERE NOT EXISTS (SELECT 1 FROM embeddings e
                           WHERE e.detection_id = d.id AND e.model_id = ? AND e.model_hash = ?)
        ORDER BY d.id`,
    )
    .pluck()
    .all(modelId, modelHash) as number[];
}

export async function redescribe(
  ctx: CoreContext,
  services: AnalysisServices,
  options: { onProgress?: ProgressListener; signal?: AbortSignal } = {},
): Promise<RedescribeSummary> {
  const local = services.localFeatures;
  if (local === undefined) {
    throw new EngineError(
      'MODEL_MISSING',
      'No local-features model is installed: run `tigerid models install alike-n` (or import its weights) first',
    );
  }
  const onProgress = options.onProgress ?? ignoreProgress;
  const total = (ctx.db.prepare('SELECT COUNT(*) FROM detections').pluck().get() as number) ?? 0;
  const pending = pendingRedescription(ctx, local.modelId, local.modelHash);
  const summary: RedescribeSummary = {
    modelId: local.modelId,
    described: 0,
    alreadyDone: total - pending.length,
    failed: [],
  };
  const dropOlder = ctx.db.prepare('DELETE FROM embeddings WHERE detection_id = ? AND model_id = ?');
  const insert = ctx.db.prepare(
    `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const replace = ctx.db.transaction((detectionId: number, blob: Buffer) => {
    dropOlder.run(detectionId, local.modelId);
    insert.run(detectionId, local.modelId, local.modelHash, blob.length, blob, ctx.now().toISOString());
  });
  const exists = ctx.db.prepare('SELECT 1 FROM detections WHERE id = ?').pluck();
  for (const [i, detectionId] of pending.entries()) {
    if (options.signal?.aborted === true) break;
    onProgress({ phase: 'describe', done: i, total: pending.length, unit: 'detections' });
    let blob: Buffer;
    try {
      blob = encodeLearnedFeatures(
        learnedFeatures(await local.describe(await storedDetectionCrop(ctx, detectionId))),
      );
    } catch (error) {
      // A moved or unreadable photo stays pending (with its reason) while the rest of the gallery goes on.
      if (!isEngineError(error)) throw error;
      summary.failed.push({ detectionId, reason: `${error.code}: ${messageOf(error)}` });
      continue;
    }
    // Deleted while it was being described (the app runs this beside Review): nothing to store.
    if (exists.get(detectionId) === undefined) continue;
    replace(detectionId, blob);
    summary.described += 1;
  }
  onProgress({ phase: 'describe', done: pending.length, total: pending.length, unit: 'detections' });
  return summary;
}
