import { describe, expect, it } from 'vitest';
import { carryingFrames, fuseEncounterCandidates } from '../../electron/core/identification/encounter-fusion';
import type { Candidate } from '../../electron/core/identification/identify';

const candidate = (individualId: number, score: number): Candidate => ({
  individualId,
  code: `T-${String(individualId).padStart(4, '0')}`,
  name: null,
  score,
  scores: { stripes: score },
  bestDetectionId: individualId * 100,
  flank: 'unknown',
});

describe('fusing the frames of an encounter', () => {
  it("gives each individual its best frame's score, and says which frame that was", () => {
    const face = [candidate(2, 0.31), candidate(1, 0.3)];
    const flank = [candidate(1, 0.92), candidate(3, 0.2)];
    const rump = [candidate(3, 0.4)];
    const fused = fuseEncounterCandidates([face, flank, rump]);
    expect(fused.map((c) => [c.individualId, c.score, c.bestFrame])).toEqual([
      [1, 0.92, 1],
      [3, 0.4, 2],
      [2, 0.31, 0],
    ]);
  });

  it('keeps the earlier frame on a tie and returns nothing for an encounter with no candidates', () => {
    expect(fuseEncounterCandidates([[candidate(1, 0.5)], [candidate(1, 0.5)]])[0]?.bestFrame).toBe(0);
    expect(fuseEncounterCandidates([[], []])).toEqual([]);
  });

  it('lets the frames whose view can identify carry the encounter, and all frames when none can', () => {
    const face = { identifiable: false, candidates: [candidate(2, 0.95)] };
    const flank = { identifiable: true, candidates: [candidate(1, 0.6)] };
    const carrying = carryingFrames([face, flank]);
    expect(carrying).toEqual([flank]);
    // The face frame's high score for another tiger no longer outvotes the flank.
    expect(fuseEncounterCandidates(carrying.map((f) => f.candidates))[0]?.individualId).toBe(1);
    expect(carryingFrames([face, { ...face }])).toHaveLength(2);
    expect(carryingFrames([])).toEqual([]);
  });
});
