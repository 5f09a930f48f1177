/** The review screen's keyboard map, as pure data and one function (tested without a DOM). */
import { NO_MATCH_HELP } from '../../../electron/core/api';

export type ReviewAction =
  | { kind: 'match' }
  | { kind: 'match-candidate'; index: number }
  | { kind: 'no-match' }
  | { kind: 'cant-tell' }
  | { kind: 'new-individual' }
  /** The photo shown holds no animal: set it aside as empty. */
  | { kind: 'empty' }
  /** The animal is not a tiger: asks for the species (optional), for the whole encounter. */
  | { kind: 'not-tiger' }
  | { kind: 'undo' }
  | { kind: 'skip' }
  | { kind: 'select'; delta: 1 | -1 }
  | { kind: 'frame'; delta: 1 | -1 }
  | { kind: 'flank'; flank: 'left' | 'right' }
  /** The reviewer's verdict on the photo shown: its view can, or cannot, identify the animal (toggles). */
  | { kind: 'view' }
  /** Box mode: the photo's boxes to draw, move, resize or delete (lib/box-edit.ts has its keys). */
  | { kind: 'boxes' }
  | { kind: 'reset-zoom' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True when focus is in a text field, select or other editable element: keys belong to it. */
  inEditable?: boolean;
}

export function reviewActionFor(e: KeyInput): ReviewAction | null {
  if (e.inEditable || e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.ctrlKey || e.metaKey) return key === 'z' ? { kind: 'undo' } : null;
  if (/^[1-9]$/.test(key)) return { kind: 'match-candidate', index: Number(key) - 1 };
  switch (key) {
    case 'm':
      return { kind: 'match' };
    case 'x':
      return { kind: 'no-match' };
    case 'c':
      return { kind: 'cant-tell' };
    case 'n':
      return { kind: 'new-individual' };
    case 'e':
      return { kind: 'empty' };
    case 'o':
      return { kind: 'not-tiger' };
    case 'u':
      return { kind: 'undo' };
    case 's':
      return { kind: 'skip' };
    case 'ArrowRight':
    case 'ArrowDown':
    case 'j':
      return { kind: 'select', delta: 1 };
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'k':
      return { kind: 'select', delta: -1 };
    case ']':
    case '.':
      return { kind: 'frame', delta: 1 };
    case '[':
    case ',':
      return { kind: 'frame', delta: -1 };
    case 'l':
      return { kind: 'flank', flank: 'left' };
    case 'r':
      return { kind: 'flank', flank: 'right' };
    case 'v':
      return { kind: 'view' };
    case 'b':
      return { kind: 'boxes' };
    case '0':
      return { kind: 'reset-zoom' };
    default:
      return null;
  }
}

/** The legend shown on the review screen: the same map, in words. */
export const REVIEW_LEGEND: { keys: string[]; action: string }[] = [
  { keys: ['M'], action: 'Match the selected candidate' },
  { keys: ['1', '…', '9'], action: 'Match candidate 1–9' },
  { keys: ['X'], action: NO_MATCH_HELP },
  { keys: ['C'], action: "Can't tell" },
  { keys: ['N'], action: 'New individual' },
  { keys: ['E'], action: 'Empty: no animal in this photo (set aside, see Status)' },
  { keys: ['O'], action: 'Not a tiger (other species, name optional; whole encounter)' },
  { keys: ['S'], action: 'Skip (decide later)' },
  { keys: ['U', 'Ctrl+Z'], action: 'Undo last decision' },
  { keys: ['←', '→', 'J', 'K'], action: 'Select candidate' },
  { keys: ['[', ']'], action: 'Previous / next frame of the encounter (a decision covers all its frames)' },
  { keys: ['L', 'R'], action: 'Left / right flank (for the whole encounter)' },
  { keys: ['V'], action: 'View identifies / does not identify the animal (this photo)' },
  { keys: ['0'], action: 'Reset zoom' },
  {
    keys: ['B'],
    action: 'Box mode: the whole photo and its boxes (drag to draw, move or resize); B again adds a box',
  },
  { keys: ['Tab', '←', '→', '↑', '↓'], action: 'In box mode: next box, move it (Shift + arrows resizes it)' },
  { keys: ['Del', 'Enter', 'Esc'], action: 'In box mode: delete the box, save it, leave box mode' },
];

/**
 * Whether an action decides about the photo on screen. Those wait until the detection's own photo has loaded, so a
 * key pressed while the previous photo could still be showing never decides about the new one.
 */
export function decidesOnPhoto(a: ReviewAction): boolean {
  return [
    'match',
    'match-candidate',
    'no-match',
    'cant-tell',
    'new-individual',
    'empty',
    'not-tiger',
    'flank',
    'view',
  ].includes(a.kind);
}

/** Moves a selection by delta inside [0, count), wrapping around. */
export function moveSelection(current: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return (((current + delta) % count) + count) % count;
}
