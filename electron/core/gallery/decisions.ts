import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { parseInput } from '../validate';
import { createIndividual, findIndividual } from './individuals';

export const VERDICTS = ['match', 'no-match', 'cant-tell', 'new-individual'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const shownCandidate = z
  .object({
    individualId: z.number().int().positive(),
    code: z.string(),
    score: z.number(),
    scores: z.record(z.string(), z.number()),
    bestDetectionId: z.number().int().positive(),
  })
  .strict();

export type ShownCandidate = z.infer<typeof shownCandidate>;

const decisionInput = z
  .object({
    detectionId: z.number().int().positive(),
    verdict: z.enum(VERDICTS),
    /** For match: the individual confirmed. For no-match: the candidate rejected (optional). */
    individual: z.union([z.number().int().positive(), z.string().min(1)]).optional(),
    /** For new-individual: an optional name for the new tiger. */
    newName: z.string().trim().min(1).max(200).optional(),
    scores: z.record(z.string(), z.number()).default({}),
    modelVersions: z.record(z.string(), z.string()).default({}),
    /** The candidates shown to the reviewer, best first: the evidence a match report prints. */
    candidates: z.array(shownCandidate).max(20).default([]),
    reviewer: z.string().trim().min(1).max(200),
    notes: z.string().max(5000).optional(),
    /** The first decision of the encounter decision this one belongs to: the batch undoes as one. */
    batchId: z.number().int().positive().optional(),
  })
  .strict()
  .refine((d) => d.verdict !== 'match' || d.individual !== undefined, {
    message: 'a match needs the individual it matches',
    path: ['individual'],
  });

export type DecisionInput = z.input<typeof decisionInput>;

interface DecisionRow {
  id: number;
  detection_id: number;
  verdict: Verdict;
  individual_id: number | null;
  reviewer: string;
  decided_at: string;
  undone_at: string | null;
  batch_id: number | null;
}

function toRecord(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    detectionId: r.detection_id,
    verdict: r.verdict,
    individualId: r.individual_id,
    reviewer: r.reviewer,
    decidedAt: r.decided_at,
  };
}

export interface DecisionRecord {
  id: number;
  detectionId: number;
  verdict: Verdict;
  individualId: number | null;
  reviewer: string;
  decidedAt: string;
}

/**
 * Stores a reviewer's decision on a detection. Only match and new-individual assign the detection; the newest
 * assigning decision that is not undone wins, so a later decision (or a split) supersedes an earlier one and
 * undoing it brings the earlier one back.
 */
export function recordDecision(ctx: CoreContext, input: DecisionInput): DecisionRecord {
  const d = parseInput(decisionInput, input, 'decision');
  return ctx.db.transaction((): DecisionRecord => {
    const detection = ctx.db
      .prepare(`SELECT d.id, ${MAYBE_TIGER} AS maybeTiger FROM detections d WHERE d.id = ?`)
      .get(d.detectionId) as { maybeTiger: number } | undefined;
    if (!detection) throw new EngineError('NOT_FOUND', `No detection ${d.detectionId} in the gallery.`);
    if (!detection.maybeTiger) {
      throw new EngineError(
        'CONFLICT',
        `Detection ${d.detectionId} was marked not a tiger, or its frame empty: undo that mark (or pull the frame back) before deciding on it.`,
        { details: { detectionId: d.detectionId } },
      );
    }
    let individualId: number | null = null;
    if (d.verdict === 'new-individual') individualId = createIndividual(ctx, { name: d.newName ?? null });
    else if (d.individual !== undefined) individualId = findIndividual(ctx, d.individual).id;
    const decidedAt = ctx.now().toISOString();
    const result = ctx.db
      .prepare(
        `INSERT INTO decisions (detection_id, verdict, individual_id, scores, model_versions, candidates, reviewer, notes, decided_at, batch_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.detectionId,
        d.verdict,
        individualId,
        JSON.stringify(d.scores),
        JSON.stringify(d.modelVersions),
        JSON.stringify(d.candidates),
        d.reviewer,
        d.notes ?? null,
        decidedAt,
        d.batchId ?? null,
      );
    return {
      id: Number(result.lastInsertRowid),
      detectionId: d.detectionId,
      verdict: d.verdict,
      individualId,
      reviewer: d.reviewer,
      decidedAt,
    };
  })();
}

/**
 * Undoes a decision: the row stays as evidence, marked undone. A decision made on a whole encounter undoes with all
 * the other decisions of its batch. An individual created by an undone new-individual decision is retired when
 * nothing else is assigned to it.
 */
export function undoDecision(
  ctx: CoreContext,
  decisionId: number,
  reviewer: string,
): DecisionRecord & { batchSize: number } {
  parseInput(z.number().int().positive(), decisionId, 'decision id');
  parseInput(z.string().trim().min(1), reviewer, 'reviewer');
  return ctx.db.transaction((): DecisionRecord & { batchSize: number } => {
    const row = ctx.db.prepare('SELECT * FROM decisions WHERE id = ?').get(decisionId) as
      DecisionRow | undefined;
    if (!row) throw new EngineError('NOT_FOUND', `No decision ${decisionId}.`);
    if (row.undone_at !== null) {
      throw new EngineError('CONFLICT', `Decision ${decisionId} was already undone at ${row.undone_at}.`);
    }
    const now = ctx.now().toISOString();
    const batch =
      row.batch_id === null
        ? [row]
        : (ctx.db
            .prepare('SELECT * FROM decisions WHERE batch_id = ? AND undone_at IS NULL ORDER BY id DESC')
            .all(row.batch_id) as DecisionRow[]);
    // Newest first: the frames matched to a new individual are undone before the decision that created it.
    for (const member of batch) undoOne(ctx, member, now, reviewer);
    return { ...toRecord(row), batchSize: batch.length };
  })();
}

function undoOne(ctx: CoreContext, row: DecisionRow, now: string, reviewer: string): void {
  ctx.db.prepare('UPDATE decisions SET undone_at = ?, undone_by = ? WHERE id = ?').run(now, reviewer, row.id);
  if (row.verdict === 'new-individual' && row.individual_id !== null) {
    const stillUsed = ctx.db
      .prepare(
        `SELECT 1 FROM decisions WHERE individual_id = ? AND undone_at IS NULL AND verdict IN ('match', 'new-individual')
         UNION ALL SELECT 1 FROM individuals WHERE merged_into = ? LIMIT 1`,
      )
      .get(row.individual_id, row.individual_id);
    if (!stillUsed)
      ctx.db.prepare('UPDATE individuals SET retired_at = ? WHERE id = ?').run(now, row.individual_id);
  }
}

/** The decision trail of one detection, oldest first, undone ones included. */
export function decisionTrail(
  ctx: CoreContext,
  detectionId: number,
): (DecisionRecord & { undoneAt: string | null })[] {
  return (
    ctx.db
      .prepare('SELECT * FROM decisions WHERE detection_id = ? ORDER BY id')
      .all(detectionId) as DecisionRow[]
  ).map((r) => ({ ...toRecord(r), undoneAt: r.undone_at }));
}

/**
 * SQL: detection `d` may still be a tiger: no reviewer called it another species, and its frame is not set aside as
 * empty (content marks, 0008). Other detections stay stored but are out of Review.
 */
export const MAYBE_TIGER = `d.label <> 'other' AND NOT EXISTS (SELECT 1 FROM media xm WHERE xm.id = d.media_id AND xm.content = 'empty')`;

/** SQL: detection `d` waits for a decision: none in force (none, or all undone), and it may still be a tiger. */
export const UNDECIDED = `NOT EXISTS (SELECT 1 FROM decisions x WHERE x.detection_id = d.id AND x.undone_at IS NULL) AND ${MAYBE_TIGER}`;

export function undecidedCount(ctx: CoreContext): number {
  return ctx.db.prepare(`SELECT COUNT(*) FROM detections d WHERE ${UNDECIDED}`).pluck().get() as number;
}

/** Detections with no decision in force yet: the review queue, oldest capture first. */
export function undecidedDetections(ctx: CoreContext, limit = 100): { detectionId: number; file: string }[] {
  return (
    ctx.db
      .prepare(
        `SELECT d.id, m.path FROM detections d JOIN media m ON m.id = d.media_id
          WHERE ${UNDECIDED}
          ORDER BY m.captured_at, m.path, d.id LIMIT ?`,
      )
      .all(limit) as { id: number; path: string }[]
  ).map((r) => ({ detectionId: r.id, file: r.path }));
}

/** Verdicts a reviewer may want to look at again: they assign nothing, so nothing else brings them back. */
export const REVISIT_VERDICTS = ['cant-tell', 'no-match'] as const;
export type RevisitVerdict = (typeof REVISIT_VERDICTS)[number];

export interface RevisitEntry {
  decisionId: number;
  detectionId: number;
  verdict: RevisitVerdict;
  reviewer: string;
  decidedAt: string;
}

/**
 * Detections whose decision in force (the newest one not undone) has one of `verdicts`, newest decision first, with
 * how many there are in all. A newer decision on the detection takes it off the list; undoing that puts it back.
 */
export function revisitDetections(
  ctx: CoreContext,
  verdicts: readonly RevisitVerdict[],
  limit: number,
): { total: number; entries: RevisitEntry[] } {
  if (verdicts.length === 0) return { total: 0, entries: [] };
  const where = `x.undone_at IS NULL AND x.verdict IN (${verdicts.map(() => '?').join(', ')})
    AND NOT EXISTS (SELECT 1 FROM decisions y WHERE y.detection_id = x.detection_id AND y.undone_at IS NULL AND y.id > x.id)
    AND EXISTS (SELECT 1 FROM detections d WHERE d.id = x.detection_id AND ${MAYBE_TIGER})`;
  const total = ctx.db
    .prepare(`SELECT COUNT(*) FROM decisions x WHERE ${where}`)
    .pluck()
    .get(...verdicts) as number;
  const rows = ctx.db
    .prepare(
      `SELECT x.id, x.detection_id, x.verdict, x.reviewer, x.decided_at FROM decisions x WHERE ${where}
        ORDER BY x.id DESC LIMIT ?`,
    )
    .all(...verdicts, limit) as (Pick<DecisionRow, 'id' | 'detection_id' | 'reviewer' | 'decided_at'> & {
    verdict: RevisitVerdict;
  })[];
  return {
    total,
    entries: rows.map((r) => ({
      decisionId: r.id,
      detectionId: r.detection_id,
      verdict: r.verdict,
      reviewer: r.reviewer,
      decidedAt: r.decided_at,
    })),
  };
}
