import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { DETECTION_VIEWS, type DetectionView, type ViewJudgement } from '../identification/view-judge';
import { parseInput } from '../validate';

/** A detection's view as stored: judged by analysis or set by a reviewer; all null for a detection never judged. */
export interface ViewState {
  view: DetectionView | null;
  identifiable: boolean | null;
  source: 'judged' | 'reviewer' | null;
  reason: string | null;
}

/** A view a reviewer set, with what it was, so the change can be undone. */
export interface ViewChange {
  detectionId: number;
  before: ViewState;
  after: ViewState;
}

export const viewStateSchema = z.strictObject({
  view: z.enum(DETECTION_VIEWS).nullable(),
  identifiable: z.boolean().nullable(),
  source: z.enum(['judged', 'reviewer']).nullable(),
  reason: z.string().max(500).nullable(),
});

export const viewChangeSchema = z.strictObject({
  detectionId: z.number().int().positive(),
  before: viewStateSchema,
  after: viewStateSchema,
});

/** The view columns of a `detections` row, as queries select them. */
export interface ViewColumns {
  view: DetectionView | null;
  view_identifiable: number | null;
  view_source: 'judged' | 'reviewer' | null;
  view_reason: string | null;
}

export const VIEW_COLUMNS = 'view, view_identifiable, view_source, view_reason';

export function viewStateOf(row: ViewColumns): ViewState {
  return {
    view: row.view,
    identifiable: row.view_identifiable === null ? null : row.view_identifiable === 1,
    source: row.view_source,
    reason: row.view_reason,
  };
}

/** A detection never judged (stored before views were judged) counts as identifiable, as it did then. */
export function isIdentifiable(state: Pick<ViewState, 'identifiable'>): boolean {
  return state.identifiable !== false;
}

/** The column values that store a judgement made by analysis. */
export function judgedColumns(j: ViewJudgement): [DetectionView, number, 'judged', string] {
  return [j.view, j.identifiable ? 1 : 0, 'judged', j.reason];
}

export function readView(ctx: CoreContext, detectionId: number): ViewState {
  const row = ctx.db.prepare(`SELECT ${VIEW_COLUMNS} FROM detections WHERE id = ?`).get(detectionId) as
    ViewColumns | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
  return viewStateOf(row);
}

function writeView(ctx: CoreContext, detectionId: number, s: ViewState): void {
  ctx.db
    .prepare(
      'UPDATE detections SET view = ?, view_identifiable = ?, view_source = ?, view_reason = ? WHERE id = ?',
    )
    .run(s.view, s.identifiable === null ? null : s.identifiable ? 1 : 0, s.source, s.reason, detectionId);
}

const sameState = (a: ViewState, b: ViewState): boolean =>
  a.view === b.view && a.identifiable === b.identifiable && a.source === b.source && a.reason === b.reason;

/** Sets a reviewer's view of one detection; returns the change (null when it already was so) for undo. */
export function changeView(ctx: CoreContext, detectionId: number, after: ViewState): ViewChange | null {
  return ctx.db.transaction((): ViewChange | null => {
    const before = readView(ctx, detectionId);
    if (sameState(before, after)) return null;
    writeView(ctx, detectionId, after);
    return { detectionId, before, after };
  })();
}

const setViewInput = z.strictObject({
  detectionId: z.number().int().positive(),
  /** The reviewer's verdict: this photo can (true) or cannot (false) identify the animal. */
  identifiable: z.boolean(),
});

/**
 * A reviewer's verdict on whether a detection's view can identify the animal (key V in Review). The judged view
 * is kept as what was seen; a view the reviewer marks identifiable without one is a flank.
 */
export function setView(ctx: CoreContext, input: z.input<typeof setViewInput>): ViewChange | null {
  const { detectionId, identifiable } = parseInput(setViewInput, input, 'view');
  const before = readView(ctx, detectionId);
  return changeView(ctx, detectionId, {
    view: before.view ?? (identifiable ? 'flank' : null),
    identifiable,
    source: 'reviewer',
    reason: identifiable
      ? 'the reviewer marked this view as identifying the animal'
      : 'the reviewer marked this view as not identifying the animal',
  });
}

/** Puts back views a reviewer changed, each only where it is still what the change made it. */
export function restoreViews(ctx: CoreContext, changes: readonly ViewChange[]): void {
  ctx.db.transaction(() => {
    for (const change of changes) {
      if (sameState(readView(ctx, change.detectionId), change.after))
        writeView(ctx, change.detectionId, change.before);
    }
  })();
}
