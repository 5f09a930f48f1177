import { z } from 'zod';
import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { restoreEmptyFrame } from '../localisation/empty-frames';
import { parseInput } from '../validate';
import { UNDECIDED } from './decisions';
import { encounterOfDetection, sameAnimalElsewhere } from './encounters';

/**
 * A reviewer's word on what a frame or a detection shows, beside identity: 'empty' (the frame holds no animal, its
 * detections were false) or 'not-tiger' (another species, named or not). Each one leaves Review, is kept when
 * undone, and undoes exactly what it changed.
 */
export const CONTENT_MARK_KINDS = ['empty', 'not-tiger'] as const;
export type ContentMarkKind = (typeof CONTENT_MARK_KINDS)[number];

export interface ContentMark {
  id: number;
  kind: ContentMarkKind;
  /** The frame marked empty; null for a not-tiger mark. */
  mediaId: number | null;
  /** The detections it took out of Review: the frame's, or the relabelled ones (the encounter's). */
  detectionIds: number[];
  /** The species named with a not-tiger mark; null when not named. */
  species: string | null;
  reviewer: string;
  madeAt: string;
  undoneAt: string | null;
}

interface MarkRow {
  id: number;
  kind: ContentMarkKind;
  media_id: number | null;
  previous_content: string | null;
  previous_source: string | null;
  species: string | null;
  reviewer: string;
  made_at: string;
  undone_at: string | null;
}

const reviewer = z.string().trim().min(1).max(200);
const emptyInput = z.strictObject({ mediaId: z.number().int().positive(), reviewer });
const notTigerInput = z.strictObject({
  detectionId: z.number().int().positive(),
  /** A name such as "Panthera pardus"; blank or absent: an animal that is not a tiger, species not known. */
  species: z
    .string()
    .max(200)
    .transform((s) => s.trim().replace(/\s+/g, ' '))
    .optional(),
  reviewer,
  /** Also the encounter's other frames that show one undecided animal (the same animal), as a decision would. */
  encounter: z.boolean().default(true),
});

function readMark(ctx: CoreContext, id: number): ContentMark {
  const row = ctx.db.prepare('SELECT * FROM content_marks WHERE id = ?').get(id) as MarkRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No mark ${id} (empty frame or not a tiger).`);
  const detectionIds = (
    row.kind === 'empty'
      ? ctx.db.prepare('SELECT id FROM detections WHERE media_id = ? ORDER BY id').pluck().all(row.media_id)
      : ctx.db
          .prepare('SELECT detection_id FROM content_mark_detections WHERE mark_id = ? ORDER BY detection_id')
          .pluck()
          .all(row.id)
  ) as number[];
  return {
    id: row.id,
    kind: row.kind,
    mediaId: row.media_id,
    detectionIds,
    species: row.species,
    reviewer: row.reviewer,
    madeAt: row.made_at,
    undoneAt: row.undone_at,
  };
}

/** Refuses a mark on detections a standing decision assigns to an individual: the sighting must be undone first. */
function refuseAssigned(ctx: CoreContext, detectionIds: readonly number[], what: string): void {
  const assigned = ctx.db.prepare(
    `SELECT i.code FROM current_assignments a JOIN individuals i ON i.id = a.individual_id WHERE a.detection_id = ?`,
  );
  for (const id of detectionIds) {
    const code = assigned.pluck().get(id) as string | undefined;
    if (code !== undefined) {
      throw new EngineError(
        'CONFLICT',
        `Detection ${id} is a sighting of ${code}, so ${what}: undo that decision first (U in Review, or "tigerid decide --undo").`,
        { details: { detectionId: id, individual: code } },
      );
    }
  }
}

/**
 * Sets a frame aside as empty on a reviewer's word: no animal in it, its detections were false. They stay stored
 * (undo and pull-back bring them back as they were) but leave Review, the gallery and the exports' sightings.
 */
export function markFrameEmpty(ctx: CoreContext, input: z.input<typeof emptyInput>): ContentMark {
  const { mediaId, reviewer: by } = parseInput(emptyInput, input, 'empty frame');
  return ctx.db.transaction((): ContentMark => {
    const frame = ctx.db.prepare('SELECT content, content_source FROM media WHERE id = ?').get(mediaId) as
      { content: string | null; content_source: string } | undefined;
    if (!frame) throw new EngineError('NOT_FOUND', `No frame ${mediaId} in the gallery.`);
    if (frame.content === 'empty') {
      throw new EngineError('CONFLICT', `Frame ${mediaId} is already set aside as empty.`, {
        details: { mediaId },
      });
    }
    const detections = ctx.db
      .prepare('SELECT id FROM detections WHERE media_id = ?')
      .pluck()
      .all(mediaId) as number[];
    refuseAssigned(ctx, detections, `frame ${mediaId} cannot be marked empty`);
    const now = ctx.now().toISOString();
    const mark = ctx.db
      .prepare(
        `INSERT INTO content_marks (kind, media_id, previous_content, previous_source, reviewer, made_at)
         VALUES ('empty', ?, ?, ?, ?, ?)`,
      )
      .run(mediaId, frame.content, frame.content_source, by, now);
    ctx.db
      .prepare("UPDATE media SET content = 'empty', content_source = 'reviewer' WHERE id = ?")
      .run(mediaId);
    return readMark(ctx, Number(mark.lastInsertRowid));
  })();
}

/**
 * Marks a detection as not a tiger, with the species when the reviewer names it, and (by default) the encounter's
 * other frames that show the same single undecided animal, as one mark that undoes as one.
 */
export function markNotTiger(ctx: CoreContext, input: z.input<typeof notTigerInput>): ContentMark {
  const { detectionId, species, reviewer: by, encounter } = parseInput(notTigerInput, input, 'not a tiger');
  return ctx.db.transaction((): ContentMark => {
    const row = ctx.db
      .prepare(
        'SELECT d.label, d.species, m.content FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?',
      )
      .get(detectionId) as { label: string; species: string | null; content: string | null } | undefined;
    if (!row) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
    if (row.label === 'other') {
      throw new EngineError(
        'CONFLICT',
        `Detection ${detectionId} is already marked not a tiger${row.species ? ` (${row.species})` : ''}.`,
        { details: { detectionId } },
      );
    }
    if (row.content === 'empty') {
      throw new EngineError(
        'CONFLICT',
        `Detection ${detectionId} is on a frame set aside as empty; pull the frame back first.`,
        { details: { detectionId } },
      );
    }
    const undecided = ctx.db.prepare(`SELECT 1 FROM detections d WHERE d.id = ? AND ${UNDECIDED}`);
    const targets = [
      detectionId,
      ...(encounter
        ? sameAnimalElsewhere(encounterOfDetection(ctx, detectionId), detectionId).filter(
            (id) => undecided.get(id) !== undefined,
          )
        : []),
    ];
    refuseAssigned(ctx, targets, `it cannot be marked not a tiger`);
    const named = species === undefined || species === '' ? null : species;
    const mark = ctx.db
      .prepare(`INSERT INTO content_marks (kind, species, reviewer, made_at) VALUES ('not-tiger', ?, ?, ?)`)
      .run(named, by, ctx.now().toISOString());
    const markId = Number(mark.lastInsertRowid);
    const before = ctx.db.prepare('SELECT label, species FROM detections WHERE id = ?');
    const keep = ctx.db.prepare(
      `INSERT INTO content_mark_detections (mark_id, detection_id, previous_label, previous_species)
       VALUES (?, ?, ?, ?)`,
    );
    const relabel = ctx.db.prepare("UPDATE detections SET label = 'other', species = ? WHERE id = ?");
    for (const id of targets) {
      const was = before.get(id) as { label: string; species: string | null };
      keep.run(markId, id, was.label, was.species);
      relabel.run(named, id);
    }
    return readMark(ctx, markId);
  })();
}

/**
 * Undoes a mark: the frame shows again what it showed before (and its detections return to Review), or the
 * detections are tigers to be identified again. The mark stays, marked undone.
 */
export function undoContentMark(ctx: CoreContext, markId: number, by: string): ContentMark {
  parseInput(z.number().int().positive(), markId, 'mark id');
  parseInput(reviewer, by, 'reviewer');
  return ctx.db.transaction((): ContentMark => {
    const row = ctx.db.prepare('SELECT * FROM content_marks WHERE id = ?').get(markId) as MarkRow | undefined;
    if (!row) throw new EngineError('NOT_FOUND', `No mark ${markId} (empty frame or not a tiger).`);
    if (row.undone_at !== null) {
      throw new EngineError('CONFLICT', `Mark ${markId} was already undone at ${row.undone_at}.`);
    }
    if (row.kind === 'empty') {
      const restored = ctx.db
        .prepare(
          `UPDATE media SET content = ?, content_source = ? WHERE id = ? AND content = 'empty' AND content_source = 'reviewer'`,
        )
        .run(row.previous_content, row.previous_source ?? 'localisation', row.media_id);
      if (restored.changes === 0) {
        throw new EngineError('CONFLICT', `Frame ${row.media_id} is no longer set aside as empty.`, {
          details: { mediaId: row.media_id },
        });
      }
    } else {
      ctx.db
        .prepare(
          `UPDATE detections SET label = k.previous_label, species = k.previous_species
             FROM content_mark_detections k
            WHERE k.mark_id = ? AND detections.id = k.detection_id AND detections.label = 'other'`,
        )
        .run(markId);
    }
    ctx.db
      .prepare('UPDATE content_marks SET undone_at = ?, undone_by = ? WHERE id = ?')
      .run(ctx.now().toISOString(), by, markId);
    return readMark(ctx, markId);
  })();
}

/** The species reviewers named so far, most used first: suggestions for the next one. */
export function speciesUsed(ctx: CoreContext): string[] {
  return ctx.db
    .prepare(
      `SELECT species FROM detections WHERE label = 'other' AND species IS NOT NULL
        GROUP BY species ORDER BY COUNT(*) DESC, species`,
    )
    .pluck()
    .all() as string[];
}

/**
 * Pulls a frame set aside as empty back into Review. One a reviewer marked empty gets back what it showed, with its
 * detections as they were (the mark is undone); one localisation set aside gets a whole-frame detection.
 */
export async function pullBackFrame(
  ctx: CoreContext,
  services: () => Promise<AnalysisServices>,
  mediaId: number,
  by: string,
): Promise<{ mediaId: number; detections: number }> {
  const markId = ctx.db
    .prepare(
      `SELECT c.id FROM content_marks c JOIN media m ON m.id = c.media_id
        WHERE c.media_id = ? AND c.kind = 'empty' AND c.undone_at IS NULL
          AND m.content = 'empty' AND m.content_source = 'reviewer'
        ORDER BY c.id DESC LIMIT 1`,
    )
    .pluck()
    .get(mediaId) as number | undefined;
  if (markId === undefined) return restoreEmptyFrame(ctx, await services(), mediaId);
  return { mediaId, detections: undoContentMark(ctx, markId, by).detectionIds.length };
}
