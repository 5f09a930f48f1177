import type { Candidate } from './identify';

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
