import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import {
  decisionTrail,
  recordDecision,
  undecidedDetections,
  undoDecision,
} from '../../electron/core/gallery/decisions';
import { individualSightings, listIndividuals } from '../../electron/core/gallery/individuals';
import { insertDetection, tempCore } from '../support/temp-core';

describe('decisions', () => {
  let core: ReturnType<typeof tempCore>;
  beforeEach(() => {
    core = tempCore();
  });
  afterEach(() => core.cleanup());

  it('assigns a detection only through match and new-individual decisions', () => {
    const a = insertDetection(core, 'a');
    const b = insertDetection(core, 'b');
    const c = insertDetection(core, 'c');
    const created = recordDecision(core, {
      detectionId: a,
      verdict: 'new-individual',
      reviewer: 'ranger',
      newName: 'Sita',
    });
    expect(created.individualId).not.toBeNull();
    recordDecision(core, {
      detectionId: b,
      verdict: 'match',
      individual: 'Sita',
      reviewer: 'ranger',
      scores: { fused: 0.9 },
    });
    recordDecision(core, { detectionId: c, verdict: 'cant-tell', reviewer: 'ranger' });

    const [sita] = listIndividuals(core);
    expect(sita).toMatchObject({ code: 'T-0001', name: 'Sita', sightings: 2 });
    expect(individualSightings(core, sita!.id).map((s) => s.detectionId)).toEqual([a, b]);
    expect(undecidedDetections(core)).toEqual([]);
  });

  it('undo removes the assignment, keeps the trail, and retires an individual left empty', () => {
    const a = insertDetection(core, 'a');
    const decision = recordDecision(core, { detectionId: a, verdict: 'new-individual', reviewer: 'ranger' });
    undoDecision(core, decision.id, 'office');

    expect(listIndividuals(core)).toEqual([]);
    expect(undecidedDetections(core).map((d) => d.detectionId)).toEqual([a]);
    const trail = decisionTrail(core, a);
    expect(trail).toHaveLength(1);
    expect(trail[0]?.undoneAt).not.toBeNull();
    expect(() => undoDecision(core, decision.id, 'office')).toThrowError(/already undone/);
  });

  it('a newer decision supersedes an older one and undoing it restores the older', () => {
    const a = insertDetection(core, 'a');
    const b = insertDetection(core, 'b');
    const first = recordDecision(core, { detectionId: a, verdict: 'new-individual', reviewer: 'r' });
    const second = recordDecision(core, { detectionId: b, verdict: 'new-individual', reviewer: 'r' });
    const moved = recordDecision(core, {
      detectionId: a,
      verdict: 'match',
      individual: second.individualId!,
      reviewer: 'r',
    });
    expect(
      individualSightings(core, second.individualId!)
        .map((s) => s.detectionId)
        .sort(),
    ).toEqual([a, b].sort());
    undoDecision(core, moved.id, 'r');
    expect(individualSightings(core, first.individualId!).map((s) => s.detectionId)).toEqual([a]);
  });

  it('rejects a match without an individual, an unknown detection and an unknown individual', () => {
    const a = insertDetection(core, 'a');
    expect(() => recordDecision(core, { detectionId: a, verdict: 'match', reviewer: 'r' })).toThrowError(
      /individual: a match needs the individual it matches/,
    );
    expect(() =>
      recordDecision(core, { detectionId: 999, verdict: 'cant-tell', reviewer: 'r' }),
    ).toThrowError(EngineError);
    try {
      recordDecision(core, { detectionId: a, verdict: 'match', individual: 'T-0042', reviewer: 'r' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('NOT_FOUND');
    }
    expect(() =>
      recordDecision(core, { detectionId: a, verdict: 'maybe' as 'match', reviewer: 'r' }),
    ).toThrowError(/verdict/);
  });
});
