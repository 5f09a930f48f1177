import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { parseInput } from '../validate';
import { changeView, restoreViews, type ViewChange } from './detection-view';
import { encounterOfDetection, sameAnimalElsewhere } from './encounters';
import type { Flank } from './individuals';

export const FLANKS = ['left', 'right', 'unknown'] as const;

export interface FlankChange {
  detectionId: number;
  before: Flank;
  after: Flank;
  /**
   * The view it had before, on the detection the reviewer set the flank on: seeing a flank there, the reviewer
   * saw a view that identifies. The encounter's other frames inherit the side, not the view.
   */
  view?: ViewChange;
}

const flankInput = z.strictObject({
  detectionId: z.number().int().positive(),
  flank: z.enum(FLANKS),
  /** Also set it on the encounter's other frames that show one animal (the same animal, seen from the same side). */
  encounter: z.boolean().default(true),
});

/**
 * Sets which flank a detection shows, as a reviewer sees it. Matching compares only compatible flanks, and the
 * exports count captures per flank. The detection itself becomes a flank view by the reviewer (identifiable).
 * Returns every detection changed with its previous flank and view, so the caller can undo.
 */
export function setFlank(ctx: CoreContext, input: z.input<typeof flankInput>): FlankChange[] {
  const { detectionId, flank, encounter } = parseInput(flankInput, input, 'flank');
  return ctx.db.transaction((): FlankChange[] => {
    const current = ctx.db.prepare('SELECT flank FROM detections WHERE id = ?').pluck();
    if (current.get(detectionId) === undefined)
      throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
    const targets = [
      detectionId,
      ...(encounter ? sameAnimalElsewhere(encounterOfDetection(ctx, detectionId), detectionId) : []),
    ];
    const update = ctx.db.prepare('UPDATE detections SET flank = ? WHERE id = ?');
    const changes: FlankChange[] = [];
    for (const id of targets) {
      const before = current.get(id) as Flank;
      const view =
        id === detectionId && flank !== 'unknown'
          ? changeView(ctx, id, {
              view: 'flank',
              identifiable: true,
              source: 'reviewer',
              reason: `the reviewer saw the ${flank} flank`,
            })
          : null;
      if (before === flank && view === null) continue;
      update.run(flank, id);
      changes.push({ detectionId: id, before, after: flank, ...(view ? { view } : {}) });
    }
    return changes;
  })();
}

/** Puts back the flanks (and the view) a `setFlank` changed. */
export function restoreFlanks(ctx: CoreContext, changes: readonly FlankChange[]): void {
  const update = ctx.db.prepare('UPDATE detections SET flank = ? WHERE id = ? AND flank = ?');
  ctx.db.transaction(() => {
    for (const change of changes) update.run(change.before, change.detectionId, change.after);
    restoreViews(
      ctx,
      changes.flatMap((c) => (c.view ? [c.view] : [])),
    );
  })();
}
