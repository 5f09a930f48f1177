import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import type { GalleryIndex } from './gallery-index';
import { identify, storedQueryFeatures, type Candidate, type Identification } from './identify';

/** One individual's evidence over all frames of an encounter. */
export interface FusedCandidate extends Candidate {
  /** Index (in the frames given) of the frame whose detection matched this individual best. */
  bestFrame: number;
}

/**
 * Fuses the candidate lists of an encounter's frames: an individual scores what its best frame scored, because
 * one clear flank in a burst identifies the animal while the burst's face, rump and half-body frames say nothing.
 * Best first; ties keep the earlier frame.
 */
export function fuseEncounterCandidates(frames: readonly (readonly Candidate[])[]): FusedCandidate[] {
  const best = new Map<number, FusedCandidate>();
  frames.forEach((candidates, frame) => {
    for (const candidate of candidates) {
      const held = best.get(candidate.individualId);
      if (!held || candidate.score > held.score)
        best.set(candidate.individualId, { ...candidate, bestFrame: frame });
    }
  });
  return [...best.values()].sort((a, b) => b.score - a.score || a.bestFrame - b.bestFrame);
}

/**
 * The frames that carry an encounter's decision: those whose view can identify the animal, when it has any (a
 * face, a rump or half an animal in the same burst says nothing a flank frame does not say better); all of them
 * otherwise. The app's review and the evaluation both fuse only these.
 */
export function carryingFrames<T extends { identifiable: boolean }>(frames: readonly T[]): T[] {
  const identifiable = frames.filter((f) => f.identifiable);
  return identifiable.length > 0 ? identifiable : [...frames];
}

/**
 * Identifies an encounter from all its frames: each frame is identified against the gallery (the encounter's own
 * frames left out), and the candidate lists of the frames that carry the decision (carryingFrames) fused, so the
 * frame that shows the animal best speaks for the encounter. Fails only when no frame can be identified, with the
 * first frame's error.
 */
export function identifyEncounter(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  detectionIds: readonly number[],
): Identification {
  const results: Identification[] = [];
  let failure: unknown;
  for (const id of detectionIds) {
    try {
      results.push(
        identify(ctx, services, index, storedQueryFeatures(ctx, services, id), {
          exclude: new Set(detectionIds),
        }),
      );
    } catch (error) {
      failure ??= error;
    }
  }
  const carrying = carryingFrames(results);
  const first = carrying[0];
  if (!first) throw failure;
  const candidates = fuseEncounterCandidates(carrying.map((r) => r.candidates));
  const top = candidates[0];
  return {
    ...first,
    candidates,
    likelyNew:
      !first.identifiable || first.threshold === null || !top ? first.likelyNew : top.score < first.threshold,
    modelVersions: Object.assign({}, ...carrying.map((r) => r.modelVersions)) as Record<string, string>,
  };
}
