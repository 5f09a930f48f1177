import { resolve, sep } from 'node:path';
import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { upperBound } from '../reports/sightings';
import { parseInput } from '../validate';
import { plural } from '../wording';
import { findStation } from './stations';

/**
 * Camera clocks. Frames without a capture time, and cameras whose clock ran wrong (reset to the factory year,
 * left on another zone, never switched to summer time) are the norm in the field. The user shifts the times of a
 * station's or a folder's frames by an offset, or gives frames that have none a time; each change is one edit,
 * undone as a whole. The times a frame had before are kept per edit (see 0004_capture_time_edits.sql), so the
 * time it was imported with is never lost.
 *
 * Capture times stay in the form the camera wrote: local wall-clock time, with a zone only when the camera (or
 * a Camtrap DP package) gave one. A shift moves the wall clock and keeps the zone and any fraction of a second.
 */

/** Which frames: all of a station's, or all under a folder (any station). */
export type CaptureTimeScope = { station: string } | { folder: string };

export type CaptureTimeChangeRequest =
  | {
      kind: 'shift';
      /** "+1y 2d 03:00:00", "-00:30:00", "+2h", or whole seconds. */
      by: string | number;
      /** Only frames captured at or after `from` / up to `to` (a date alone covers that whole day). */
      from?: string;
      to?: string;
    }
  | {
      kind: 'set';
      /** The time of the first frame without one (in file-name order), YYYY-MM-DDThh:mm:ss, with a zone or not. */
      start: string;
      /** Seconds between consecutive frames; 0 (the default) gives them all `start`. */
      stepSeconds?: number;
    };

export interface CaptureTimeRequest {
  scope: CaptureTimeScope;
  change: CaptureTimeChangeRequest;
}

export interface TimeSpan {
  first: string | null;
  last: string | null;
}

/** What an edit would do (a preview) or did. */
export interface CaptureTimePlan {
  kind: 'shift' | 'set';
  /** 'station "Ridge"' or 'folder /data/cam7'. */
  scope: string;
  /** One line: "Shift 12 frames of station "Ridge" by +1y". */
  summary: string;
  /** Frames whose time changes. */
  frames: number;
  before: TimeSpan;
  after: TimeSpan;
  /**
   * Changed frames whose new day falls outside their station's recorded operation dates: capture histories leave
   * them out until the dates are widened (a clock that was a year off usually means the dates are too).
   */
  outsideOperation: number;
  /** Frames in the scope left as they are, by reason. */
  unchanged: {
    /** shift: frames without a capture time (a shift cannot move them; give them a time instead). */
    withoutTime: number;
    /** shift: frames with a time outside the from/to range. */
    outsideRange: number;
    /** set: frames that already have a time (shift those instead). */
    withTime: number;
  };
}

export interface CaptureTimeEdit extends CaptureTimePlan {
  editId: number;
  reviewer: string;
  madeAt: string;
  undoneAt: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Times and offsets

const CAPTURE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_EXAMPLE = 'YYYY-MM-DDThh:mm:ss, such as 2024-03-01T06:00:00 (a zone such as +05:30 may follow)';

/** A capture time as its wall-clock digits (read as if UTC, so arithmetic never meets the computer's zone). */
interface WallClock {
  ms: number;
  fraction: string;
  zone: string;
}

function wallClock(text: string): WallClock | null {
  const m = CAPTURE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March: such a time was never on the calendar.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return { ms, fraction: m[7] ?? '', zone: m[8] ?? '' };
}

function formatWallClock(w: WallClock): string {
  const iso = new Date(w.ms).toISOString();
  return `${iso.slice(0, 19)}${w.fraction}${w.zone}`;
}

/** A signed offset: calendar years (a year is not always 365 days) and seconds. */
export interface ClockOffset {
  sign: 1 | -1;
  years: number;
  seconds: number;
}

const OFFSET_EXAMPLE = '"+1y", "-01:00:00", "+1y 2d 03:00:00", "+90m" or a number of seconds such as -3600';
const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/**
 * Reads "+1y 2d 03:00:00" (years y, days d, hours h, minutes m, seconds s, and hh:mm[:ss]), or whole seconds.
 * The sign, written first, applies to the whole offset; none means forward.
 */
export function parseClockOffset(value: string | number): ClockOffset {
  const fail = (): never => {
    throw new RangeError(
      `Expected a clock offset such as ${OFFSET_EXAMPLE}, but received ${JSON.stringify(value)}`,
    );
  };
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value === 0) fail();
    return { sign: value < 0 ? -1 : 1, years: 0, seconds: Math.abs(value) };
  }
  const text = value.trim();
  const signed = /^[+-]/.test(text);
  const sign: 1 | -1 = text.startsWith('-') ? -1 : 1;
  const body = (signed ? text.slice(1) : text).trim();
  if (body === '') fail();
  let years = 0;
  let seconds = 0;
  for (const token of body.split(/\s+/)) {
    const clock = /^(\d{1,6}):([0-5]\d)(?::([0-5]\d))?$/.exec(token);
    const unit = /^(\d{1,9})([ydhms])$/.exec(token);
    if (clock) seconds += Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
    else if (unit && unit[2] === 'y') years += Number(unit[1]);
    else if (unit) seconds += Number(unit[1]) * (UNIT_SECONDS[unit[2] as string] as number);
    else if (/^\d{1,12}$/.test(token) && body === token) seconds += Number(token);
    else fail();
  }
  if (years === 0 && seconds === 0) {
    throw new RangeError(
      `Expected a clock offset that moves the time, but received ${JSON.stringify(value)}`,
    );
  }
  if (years > 200) fail();
  return { sign, years, seconds };
}

/** "+1y 2d 03:00:00", "-00:30:00", "+1y": the offset as people write it. */
export function formatClockOffset(o: ClockOffset): string {
  const parts: string[] = [];
  if (o.years > 0) parts.push(`${o.years}y`);
  const days = Math.floor(o.seconds / 86_400);
  const rest = o.seconds % 86_400;
  if (days > 0) parts.push(`${days}d`);
  if (rest > 0) {
    const two = (n: number) => String(n).padStart(2, '0');
    parts.push(`${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`);
  }
  return `${o.sign < 0 ? '-' : '+'}${parts.join(' ')}`;
}

/** A capture time moved by an offset: years on the calendar (29 Feb becomes 28 Feb), then seconds. */
export function shiftCaptureTime(text: string, offset: ClockOffset): string {
  const w = wallClock(text);
  if (w === null) throw new RangeError(`Expected a capture time ${TIME_EXAMPLE}, but received "${text}"`);
  const date = new Date(w.ms);
  if (offset.years > 0) {
    const month = date.getUTCMonth();
    date.setUTCFullYear(date.getUTCFullYear() + offset.sign * offset.years);
    if (date.getUTCMonth() !== month) date.setUTCDate(0);
  }
  const ms = date.getTime() + offset.sign * offset.seconds * 1000;
  const year = new Date(ms).getUTCFullYear();
  if (year < 1970 || year > 9999) {
    throw new RangeError(
      `Expected a shift that keeps capture times between 1970 and 9999, but ${formatClockOffset(offset)} moves "${text}" to the year ${year}`,
    );
  }
  return formatWallClock({ ...w, ms });
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

const reviewerSchema = z.string().trim().min(1).max(200);
const timeText = z.string().refine((s) => wallClock(s) !== null, `must be a time written ${TIME_EXAMPLE}`);
const boundText = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/,
    'must be a date (2024-03-01) or a date and time (2024-03-01T06:00:00)',
  );

const requestSchema = z
  .object({
    scope: z.union([
      z.object({ station: z.string().trim().min(1).max(200) }).strict(),
      z.object({ folder: z.string().trim().min(1).max(4096) }).strict(),
    ]),
    change: z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('shift'),
          by: z.union([z.string().max(100), z.number()]),
          from: boundText.optional(),
          to: boundText.optional(),
        })
        .strict(),
      z
        .object({
          kind: z.literal('set'),
          start: timeText,
          stepSeconds: z.number().int().min(0).max(86_400).default(0),
        })
        .strict(),
    ]),
  })
  .strict();

/** What an edit row keeps: the request as made (a folder made absolute), and what the plan said of its frames. */
const storedPayload = z.object({
  request: requestSchema,
  unchanged: z.object({ withoutTime: z.number(), outsideRange: z.number(), withTime: z.number() }),
  outsideOperation: z.number(),
});

interface MediaTime {
  id: number;
  path: string;
  captured_at: string | null;
  operation_start: string | null;
  operation_end: string | null;
}

interface Change {
  mediaId: number;
  previousAt: string | null;
  newAt: string;
}

interface ResolvedScope {
  label: string;
  /** The scope as stored with an edit: a folder made absolute. */
  scope: CaptureTimeScope;
  /** SQL condition on media `m` and its parameters. */
  where: string;
  params: (string | number)[];
}

function resolveScope(ctx: CoreContext, scope: CaptureTimeScope): ResolvedScope {
  if ('station' in scope) {
    const station = findStation(ctx, scope.station);
    return {
      label: `station "${station.name}"`,
      scope: { station: station.name },
      where: 'm.station_id = ?',
      params: [station.id],
    };
  }
  // Paths are stored absolute as imported; a folder matches the files below it, never a sibling "cam7b".
  const folder = resolve(scope.folder).replace(/[\\/]+$/, '');
  const prefix = `${folder}${sep}`;
  return {
    label: `folder ${folder}`,
    scope: { folder },
    where: 'substr(m.path, 1, ?) = ?',
    params: [prefix.length, prefix],
  };
}

function span(times: (string | null)[]): TimeSpan {
  const dated = times.filter((t): t is string => t !== null).sort();
  return { first: dated[0] ?? null, last: dated.at(-1) ?? null };
}

/** Works out every frame's new time without writing anything. */
function planRequest(
  ctx: CoreContext,
  request: CaptureTimeRequest,
): { plan: CaptureTimePlan; done: string; changes: Change[]; payload: z.output<typeof requestSchema> } {
  const input = parseInput(requestSchema, request, 'capture time change');
  const scope = resolveScope(ctx, input.scope);
  const payload = { ...input, scope: scope.scope };
  const media = ctx.db
    .prepare(
      `SELECT m.id, m.path, m.captured_at, s.operation_start, s.operation_end
         FROM media m LEFT JOIN stations s ON s.id = m.station_id
        WHERE ${scope.where} ORDER BY m.path, m.id`,
    )
    .all(...scope.params) as MediaTime[];
  if (media.length === 0) {
    throw new EngineError('NOT_FOUND', `The ${scope.label} has no frames in the gallery.`, {
      details: { scope: payload.scope },
    });
  }
  const change = payload.change;
  const unchanged = { withoutTime: 0, outsideRange: 0, withTime: 0 };
  const changes: Change[] = [];
  // The plan says what it would do, the edit what it did.
  let summary: [string, string];
  if (change.kind === 'shift') {
    const offset = parseClockOffset(change.by);
    const upper = change.to === undefined ? undefined : upperBound(change.to);
    const unreadable: string[] = [];
    for (const m of media) {
      if (m.captured_at === null) {
        unchanged.withoutTime++;
        continue;
      }
      const at = m.captured_at;
      const inRange =
        (change.from === undefined || at >= change.from) &&
        (upper === undefined || (upper.op === '<' ? at < upper.value : at <= upper.value));
      if (!inRange) {
        unchanged.outsideRange++;
        continue;
      }
      if (wallClock(at) === null) {
        unreadable.push(`${m.path} (${at})`);
        continue;
      }
      changes.push({ mediaId: m.id, previousAt: at, newAt: shiftCaptureTime(at, offset) });
    }
    if (unreadable.length > 0) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${plural(unreadable.length, 'frame')} of the ${scope.label} have a capture time that is not YYYY-MM-DDThh:mm:ss (e.g. ${unreadable[0]}), so they cannot be shifted; narrow the range with from/to to leave them out.`,
        { details: { frames: unreadable.slice(0, 20) } },
      );
    }
    const range =
      change.from !== undefined || change.to !== undefined
        ? ` captured ${change.from ?? 'any time'} to ${change.to ?? 'any time'}`
        : '';
    const what = `${plural(changes.length, 'frame')} of the ${scope.label}${range} by ${formatClockOffset(offset)}`;
    summary = [`Shift ${what}`, `Shifted ${what}`];
  } else {
    const start = wallClock(change.start) as WallClock;
    let i = 0;
    for (const m of media) {
      if (m.captured_at !== null) {
        unchanged.withTime++;
        continue;
      }
      const newAt = formatWallClock({ ...start, ms: start.ms + i * change.stepSeconds * 1000 });
      changes.push({ mediaId: m.id, previousAt: null, newAt });
      i++;
    }
    const step = change.stepSeconds > 0 ? `, ${change.stepSeconds} s apart in file-name order` : '';
    const what = `the time of ${plural(changes.length, 'frame')} without one in the ${scope.label} to ${change.start}${step}`;
    summary = [`Set ${what}`, `Set ${what}`];
  }
  const operation = new Map(media.map((m) => [m.id, m]));
  const outsideOperation = changes.filter((c) => {
    const m = operation.get(c.mediaId) as MediaTime;
    const day = c.newAt.slice(0, 10);
    return (
      (m.operation_start !== null && day < m.operation_start) ||
      (m.operation_end !== null && day > m.operation_end)
    );
  }).length;
  const plan: CaptureTimePlan = {
    kind: change.kind,
    scope: scope.label,
    summary: summary[0],
    frames: changes.length,
    before: span(changes.map((c) => c.previousAt)),
    after: span(changes.map((c) => c.newAt)),
    outsideOperation,
    unchanged,
  };
  return { plan, done: summary[1], changes, payload };
}

/** What a change would do, for a preview: how many frames, and their first and last time before and after. */
export function previewCaptureTimes(ctx: CoreContext, request: CaptureTimeRequest): CaptureTimePlan {
  return planRequest(ctx, request).plan;
}

/**
 * Shifts or sets the capture times of a station's or a folder's frames, as one edit in one transaction.
 * Throws NOT_FOUND when the scope has no frame the change applies to.
 */
export function editCaptureTimes(
  ctx: CoreContext,
  request: CaptureTimeRequest,
  reviewer: string,
): CaptureTimeEdit {
  const who = parseInput(reviewerSchema, reviewer, 'reviewer');
  return ctx.db.transaction(() => {
    const { plan, done: summary, changes, payload } = planRequest(ctx, request);
    if (changes.length === 0) {
      const why =
        plan.kind === 'shift'
          ? plan.unchanged.outsideRange > 0
            ? 'no frame with a capture time falls in that range'
            : 'none of its frames has a capture time (give them one with set-time)'
          : 'every frame already has a capture time (shift them instead)';
      throw new EngineError('NOT_FOUND', `Nothing to change in the ${plan.scope}: ${why}.`, {
        details: { unchanged: plan.unchanged },
      });
    }
    const madeAt = ctx.now().toISOString();
    const editId = Number(
      ctx.db
        .prepare(
          'INSERT INTO capture_time_edits (kind, payload, summary, reviewer, made_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          plan.kind,
          JSON.stringify({
            request: payload,
            unchanged: plan.unchanged,
            outsideOperation: plan.outsideOperation,
          }),
          summary,
          who,
          madeAt,
        ).lastInsertRowid,
    );
    const item = ctx.db.prepare(
      'INSERT INTO capture_time_edit_media (edit_id, media_id, previous_at, new_at) VALUES (?, ?, ?, ?)',
    );
    const update = ctx.db.prepare('UPDATE media SET captured_at = ? WHERE id = ?');
    for (const c of changes) {
      item.run(editId, c.mediaId, c.previousAt, c.newAt);
      update.run(c.newAt, c.mediaId);
    }
    ctx.log.info(`Capture time edit ${editId} by ${who}: ${summary}`);
    return { ...plan, summary, editId, reviewer: who, madeAt, undoneAt: null };
  })();
}

interface EditRow {
  id: number;
  kind: 'shift' | 'set';
  payload: string;
  summary: string;
  reviewer: string;
  made_at: string;
  undone_at: string | null;
}

function editOf(ctx: CoreContext, row: EditRow): CaptureTimeEdit {
  const items = ctx.db
    .prepare('SELECT previous_at, new_at FROM capture_time_edit_media WHERE edit_id = ?')
    .all(row.id) as { previous_at: string | null; new_at: string }[];
  const { request, unchanged, outsideOperation } = storedPayload.parse(JSON.parse(row.payload));
  const scope =
    'station' in request.scope ? `station "${request.scope.station}"` : `folder ${request.scope.folder}`;
  return {
    kind: row.kind,
    scope,
    summary: row.summary,
    frames: items.length,
    before: span(items.map((i) => i.previous_at)),
    after: span(items.map((i) => i.new_at)),
    outsideOperation,
    unchanged,
    editId: row.id,
    reviewer: row.reviewer,
    madeAt: row.made_at,
    undoneAt: row.undone_at,
  };
}

/** Capture time edits, newest first. */
export function listCaptureTimeEdits(ctx: CoreContext, limit = 50): CaptureTimeEdit[] {
  const rows = ctx.db
    .prepare('SELECT * FROM capture_time_edits ORDER BY id DESC LIMIT ?')
    .all(limit) as EditRow[];
  return rows.map((r) => editOf(ctx, r));
}

/**
 * Undoes one capture time edit (by default the newest still in force): every frame gets back exactly the time
 * it had before. Later edits of other frames do not stand in the way; a later edit that changed some of the
 * same frames does (CONFLICT: undo that one first), since undoing under it would lose its change.
 */
export function undoCaptureTimeEdit(ctx: CoreContext, reviewer: string, editId?: number): CaptureTimeEdit {
  const who = parseInput(reviewerSchema, reviewer, 'reviewer');
  return ctx.db.transaction(() => {
    const row = (
      editId === undefined
        ? ctx.db
            .prepare('SELECT * FROM capture_time_edits WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1')
            .get()
        : ctx.db.prepare('SELECT * FROM capture_time_edits WHERE id = ?').get(editId)
    ) as EditRow | undefined;
    if (!row) {
      throw new EngineError(
        'NOT_FOUND',
        editId === undefined ? 'No capture time edit to undo.' : `No capture time edit ${editId}.`,
      );
    }
    if (row.undone_at !== null) {
      throw new EngineError('CONFLICT', `Capture time edit ${row.id} was already undone (${row.undone_at}).`);
    }
    const later = ctx.db
      .prepare(
        `SELECT DISTINCT e.id FROM capture_time_edits e JOIN capture_time_edit_media i ON i.edit_id = e.id
          WHERE e.id > ? AND e.undone_at IS NULL
            AND i.media_id IN (SELECT media_id FROM capture_time_edit_media WHERE edit_id = ?)
          ORDER BY e.id DESC`,
      )
      .pluck()
      .all(row.id, row.id) as number[];
    if (later.length > 0) {
      throw new EngineError(
        'CONFLICT',
        `Undo capture time edit ${later.join(', ')} first: it changed the time of some of the same frames after edit ${row.id}.`,
        { details: { blockingEdits: later } },
      );
    }
    const items = ctx.db
      .prepare(
        `SELECT i.media_id, i.previous_at, i.new_at, m.captured_at, m.path
           FROM capture_time_edit_media i JOIN media m ON m.id = i.media_id WHERE i.edit_id = ?`,
      )
      .all(row.id) as {
      media_id: number;
      previous_at: string | null;
      new_at: string;
      captured_at: string | null;
      path: string;
    }[];
    const moved = items.filter((i) => i.captured_at !== i.new_at);
    if (moved.length > 0) {
      throw new EngineError(
        'CONFLICT',
        `${plural(moved.length, 'frame')} of capture time edit ${row.id} no longer have the time it gave them (e.g. ${moved[0]?.path}: ${moved[0]?.captured_at ?? 'none'} instead of ${moved[0]?.new_at}), so undoing it would overwrite a later change.`,
        { details: { frames: moved.slice(0, 20).map((m) => m.path) } },
      );
    }
    const restore = ctx.db.prepare('UPDATE media SET captured_at = ? WHERE id = ?');
    for (const i of items) restore.run(i.previous_at, i.media_id);
    const undoneAt = ctx.now().toISOString();
    ctx.db
      .prepare('UPDATE capture_time_edits SET undone_at = ?, undone_by = ? WHERE id = ?')
      .run(undoneAt, who, row.id);
    ctx.log.info(`Capture time edit ${row.id} undone by ${who}: ${row.summary}`);
    return editOf(ctx, { ...row, undone_at: undoneAt });
  })();
}

// ---------------------------------------------------------------------------------------------------------------
// Frames the exports leave out

/** Frames without a capture time, per station (null: frames that belong to no station). */
export interface UndatedFrames {
  station: string | null;
  frames: number;
  /** Sightings on those frames, when the export counts sightings. */
  sightings?: number;
}

/** The frames without a capture time of the given stations (all when omitted), per station, by name. */
export function undatedFrames(ctx: CoreContext, stationIds?: readonly number[]): UndatedFrames[] {
  const rows = ctx.db
    .prepare(
      `SELECT m.station_id, s.name AS station, COUNT(*) AS frames
         FROM media m LEFT JOIN stations s ON s.id = m.station_id
        WHERE m.captured_at IS NULL GROUP BY m.station_id ORDER BY s.name`,
    )
    .all() as { station_id: number | null; station: string | null; frames: number }[];
  const wanted = stationIds === undefined ? null : new Set(stationIds);
  return rows
    .filter((r) => wanted === null || (r.station_id !== null && wanted.has(r.station_id)))
    .map((r) => ({ station: r.station, frames: r.frames }));
}

/** Per station: the undated frames among sightings (by media id) and how many sightings lie on them. */
export function undatedSightingFrames(
  sightings: readonly { mediaId: number; stationName: string | null }[],
): UndatedFrames[] {
  const byStation = new Map<string | null, { media: Set<number>; sightings: number }>();
  for (const s of sightings) {
    const entry = byStation.get(s.stationName) ?? { media: new Set<number>(), sightings: 0 };
    entry.media.add(s.mediaId);
    entry.sightings++;
    byStation.set(s.stationName, entry);
  }
  return [...byStation]
    .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
    .map(([station, e]) => ({ station, frames: e.media.size, sightings: e.sightings }));
}

/**
 * One warning line for frames an export left out for want of a capture time, with the fix:
 * '12 frames of station "Ridge" have no capture time and were left out (…): set it on the Stations page
 * ("Fix clock") or with `tigerid stations set-time "Ridge" --at 2024-03-01T06:00:00`.'
 */
export function undatedWarning(u: UndatedFrames, consequence: string): string {
  const whose = u.station === null ? 'that belong to no station' : `of station "${u.station}"`;
  const fix =
    u.station === null
      ? 'import them again with --station, or set their time with `tigerid stations set-time --folder FOLDER --at YYYY-MM-DDThh:mm:ss`'
      : `set it on the Stations page ("Fix clock") or with \`tigerid stations set-time "${u.station}" --at YYYY-MM-DDThh:mm:ss\``;
  const has = u.frames === 1 ? 'has' : 'have';
  if (u.sightings === undefined) {
    return `${plural(u.frames, 'frame')} ${whose} ${has} no capture time and ${u.frames === 1 ? 'was' : 'were'} left out (${consequence}): ${fix}.`;
  }
  const frames = u.frames === 1 ? 'its frame' : `their ${plural(u.frames, 'frame')}`;
  return `${plural(u.sightings, 'sighting')} ${u.sightings === 1 ? 'was' : 'were'} left out (${consequence}): ${frames} ${whose} ${has} no capture time; ${fix}.`;
}
