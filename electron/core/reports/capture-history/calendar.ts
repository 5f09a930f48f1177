/**
 * Calendar days as whole numbers (days since 1970-01-01), so occasion windows and station operation are plain
 * integer ranges. A photo's day is the date written in its capture time, i.e. the camera's own calendar day:
 * converting to another zone would move night-time photos to the wrong occasion.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of a YYYY-MM-DD date (already validated). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The calendar day a capture time was taken on, or null when it does not start with a YYYY-MM-DD date. */
export function captureDay(capturedAt: string | null): number | null {
  if (capturedAt === null || !/^\d{4}-\d{2}-\d{2}/.test(capturedAt)) return null;
  const day = dayNumber(capturedAt.slice(0, 10));
  return Number.isFinite(day) ? day : null;
}

/** Milliseconds of a capture time on one clock; a time without a zone is read as UTC so two such times compare. */
export function captureInstant(capturedAt: string): number {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(capturedAt) || capturedAt.length <= 10;
  return Date.parse(zoned ? capturedAt : `${capturedAt}Z`);
}
