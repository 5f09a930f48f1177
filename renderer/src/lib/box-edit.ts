/**
 * Box mode of the review screen, as pure data and functions (tested without a DOM): boxes are fractions [0, 1] of the
 * photo (left, top, width, height), as the gallery stores them.
 */
import type { BoxDto } from '../../../electron/core/api';

/** A new box from the keyboard: centred, this fraction of the photo on each side. */
export const DEFAULT_SIDE = 0.3;
/**
 * The smallest box the editor makes, as a fraction of the photo. The core refuses boxes under 16 px a side; on the
 * 1024 px to 2560 px frames of camera traps this keeps every box the editor makes clear of that.
 */
export const MIN_SIDE = 0.02;
/** One arrow key press moves or resizes by this fraction of the photo. */
export const KEY_STEP = 0.01;

export type Corner = 'nw' | 'ne' | 'sw' | 'se';
export const CORNERS: readonly Corner[] = ['nw', 'ne', 'sw', 'se'];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Fractions rounded to a millionth: no 0.30000000000000004 in the stored box. */
const tidy = (v: number) => Math.round(v * 1e6) / 1e6;

function tidyBox(b: BoxDto): BoxDto {
  return { x: tidy(b.x), y: tidy(b.y), w: tidy(b.w), h: tidy(b.h) };
}

export function centredBox(side = DEFAULT_SIDE): BoxDto {
  return tidyBox({ x: (1 - side) / 2, y: (1 - side) / 2, w: side, h: side });
}

/** The box spanned by a drag from (ax, ay) to (bx, by), kept inside the photo. */
export function boxFromPoints(ax: number, ay: number, bx: number, by: number): BoxDto {
  const [x0, x1] = [clamp(Math.min(ax, bx), 0, 1), clamp(Math.max(ax, bx), 0, 1)];
  const [y0, y1] = [clamp(Math.min(ay, by), 0, 1), clamp(Math.max(ay, by), 0, 1)];
  return tidyBox({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
}

/** Whether a box is big enough to keep (a drag shorter than that was a click). */
export function isUsable(b: BoxDto): boolean {
  return b.w >= MIN_SIDE && b.h >= MIN_SIDE;
}

/** Moves a box by (dx, dy), its size kept, stopping at the photo's edges. */
export function moveBox(b: BoxDto, dx: number, dy: number): BoxDto {
  return tidyBox({ x: clamp(b.x + dx, 0, 1 - b.w), y: clamp(b.y + dy, 0, 1 - b.h), w: b.w, h: b.h });
}

/** Drags one corner by (dx, dy); the opposite corner stays put, and the box keeps at least MIN_SIDE. */
export function resizeBox(b: BoxDto, corner: Corner, dx: number, dy: number): BoxDto {
  let [left, top, right, bottom] = [b.x, b.y, b.x + b.w, b.y + b.h];
  if (corner === 'nw' || corner === 'sw') left = clamp(left + dx, 0, right - MIN_SIDE);
  else right = clamp(right + dx, left + MIN_SIDE, 1);
  if (corner === 'nw' || corner === 'ne') top = clamp(top + dy, 0, bottom - MIN_SIDE);
  else bottom = clamp(bottom + dy, top + MIN_SIDE, 1);
  return tidyBox({ x: left, y: top, w: right - left, h: bottom - top });
}

export type BoxAction =
  | { kind: 'new' }
  | { kind: 'cycle'; delta: 1 | -1 }
  | { kind: 'move'; dx: number; dy: number }
  | { kind: 'resize'; dw: number; dh: number }
  | { kind: 'delete' }
  | { kind: 'save' }
  | { kind: 'leave' };

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The keys of box mode. Every other key does nothing there: no review key may decide while boxes are edited. */
export function boxActionFor(e: {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  inEditable?: boolean;
}): BoxAction | null {
  if (e.inEditable || e.altKey || e.ctrlKey || e.metaKey) return null;
  const arrow = ARROWS[e.key];
  if (arrow) {
    const [dx, dy] = arrow;
    return e.shiftKey
      ? { kind: 'resize', dw: dx * KEY_STEP, dh: dy * KEY_STEP }
      : { kind: 'move', dx: dx * KEY_STEP, dy: dy * KEY_STEP };
  }
  switch (e.key) {
    case 'b':
    case 'B':
      return { kind: 'new' };
    case 'Tab':
      return { kind: 'cycle', delta: e.shiftKey ? -1 : 1 };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    case 'Enter':
      return { kind: 'save' };
    case 'Escape':
      return { kind: 'leave' };
    default:
      return null;
  }
}

/** Shift+arrows: the right and bottom edges follow the key, the top-left corner stays. */
export function resizeByKey(b: BoxDto, dw: number, dh: number): BoxDto {
  return resizeBox(b, 'se', dw, dh);
}

export function sameBox(a: BoxDto, b: BoxDto): boolean {
  return (
    Math.abs(a.x - b.x) < 1e-6 &&
    Math.abs(a.y - b.y) < 1e-6 &&
    Math.abs(a.w - b.w) < 1e-6 &&
    Math.abs(a.h - b.h) < 1e-6
  );
}

/** A box as a short string: the version of its crop image, which changes when the box does. */
export function boxVersion(b: BoxDto): string {
  return [b.x, b.y, b.w, b.h].map((v) => v.toFixed(6)).join(',');
}
