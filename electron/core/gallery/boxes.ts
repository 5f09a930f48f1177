import { z } from 'zod';
import {
  ANALYSIS_MAX_SIDE,
  describeAnimals,
  storeDescribed,
  type DescribedAnimal,
} from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { EngineError, messageOf } from '../errors';
import { boxOf, type BoxColumns, type NormalisedBox } from '../images/crop';
import { decodeImage } from '../images/decode';
import { readMediaFile } from '../images/media-file';
import { WHOLE_FRAME_DETECTOR, type Detection } from '../inference/detector';
import { parseInput } from '../validate';
import { FLANKS } from './flank';
import type { Flank } from './individuals';

/** How a box drawn by hand in Review says it was found (format.ts boxSourceLabel shows it as such). */
export const DRAWN_DETECTOR = 'drawn';

/**
 * A box smaller than this many pixels on a side of the frame (as analysis decodes it) holds nothing a matcher or a
 * reviewer could use: most likely a click that slipped into a drag.
 */
export const MIN_BOX_SIDE_PX = 16;

const fraction = z.number().finite().min(0).max(1);
export const boxSchema = z.strictObject({ x: fraction, y: fraction, w: fraction, h: fraction });

/** A box as it was before it was removed, to put it back (undo) exactly as it was found. */
export interface BoxSnapshot {
  mediaId: number;
  box: NormalisedBox;
  detector: string;
  confidence: number | null;
  flank: Flank;
}

export const boxSnapshotSchema = z.strictObject({
  mediaId: z.number().int().positive(),
  box: boxSchema,
  detector: z.string().trim().min(1).max(200),
  confidence: z.number().min(0).max(1).nullable(),
  flank: z.enum(FLANKS),
});

/** What one hand edit did to a frame's boxes, so the caller can refresh its views and undo it. */
export interface BoxEdit {
  mediaId: number;
  /** The box added, changed or restored; null after a delete. */
  detectionId: number | null;
  /** Boxes this edit removed (the one deleted, or the whole-frame detection a drawn box replaced). */
  removed: BoxSnapshot[];
  /** For a move or resize: the box before and how it was found, to move it back (`updateBox` with `as`). */
  before: BoxSnapshot | null;
}

interface DetectionRow extends BoxColumns {
  id: number;
  media_id: number;
  confidence: number | null;
  detector: string;
  flank: Flank;
}

interface FrameRow {
  id: number;
  path: string;
  path_raw: Buffer | null;
  analysed_at: string | null;
  strip_top: number;
  strip_bottom: number;
}

const addInput = z.strictObject({
  mediaId: z.number().int().positive(),
  box: boxSchema,
  flank: z.enum(FLANKS).default('unknown'),
});

/**
 * Adds a box drawn by hand to an analysed frame, described at once (stripes, every installed model; remote models
 * wait in the queue as in analysis) so it can be identified straight away. A frame set aside as empty is an animal
 * frame again. A frame described as a whole gives way: its whole-frame detection, when nothing was decided on it,
 * is removed and returned in `removed`, because the drawn box now says where the animal is.
 */
export async function addBox(
  ctx: CoreContext,
  services: AnalysisServices,
  input: z.input<typeof addInput>,
): Promise<BoxEdit> {
  const { mediaId, box, flank } = parseInput(addInput, input, 'box');
  const frame = analysedFrame(ctx, mediaId);
  const described = await describeBox(ctx, services, frame, box, {
    box,
    confidence: null,
    detector: DRAWN_DETECTOR,
    label: 'animal',
  });
  return ctx.db.transaction((): BoxEdit => {
    analysedFrame(ctx, mediaId);
    const wholeFrames = (
      ctx.db
        .prepare('SELECT * FROM detections WHERE media_id = ? AND detector = ? ORDER BY id')
        .all(mediaId, WHOLE_FRAME_DETECTOR) as DetectionRow[]
    ).filter((d) => !hasDecisionInForce(ctx, d.id));
    // Stored first, so the new box never takes the id of the whole frame it replaces (caches key on ids).
    const detectionId = storeDescribed(ctx, services, mediaId, described, ctx.now().toISOString());
    const removed = wholeFrames.map((d) => removeDetection(ctx, d));
    // The flank a reviewer already set on the whole frame is the flank of the animal now boxed in it.
    const seen = flank !== 'unknown' ? flank : (removed.find((r) => r.flank !== 'unknown')?.flank ?? flank);
    ctx.db.prepare('UPDATE detections SET flank = ? WHERE id = ?').run(seen, detectionId);
    settleContent(ctx, mediaId);
    return { mediaId, detectionId, removed, before: null };
  })();
}

export const updateBoxInput = z.strictObject({
  detectionId: z.number().int().positive(),
  box: boxSchema,
  /** How the box was found, when a move is undone: the box goes back to what its detector (or localisation) said. */
  as: z
    .strictObject({
      detector: boxSnapshotSchema.shape.detector,
      confidence: boxSnapshotSchema.shape.confidence,
    })
    .optional(),
});

/**
 * Moves or resizes a box and describes it again, so it is identified anew. Its decisions stay: they were made
 * about this animal, and the box only says more exactly where it is. Returns the box before, to move it back.
 */
export async function updateBox(
  ctx: CoreContext,
  services: AnalysisServices,
  input: z.input<typeof updateBoxInput>,
): Promise<BoxEdit> {
  const { detectionId, box, as } = parseInput(updateBoxInput, input, 'box');
  const current = detectionRow(ctx, detectionId);
  const frame = analysedFrame(ctx, current.media_id);
  const described = await describeBox(ctx, services, frame, box, {
    box,
    confidence: current.confidence,
    detector: current.detector,
    label: 'animal',
  });
  return ctx.db.transaction((): BoxEdit => {
    const before = detectionRow(ctx, detectionId);
    const stored = described.animal.box;
    // A detector's confidence was for its own box: a box moved by hand is the reviewer's, so it says `drawn`.
    const source = as ?? { detector: DRAWN_DETECTOR, confidence: null };
    ctx.db
      .prepare(
        `UPDATE detections SET box_x = ?, box_y = ?, box_w = ?, box_h = ?, confidence = ?, detector = ?, quality = ?
          WHERE id = ?`,
      )
      .run(
        stored.x,
        stored.y,
        stored.w,
        stored.h,
        source.confidence,
        source.detector,
        described.stripes === null ? 0 : null,
        detectionId,
      );
    ctx.db.prepare('DELETE FROM embeddings WHERE detection_id = ?').run(detectionId);
    storeDescribed(ctx, services, before.media_id, { ...described, detectionId }, ctx.now().toISOString());
    settleContent(ctx, before.media_id);
    return {
      mediaId: before.media_id,
      detectionId,
      removed: [],
      before: snapshotOf(before),
    };
  })();
}

/**
 * Deletes a box with its features. A box with a decision in force is refused: undo the decision first, so no
 * individual silently loses a sighting. Its undone decisions (the trail) go with it. A frame left with no box is
 * set aside as empty (it is listed with the empties and can be pulled back). Returns the box, to put it back.
 */
export function deleteBox(ctx: CoreContext, input: { detectionId: number }): BoxEdit {
  const { detectionId } = parseInput(
    z.strictObject({ detectionId: z.number().int().positive() }),
    input,
    'box',
  );
  return ctx.db.transaction((): BoxEdit => {
    const row = detectionRow(ctx, detectionId);
    const decided = ctx.db
      .prepare(
        `SELECT x.verdict, i.code FROM decisions x LEFT JOIN individuals i ON i.id = x.individual_id
          WHERE x.detection_id = ? AND x.undone_at IS NULL ORDER BY x.id DESC LIMIT 1`,
      )
      .get(detectionId) as { verdict: string; code: string | null } | undefined;
    if (decided) {
      const what = decided.code === null ? decided.verdict : `${decided.verdict} to ${decided.code}`;
      throw new EngineError(
        'CONFLICT',
        `Box ${detectionId} carries a decision (${what}); undo the decision first, then delete the box.`,
        { details: { detectionId, verdict: decided.verdict } },
      );
    }
    const removed = removeDetection(ctx, row);
    settleContent(ctx, row.media_id);
    return { mediaId: row.media_id, detectionId: null, removed: [removed], before: null };
  })();
}

const restoreInput = z.strictObject({
  boxes: z.array(boxSnapshotSchema).min(1).max(100),
  /** Boxes to remove as the restored ones come back (undoing an add: the drawn box goes, the whole frame returns). */
  remove: z.array(z.number().int().positive()).max(100).default([]),
});

/**
 * Undoes a delete (or an add): puts removed boxes back as they were found (same detector, confidence and flank),
 * described again, and removes the boxes listed in `remove`, all in one transaction.
 */
export async function restoreBoxes(
  ctx: CoreContext,
  services: AnalysisServices,
  input: z.input<typeof restoreInput>,
): Promise<{ mediaId: number; detectionIds: number[]; removed: BoxSnapshot[] }> {
  const { boxes, remove } = parseInput(restoreInput, input, 'restore');
  const mediaId = (boxes[0] as BoxSnapshot).mediaId;
  if (boxes.some((b) => b.mediaId !== mediaId))
    throw new EngineError('INVALID_ARGUMENT', 'The boxes to restore must all belong to one frame.');
  const frame = analysedFrame(ctx, mediaId);
  const described: (DescribedAnimal & { flank: Flank })[] = [];
  for (const b of boxes) {
    const animal = { box: b.box, confidence: b.confidence, detector: b.detector, label: 'animal' as const };
    described.push({ ...(await describeBox(ctx, services, frame, b.box, animal)), flank: b.flank });
  }
  return ctx.db.transaction(() => {
    const removed = remove.map((id) => deleteBox(ctx, { detectionId: id }).removed[0] as BoxSnapshot);
    const now = ctx.now().toISOString();
    const setFlank = ctx.db.prepare('UPDATE detections SET flank = ? WHERE id = ?');
    const detectionIds = described.map((d) => {
      const id = storeDescribed(ctx, services, mediaId, d, now);
      setFlank.run(d.flank, id);
      return id;
    });
    settleContent(ctx, mediaId);
    return { mediaId, detectionIds, removed };
  })();
}

function detectionRow(ctx: CoreContext, detectionId: number): DetectionRow {
  const row = ctx.db.prepare('SELECT * FROM detections WHERE id = ?').get(detectionId) as
    DetectionRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
  return row;
}

function analysedFrame(ctx: CoreContext, mediaId: number): FrameRow {
  const frame = ctx.db
    .prepare('SELECT id, path, path_raw, analysed_at, strip_top, strip_bottom FROM media WHERE id = ?')
    .get(mediaId) as FrameRow | undefined;
  if (!frame) throw new EngineError('NOT_FOUND', `No frame ${mediaId} in the gallery.`);
  // Analysis describes boxes stored before it runs as its own: drawing now would describe this one twice.
  if (frame.analysed_at === null)
    throw new EngineError(
      'CONFLICT',
      `Frame ${mediaId} is not analysed yet; draw boxes on it once its import has finished.`,
      { details: { mediaId } },
    );
  return frame;
}

function hasDecisionInForce(ctx: CoreContext, detectionId: number): boolean {
  return (
    ctx.db
      .prepare('SELECT 1 FROM decisions WHERE detection_id = ? AND undone_at IS NULL LIMIT 1')
      .get(detectionId) !== undefined
  );
}

/**
 * Checks the box against the frame (inside it, big enough, clear of the camera's info strip: the part over the
 * strip is cut off, as localisation does) and describes its crop with the code analysis uses.
 */
async function describeBox(
  ctx: CoreContext,
  services: AnalysisServices,
  frame: FrameRow,
  box: NormalisedBox,
  animal: Detection,
): Promise<DescribedAnimal> {
  const EPS = 1e-9;
  if (box.x + box.w > 1 + EPS || box.y + box.h > 1 + EPS) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `The box must lie inside the photo: x + w and y + h at most 1, but received x=${box.x} w=${box.w} y=${box.y} h=${box.h}.`,
      { details: { box } },
    );
  }
  // Only an edge that reaches into the strip moves, so a box clear of it is stored exactly as drawn.
  const top = Math.max(box.y, frame.strip_top);
  const bottom = Math.min(box.y + box.h, 1 - frame.strip_bottom);
  const clipped =
    top === box.y && bottom === box.y + box.h ? box : { x: box.x, y: top, w: box.w, h: bottom - top };
  let bytes: Buffer;
  try {
    bytes = await readMediaFile(frame);
  } catch (error) {
    throw new EngineError('FILE_UNREADABLE', `Cannot read ${frame.path}: ${messageOf(error)}`, {
      details: { path: frame.path, mediaId: frame.id },
      cause: error,
    });
  }
  const { image } = await decodeImage(bytes, { maxSide: ANALYSIS_MAX_SIDE });
  const widthPx = clipped.w * image.width;
  const heightPx = clipped.h * image.height;
  if (widthPx < MIN_BOX_SIDE_PX || heightPx < MIN_BOX_SIDE_PX) {
    const strip = clipped !== box ? ' once the camera’s info strip is left out' : '';
    throw new EngineError(
      'INVALID_ARGUMENT',
      `The box is ${Math.round(widthPx)} × ${Math.max(0, Math.round(heightPx))} px${strip}; it must be at least ${MIN_BOX_SIDE_PX} px on each side.`,
      { details: { box, minSidePx: MIN_BOX_SIDE_PX } },
    );
  }
  const [described] = await describeAnimals(ctx, services, image, {
    deferRemote: services.queue !== undefined,
    animals: [{ ...animal, box: clipped }],
  });
  if (!described) throw new Error('describeAnimals returned nothing for one box');
  return described;
}

/**
 * Deletes one detection (its embeddings and undone decisions go with it) and returns it as it was. A deleted
 * decision that heads an encounter batch hands the batch id on to the batch's next decision, so the rest of the
 * batch still undoes as one.
 */
function removeDetection(ctx: CoreContext, row: DetectionRow): BoxSnapshot {
  const heads = ctx.db
    .prepare(
      'SELECT id FROM decisions WHERE detection_id = ? AND id IN (SELECT batch_id FROM decisions WHERE batch_id IS NOT NULL)',
    )
    .pluck()
    .all(row.id) as number[];
  for (const head of heads) {
    const next = ctx.db
      .prepare('SELECT MIN(id) FROM decisions WHERE batch_id = ? AND detection_id != ?')
      .pluck()
      .get(head, row.id) as number | null;
    ctx.db
      .prepare('UPDATE decisions SET batch_id = ? WHERE batch_id = ? AND detection_id != ?')
      .run(next, head, row.id);
  }
  ctx.db.prepare('DELETE FROM detections WHERE id = ?').run(row.id);
  return snapshotOf(row);
}

function snapshotOf(row: DetectionRow): BoxSnapshot {
  return {
    mediaId: row.media_id,
    box: boxOf(row),
    detector: row.detector,
    confidence: row.confidence,
    flank: row.flank,
  };
}

/**
 * A frame's content follows its boxes after a hand edit: none left is empty (the reviewer removed what was taken
 * for an animal), only the whole frame is unknown, any other box is an animal.
 */
function settleContent(ctx: CoreContext, mediaId: number): void {
  const detectors = ctx.db
    .prepare('SELECT DISTINCT detector FROM detections WHERE media_id = ?')
    .pluck()
    .all(mediaId) as string[];
  const content =
    detectors.length === 0
      ? 'empty'
      : detectors.every((d) => d === WHOLE_FRAME_DETECTOR)
        ? 'unknown'
        : 'animal';
  ctx.db.prepare('UPDATE media SET content = ? WHERE id = ?').run(content, mediaId);
}

/** The boxes of one frame, oldest first, and whether each carries a decision in force. */
export function frameBoxes(
  ctx: CoreContext,
  mediaId: number,
): {
  detectionId: number;
  box: NormalisedBox;
  detector: string;
  confidence: number | null;
  flank: Flank;
  decided: boolean;
}[] {
  if (ctx.db.prepare('SELECT 1 FROM media WHERE id = ?').get(mediaId) === undefined)
    throw new EngineError('NOT_FOUND', `No frame ${mediaId} in the gallery.`);
  return (
    ctx.db.prepare('SELECT * FROM detections WHERE media_id = ? ORDER BY id').all(mediaId) as DetectionRow[]
  ).map((d) => ({
    detectionId: d.id,
    box: boxOf(d),
    detector: d.detector,
    confidence: d.confidence,
    flank: d.flank,
    decided: hasDecisionInForce(ctx, d.id),
  }));
}
