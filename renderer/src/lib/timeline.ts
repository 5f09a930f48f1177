/** Sightings per month for the individual's timeline chart. */
export interface MonthBucket {
  /** 'YYYY-MM' */
  key: string;
  year: number;
  /** 1..12 */
  month: number;
  count: number;
}

export interface Timeline {
  months: MonthBucket[];
  /** Sightings without a usable capture time. */
  undated: number;
  max: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Capture times are camera-local wall-clock times (EXIF has no zone): the month is read from the text itself,
 * never shifted through the viewer's time zone.
 */
export function monthOf(capturedAt: string | null): { year: number; month: number } | null {
  if (!capturedAt) return null;
  const m = /^(\d{4})[-:](\d{2})/.exec(capturedAt.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || year < 1900) return null;
  return { year, month };
}

/** Buckets by month, every month from the first to the last sighting included (empty ones count 0). */
export function monthlySightings(capturedAt: (string | null)[]): Timeline {
  const counts = new Map<number, number>();
  let undated = 0;
  for (const t of capturedAt) {
    const m = monthOf(t);
    if (!m) {
      undated++;
      continue;
    }
    const index = m.year * 12 + (m.month - 1);
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  if (counts.size === 0) return { months: [], undated, max: 0 };
  const indices = [...counts.keys()];
  const first = Math.min(...indices);
  const last = Math.max(...indices);
  const months: MonthBucket[] = [];
  for (let i = first; i <= last; i++) {
    const year = Math.floor(i / 12);
    const month = (i % 12) + 1;
    months.push({ key: `${year}-${String(month).padStart(2, '0')}`, year, month, count: counts.get(i) ?? 0 });
  }
  return { months, undated, max: Math.max(...months.map((m) => m.count)) };
}

export function monthLabel(b: { year: number; month: number }, withYear = true): string {
  const name = MONTHS[b.month - 1] ?? '';
  return withYear ? `${name} ${b.year}` : name;
}

/** Which bars get an axis label: at most `maxLabels`, always January of a year when there is room. */
export function labelStep(monthCount: number, maxLabels = 12): number {
  if (monthCount <= maxLabels) return 1;
  for (const step of [2, 3, 6, 12, 24, 60]) if (monthCount / step <= maxLabels) return step;
  return Math.ceil(monthCount / maxLabels);
}
