import type { CoreContext } from '../context';
import { EngineError, isEngineError, messageOf } from '../errors';
import { boxOf, cropRaw, type BoxColumns } from '../images/crop';
import { decodeImage } from '../images/decode';
import type { RawImage } from '../images/raw-image';
import { STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, type StripeDescriptor } from '../matching/stripe-matcher';
import { tigerLikeness } from '../matching/tiger-likeness';
import {
  encodeLearnedFeatures,
  learnedFeatures,
  type LearnedFeatures,
} from '../matching/learned-features/learned-features';
import type { ProgressListener } from '../progress';
import { getSetting } from '../settings';
import { WHOLE_FRAME_DETECTOR, type Detection } from '../inference/detector';
import { readMediaFile } from '../images/media-file';
import { localisePending } from '../localisation/localise-pending';
import {
  wholeFrameWithoutStrip,
  type FrameContent,
  type LocalisedFrame,
} from '../localisation/localise-frames';
import { embedJobKey } from '../queue/embed-payload';
import { judgedColumns } from '../gallery/detection-view';
import { judgeView, type ViewJudgement } from '../identification/view-judge';
import { enqueueJob, requeueJob } from '../queue/job-store';
import type { AnalysisServices } from './services';

/** Camera-trap frames are decoded at most this large: tiger crops keep their stripes, decode stays fast. */
export const ANALYSIS_MAX_SIDE = 2560;

interface MediaRow {
  id: number;
  path: string;
  path_raw: Buffer | null;
}

interface PendingRow extends MediaRow {
  strip_top: number;
  strip_bottom: number;
}

/** One animal of a frame with everything the matchers know about it. */
export interface DescribedAnimal {
  animal: Detection;
  /** Set when the animal was already stored (boxes that came with an imported survey): described, not re-detected. */
  detectionId?: number;
  stripes: StripeDescriptor | null;
  /** Why there is no stripe descriptor (a crop too small or too plain), for the log and the user. */
  stripesError: string | null;
  /** Whether the view can identify the animal (face, rump, partial, too small or blurred cannot). */
  view: ViewJudgement;
  /** How much the crop looks like a tiger to the stripe matcher (matching/tiger-likeness.ts); orders Review. */
  tigerLikeness: number;
  /** Learned local features (ALIKE), when a local-features model is installed. */
  learned: LearnedFeatures | null;
  vectors: { modelId: string; modelHash: string; vector: Float32Array }[];
  /** Models whose embedding was left to the durable queue (routed to Modal). */
  deferred: { modelId: string; modelHash: string }[];
}

export interface AnalysisOutcome {
  mediaId: number;
  file: string;
  detections: number;
  /** Set when the frame showed only its camera's background: no detection, set aside as empty. */
  empty?: true;
  error?: { code: string; message: string };
}

/**
 * Detects the animals of one frame, crops each and describes it with the stripe matcher and every installed
 * re-identification model; stores detections and embeddings in one transaction. Running it again on an
 * analysed frame does nothing, so an interrupted analysis simply resumes.
 *
 * `localised` is what localisation found in the frame when no detector is installed (see analysePending): its
 * boxes replace the whole-frame detection, and an empty frame is stored with no detection at all.
 */
export async function analyseMedia(
  ctx: CoreContext,
  services: AnalysisServices,
  mediaId: number,
  localised?: LocalisedFrame,
): Promise<AnalysisOutcome> {
  const row = ctx.db
    .prepare(
      'SELECT id, path, path_raw, strip_top, strip_bottom FROM media WHERE id = ? AND analysed_at IS NULL',
    )
    .get(mediaId) as PendingRow | undefined;
  if (!row) return { mediaId, file: '', detections: 0 };
  const strip = localised?.strip ?? { top: row.strip_top, bottom: row.strip_bottom };
  if (localised?.content === 'empty') {
    storeAnalysis(ctx, services, mediaId, [], null, { content: 'empty', strip });
    return { mediaId, file: row.path, detections: 0, empty: true };
  }
  try {
    const { image } = await decodeImage(await readMediaFile(row), { maxSide: ANALYSIS_MAX_SIDE });
    const known = knownDetections(ctx, mediaId);
    const wholeFrame = known.length === 0 && services.detector.id === WHOLE_FRAME_DETECTOR;
    // Without a detector the frame (less the camera's info strip, where one was found) is the detection.
    const animals =
      localised?.detections ??
      (wholeFrame && (strip.top > 0 || strip.bottom > 0) ? [wholeFrameWithoutStrip(strip)] : undefined);
    const crops = await describeAnimals(ctx, services, image, {
      deferRemote: services.queue !== undefined,
      known,
      ...(animals ? { animals } : {}),
    });
    const content: FrameContent =
      localised?.content ?? (wholeFrame ? 'unknown' : crops.length > 0 ? 'animal' : 'empty');
    storeAnalysis(ctx, services, mediaId, crops, null, { content, strip });
    return {
      mediaId,
      file: row.path,
      detections: crops.length,
      ...(content === 'empty' ? { empty: true } : {}),
    };
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

/**
 * The crop the matchers describe: the box plus the configured padding (none for a whole-frame detection). Boxes
 * found by localisation (background, burst motion) carry no confidence either, but are tight boxes like a
 * detector's, so they get the padding too.
 */
export function detectionCrop(
  ctx: CoreContext,
  image: RawImage,
  animal: Pick<Detection, 'box' | 'detector'>,
): RawImage {
  return cropRaw(image, animal.box, cropPadding(ctx, animal.detector));
}

/** The padding detectionCrop adds around a box found by `detector`. */
export function cropPadding(ctx: CoreContext, detector: string): number {
  return detector === WHOLE_FRAME_DETECTOR ? 0 : getSetting(ctx, 'detection.cropPadding');
}

/** Cuts a stored detection's crop again exactly as analysis did, for work done later (queued remote inference). */
export async function storedDetectionCrop(ctx: CoreContext, detectionId: number): Promise<RawImage> {
  const row = ctx.db
    .prepare(
      `SELECT m.path, m.path_raw, d.box_x, d.box_y, d.box_w, d.box_h, d.detector
         FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?`,
    )
    .get(detectionId) as (Omit<MediaRow, 'id'> & BoxColumns & { detector: string }) | undefined;
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
  return detectionCrop(ctx, image, { box, detector: row.detector });
}

/** Detects the animals of a decoded frame and describes each crop; stores nothing. */
export async function describeAnimals(
  ctx: CoreContext,
  services: AnalysisServices,
  image: RawImage,
  options: {
    deferRemote?: boolean;
    known?: (Detection & { detectionId: number })[];
    /** Animals already found (by localisation): described instead of running the detector. */
    animals?: Detection[];
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
      : (options.animals ?? (await services.detector.detect(image)));
  const results: DescribedAnimal[] = [];
  for (const { detectionId, ...animal } of animals) {
    const crop = detectionCrop(ctx, image, animal);
    let stripes: StripeDescriptor | null = null;
    let stripesError: string | null = null;
    let stripesErrorCode: string | null = null;
    try {
      stripes = services.stripes.describe(crop);
    } catch (error) {
      // A crop too small or too plain to hold stripes is still a detection; it just cannot be matched by stripes.
      if (!isEngineError(error)) throw error;
      stripesError = `${error.code}: ${error.message}`;
      stripesErrorCode = error.code;
    }
    const view = judgeView({
      crop,
      box: animal.box,
      wholeFrame: animal.detector === WHOLE_FRAME_DETECTOR,
      stripes,
      stripesErrorCode,
    });
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
      view,
      tigerLikeness: tigerLikeness(crop),
      learned: services.localFeatures ? learnedFeatures(await services.localFeatures.describe(crop)) : null,
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
  found?: { content: FrameContent; strip: { top: number; bottom: number } },
): void {
  const now = ctx.now().toISOString();
  ctx.db.transaction(() => {
    // Another process may have analysed the frame meanwhile: the first one wins, nothing is doubled.
    const claimed = ctx.db
      .prepare(
        `UPDATE media SET analysed_at = ?, analysis_error = ?, content = ?, strip_top = ?, strip_bottom = ?
          WHERE id = ? AND analysed_at IS NULL`,
      )
      .run(now, error, found?.content ?? null, found?.strip.top ?? 0, found?.strip.bottom ?? 0, mediaId);
    if (claimed.changes === 0) return;
    for (const crop of crops) storeDescribed(ctx, services, mediaId, crop, now);
  })();
}

/**
 * Stores one described animal: its detection (unless it was already stored), its stripe descriptor and embeddings,
 * and a queued job per model left to the queue. Runs inside the caller's transaction; returns the detection id.
 * Boxes drawn or changed by hand (gallery/boxes.ts) are stored by the same code as analysis stores its own.
 */
export function storeDescribed(
  ctx: CoreContext,
  services: AnalysisServices,
  mediaId: number,
  crop: DescribedAnimal,
  now: string,
): number {
  const { box, confidence } = crop.animal;
  const detectionId =
    crop.detectionId ??
    Number(
      ctx.db
        .prepare(
          `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, quality, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          mediaId,
          box.x,
          box.y,
          box.w,
          box.h,
          confidence,
          // How this box was found: the detector's id, or background / burst-motion / whole-frame / drawn.
          crop.animal.detector,
          crop.stripes === null ? 0 : null,
          now,
        ).lastInsertRowid,
    );
  // A box described anew (moved by hand) is judged anew: the earlier view was of another crop.
  ctx.db
    .prepare(
      `UPDATE detections SET view = ?, view_identifiable = ?, view_source = ?, view_reason = ?, tiger_likeness = ?
        WHERE id = ?`,
    )
    .run(...judgedColumns(crop.view), crop.tigerLikeness, detectionId);
  const insertEmbedding = ctx.db.prepare(
    `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  if (crop.stripes !== null) {
    const encoded = services.stripes.encode(crop.stripes);
    insertEmbedding.run(detectionId, STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, encoded.length, encoded, now);
  } else if (crop.stripesError) {
    ctx.log.debug(`detection ${detectionId}: no stripe features (${crop.stripesError})`);
  }
  if (crop.learned !== null && services.localFeatures) {
    const encoded = encodeLearnedFeatures(crop.learned);
    const { modelId, modelHash } = services.localFeatures;
    insertEmbedding.run(detectionId, modelId, modelHash, encoded.length, encoded, now);
  }
  for (const v of crop.vectors) {
    const bytes = Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength);
    insertEmbedding.run(detectionId, v.modelId, v.modelHash, v.vector.length, bytes, now);
  }
  for (const d of crop.deferred) {
    const payload = { detectionId, modelId: d.modelId, modelSha256: d.modelHash };
    // A full queue throws here and rolls the whole frame back: it is analysed again once the queue has room.
    const job = enqueueJob(
      ctx,
      { kind: 'embed', key: embedJobKey(payload), payload },
      services.queue?.maxSize ?? Infinity,
    );
    // The detection was described anew (a box moved by hand): the job's earlier answer is for the old crop.
    if (!job.created) requeueJob(ctx, job.id);
  }
  return detectionId;
}

export interface PendingAnalysisSummary {
  analysed: number;
  detections: number;
  /** Frames that showed only their camera's background: set aside, no detection (the Status screen lists them). */
  empty: number;
  failed: AnalysisOutcome[];
}

/**
 * Analyses every imported frame not analysed yet, oldest first; stops between frames when aborted.
 *
 * With `localise` and no detector installed, the frames are first localised against the other frames of their
 * camera (background model, burst motion): animals get boxes and frames with only the background are set aside
 * as empty. Without it (evaluation on single crops) every frame is one whole-frame detection, as before.
 */
export async function analysePending(
  ctx: CoreContext,
  services: AnalysisServices,
  hooks: {
    onProgress?: ProgressListener;
    signal?: AbortSignal;
    mediaIds?: number[];
    localise?: boolean;
  } = {},
): Promise<PendingAnalysisSummary> {
  const ids =
    hooks.mediaIds ??
    (ctx.db.prepare('SELECT id FROM media WHERE analysed_at IS NULL ORDER BY id').pluck().all() as number[]);
  const summary: PendingAnalysisSummary = { analysed: 0, detections: 0, empty: 0, failed: [] };
  const localised =
    hooks.localise === true && services.detector.id === WHOLE_FRAME_DETECTOR
      ? await localisePending(ctx, ids, {
          ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        })
      : new Map<number, LocalisedFrame>();
  for (const [i, id] of ids.entries()) {
    if (hooks.signal?.aborted) break;
    const outcome = await analyseMedia(ctx, services, id, localised.get(id));
    if (outcome.error) summary.failed.push(outcome);
    else summary.analysed++;
    if (outcome.empty) summary.empty++;
    summary.detections += outcome.detections;
    hooks.onProgress?.({ phase: 'analyse', done: i + 1, total: ids.length, unit: 'images' });
  }
  return summary;
}
