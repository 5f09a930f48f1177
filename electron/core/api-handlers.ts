import { licenceTexts } from './inference/licence-texts';
import { matcherName } from './analysis/matcher-name';
import { boxOf, type BoxColumns } from './images/crop';
import {
  type ApiInput,
  type AppApi,
  type CandidatesDto,
  type DecisionDto,
  type DetectionDto,
  type EditDto,
  type IndividualSummaryDto,
  type ModelDto,
  type SecretStatusDto,
  type SettingsDto,
} from './api';
import { apiArgs, type API_METHODS } from './api-schema';
import type { CoreContext } from './context';
import type { Engine } from './engine';
import { EngineError, isEngineError } from './errors';
import { revisitDetections, undecidedCount, undoDecision, type DecisionRecord } from './gallery/decisions';
import {
  mergeIndividuals,
  renameIndividual,
  splitIndividual,
  undoEdit,
  type GalleryEdit,
} from './gallery/edits';
import { findIndividual, individualSightings, listIndividuals, type Flank } from './gallery/individuals';
import { decideEncounter, decideWithScores } from './identification/decide';
import { undecidedEncounters } from './gallery/encounters';
import { restoreFlanks, setFlank } from './gallery/flank';
import {
  isIdentifiable,
  readView,
  restoreViews,
  setView,
  viewStateOf,
  type ViewColumns,
} from './gallery/detection-view';
import { identify, storedQueryFeatures, type Identification } from './identification/identify';
import type { ModelListing } from './inference/model-store';
import { remoteHandlers } from './api-remote';
import { reportHandlers } from './api-reports';
import { frameHandlers } from './api-frames';
import { boxHandlers } from './api-boxes';
import { reviewerName } from './reviewer';
import { MODAL_TOKEN_ID, MODAL_TOKEN_SECRET } from './secrets';
import { getSetting, setSetting } from './settings';

interface DetectionRow extends BoxColumns, ViewColumns {
  id: number;
  media_id: number;
  path: string;
  captured_at: string | null;
  station: string | null;
  confidence: number | null;
  detector: string;
  flank: Flank;
}

export function detectionDto(ctx: CoreContext, detectionId: number): DetectionDto {
  const row = ctx.db
    .prepare(
      `SELECT d.id, d.media_id, m.path, m.captured_at, s.name AS station, d.box_x, d.box_y, d.box_w, d.box_h,
              d.confidence, d.detector, d.flank, d.view, d.view_identifiable, d.view_source, d.view_reason
         FROM detections d JOIN media m ON m.id = d.media_id LEFT JOIN stations s ON s.id = m.station_id
        WHERE d.id = ?`,
    )
    .get(detectionId) as DetectionRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
  return {
    detectionId: row.id,
    mediaId: row.media_id,
    file: row.path,
    capturedAt: row.captured_at,
    station: row.station,
    box: boxOf(row),
    confidence: row.confidence,
    detector: row.detector,
    flank: row.flank,
    view: viewStateOf(row),
  };
}

function count(ctx: CoreContext, sql: string): number {
  return ctx.db.prepare(sql).pluck().get() as number;
}

function modelDto(m: ModelListing): ModelDto {
  return {
    id: m.id,
    task: m.task,
    description: m.entry.description,
    licence: m.entry.licence,
    state: m.state,
    sha256: m.installed?.sha256 ?? null,
  };
}

/**
 * The AppApi over one engine: each method validates its argument object against API_METHODS and turns core
 * results into DTOs. No door adds logic of its own.
 */
export function createAppApi(engine: Engine, env: NodeJS.ProcessEnv = process.env): AppApi {
  const ctx = engine.core;
  const args = <M extends keyof typeof API_METHODS>(method: M, input: ApiInput<M>) => apiArgs(method, input);
  const reviewer = () => reviewerName(getSetting(ctx, 'review.reviewer') || undefined, env);
  // The candidates just shown for a detection, so recording the decision on them does not search again.
  const shown = new Map<number, { revision: number; result: Identification }>();
  const remember = (detectionId: number, revision: number, result: Identification) => {
    shown.delete(detectionId);
    shown.set(detectionId, { revision, result });
    if (shown.size > 64) shown.delete(shown.keys().next().value as number);
  };

  const decisionDto = (d: DecisionRecord, detectionsDecided = 1): DecisionDto => ({
    decisionId: d.id,
    detectionId: d.detectionId,
    verdict: d.verdict,
    individualId: d.individualId,
    individualCode: d.individualId === null ? null : findIndividualCode(ctx, d.individualId),
    reviewer: d.reviewer,
    decidedAt: d.decidedAt,
    detectionsDecided,
  });
  const summaryDto = (i: ReturnType<typeof listIndividuals>[number]): IndividualSummaryDto => ({
    individualId: i.id,
    code: i.code,
    name: i.name,
    sightingCount: i.sightings,
    flanks: i.flanks,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    best: i.bestDetectionId === null ? null : detectionDto(ctx, i.bestDetectionId),
  });
  const editDto = (edit: GalleryEdit): EditDto => {
    const code = (individualId: number) => findIndividualCode(ctx, individualId);
    const summary =
      edit.kind === 'rename'
        ? `Renamed ${code(edit.individualId)} from ${edit.from ?? '(no name)'} to ${edit.to}`
        : edit.kind === 'merge'
          ? `Merged ${code(edit.sourceId)} into ${code(edit.targetId)}`
          : `Split ${edit.decisionIds.length} sighting(s) of ${code(edit.fromId)} into ${code(edit.toId)}`;
    return { editId: edit.id, kind: edit.kind, summary };
  };
  const settingsDto = (): SettingsDto => {
    const calibration = getSetting(ctx, 'matching.newIndividual');
    return {
      reviewer: reviewer(),
      reviewCandidates: getSetting(ctx, 'review.candidates'),
      newIndividualThreshold: calibration?.threshold ?? null,
      calibratedAt: calibration?.calibratedAt ?? null,
      encounterGapSeconds: getSetting(ctx, 'encounters.gapSeconds'),
    };
  };
  const secretStatus = (): SecretStatusDto => ({
    modalTokenSet: engine.secrets.get(MODAL_TOKEN_SECRET) !== null,
    backend: engine.secrets.backend,
  });

  /** A detection identified against the gallery, as Review shows it; kept as the evidence a decision records. */
  const candidatesFor = async (detectionId: number, topK?: number): Promise<CandidatesDto> => {
    const query = detectionDto(ctx, detectionId);
    const services = await engine.services();
    const index = await engine.index();
    let result: CandidatesDto;
    try {
      const found = identify(ctx, services, index, storedQueryFeatures(ctx, services, detectionId), {
        exclude: new Set([detectionId]),
        ...(topK ? { topK } : {}),
      });
      remember(detectionId, index.revision, found);
      result = {
        query,
        candidates: found.candidates.map((c) => ({
          individualId: c.individualId,
          code: c.code,
          name: c.name,
          score: c.score,
          scores: c.scores,
          flank: c.flank,
          best: detectionDto(ctx, c.bestDetectionId),
        })),
        threshold: found.threshold,
        likelyNew: found.likelyNew,
        identifiable: found.identifiable,
        viewReason: found.viewReason,
        note:
          found.candidates.length === 0
            ? 'The gallery has no confirmed individual yet: this is the first one.'
            : null,
      };
    } catch (error) {
      if (!isEngineError(error, 'NOT_FOUND')) throw error;
      const identifiable = isIdentifiable(query.view);
      result = {
        query,
        candidates: [],
        threshold: null,
        likelyNew: null,
        identifiable,
        viewReason: identifiable ? null : query.view.reason,
        note: error.message,
      };
    }
    return result;
  };

  return {
    async 'status.get'(input) {
      args('status.get', input);
      const services = await engine.services();
      const provider = await services.engine.executionProvider();
      return {
        dataDir: ctx.paths.root,
        inference: {
          where: provider.provider === 'cuda' ? 'local-cuda' : 'local-cpu',
          reason: provider.reason,
        },
        matcher: matcherName(services),
        models: (await services.store.list()).map(modelDto),
        counts: {
          media: count(ctx, 'SELECT COUNT(*) FROM media'),
          detections: count(ctx, 'SELECT COUNT(*) FROM detections'),
          undecided: undecidedCount(ctx),
          individuals: count(
            ctx,
            'SELECT COUNT(*) FROM individuals WHERE merged_into IS NULL AND retired_at IS NULL',
          ),
        },
        calibrated: getSetting(ctx, 'matching.newIndividual') !== null,
      };
    },
    async 'imports.start'(input) {
      const { folder, station } = args('imports.start', input);
      return engine.imports.start(folder, station);
    },
    async 'imports.list'(input) {
      args('imports.list', input);
      return engine.imports.list();
    },
    async 'imports.cancel'(input) {
      return engine.imports.cancel(args('imports.cancel', input).jobId);
    },
    async 'review.queue'(input) {
      const { limit } = args('review.queue', input);
      const { total, items } = undecidedEncounters(ctx, limit);
      return {
        total,
        items: items.map(({ encounter, detectionIds, looksLikeTiger }) => {
          const frames = detectionIds.map((id) => detectionDto(ctx, id));
          return {
            ...(frames[0] as DetectionDto),
            encounter: { key: encounter.key, frames, looksLikeTiger },
          };
        }),
      };
    },
    async 'review.revisit'(input) {
      const { verdicts, limit } = args('review.revisit', input);
      const { total, entries } = revisitDetections(ctx, verdicts, limit);
      return {
        total,
        items: entries.map((e) => ({
          ...detectionDto(ctx, e.detectionId),
          decisionId: e.decisionId,
          verdict: e.verdict,
          reviewer: e.reviewer,
          decidedAt: e.decidedAt,
        })),
      };
    },
    async 'review.candidates'(input) {
      const { detectionId, topK } = args('review.candidates', input);
      return candidatesFor(detectionId, topK);
    },
    async 'decisions.record'(input) {
      const d = args('decisions.record', input);
      const services = await engine.services();
      const index = await engine.index();
      index.refresh();
      const cached = shown.get(d.detectionId);
      const decision = {
        detectionId: d.detectionId,
        verdict: d.verdict,
        ...(d.individualId !== undefined ? { individual: d.individualId } : {}),
        ...(d.newName !== undefined ? { newName: d.newName } : {}),
        ...(d.notes !== undefined ? { notes: d.notes } : {}),
        reviewer: reviewer(),
      };
      const evidence = cached?.revision === index.revision ? cached.result : undefined;
      const records = d.encounter
        ? decideEncounter(ctx, services, index, decision, evidence)
        : [decideWithScores(ctx, services, index, decision, evidence)];
      return decisionDto(records[0] as DecisionRecord, records.length);
    },
    async 'decisions.undo'(input) {
      const undone = undoDecision(ctx, args('decisions.undo', input).decisionId, reviewer());
      return decisionDto(undone, undone.batchSize);
    },
    async 'detections.setFlank'(input) {
      return setFlank(ctx, args('detections.setFlank', input));
    },
    async 'detections.restoreFlanks'(input) {
      const { changes } = args('detections.restoreFlanks', input);
      restoreFlanks(ctx, changes);
      return changes.map((c) => ({
        detectionId: c.detectionId,
        before: c.after,
        after: c.before,
        ...(c.view ? { view: { ...c.view, before: c.view.after, after: c.view.before } } : {}),
      }));
    },
    async 'detections.setView'(input) {
      const { detectionId, identifiable } = args('detections.setView', input);
      const change = setView(ctx, { detectionId, identifiable });
      return { view: readView(ctx, detectionId), change };
    },
    async 'detections.restoreViews'(input) {
      const { changes } = args('detections.restoreViews', input);
      restoreViews(ctx, changes);
      return changes.map((c) => ({ detectionId: c.detectionId, before: c.after, after: c.before }));
    },
    async 'individuals.list'(input) {
      args('individuals.list', input);
      return listIndividuals(ctx).map(summaryDto);
    },
    async 'individuals.get'(input) {
      const individual = findIndividual(ctx, args('individuals.get', input).individual);
      const summary = listIndividuals(ctx).find((i) => i.id === individual.id);
      if (!summary) throw new EngineError('NOT_FOUND', `No individual ${individual.code}.`);
      const sightings = individualSightings(ctx, individual.id).map((s) => ({
        ...detectionDto(ctx, s.detectionId),
        decisionId: s.decisionId,
      }));
      const stations = new Map<string, number>();
      for (const s of sightings) if (s.station) stations.set(s.station, (stations.get(s.station) ?? 0) + 1);
      return {
        ...summaryDto(summary),
        sightings,
        stations: [...stations]
          .map(([name, n]) => ({ name, sightings: n }))
          .sort((a, b) => b.sightings - a.sightings),
      };
    },
    async 'individuals.rename'(input) {
      const { individual, name } = args('individuals.rename', input);
      return editDto(renameIndividual(ctx, individual, name, reviewer()));
    },
    async 'individuals.merge'(input) {
      const { source, target } = args('individuals.merge', input);
      return editDto(mergeIndividuals(ctx, source, target, reviewer()));
    },
    async 'individuals.split'(input) {
      const { individual, detectionIds, newName } = args('individuals.split', input);
      return editDto(splitIndividual(ctx, individual, detectionIds, reviewer(), newName));
    },
    async 'edits.undo'(input) {
      return editDto(undoEdit(ctx, reviewer(), args('edits.undo', input).editId));
    },
    async 'settings.get'(input) {
      args('settings.get', input);
      return settingsDto();
    },
    async 'settings.set'(input) {
      const s = args('settings.set', input);
      if (s.reviewer !== undefined) setSetting(ctx, 'review.reviewer', s.reviewer);
      if (s.reviewCandidates !== undefined) setSetting(ctx, 'review.candidates', s.reviewCandidates);
      if (s.encounterGapSeconds !== undefined)
        setSetting(ctx, 'encounters.gapSeconds', s.encounterGapSeconds);
      if (s.newIndividualThreshold !== undefined) {
        setSetting(
          ctx,
          'matching.newIndividual',
          s.newIndividualThreshold === null
            ? null
            : {
                threshold: s.newIndividualThreshold,
                calibratedAt: ctx.now().toISOString(),
                samples: 0,
                matcher: 'set by hand',
                knownBelow: Number.NaN,
                unknownAbove: Number.NaN,
              },
        );
      }
      return settingsDto();
    },
    async 'models.list'(input) {
      args('models.list', input);
      return (await (await engine.services()).store.list()).map(modelDto);
    },
    async 'licences.list'(input) {
      args('licences.list', input);
      return licenceTexts(engine.manifest, engine.modelsFolder);
    },
    async 'models.import'(input) {
      const { file, as } = args('models.import', input);
      const store = (await engine.services()).store;
      await store.importFile(file, as);
      const listing = (await store.list()).find((m) => m.id === as);
      if (!listing) throw new EngineError('NOT_FOUND', `Model ${as} is not in the manifest.`);
      return modelDto(listing);
    },
    async 'secrets.status'(input) {
      args('secrets.status', input);
      return secretStatus();
    },
    async 'secrets.setModalToken'(input) {
      const { tokenId, tokenSecret } = args('secrets.setModalToken', input);
      engine.secrets.set(MODAL_TOKEN_ID, tokenId);
      engine.secrets.set(MODAL_TOKEN_SECRET, tokenSecret);
      // A new token deserves a fresh try: waiting work goes out now if Modal is reachable.
      engine.remote.refresh();
      engine.queueSync.kick();
      return secretStatus();
    },
    async 'secrets.clearModalToken'(input) {
      args('secrets.clearModalToken', input);
      engine.secrets.delete(MODAL_TOKEN_ID);
      engine.secrets.delete(MODAL_TOKEN_SECRET);
      engine.remote.refresh();
      return secretStatus();
    },
    ...remoteHandlers(engine),
    ...reportHandlers(engine, env),
    ...frameHandlers(engine, reviewer),
    ...boxHandlers(engine, candidatesFor),
  };
}

function findIndividualCode(ctx: CoreContext, individualId: number): string {
  return ctx.db.prepare('SELECT code FROM individuals WHERE id = ?').pluck().get(individualId) as string;
}
