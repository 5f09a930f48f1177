import { describe, expect, it } from 'vitest';
import { decidesOnPhoto, moveSelection, REVIEW_LEGEND, reviewActionFor } from '../../renderer/src/lib/keys';
import { boxSourceLabel, viewLabel } from '../../renderer/src/lib/format';
import { mergeOrder, nextAfter, reinsert } from '../../renderer/src/lib/queue-order';

describe('reviewActionFor', () => {
  it('maps the decision keys, either case', () => {
    expect(reviewActionFor({ key: 'm' })).toEqual({ kind: 'match' });
    expect(reviewActionFor({ key: 'M' })).toEqual({ kind: 'match' });
    expect(reviewActionFor({ key: 'x' })).toEqual({ kind: 'no-match' });
    expect(reviewActionFor({ key: 'c' })).toEqual({ kind: 'cant-tell' });
    expect(reviewActionFor({ key: 'N' })).toEqual({ kind: 'new-individual' });
    expect(reviewActionFor({ key: 'u' })).toEqual({ kind: 'undo' });
    expect(reviewActionFor({ key: '0' })).toEqual({ kind: 'reset-zoom' });
    expect(reviewActionFor({ key: 'S' })).toEqual({ kind: 'skip' });
  });

  it('sets the flank with L and R, and moves through the encounter frames with [ ] (or , .)', () => {
    expect(reviewActionFor({ key: 'l' })).toEqual({ kind: 'flank', flank: 'left' });
    expect(reviewActionFor({ key: 'R' })).toEqual({ kind: 'flank', flank: 'right' });
    for (const key of [']', '.']) expect(reviewActionFor({ key })).toEqual({ kind: 'frame', delta: 1 });
    for (const key of ['[', ',']) expect(reviewActionFor({ key })).toEqual({ kind: 'frame', delta: -1 });
  });

  it('makes exactly the decisions wait for the photo; skip, undo, selection and zoom never wait', () => {
    const waits = (key: string) => {
      const action = reviewActionFor({ key });
      if (!action) throw new Error(`no action for ${key}`);
      return decidesOnPhoto(action);
    };
    for (const key of ['m', '1', '9', 'x', 'c', 'n', 'e', 'o', 'l', 'r']) expect(waits(key), key).toBe(true);
    for (const key of ['s', 'u', 'j', 'k', '0', '[', ']']) expect(waits(key), key).toBe(false);
  });

  it('marks the photo empty with E and not a tiger with O, either case, and lists both in the legend', () => {
    expect(reviewActionFor({ key: 'e' })).toEqual({ kind: 'empty' });
    expect(reviewActionFor({ key: 'E' })).toEqual({ kind: 'empty' });
    expect(reviewActionFor({ key: 'o' })).toEqual({ kind: 'not-tiger' });
    expect(reviewActionFor({ key: 'O' })).toEqual({ kind: 'not-tiger' });
    expect(reviewActionFor({ key: 'e', ctrlKey: true })).toBeNull();
    expect(reviewActionFor({ key: 'o', inEditable: true })).toBeNull();
    expect(REVIEW_LEGEND.find((l) => l.keys.includes('E'))?.action).toMatch(/^Empty: no animal/);
    expect(REVIEW_LEGEND.find((l) => l.keys.includes('O'))?.action).toMatch(/^Not a tiger/);
  });

  it('toggles the view verdict with V, waiting for the photo like a decision, and lists it in the legend', () => {
    expect(reviewActionFor({ key: 'v' })).toEqual({ kind: 'view' });
    expect(reviewActionFor({ key: 'V' })).toEqual({ kind: 'view' });
    expect(reviewActionFor({ key: 'v', ctrlKey: true })).toBeNull();
    expect(reviewActionFor({ key: 'v', inEditable: true })).toBeNull();
    expect(decidesOnPhoto({ kind: 'view' })).toBe(true);
    expect(REVIEW_LEGEND.find((l) => l.keys.includes('V'))?.action).toMatch(/identif/);
  });

  it('maps 1–9 to the candidate at that rank (0-based index) and ignores 0 as a candidate', () => {
    expect(reviewActionFor({ key: '1' })).toEqual({ kind: 'match-candidate', index: 0 });
    expect(reviewActionFor({ key: '9' })).toEqual({ kind: 'match-candidate', index: 8 });
    expect(reviewActionFor({ key: '0' })).toEqual({ kind: 'reset-zoom' });
  });

  it('moves the selection with arrows and J/K', () => {
    for (const key of ['ArrowRight', 'ArrowDown', 'j'])
      expect(reviewActionFor({ key })).toEqual({ kind: 'select', delta: 1 });
    for (const key of ['ArrowLeft', 'ArrowUp', 'k'])
      expect(reviewActionFor({ key })).toEqual({ kind: 'select', delta: -1 });
  });

  it('undoes with Ctrl+Z or Cmd+Z, and leaves other modified keys alone', () => {
    expect(reviewActionFor({ key: 'z', ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(reviewActionFor({ key: 'z', metaKey: true })).toEqual({ kind: 'undo' });
    expect(reviewActionFor({ key: 'm', ctrlKey: true })).toBeNull();
    expect(reviewActionFor({ key: 'c', metaKey: true })).toBeNull();
    expect(reviewActionFor({ key: 'm', altKey: true })).toBeNull();
    expect(reviewActionFor({ key: 'z' })).toBeNull();
  });

  it('does nothing while the reviewer types in a field', () => {
    expect(reviewActionFor({ key: 'm', inEditable: true })).toBeNull();
    expect(reviewActionFor({ key: 'z', ctrlKey: true, inEditable: true })).toBeNull();
  });

  it('wraps the selection around', () => {
    expect(moveSelection(0, -1, 12)).toBe(11);
    expect(moveSelection(11, 1, 12)).toBe(0);
    expect(moveSelection(3, 1, 12)).toBe(4);
    expect(moveSelection(0, 1, 0)).toBe(0);
  });
});

describe('queue order', () => {
  it('keeps the reviewer’s order, drops decided items and appends new ones', () => {
    expect(mergeOrder([], [5, 6, 7])).toEqual([5, 6, 7]);
    expect(mergeOrder([7, 5, 6], [5, 6, 7, 8])).toEqual([7, 5, 6, 8]);
    expect(mergeOrder([7, 5, 6], [6, 9, 7])).toEqual([7, 6, 9]);
  });

  it('goes to the next item after a decision, or back when at the end', () => {
    expect(nextAfter([1, 2, 3], 2)).toBe(3);
    expect(nextAfter([1, 2, 3], 3)).toBe(2);
    expect(nextAfter([3], 3)).toBeNull();
    expect(nextAfter([4, 5], 9)).toBe(4);
  });

  it('puts an undone item back in front of the current one', () => {
    expect(reinsert([1, 3, 4], 2, 3)).toEqual([1, 2, 3, 4]);
    expect(reinsert([3, 4], 2, null)).toEqual([2, 3, 4]);
    expect(reinsert([1, 2, 3], 2, 3)).toEqual([1, 2, 3]);
  });
});

describe('viewLabel', () => {
  it('says what was seen, whether it identifies, and who said so', () => {
    const judged = { view: 'partial', identifiable: false, source: 'judged', reason: 'cut' } as const;
    expect(viewLabel(judged)).toBe('Partial (cut by the frame) · not identifiable');
    expect(viewLabel({ ...judged, view: 'flank', identifiable: true, source: 'reviewer' })).toBe(
      'Side view (flank) · identifies (set by the reviewer)',
    );
    expect(viewLabel({ view: null, identifiable: null, source: null, reason: null })).toBe('Not judged');
  });
});

describe('boxSourceLabel', () => {
  it('says how every kind of box was found', () => {
    const label = (detector: string, confidence: number | null = null) =>
      boxSourceLabel({ detector, confidence });
    expect(label('megadetector-v6-c', 0.87)).toBe('87% sure it is an animal (megadetector-v6-c)');
    expect(label('whole-frame')).toBe('Whole photo (no detector)');
    expect(label('background')).toBe('Differs from the camera’s empty background');
    expect(label('burst-motion')).toBe('Moved between the frames of its burst');
    expect(label('camtrap-dp')).toBe('Box from an imported survey');
  });
});
