import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analysePending } from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import { openCore } from '../context';
import { EngineError } from '../errors';
import { groupBy } from '../group-by';
import { recordDecision } from '../gallery/decisions';
import { calibrateNewIndividual } from '../identification/calibrate';
import { carryingFrames, fuseEncounterCandidates } from '../identification/encounter-fusion';
import { GalleryIndex } from '../identification/gallery-index';
import type { Candidate } from '../identification/identify';
import { identifyImageFile, type AnimalIdentification } from '../identification/identify-image';
import { importFolder } from '../importing/import-folder';
import type { Logger } from '../log';
import type { ProgressListener } from '../progress';
import { readLabels, type LabelledImage } from './labels';
import { auroc, averagePrecision } from './metrics';
import { splitForEvaluation } from './split';
import { sha256Hex } from '../sha256';

export interface EvaluationOptions {
  labels: string;
  root?: string;
  /** Names the matchers and models in the report. */
  matcher: string;
  log: Logger;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface EvaluationReport {
  rank1: number;
  rank5: number;
  mAP: number;
  openSetAUROC: number;
  newIndividualThreshold: number;
  /** Share of unknown queries correctly called new at the threshold. */
  unknownCalledNew: number;
  /** Share of known queries wrongly called new at the threshold. */
  knownCalledNew: number;
  /** Of the queries the app calls a known individual (top score at or above the threshold), how many are right. */
  confident: ConfidentAnswers;
  /**
   * Share of queries whose best detection's view was judged not identifiable (face or rump, partial, too small,
   * blurred, featureless): the app lists candidates for them but never calls one known.
   */
  notIdentifiable: number;
  /**
   * The same queries grouped by encounter (labels' `encounter` column, per individual), each encounter's frames
   * fused as the app fuses them; null when the labels give no encounters.
   */
  perEncounter: EncounterFigures | null;
  queriesPerSecond: number;
  queries: number;
  knownQueries: number;
  unknownQueries: number;
  galleryImages: number;
  galleryIndividuals: number;
  unknownIndividuals: number;
  failedQueries: { file: string; reason: string }[];
  /** Query frames in which analysis found no animal (set aside as empty): each one a miss. */
  setAsideQueries: number;
  matcher: string;
  peakMemoryMB: number;
  seconds: { galleryBuild: number; calibration: number; queries: number };
}

export interface ConfidentAnswers {
  /** Queries called a known individual. */
  answers: number;
  /** Share of all queries called a known individual. */
  share: number;
  /** Share of those answers that name the right individual (an unknown query called known is wrong). */
  precision: number;
}

export interface EncounterFigures {
  encounters: number;
  knownEncounters: number;
  rank1: number;
  rank5: number;
  confident: ConfidentAnswers;
}

interface QueryOutcome {
  /** The individual and encounter the query belongs to (its file when the labels give no encounter). */
  encounterKey: string;
  /** Gallery individual id of the truth; undefined for an unknown individual. */
  truth: number | undefined;
  known: boolean;
  candidates: Candidate[];
  /** False when the query's view cannot identify the animal: it is then never a confident answer. */
  identifiable: boolean;
}

const REVIEWER = 'tigerid-eval';
/** Candidates kept per query: enough for rank-5 and for fusing an encounter's frames. */
const QUERY_TOP_K = 12;

/**
 * Runs the protocol of EVALUATION.md: builds a gallery from the gallery images exactly as the app does (import,
 * analyse, decisions), calibrates the new-individual threshold the same way, then identifies every query as the
 * app would. Works in a scratch data folder: the user's gallery is never touched.
 */
export async function runEvaluation(
  services: AnalysisServices,
  options: EvaluationOptions,
): Promise<EvaluationReport> {
  const images = readLabels(options.labels, options.root);
  const split = splitForEvaluation(images);
  if (split.known.length === 0)
    throw new EngineError('CSV_INVALID', 'No individual has 2 or more images: nothing to query.');
  const scratch = mkdtempSync(join(tmpdir(), 'tigerid-eval-'));
  const core = openCore({ dataDir: join(scratch, 'data'), log: options.log });
  try {
    const buildStart = performance.now();
    // Gallery and query frames come in together, as off one card, each in its station (labels' `station`): a
    // station's frames then serve as each other's background, so full camera-trap frames are localised as the
    // app localises them. A query is identified from what analysis stored for it, never as a gallery image.
    const galleryIds = await importStations(core, split.gallery, join(scratch, 'gallery'), options);
    const queryIds = await importStations(
      core,
      [...split.known, ...split.unknown],
      join(scratch, 'queries'),
      options,
    );
    let galleryAnalysed = performance.now();
    await analysePending(core, services, {
      ...pick(options),
      mediaIds: [...galleryIds, ...queryIds],
      localise: true,
      onProgress: (p) => {
        if (p.phase === 'analyse' && p.done === galleryIds.length) galleryAnalysed = performance.now();
        options.onProgress?.(p);
      },
    });
    // Describing a query frame is part of answering the query.
    const queryAnalysisMs = performance.now() - galleryAnalysed;
    const individualOf = assignGallery(core, split.gallery);
    const buildSeconds = (galleryAnalysed - buildStart) / 1000;

    const index = new GalleryIndex(core, services);
    const calibrateStart = performance.now();
    const calibration = calibrateNewIndividual(core, services, index, {
      matcher: options.matcher,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const calibrationSeconds = (performance.now() - calibrateStart) / 1000;

    const galleryCount = new Map<number, number>();
    for (const entry of index.entries.values())
      galleryCount.set(entry.individualId, (galleryCount.get(entry.individualId) ?? 0) + 1);

    const queries = [
      ...split.known.map((q) => ({ q, known: true })),
      ...split.unknown.map((q) => ({ q, known: false })),
    ];
    const knownTop: number[] = [];
    const unknownTop: number[] = [];
    const aps: number[] = [];
    let rank1 = 0;
    let rank5 = 0;
    const failedQueries: EvaluationReport['failedQueries'] = [];
    let setAsideQueries = 0;
    const outcomes: QueryOutcome[] = [];
    const queryStart = performance.now();
    for (const [i, { q, known }] of queries.entries()) {
      if (options.signal?.aborted) throw new EngineError('CONFLICT', 'Evaluation cancelled.');
      let result: AnimalIdentification | undefined;
      try {
        const animals = await identifyImageFile(core, services, index, q.file, {
          topK: QUERY_TOP_K,
          withDetections: true,
        });
        if (animals.length === 0) setAsideQueries++;
        result = animals.sort((a, b) => (b.candidates[0]?.score ?? 0) - (a.candidates[0]?.score ?? 0))[0];
      } catch (error) {
        failedQueries.push({ file: q.relativeFile, reason: (error as Error).message });
      }
      const top = result?.candidates[0]?.score ?? 0;
      const truth = known ? individualOf.get(q.individualId) : undefined;
      outcomes.push({
        encounterKey: `${q.individualId}\u0000${q.encounter ?? q.relativeFile}`,
        truth,
        known,
        candidates: result?.candidates ?? [],
        identifiable: result?.identifiable ?? true,
      });
      if (known) {
        knownTop.push(top);
        const ranked = result?.candidates.map((c) => c.individualId) ?? [];
        if (truth !== undefined && ranked[0] === truth) rank1++;
        if (truth !== undefined && ranked.slice(0, 5).includes(truth)) rank5++;
        const relevance = (result?.rankedDetections ?? []).map((d) => d.individualId === truth);
        aps.push(averagePrecision(relevance, truth === undefined ? 0 : (galleryCount.get(truth) ?? 0)));
      } else {
        unknownTop.push(top);
      }
      options.onProgress?.({ phase: 'query', done: i + 1, total: queries.length, unit: 'queries' });
    }
    const querySeconds = (performance.now() - queryStart + queryAnalysisMs) / 1000;
    const t = calibration.threshold;
    return {
      rank1: rank1 / knownTop.length,
      rank5: rank5 / knownTop.length,
      mAP: aps.reduce((a, b) => a + b, 0) / aps.length,
      openSetAUROC: auroc(knownTop, unknownTop),
      newIndividualThreshold: t,
      unknownCalledNew: unknownTop.filter((s) => s < t).length / Math.max(unknownTop.length, 1),
      knownCalledNew: knownTop.filter((s) => s < t).length / knownTop.length,
      confident: confidentAnswers(outcomes, t),
      notIdentifiable: outcomes.filter((o) => !o.identifiable).length / Math.max(outcomes.length, 1),
      perEncounter: queries.some(({ q }) => q.encounter !== null) ? encounterFigures(outcomes, t) : null,
      queriesPerSecond: queries.length / querySeconds,
      queries: queries.length,
      knownQueries: knownTop.length,
      unknownQueries: unknownTop.length,
      galleryImages: index.entries.size,
      galleryIndividuals: galleryCount.size,
      unknownIndividuals: split.unknownIndividuals.length,
      failedQueries,
      setAsideQueries,
      matcher: options.matcher,
      peakMemoryMB: Math.round(process.resourceUsage().maxRSS / 1024),
      seconds: { galleryBuild: buildSeconds, calibration: calibrationSeconds, queries: querySeconds },
    };
  } finally {
    core.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Precision of the answers the app gives with confidence: a view that can identify, and a top candidate at or
 * above the threshold.
 */
function confidentAnswers(outcomes: readonly QueryOutcome[], threshold: number): ConfidentAnswers {
  const answered = outcomes.filter((o) => o.identifiable && (o.candidates[0]?.score ?? 0) >= threshold);
  const right = answered.filter((o) => o.known && o.candidates[0]?.individualId === o.truth).length;
  return {
    answers: answered.length,
    share: answered.length / Math.max(outcomes.length, 1),
    precision: answered.length === 0 ? Number.NaN : right / answered.length,
  };
}

/** Rank-1/5 and confident precision with each encounter's query frames fused into one answer. */
function encounterFigures(outcomes: readonly QueryOutcome[], threshold: number): EncounterFigures {
  const groups = new Map<string, QueryOutcome[]>();
  for (const outcome of outcomes) {
    const group = groups.get(outcome.encounterKey) ?? [];
    group.push(outcome);
    groups.set(outcome.encounterKey, group);
  }
  // As the app does: the frames whose view can identify carry the encounter, when it has any.
  const fused: QueryOutcome[] = [...groups.values()].map((frames) => {
    const carrying = carryingFrames(frames);
    return {
      ...(carrying[0] as QueryOutcome),
      candidates: fuseEncounterCandidates(carrying.map((f) => f.candidates)),
    };
  });
  const known = fused.filter((e) => e.known);
  const ranked = (e: QueryOutcome, k: number) =>
    e.truth !== undefined && e.candidates.slice(0, k).some((c) => c.individualId === e.truth);
  return {
    encounters: fused.length,
    knownEncounters: known.length,
    rank1: known.filter((e) => ranked(e, 1)).length / Math.max(known.length, 1),
    rank5: known.filter((e) => ranked(e, 5)).length / Math.max(known.length, 1),
    confident: confidentAnswers(fused, threshold),
  };
}

function pick(options: EvaluationOptions): { onProgress?: ProgressListener; signal?: AbortSignal } {
  return {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * Imports labelled images station by station (the labels' `station` column; none where it is empty), laid out under
 * `folder` by linking rather than copying where the file system allows. Returns their media ids.
 */
async function importStations(
  core: ReturnType<typeof openCore>,
  images: readonly LabelledImage[],
  folder: string,
  options: EvaluationOptions,
): Promise<number[]> {
  const stations = groupBy(images, (image) => image.station);
  const mediaIds: number[] = [];
  for (const [s, [station, members]] of [...stations.entries()].entries()) {
    const dir = join(folder, String(s));
    mkdirSync(dir, { recursive: true });
    members.forEach((image, i) => {
      const target = join(dir, `${i}-${basename(image.file)}`);
      try {
        linkSync(image.file, target);
      } catch {
        copyFileSync(image.file, target);
      }
    });
    const imported = await importFolder(
      core,
      { folder: dir, ...(station === null ? {} : { station }) },
      {
        ...pick(options),
        onFile: (file) => {
          if (file.mediaId !== null) mediaIds.push(file.mediaId);
        },
      },
    );
    if (imported.failed.length > 0) {
      options.log.warn(
        `${imported.failed.length} image(s) of ${station ?? 'no station'} could not be imported; the first: ${imported.failed[0]?.path}: ${imported.failed[0]?.message}`,
      );
    }
  }
  return mediaIds;
}

/**
 * Records the labels as a reviewer would: the first sighting of each individual opens it (new individual), the
 * others are matches. Returns label id -> gallery individual id.
 */
function assignGallery(core: ReturnType<typeof openCore>, gallery: LabelledImage[]): Map<string, number> {
  const individualOf = new Map<string, number>();
  const detectionsOf = core.db.prepare(
    'SELECT d.id FROM detections d JOIN media m ON m.id = d.media_id WHERE m.sha256 = ? ORDER BY d.id',
  );
  core.db.transaction(() => {
    for (const image of gallery) {
      const sha256 = sha256Hex(readFileSync(image.file));
      for (const detectionId of detectionsOf.pluck().all(sha256) as number[]) {
        const existing = individualOf.get(image.individualId);
        const decision = recordDecision(core, {
          detectionId,
          verdict: existing === undefined ? 'new-individual' : 'match',
          ...(existing === undefined ? { newName: image.individualId } : { individual: existing }),
          reviewer: REVIEWER,
        });
        if (existing === undefined && decision.individualId !== null)
          individualOf.set(image.individualId, decision.individualId);
      }
    }
  })();
  return individualOf;
}
