import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { isEngineError } from '../errors';
import { recordDecision, type DecisionInput, type DecisionRecord } from '../gallery/decisions';
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
