import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { TIGER_LIKE_THRESHOLD } from '../matching/tiger-likeness';
import { getSetting } from '../settings';
import { UNDECIDED } from './decisions';

/** Frames of one station close together in time: the animal passing once, seen in one or several frames. */
export interface Encounter {
  /** Stable while its first frame stays first: `E<media id of the first frame>`. */
  key: string;
  stationId: number | null;
  /** Capture times of the first and last frame; null for a frame without a capture time. */
  start: string | null;
  end: string | null;
  /** Frames in capture order, each with its detections. */
  frames: EncounterFrame[];
}

export interface EncounterFrame {
  mediaId: number;
  detectionIds: number[];
}

/** Every detection of the encounter, in frame order. */
export function encounterDetections(encounter: Encounter): number[] {
  return encounter.frames.flatMap((f) => f.detectionIds);
}

/**
 * The detections of the encounter's other frames that show a single animal: the same animal as `detectionId`, as
 * far as anything can tell. Frames holding several animals are left out: nothing says which of them it is.
 */
export function sameAnimalElsewhere(encounter: Encounter, detectionId: number): number[] {
  return encounter.frames
    .filter((f) => !f.detectionIds.includes(detectionId) && f.detectionIds.length === 1)
    .map((f) => f.detectionIds[0] as number);
}

interface FrameRow {
  media_id: number;
  station_id: number | null;
  captured_at: string | null;
  detection_ids: string | null;
}

/**
 * Splits a station's frames into encounters: a frame joins the previous one's encounter when both have a capture
 * time and the gap between them is at most `encounters.gapSeconds`. A frame without a time, or without a station,
 * is an encounter of its own: nothing says it belongs with another.
 */
function groupFrames(rows: readonly FrameRow[], gapMs: number): Encounter[] {
  const encounters: Encounter[] = [];
  let current: Encounter | undefined;
  let lastTime: number | undefined;
  for (const row of rows) {
    const time = row.captured_at === null ? undefined : Date.parse(row.captured_at);
    const joins =
      current !== undefined &&
      row.station_id !== null &&
      current.stationId === row.station_id &&
      time !== undefined &&
      lastTime !== undefined &&
      time - lastTime <= gapMs;
    if (!joins || current === undefined) {
      current = {
        key: `E${row.media_id}`,
        stationId: row.station_id,
        start: row.captured_at,
        end: row.captured_at,
        frames: [],
      };
      encounters.push(current);
    }
    current.frames.push({
      mediaId: row.media_id,
      detectionIds: row.detection_ids ? row.detection_ids.split(',').map(Number) : [],
    });
    current.end = row.captured_at;
    lastTime = time;
  }
  return encounters;
}

const FRAMES = `SELECT m.id AS media_id, m.station_id, m.captured_at,
         (SELECT group_concat(id) FROM (SELECT d.id FROM detections d WHERE d.media_id = m.id ORDER BY d.id)) AS detection_ids
    FROM media m`;
const FRAME_ORDER = 'ORDER BY m.station_id, m.captured_at, m.id';

function gapMs(ctx: CoreContext): number {
  return getSetting(ctx, 'encounters.gapSeconds') * 1000;
}

/** Every encounter of the gallery, or of one station. */
export function listEncounters(ctx: CoreContext, options: { stationId?: number } = {}): Encounter[] {
  const rows = (
    options.stationId === undefined
      ? ctx.db.prepare(`${FRAMES} ${FRAME_ORDER}`).all()
      : ctx.db.prepare(`${FRAMES} WHERE m.station_id = ? ${FRAME_ORDER}`).all(options.stationId)
  ) as FrameRow[];
  return groupFrames(rows, gapMs(ctx));
}

/** The encounter a detection belongs to. */
export function encounterOfDetection(ctx: CoreContext, detectionId: number): Encounter {
  const media = ctx.db
    .prepare('SELECT m.id, m.station_id FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?')
    .get(detectionId) as { id: number; station_id: number | null } | undefined;
  if (!media) throw new EngineError('NOT_FOUND', `No detection ${detectionId} in the gallery.`);
  const frames =
    media.station_id === null
      ? (ctx.db.prepare(`${FRAMES} WHERE m.id = ?`).all(media.id) as FrameRow[])
      : (ctx.db
          .prepare(`${FRAMES} WHERE m.station_id = ? ${FRAME_ORDER}`)
          .all(media.station_id) as FrameRow[]);
  const found = groupFrames(frames, gapMs(ctx)).find((e) => e.frames.some((f) => f.mediaId === media.id));
  if (!found) throw new EngineError('NOT_FOUND', `Detection ${detectionId} belongs to no encounter.`);
  return found;
}

/**
 * Frames whose view was seen not to identify (face or rump, partial, too small, blurred, featureless) sort last. By
 * the view seen rather than the verdict, so that a reviewer's V does not reorder the item under the reviewer.
 */
const VIEW_CANNOT_IDENTIFY = `coalesce(d.view <> 'flank', 0)`;

/** An encounter waiting for review, with its undecided detections best first. */
export interface EncounterToReview {
  encounter: Encounter;
  /**
   * Undecided detections, the one most worth looking at first: views that can identify the animal before those
   * that cannot (face, rump, partial, too small, blurred), then highest stripe quality, then largest box.
   */
  detectionIds: number[];
  /**
   * False when no undecided detection of it has stripes like a tiger's (each measured below TIGER_LIKE_THRESHOLD):
   * another species, most likely. Such encounters come after the others and are flagged in Review.
   */
  looksLikeTiger: boolean;
}

/**
 * The review queue by encounter: one item per encounter that still holds an undecided detection, so a burst of
 * five frames is one item and one decision. Encounters that look like a tiger come first, oldest capture first,
 * then those whose stripes look nothing like a tiger's (see EncounterToReview.looksLikeTiger), oldest first.
 */
export function undecidedEncounters(
  ctx: CoreContext,
  limit: number,
): { total: number; items: EncounterToReview[] } {
  const undecided = ctx.db
    .prepare(
      `SELECT d.id, d.tiger_likeness AS likeness FROM detections d WHERE ${UNDECIDED}
        ORDER BY ${VIEW_CANNOT_IDENTIFY}, d.quality IS NULL, d.quality DESC, d.box_w * d.box_h DESC, d.id`,
    )
    .all() as { id: number; likeness: number | null }[];
  const rank = new Map(undecided.map(({ id }, i) => [id, i]));
  // An unmeasured detection (NULL) flags nothing: it counts as tiger-like.
  const tigerLike = new Set(
    undecided.filter((d) => d.likeness === null || d.likeness >= TIGER_LIKE_THRESHOLD).map((d) => d.id),
  );
  const waiting = listEncounters(ctx)
    .filter((e) => encounterDetections(e).some((id) => rank.has(id)))
    .map((encounter) => ({
      encounter,
      looksLikeTiger: encounterDetections(encounter).some((id) => tigerLike.has(id)),
    }))
    .sort(
      (a, b) =>
        Number(b.looksLikeTiger) - Number(a.looksLikeTiger) ||
        (a.encounter.start ?? '').localeCompare(b.encounter.start ?? '') ||
        (a.encounter.frames[0]?.mediaId ?? 0) - (b.encounter.frames[0]?.mediaId ?? 0),
    );
  return {
    total: waiting.length,
    items: waiting.slice(0, limit).map(({ encounter, looksLikeTiger }) => ({
      encounter,
      detectionIds: encounterDetections(encounter)
        .filter((id) => rank.has(id))
        .sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)),
      looksLikeTiger,
    })),
  };
}
