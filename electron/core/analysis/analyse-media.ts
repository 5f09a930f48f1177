import { readFile } from 'node:fs/promises';
import type { CoreContext } from '../context';
import { EngineError, isEngineError, messageOf } from '../errors';
import { boxOf, cropRaw, type BoxColumns } from '../images/crop';
import { decodeImage } from '../images/decode';
import type { RawImage } from '../images/raw-image';
import { STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, type StripeDescriptor } from '../matching/stripe-matcher';
import type { ProgressListener } from '../progress';
import { getSetting } from '../settings';
import type { Detection } from '../inference/detector';
import { embedJobKey } from '../queue/embed-payload';
import { enqueueJob } from '../queue/job-store';
import type { AnalysisServices } from './services';

/** Camera-trap frames are decoded at most this large: tiger crops keep their stripes, decode stays fast. */
export const ANALYSIS_MAX_SIDE = 2560;

interface MediaRow {
  id: number;
  path: string;
  path_raw: Buffer | null;
}

/** One animal of a frame with everything the matchers know about it. */
export interface DescribedAnimal {
  animal: Detection;
  /** Set when the animal was already stored (boxes that came with an imported survey): described, not re-detected. */
  detectionId?: number;
  stripes: StripeDescriptor | null;
  /** Why there is no stripe descriptor (a crop too small or too plain), for the log and the user. */
  stripesError: string | null;
  vectors: { modelId: string; modelHash: string; vector: Float32Array }[];
  /** Models whose embedding was left to the durable queue (routed to Modal). */
  deferred: { modelId: string; modelHash: string }[];
}

export interface AnalysisOutcome {
  mediaId: number;
  file: string;
  detections: number;
  error?: { code: string; message: string };
}

/** Reads a media file by its raw path bytes when the name is not valid UTF-8. */
export async function readMediaFile(row: { path: string; path_raw: Buffer | null }): Promise<Buffer> {
  return readFile(row.path_raw ?? row.path);
}

/**
 * Detects the animals of one frame, crops each and describes it with the stripe matcher and every installed
 * re-identification model; stores detections and embeddings in one transaction. Running it again on an
 * analysed frame does nothing, so an interrupted analysis simply resumes.
 */
export async function analyseMedia(
  ctx: CoreContext,
  services: AnalysisServices,
  mediaId: number,
): Promise<AnalysisOutcome> {
  const row = ctx.db
    .prepare('SELECT id, path, path_raw FROM media WHERE id = ? AND analysed_at IS NULL')
    .get(mediaId) as MediaRow | undefined;
  if (!row) return { mediaId, file: '', detections: 0 };
  try {
    const { image } = await decodeImage(await readMediaFile(row), { maxSide: ANALYSIS_MAX_SIDE });
    const crops = await describeAnimals(ctx, services, image, {
      deferRemote: services.queue !== undefined,
      known: knownDetections(ctx, mediaId),
    });
    storeAnalysis(ctx, services, mediaId, crops, null);
    return { mediaId, file: row.path, detections: crops.length };
  } catch (error) {
    const code = isEngineError(error) ? error.code : 'INFERENCE_FAILED';
    const message = messageOf(error);
    // A bad or vanished file is final and recorded; a model failure is not, so the frame is retried later.
    const final =
      isEngineError(error) && (error.code.startsWith('IMAGE_') || error.code === 'FILE_UNREADABLE');
    if (final) storeAnalysis(ctx, services, mediaId, [], `${code}: ${message}`);
    return { mediaId, file: row.path, detections: 0, error: { code, message } };
  }
}

/**
 * Detections stored for a frame before it was analysed (boxes from an imported Camtrap DP survey): analysis
 * describes these instead of running the detector, so a tiger a partner already boxed is not found twice.
 */
function knownDetections(ctx: CoreContext, mediaId: number): (Detection & { detectionId: number })[] {
  const rows = ctx.db
    .prepare(
      "SELECT id, box_x, box_y, box_w, box_h, confidence, detector FROM detections WHERE media_id = ? AND label = 'animal' ORDER BY id",
    )
    .all(mediaId) as (BoxColumns & { id: number; confidence: number | null; detector: string })[];
  return rows.map((r) => ({
    detectionId: r.id,
    box: boxOf(r),
    confidence: r.confidence,
    detector: r.detector,
    label: 'animal' as const,
  }));
}

/** The crop the matchers describe: the box plus the configured padding (none for a whole-frame detection). */
export function detectionCrop(
  ctx: CoreContext,
  image: RawImage,
  animal: Pick<Detection, 'box' | 'confidence'>,
): RawImage {
  const padding = animal.confidence === null ? 0 : getSetting(ctx, 'detection.cropPadding');
  return cropRaw(image, animal.box, padding);
}

/** Cuts a stored detection's crop again exactly as analysis did, for work done later (queued remote inference). */
export async function storedDetectionCrop(ctx: CoreContext, detectionId: number): Promise<RawImage> {
  const row = ctx.db
    .prepare(
      `SELECT m.path, m.path_raw, d.box_x, d.box_y, d.box_w, d.box_h, d.confidence
         FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?`,
    )
    .get(detectionId) as (Omit<MediaRow, 'id'> & BoxColumns & { confidence: number | null }) | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery`);
  let bytes: Buffer;
  try {
    bytes = await readMediaFile(row);
  } catch (error) {
    throw new EngineError(
      'FILE_UNREADABLE',
      `Cannot read ${row.path} for detection ${detectionId}: ${messageOf(error)}`,
      {
        details: { path: row.path, detectionId },
        cause: error,
      },
    );
  }
  const { image } = await decodeImage(bytes, { maxSide: ANALYSIS_MAX_SIDE });
  const box = boxOf(row);
  return detectionCrop(ctx, image, { box, confidence: row.confidence });
}

/** Detects the animals of a decoded frame and describes each crop; stores nothing. */
export async function describeAnimals(
  ctx: CoreContext,
  services: AnalysisServices,
  image: RawImage,
  options: {
    deferRemote?: boolean;
    known?: (Detection & { detectionId: number })[];
    /**
     * Where a remote model cannot answer now (Modal unreachable, not set up): called instead of failing, and the
     * animal is described without that model. For answers given on the spot, which cannot wait in the queue.
     */
    onModelUnavailable?: (modelId: string, reason: string) => void;
  } = {},
): Promise<DescribedAnimal[]> {
  const animals: (Detection & { detectionId?: number })[] =
    options.known !== undefined && options.known.length > 0
      ? options.known
      : await services.detector.detect(image);
  const results: DescribedAnimal[] = [];
  for (const { detectionId, ...animal } of animals) {
    const crop = detectionCrop(ctx, image, animal);
    let stripes: StripeDescriptor | null = null;
    let stripesError: string | null = null;
    try {
      stripes = services.stripes.describe(crop);
    } catch (error) {
      // A crop too small or too plain to hold stripes is still a detection; it just cannot be matched by stripes.
      if (!isEngineError(error)) throw error;
      stripesError = `${error.code}: ${error.message}`;
    }
    const vectors = [];
    const deferred = [];
    for (const embedder of services.embedders) {
      const route = options.deferRemote ? embedder.route?.().route : undefined;
      if (route === 'modal' || route === 'queue') {
        deferred.push({ modelId: embedder.modelId, modelHash: embedder.modelHash });
        continue;
      }
      let vector: Float32Array;
      try {
        vector = await embedder.embed(crop);
      } catch (error) {
        const remoteDown =
          isEngineError(error) &&
          (error.code === 'REMOTE_UNAVAILABLE' || error.code === 'REMOTE_NOT_CONFIGURED');
        if (!remoteDown || options.onModelUnavailable === undefined) throw error;
        options.onModelUnavailable(embedder.modelId, error.message);
        continue;
      }
      vectors.push({ modelId: embedder.modelId, modelHash: embedder.modelHash, vector });
    }
    results.push({
      animal,
      ...(detectionId === undefined ? {} : { detectionId }),
      stripes,
      stripesError,
      vectors,
      deferred,
    });
  }
  return results;
}

function storeAnalysis(
  ctx: CoreContext,
  services: AnalysisServices,
  mediaId: number,
  crops: DescribedAnimal[],
  error: string | null,
): void {
  const now = ctx.now().toISOString();
  const insertDetection = ctx.db.prepare(
    `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, quality, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEmbedding = ctx.db.prepare(
    `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  ctx.db.transaction(() => {
    // Another process may have analysed the frame meanwhile: the first one wins, nothing is doubled.
    const claimed = ctx.db
      .prepare('UPDATE media SET analysed_at = ?, analysis_error = ? WHERE id = ? AND analysed_at IS NULL')
      .run(now, error, mediaId);
    if (claimed.changes === 0) return;
    for (const crop of crops) {
      const { box, confidence } = crop.animal;
      const detection =
        crop.detectionId !== undefined
          ? { lastInsertRowid: crop.detectionId }
          : insertDetection.run(
              mediaId,
              box.x,
              box.y,
              box.w,
              box.h,
              confidence,
              services.detector.id,
              crop.stripes === null ? 0 : null,
              now,
            );
      if (crop.stripes !== null) {
        const encoded = services.stripes.encode(crop.stripes);
        insertEmbedding.run(
          detection.lastInsertRowid,
          STRIPE_MATCHER_ID,
          STRIPE_MATCHER_VERSION,
          encoded.length,
          encoded,
          now,
        );
      } else if (crop.stripesError) {
        ctx.log.debug(`detection ${detection.lastInsertRowid}: no stripe features (${crop.stripesError})`);
      }
      for (const v of crop.vectors) {
        const bytes = Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength);
        insertEmbedding.run(detection.lastInsertRowid, v.modelId, v.modelHash, v.vector.length, bytes, now);
      }
      for (const d of crop.deferred) {
        const payload = {
          detectionId: Number(detection.lastInsertRowid),
          modelId: d.modelId,
          modelSha256: d.modelHash,
        };
        // A full queue throws here and rolls the whole frame back: it is analysed again once the queue has room.
        enqueueJob(
          ctx,
          { kind: 'embed', key: embedJobKey(payload), payload },
          services.queue?.maxSize ?? Infinity,
        );
      }
    }
  })();
}

export interface PendingAnalysisSummary {
  analysed: number;
  detections: number;
  failed: AnalysisOutcome[];
}

/** Analyses every imported frame not analysed yet, oldest first; stops between frames when aborted. */
export async function analysePending(
  ctx: CoreContext,
  services: AnalysisServices,
  hooks: { onProgress?: ProgressListener; signal?: AbortSignal; mediaIds?: number[] } = {},
): Promise<PendingAnalysisSummary> {
  const ids =
    hooks.mediaIds ??
    (ctx.db.prepare('SELECT id FROM media WHERE analysed_at IS NULL ORDER BY id').pluck().all() as number[]);
  const summary: PendingAnalysisSummary = { analysed: 0, detections: 0, failed: [] };
  for (const [i, id] of ids.entries()) {
    if (hooks.signal?.aborted) break;
    const outcome = await analyseMedia(ctx, services, id);
    if (outcome.error) summary.failed.push(outcome);
    else summary.analysed++;
    summary.detections += outcome.detections;
    hooks.onProgress?.({ phase: 'analyse', done: i + 1, total: ids.length, unit: 'images' });
  }
  return summary;
}
