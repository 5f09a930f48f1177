/**
 * Camtrap DP times are `YYYY-MM-DDThh:mm:ss` with a zone (`Z` or `±hh:mm`) and no fraction. The gallery keeps
 * camera times as the camera wrote them, usually without a zone; the user says which offset the clocks ran on.
 */

/** "+05:30" or "-04:00": the form the export's utcOffset option takes. */
export const UTC_OFFSET = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export type ZonedTime =
  { ok: true; text: string; instant: number } | { ok: false; reason: 'no-zone' | 'unreadable' };

/**
 * A gallery time as Camtrap DP writes it. Times with a zone keep it; times without get `utcOffset`, or come back
 * as 'no-zone' when none was given (never the computer's zone: that would shift every photo by hours). A date
 * alone stands for `dateOnly` on that day (the start or the end of an operation period). Fractions of a second
 * are dropped: the standard's format has none.
 */
export function zonedTime(
  value: string,
  utcOffset: string | undefined,
  dateOnly: '00:00:00' | '23:59:59' = '00:00:00',
): ZonedTime {
  const match = ISO.exec(value);
  if (!match) return { ok: false, reason: 'unreadable' };
  const [, date, time, zone] = match;
  const written =
    zone === undefined ? undefined : zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const offset = written ?? utcOffset;
  if (offset === undefined) return { ok: false, reason: 'no-zone' };
  const text = `${date}T${time ?? dateOnly}${offset}`;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? { ok: false, reason: 'unreadable' } : { ok: true, text, instant };
}

/** The zone a time was written with ('Z' or '±hh:mm'), or undefined when it has none. */
export function zoneOf(value: string): string | undefined {
  const zone = ISO.exec(value)?.[3];
  return zone === undefined || zone === 'Z' ? zone : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
}

/** An instant (ISO text or a Date) in UTC, to the second: decision and package creation times. */
export function utcTime(value: string | Date): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
