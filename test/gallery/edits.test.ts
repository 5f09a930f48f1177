import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDecision } from '../../electron/core/gallery/decisions';
import {
  mergeIndividuals,
  renameIndividual,
  splitIndividual,
  undoEdit,
} from '../../electron/core/gallery/edits';
import {
  findIndividual,
  individualSightings,
  listIndividuals,
} from '../../electron/core/gallery/individuals';
import { insertDetection, tempCore } from '../support/temp-core';

describe('catalogue edits', () => {
  let core: ReturnType<typeof tempCore>;
  let detections: number[];
  beforeEach(() => {
    core = tempCore();
    detections = ['a', 'b', 'c', 'd'].map((k) => insertDetection(core, k, k === 'd' ? 'right' : 'left'));
    const first = recordDecision(core, {
      detectionId: detections[0]!,
      verdict: 'new-individual',
      reviewer: 'r',
    });
    recordDecision(core, {
      detectionId: detections[1]!,
      verdict: 'match',
      individual: first.individualId!,
      reviewer: 'r',
    });
    const second = recordDecision(core, {
      detectionId: detections[2]!,
      verdict: 'new-individual',
      reviewer: 'r',
    });
    recordDecision(core, {
      detectionId: detections[3]!,
      verdict: 'match',
      individual: second.individualId!,
      reviewer: 'r',
    });
  });
  afterEach(() => core.cleanup());

  it('merges two individuals and undoes the merge', () => {
    mergeIndividuals(core, 'T-0002', 'T-0001', 'office');
    const after = listIndividuals(core);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ code: 'T-0001', sightings: 4, flanks: ['left', 'right'] });
    // A merged individual's code still finds the survivor.
    expect(findIndividual(core, 'T-0002').code).toBe('T-0001');

    undoEdit(core, 'office');
    expect(listIndividuals(core).map((i) => [i.code, i.sightings])).toEqual([
      ['T-0001', 2],
      ['T-0002', 2],
    ]);
  });

  it('splits sightings into a new individual and undoes the split', () => {
    splitIndividual(core, 'T-0001', [detections[1]!], 'office', 'Raja');
    const raja = findIndividual(core, 'Raja');
    expect(individualSightings(core, raja.id).map((s) => s.detectionId)).toEqual([detections[1]]);
    expect(individualSightings(core, findIndividual(core, 'T-0001').id)).toHaveLength(1);

    undoEdit(core, 'office');
    expect(individualSightings(core, findIndividual(core, 'T-0001').id)).toHaveLength(2);
    expect(() => findIndividual(core, 'Raja')).toThrowError(/No individual/);
  });

  it('refuses a split that would empty the individual or takes foreign sightings', () => {
    expect(() => splitIndividual(core, 'T-0001', [detections[0]!, detections[1]!], 'r')).toThrowError(
      /at least one/,
    );
    expect(() => splitIndividual(core, 'T-0001', [detections[2]!], 'r')).toThrowError(
      /not sightings of T-0001/,
    );
  });

  it('renames, refuses a duplicate name, and undoes newest first', () => {
    renameIndividual(core, 'T-0001', 'Sita', 'r');
    expect(() => renameIndividual(core, 'T-0002', 'Sita', 'r')).toThrowError(/already used by T-0001/);
    const merge = mergeIndividuals(core, 'T-0002', 'Sita', 'r');
    const rename = core.db
      .prepare("SELECT id FROM gallery_edits WHERE kind = 'rename'")
      .pluck()
      .get() as number;
    expect(() => undoEdit(core, 'r', rename)).toThrowError(new RegExp(`Undo edit ${merge.id} first`));
    undoEdit(core, 'r');
    undoEdit(core, 'r');
    expect(findIndividual(core, 'T-0001').name).toBeNull();
    expect(() => undoEdit(core, 'r')).toThrowError(/Nothing to undo/);
  });
});
