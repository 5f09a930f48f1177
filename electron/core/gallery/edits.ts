import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { parseInput } from '../validate';
import { recordDecision, undoDecision } from './decisions';
import { createIndividual, findIndividual, individualSightings } from './individuals';

const individualRef = z.union([z.number().int().positive(), z.string().min(1)]);
const reviewerSchema = z.string().trim().min(1).max(200);

const editPayload = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rename'),
    individualId: z.number(),
    from: z.string().nullable(),
    to: z.string(),
  }),
  z.object({ kind: z.literal('merge'), sourceId: z.number(), targetId: z.number() }),
  z.object({
    kind: z.literal('split'),
    fromId: z.number(),
    toId: z.number(),
    decisionIds: z.array(z.number()),
  }),
]);
export type GalleryEdit = z.infer<typeof editPayload> & { id: number };

function recordEdit(ctx: CoreContext, payload: z.infer<typeof editPayload>, reviewer: string): GalleryEdit {
  const result = ctx.db
    .prepare('INSERT INTO gallery_edits (kind, payload, reviewer, made_at) VALUES (?, ?, ?, ?)')
    .run(payload.kind, JSON.stringify(payload), reviewer, ctx.now().toISOString());
  return { ...payload, id: Number(result.lastInsertRowid) };
}

export function renameIndividual(
  ctx: CoreContext,
  ref: number | string,
  name: string,
  reviewer: string,
): GalleryEdit {
  const input = parseInput(
    z.object({ ref: individualRef, name: z.string().trim().min(1).max(200), reviewer: reviewerSchema }),
    { ref, name, reviewer },
    'rename',
  );
  return ctx.db.transaction(() => {
    const individual = findIndividual(ctx, input.ref);
    const clash = ctx.db
      .prepare(
        'SELECT code FROM individuals WHERE (name = ? OR code = ?) AND id != ? AND merged_into IS NULL AND retired_at IS NULL',
      )
      .get(input.name, input.name, individual.id) as { code: string } | undefined;
    if (clash)
      throw new EngineError('CONFLICT', `The name "${input.name}" is already used by ${clash.code}.`);
    ctx.db.prepare('UPDATE individuals SET name = ? WHERE id = ?').run(input.name, individual.id);
    return recordEdit(
      ctx,
      { kind: 'rename', individualId: individual.id, from: individual.name, to: input.name },
      input.reviewer,
    );
  })();
}

/** Merges `source` into `target`: every sighting of source now counts for target. Undoable. */
export function mergeIndividuals(
  ctx: CoreContext,
  sourceRef: number | string,
  targetRef: number | string,
  reviewer: string,
): GalleryEdit {
  const input = parseInput(
    z.object({ source: individualRef, target: individualRef, reviewer: reviewerSchema }),
    { source: sourceRef, target: targetRef, reviewer },
    'merge',
  );
  return ctx.db.transaction(() => {
    const source = findIndividual(ctx, input.source);
    const target = findIndividual(ctx, input.target);
    if (source.id === target.id) {
      throw new EngineError('CONFLICT', `${source.code} and ${target.code} are already the same individual.`);
    }
    ctx.db.prepare('UPDATE individuals SET merged_into = ? WHERE id = ?').run(target.id, source.id);
    return recordEdit(ctx, { kind: 'merge', sourceId: source.id, targetId: target.id }, input.reviewer);
  })();
}

/** Moves some sightings of an individual to a new individual, through decisions so the trail shows it. Undoable. */
export function splitIndividual(
  ctx: CoreContext,
  ref: number | string,
  detectionIds: number[],
  reviewer: string,
  newName?: string,
): GalleryEdit {
  const input = parseInput(
    z.object({
      ref: individualRef,
      detectionIds: z.array(z.number().int().positive()).min(1),
      reviewer: reviewerSchema,
      newName: z.string().trim().min(1).max(200).optional(),
    }),
    { ref, detectionIds, reviewer, newName },
    'split',
  );
  return ctx.db.transaction(() => {
    const from = findIndividual(ctx, input.ref);
    const current = new Set(individualSightings(ctx, from.id).map((s) => s.detectionId));
    const foreign = input.detectionIds.filter((id) => !current.has(id));
    if (foreign.length > 0) {
      throw new EngineError(
        'CONFLICT',
        `Detection(s) ${foreign.join(', ')} are not sightings of ${from.code}.`,
      );
    }
    if (input.detectionIds.length === current.size) {
      throw new EngineError(
        'CONFLICT',
        `A split must leave ${from.code} at least one sighting; rename it instead.`,
      );
    }
    const toId = createIndividual(ctx, { name: input.newName ?? null });
    const decisionIds = input.detectionIds.map(
      (detectionId) =>
        recordDecision(ctx, {
          detectionId,
          verdict: 'match',
          individual: toId,
          reviewer: input.reviewer,
          notes: `split from ${from.code}`,
        }).id,
    );
    return recordEdit(ctx, { kind: 'split', fromId: from.id, toId, decisionIds }, input.reviewer);
  })();
}

/** Undoes one catalogue edit, by default the newest one still in force. */
export function undoEdit(ctx: CoreContext, reviewer: string, editId?: number): GalleryEdit {
  parseInput(reviewerSchema, reviewer, 'reviewer');
  return ctx.db.transaction(() => {
    const row = (
      editId === undefined
        ? ctx.db.prepare('SELECT * FROM gallery_edits WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get()
        : ctx.db.prepare('SELECT * FROM gallery_edits WHERE id = ?').get(editId)
    ) as { id: number; payload: string; undone_at: string | null } | undefined;
    if (!row)
      throw new EngineError('NOT_FOUND', editId === undefined ? 'Nothing to undo.' : `No edit ${editId}.`);
    if (row.undone_at !== null) throw new EngineError('CONFLICT', `Edit ${row.id} was already undone.`);
    const edit = editPayload.parse(JSON.parse(row.payload));
    const newer = ctx.db
      .prepare('SELECT id FROM gallery_edits WHERE id > ? AND undone_at IS NULL ORDER BY id LIMIT 1')
      .get(row.id) as { id: number } | undefined;
    if (newer)
      throw new EngineError('CONFLICT', `Undo edit ${newer.id} first: edits are undone newest first.`);
    if (edit.kind === 'rename') {
      ctx.db.prepare('UPDATE individuals SET name = ? WHERE id = ?').run(edit.from, edit.individualId);
    } else if (edit.kind === 'merge') {
      ctx.db.prepare('UPDATE individuals SET merged_into = NULL WHERE id = ?').run(edit.sourceId);
    } else {
      for (const decisionId of edit.decisionIds) undoDecision(ctx, decisionId, reviewer);
      const left = individualSightings(ctx, edit.toId).length;
      if (left === 0)
        ctx.db
          .prepare('UPDATE individuals SET retired_at = ? WHERE id = ?')
          .run(ctx.now().toISOString(), edit.toId);
    }
    ctx.db
      .prepare('UPDATE gallery_edits SET undone_at = ? WHERE id = ?')
      .run(ctx.now().toISOString(), row.id);
    return { ...edit, id: row.id };
  })();
}
