import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { isEngineError } from '../errors';
import { recordDecision, UNDECIDED, type DecisionInput, type DecisionRecord } from '../gallery/decisions';
import { encounterOfDetection, sameAnimalElsewhere } from '../gallery/encounters';
import { findIndividual } from '../gallery/individuals';
import type { GalleryIndex } from './gallery-index';
import { identify, storedQueryFeatures, type Identification } from './identify';

/** How many of the candidates shown are kept with a decision as evidence (a report prints them side by side). */
const SHOWN_CANDIDATES = 5;

/**
 * Records a decision together with the evidence it was made on: the fused and per-model scores of the individual
 * decided about (or of the best candidate, for new-individual and can't-tell), and the model versions.
 * A detection without usable features is still decided, with no scores.
 */
export function decideWithScores(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  input: Omit<DecisionInput, 'scores' | 'modelVersions' | 'candidates'>,
  identification?: Identification,
): DecisionRecord {
  const subject = input.individual === undefined ? undefined : findIndividual(ctx, input.individual).id;
  // A result shown to the reviewer is reused only if it holds the individual decided about.
  let result =
    identification &&
    (subject === undefined || identification.candidates.some((c) => c.individualId === subject))
      ? identification
      : undefined;
  if (!result) {
    try {
      result = identify(ctx, services, index, storedQueryFeatures(ctx, services, input.detectionId), {
        topK: 100,
        exclude: new Set([input.detectionId]),
      });
    } catch (error) {
      if (!isEngineError(error, 'NOT_FOUND')) throw error;
    }
  }
  const candidate =
    subject === undefined
      ? result?.candidates[0]
      : result?.candidates.find((c) => c.individualId === subject);
  const scores: Record<string, number> = candidate ? { fused: candidate.score, ...candidate.scores } : {};
  if (result?.threshold !== null && result?.threshold !== undefined) scores.threshold = result.threshold;
  const shown = (result?.candidates ?? []).slice(0, SHOWN_CANDIDATES).map((c) => ({
    individualId: c.individualId,
    code: c.code,
    score: c.score,
    scores: c.scores,
    bestDetectionId: c.bestDetectionId,
  }));
  return recordDecision(ctx, {
    ...input,
    scores,
    modelVersions: result?.modelVersions ?? {},
    candidates: shown,
  });
}

/**
 * Decides a detection together with the rest of its encounter, as one batch that undoes as one: every other frame
 * of the encounter whose only detection is still undecided gets the same verdict (a new individual opened on the
 * chosen frame is matched on the others). Frames holding several animals, and frames already decided, are left for
 * their own review: nothing says which of their animals this one is.
 */
export function decideEncounter(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  input: Omit<DecisionInput, 'scores' | 'modelVersions' | 'candidates' | 'batchId'>,
  identification?: Identification,
): DecisionRecord[] {
  const undecided = ctx.db.prepare(`SELECT 1 FROM detections d WHERE d.id = ? AND ${UNDECIDED}`);
  const others = sameAnimalElsewhere(encounterOfDetection(ctx, input.detectionId), input.detectionId).filter(
    (id) => undecided.get(id) !== undefined,
  );
  return ctx.db.transaction((): DecisionRecord[] => {
    const first = decideWithScores(ctx, services, index, input, identification);
    if (others.length === 0) return [first];
    ctx.db.prepare('UPDATE decisions SET batch_id = ? WHERE id = ?').run(first.id, first.id);
    const opened = input.verdict === 'new-individual' && first.individualId !== null;
    const rest = others.map((detectionId) =>
      decideWithScores(ctx, services, index, {
        detectionId,
        verdict: opened ? 'match' : input.verdict,
        ...(opened ? { individual: first.individualId as number } : {}),
        ...(!opened && input.individual !== undefined ? { individual: input.individual } : {}),
        reviewer: input.reviewer,
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        batchId: first.id,
      }),
    );
    return [first, ...rest];
  })();
}
