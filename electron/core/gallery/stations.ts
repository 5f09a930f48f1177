import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { parseInput } from '../validate';

/**
 * Camera stations (Camtrap DP deployments): where each one stands and when it was operating. Capture histories
 * and exports need both, and the photos alone cannot tell a station that was switched off from one that saw
 * nothing, so the user records them here.
 */

export interface StationSummary {
  id: number;
  name: string;
  latitude: number | null;
  longitude: number | null;
  /** First day the station operated (YYYY-MM-DD), or null when not recorded. */
  operationStart: string | null;
  /** Last day the station operated (YYYY-MM-DD), or null when not recorded. */
  operationEnd: string | null;
  photos: number;
  /** Photos without a capture time: the exports leave them out until they get one (see capture-times.ts). */
  undatedPhotos: number;
  /** Capture time of the station's first and last photo that has one, as recorded (ISO 8601). */
  firstPhotoAt: string | null;
  lastPhotoAt: string | null;
}

/** A calendar day, YYYY-MM-DD, that exists (2024-02-30 does not). */
export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD, such as 2024-03-01')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'is not a day of the calendar');

const stationPatchSchema = z
  .object({
    latitude: z
      .number()
      .min(-90, 'expected a latitude between -90 and 90 (decimal degrees)')
      .max(90, 'expected a latitude between -90 and 90 (decimal degrees)')
      .nullable()
      .optional(),
    longitude: z
      .number()
      .min(-180, 'expected a longitude between -180 and 180 (decimal degrees)')
      .max(180, 'expected a longitude between -180 and 180 (decimal degrees)')
      .nullable()
      .optional(),
    operationStart: calendarDateSchema.nullable().optional(),
    operationEnd: calendarDateSchema.nullable().optional(),
  })
  .strict()
  .refine((p) => (p.latitude === undefined) === (p.longitude === undefined), {
    message: 'latitude and longitude are set together',
    path: ['longitude'],
  })
  .refine((p) => (p.latitude === null) === (p.longitude === null), {
    message: 'latitude and longitude are cleared together',
    path: ['longitude'],
  });

export type StationPatch = z.input<typeof stationPatchSchema>;

interface StationRow {
  id: number;
  name: string;
  latitude: number | null;
  longitude: number | null;
  operation_start: string | null;
  operation_end: string | null;
  photos: number;
  undated_photos: number;
  first_photo_at: string | null;
  last_photo_at: string | null;
}

const SELECT_STATIONS = `
  SELECT s.id, s.name, s.latitude, s.longitude, s.operation_start, s.operation_end,
         COUNT(m.id) AS photos, COUNT(m.id) - COUNT(m.captured_at) AS undated_photos, MIN(m.captured_at) AS first_photo_at, MAX(m.captured_at) AS last_photo_at
    FROM stations s LEFT JOIN media m ON m.station_id = s.id`;

function toSummary(r: StationRow): StationSummary {
  return {
    id: r.id,
    name: r.name,
    latitude: r.latitude,
    longitude: r.longitude,
    operationStart: r.operation_start,
    operationEnd: r.operation_end,
    photos: r.photos,
    undatedPhotos: r.undated_photos,
    firstPhotoAt: r.first_photo_at,
    lastPhotoAt: r.last_photo_at,
  };
}

/** Every station, by name. */
export function listStations(ctx: CoreContext): StationSummary[] {
  const rows = ctx.db.prepare(`${SELECT_STATIONS} GROUP BY s.id ORDER BY s.name`).all() as StationRow[];
  return rows.map(toSummary);
}

/** A station by its exact name. */
export function findStation(ctx: CoreContext, name: string): StationSummary {
  const row = ctx.db.prepare(`${SELECT_STATIONS} WHERE s.name = ? GROUP BY s.id`).get(name) as
    StationRow | undefined;
  if (!row) {
    const known = ctx.db
      .prepare('SELECT name FROM stations ORDER BY name LIMIT 20')
      .pluck()
      .all() as string[];
    throw new EngineError(
      'NOT_FOUND',
      `No station "${name}" in the gallery${known.length > 0 ? ` (stations: ${known.join(', ')})` : ' (it has no stations yet)'}.`,
      { details: { station: name } },
    );
  }
  return toSummary(row);
}

export interface StationUpdate {
  station: StationSummary;
  /** Photos whose capture day falls outside the operation dates: capture histories will leave them out. */
  photosOutsideOperation: number;
}

/**
 * Records where a station stands and when it operated. Omitted fields keep their value, null clears one; the
 * operation start may not come after its end (checked against the values already stored too).
 */
export function updateStation(ctx: CoreContext, name: string, patch: StationPatch): StationUpdate {
  const p = parseInput(stationPatchSchema, patch, 'station update');
  const current = findStation(ctx, name);
  const start = p.operationStart === undefined ? current.operationStart : p.operationStart;
  const end = p.operationEnd === undefined ? current.operationEnd : p.operationEnd;
  if (start !== null && end !== null && start > end) {
    throw new RangeError(
      `Expected the operation start of station "${name}" on or before its end, but received start ${start} and end ${end}`,
    );
  }
  const latitude = p.latitude === undefined ? current.latitude : p.latitude;
  const longitude = p.longitude === undefined ? current.longitude : p.longitude;
  ctx.db
    .prepare(
      'UPDATE stations SET latitude = ?, longitude = ?, operation_start = ?, operation_end = ? WHERE id = ?',
    )
    .run(latitude, longitude, start, end, current.id);
  const outside = ctx.db
    .prepare(
      `SELECT COUNT(*) FROM media
        WHERE station_id = ? AND captured_at IS NOT NULL
          AND ((? IS NOT NULL AND SUBSTR(captured_at, 1, 10) < ?) OR (? IS NOT NULL AND SUBSTR(captured_at, 1, 10) > ?))`,
    )
    .pluck()
    .get(current.id, start, start, end, end) as number;
  return { station: findStation(ctx, name), photosOutsideOperation: outside };
}
