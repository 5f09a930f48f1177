import { describe, expect, it } from 'vitest';
import {
  boxActionFor,
  boxFromPoints,
  centredBox,
  isUsable,
  MIN_SIDE,
  moveBox,
  resizeBox,
  resizeByKey,
} from '../../renderer/src/lib/box-edit';
import { decidesOnPhoto, REVIEW_LEGEND, reviewActionFor } from '../../renderer/src/lib/keys';

describe('box mode keys', () => {
  it('B opens box mode from Review, and opening it decides nothing', () => {
    const action = reviewActionFor({ key: 'b' });
    expect(action).toEqual({ kind: 'boxes' });
    expect(decidesOnPhoto(action!)).toBe(false);
    expect(REVIEW_LEGEND.some((l) => l.keys.includes('B'))).toBe(true);
  });

  it('maps the box keys: B new, Tab next, arrows move, Shift+arrows resize, Delete, Enter, Esc', () => {
    expect(boxActionFor({ key: 'b' })).toEqual({ kind: 'new' });
    expect(boxActionFor({ key: 'Tab' })).toEqual({ kind: 'cycle', delta: 1 });
    expect(boxActionFor({ key: 'Tab', shiftKey: true })).toEqual({ kind: 'cycle', delta: -1 });
    expect(boxActionFor({ key: 'ArrowRight' })).toEqual({ kind: 'move', dx: 0.01, dy: 0 });
    expect(boxActionFor({ key: 'ArrowUp' })).toEqual({ kind: 'move', dx: 0, dy: -0.01 });
    expect(boxActionFor({ key: 'ArrowDown', shiftKey: true })).toEqual({ kind: 'resize', dw: 0, dh: 0.01 });
    expect(boxActionFor({ key: 'Delete' })).toEqual({ kind: 'delete' });
    expect(boxActionFor({ key: 'Backspace' })).toEqual({ kind: 'delete' });
    expect(boxActionFor({ key: 'Enter' })).toEqual({ kind: 'save' });
    expect(boxActionFor({ key: 'Escape' })).toEqual({ kind: 'leave' });
  });

  it('has no decision key: M, X, C, N, digits and U do nothing in box mode, nor keys typed in a field', () => {
    for (const key of ['m', 'x', 'c', 'n', '1', 'u', 'l', 'r', 'e', 'o', 's'])
      expect(boxActionFor({ key }), key).toBeNull();
    expect(boxActionFor({ key: 'Delete', inEditable: true })).toBeNull();
    expect(boxActionFor({ key: 'z', ctrlKey: true })).toBeNull();
  });
});

describe('box geometry', () => {
  it('starts a keyboard box centred at the default size', () => {
    expect(centredBox()).toEqual({ x: 0.35, y: 0.35, w: 0.3, h: 0.3 });
  });

  it('spans a drag in any direction, clipped to the photo; a click is no box', () => {
    expect(boxFromPoints(0.6, 0.7, 0.2, 0.1)).toEqual({ x: 0.2, y: 0.1, w: 0.4, h: 0.6 });
    expect(boxFromPoints(0.9, 0.5, 1.3, -0.2)).toEqual({ x: 0.9, y: 0, w: 0.1, h: 0.5 });
    expect(isUsable(boxFromPoints(0.5, 0.5, 0.505, 0.6))).toBe(false);
    expect(isUsable(boxFromPoints(0.5, 0.5, 0.5 + MIN_SIDE, 0.6))).toBe(true);
  });

  it('moves a box without changing its size, stopping at the edges', () => {
    expect(moveBox({ x: 0.1, y: 0.2, w: 0.3, h: 0.3 }, 0.01, -0.02)).toEqual({
      x: 0.11,
      y: 0.18,
      w: 0.3,
      h: 0.3,
    });
    expect(moveBox({ x: 0.6, y: 0.1, w: 0.3, h: 0.3 }, 0.5, -0.5)).toEqual({ x: 0.7, y: 0, w: 0.3, h: 0.3 });
  });

  it('resizes by a corner, the opposite corner fixed, never below the minimum or past the photo', () => {
    const b = { x: 0.2, y: 0.2, w: 0.4, h: 0.4 };
    expect(resizeBox(b, 'nw', -0.1, 0.1)).toEqual({ x: 0.1, y: 0.3, w: 0.5, h: 0.3 });
    expect(resizeBox(b, 'se', 0.9, -0.9)).toEqual({ x: 0.2, y: 0.2, w: 0.8, h: MIN_SIDE });
    expect(resizeByKey(b, -0.01, 0.01)).toEqual({ x: 0.2, y: 0.2, w: 0.39, h: 0.41 });
  });
});
