import { dot } from '../matching/dot-product';
import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import type { Flank } from '../gallery/individuals';
import { STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, type StripeDescriptor } from '../matching/stripe-matcher';
import { getSetting } from '../settings';
import { isIdentifiable, VIEW_COLUMNS, viewStateOf, type ViewColumns } from '../gallery/detection-view';
import type { FramePlacement } from '../matching/fixed-background';
import { detectionPlacements } from './frame-placement';
import { modelKey, toFloat32, type GalleryIndex } from './gallery-index';
import { decodeLearnedFeatures, type LearnedFeatures } from '../matching/learned-features/learned-features';

/** What is known of one animal to identify: its stripe descriptor and deep embeddings (model key -> vector). */
export interface QueryFeatures {
  flank: Flank;
  stripes: StripeDescriptor | null;
  /** Learned local features of the installed local-features model; absent or null when there are none. */
  learned?: LearnedFeatures | null;
  vectors: Map<string, Float32Array>;
  /** Whether its view can identify it (gallery/detection-view.ts); absent: never judged, treated as identifiable. */
  view?: { identifiable: boolean | null; reason: string | null };
  /** Where its crop lies in its frame and which camera took it: its fixed background is not matched. */
  placement?: FramePlacement;
}

export interface Candidate {
  individualId: number;
  code: string;
  name: string | null;
  /** Fused score in [0,1]-ish units, comparable across queries; thresholded for "new individual?". */
  score: number;
  /** Per-model score of this individual (stripe matcher and each deep model). */
  scores: Record<string, number>;
  /** The gallery detection that matched best: shown beside the query in review. */
  bestDetectionId: number;
  flank: Flank;
}

export interface Identification {
  candidates: Candidate[];
  /** The calibrated "new individual?" threshold, or null when the gallery is not calibrated yet. */
  threshold: number | null;
  /** True when the best candidate scores below the threshold; null when not calibrated or the gallery is empty. */
  likelyNew: boolean | null;
  /** Model id -> file hash of every model that produced a score, stored with a decision. */
  modelVersions: Record<string, string>;
  /**
   * False when the query's view cannot identify the animal (face or rump, partial, too small, blurred): the
   * candidates are still listed for the reviewer's eye, but `likelyNew` is null, so no candidate is called
   * probably known and no "new individual" is suggested.
   */
  identifiable: boolean;
  /** Why the view cannot identify, in words for the reviewer; null when it can. */
  viewReason: string | null;
  /** Every compared gallery detection, best first (with `withDetections`, for evaluation's mAP). */
  rankedDetections?: RankedDetection[];
}

export interface RankedDetection {
  detectionId: number;
  individualId: number;
  score: number;
}

export interface IdentifyOptions {
  topK?: number;
  /** Gallery detections never to compare with (the query itself, or an individual left out in calibration). */
  exclude?: ReadonlySet<number>;
  withDetections?: boolean;
}

const flanksCompatible = (a: Flank, b: Flank): boolean => a === 'unknown' || b === 'unknown' || a === b;

/**
 * Ranks the gallery's individuals for one query. Each model scores gallery detections (the stripe matcher
 * shortlists and verifies geometrically; deep models use cosine similarity); the scores of a detection are fused
 * with per-model weights, and an individual scores as its best detection. A known left flank is never compared
 * with a known right flank.
 */
export function identify(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  query: QueryFeatures,
  options: IdentifyOptions = {},
): Identification {
  index.refresh();
  const topK = options.topK ?? getSetting(ctx, 'review.candidates');
  const weights = getSetting(ctx, 'matching.modelWeights');
  const exclude = new Set(options.exclude ?? []);
  for (const [id, entry] of index.entries) if (!flanksCompatible(query.flank, entry.flank)) exclude.add(id);

  // detection -> model -> score
  const perDetection = new Map<number, Map<string, number>>();
  const note = (detectionId: number, model: string, score: number): void => {
    let scores = perDetection.get(detectionId);
    if (!scores) perDetection.set(detectionId, (scores = new Map()));
    scores.set(model, score);
  };

  const modelVersions: Record<string, string> = {};
  if (query.stripes && index.stripes.size > 0) {
    modelVersions[STRIPE_MATCHER_ID] = STRIPE_MATCHER_VERSION;
    const hits = index.stripes.search(query.stripes, {
      shortlist: getSetting(ctx, 'matching.shortlist'),
      limit: index.stripes.size,
      excludeIds: exclude,
      ...(query.placement ? { placement: query.placement } : {}),
    });
    for (const hit of hits) note(hit.id, STRIPE_MATCHER_ID, hit.score);
  }
  const local = services.localFeatures;
  if (local !== undefined && query.learned && index.learned.size > 0) {
    modelVersions[local.modelId] = local.modelHash;
    const hits = index.learned.search(query.learned, {
      shortlist: getSetting(ctx, 'matching.learnedShortlist'),
      excludeIds: exclude,
    });
    for (const hit of hits) note(hit.id, local.modelId, hit.score);
  }
  for (const embedder of services.embedders) {
    const key = modelKey(embedder.modelId, embedder.modelHash);
    const vector = query.vectors.get(key);
    const gallery = index.vectors.get(key);
    if (!vector || !gallery || gallery.size === 0) continue;
    modelVersions[embedder.modelId] = embedder.modelHash;
    for (const [detectionId, g] of gallery)
      if (!exclude.has(detectionId)) note(detectionId, embedder.modelId, dot(vector, g));
  }

  const weightOf = (model: string): number =>
    weights[model] ??
    services.embedders.find((e) => e.modelId === model)?.weight ??
    (model === local?.modelId ? local.weight : 1);
  // Fuse per detection, then an individual (on each flank) scores as its best detection.
  const rankedDetections: RankedDetection[] = [];
  const byIndividual = new Map<number, { best: RankedDetection; scores: Record<string, number> }>();
  for (const [detectionId, scores] of perDetection) {
    const entry = index.entries.get(detectionId);
    if (!entry) continue;
    let weighted = 0;
    let total = 0;
    for (const [model, score] of scores) {
      weighted += weightOf(model) * score;
      total += weightOf(model);
    }
    const ranked = { detectionId, individualId: entry.individualId, score: total > 0 ? weighted / total : 0 };
    rankedDetections.push(ranked);
    const current = byIndividual.get(entry.individualId);
    if (!current) {
      byIndividual.set(entry.individualId, { best: ranked, scores: Object.fromEntries(scores) });
      continue;
    }
    if (ranked.score > current.best.score) current.best = ranked;
    for (const [model, score] of scores)
      current.scores[model] = Math.max(current.scores[model] ?? -Infinity, score);
  }

  const individuals = ctx.db.prepare('SELECT code, name FROM individuals WHERE id = ?');
  const ranked = [...byIndividual.entries()]
    .sort(([a, x], [b, y]) => y.best.score - x.best.score || a - b)
    .slice(0, topK)
    .map(([individualId, { best, scores }]): Candidate => {
      const row = individuals.get(individualId) as { code: string; name: string | null };
      return {
        individualId,
        code: row.code,
        name: row.name,
        score: best.score,
        scores,
        bestDetectionId: best.detectionId,
        flank: index.entries.get(best.detectionId)?.flank ?? 'unknown',
      };
    });

  const calibration = getSetting(ctx, 'matching.newIndividual');
  const threshold = calibration?.threshold ?? null;
  const top = ranked[0];
  const identifiable = isIdentifiable(query.view ?? { identifiable: null });
  return {
    candidates: ranked,
    threshold,
    likelyNew: !identifiable ? null : !top ? true : threshold === null ? null : top.score < threshold,
    modelVersions,
    identifiable,
    viewReason: identifiable ? null : (query.view?.reason ?? null),
    ...(options.withDetections
      ? { rankedDetections: rankedDetections.sort((a, b) => b.score - a.score) }
      : {}),
  };
}

/** The stored features of a detection already in the gallery database. */
export function storedQueryFeatures(
  ctx: CoreContext,
  services: AnalysisServices,
  detectionId: number,
): QueryFeatures {
  const detection = ctx.db
    .prepare(`SELECT flank, ${VIEW_COLUMNS} FROM detections WHERE id = ?`)
    .get(detectionId) as ({ flank: Flank } & ViewColumns) | undefined;
  if (!detection) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
  const rows = ctx.db
    .prepare('SELECT model_id, model_hash, vector FROM embeddings WHERE detection_id = ?')
    .all(detectionId) as { model_id: string; model_hash: string; vector: Buffer }[];
  const query: QueryFeatures = {
    flank: detection.flank,
    stripes: null,
    vectors: new Map(),
    view: viewStateOf(detection),
  };
  const placement = detectionPlacements(ctx, [detectionId]).get(detectionId);
  if (placement) query.placement = placement;
  const local = services.localFeatures;
  for (const r of rows) {
    if (r.model_id === STRIPE_MATCHER_ID) {
      if (r.model_hash === STRIPE_MATCHER_VERSION) query.stripes = services.stripes.decode(r.vector);
    } else if (r.model_id === local?.modelId) {
      if (r.model_hash === local.modelHash) query.learned = decodeLearnedFeatures(r.vector);
    } else {
      query.vectors.set(modelKey(r.model_id, r.model_hash), toFloat32(r.vector));
    }
  }
  if (!query.stripes && !query.learned && query.vectors.size === 0) {
    throw new EngineError(
      'NOT_FOUND',
      `Detection ${detectionId} has no usable features (the crop may be too small or plain); it cannot be matched.`,
    );
  }
  return query;
}
