import type { StationSummary } from '../../gallery/stations';
import { captureDay } from './calendar';

/**
 * Sampling occasions and detector usage. Occasion k (1-based) is the window of `occasionDays` consecutive
 * calendar days starting at day start + (k − 1)·occasionDays; the last one ends at the period's end and may be
 * shorter. A station is "used" on an occasion (usage 1) when it operated on at least one day of that window.
 */

export interface Occasion {
  /** 1-based, as secr numbers occasions. */
  index: number;
  firstDay: number;
  lastDay: number;
}

export function occasionWindows(startDay: number, endDay: number, occasionDays: number): Occasion[] {
  const occasions: Occasion[] = [];
  for (let first = startDay, index = 1; first <= endDay; first += occasionDays, index++) {
    occasions.push({ index, firstDay: first, lastDay: Math.min(first + occasionDays - 1, endDay) });
  }
  return occasions;
}

/** The occasion holding a day, or null when the day lies outside every occasion. */
export function occasionOfDay(occasions: readonly Occasion[], day: number): Occasion | null {
  const first = occasions[0];
  if (first === undefined) return null;
  const span = first.lastDay - first.firstDay + 1;
  const occasion = occasions[Math.floor((day - first.firstDay) / span)];
  // The last occasion may be short: a day past its end is outside the period.
  return occasion !== undefined && day <= occasion.lastDay ? occasion : null;
}

/** The days a station operated: its recorded operation dates, each bound else its first or last photo's day. */
export interface StationEffort {
  firstDay: number;
  lastDay: number;
}

export function stationEffort(station: StationSummary): StationEffort | null {
  // captureDay reads the date at the head of either form: a recorded YYYY-MM-DD or a photo's capture time.
  const firstDay = captureDay(station.operationStart ?? station.firstPhotoAt);
  const lastDay = captureDay(station.operationEnd ?? station.lastPhotoAt);
  if (firstDay === null || lastDay === null || firstDay > lastDay) return null;
  return { firstDay, lastDay };
}

/** secr's binary usage string: one 0/1 code per occasion, in occasion order, with no separators. */
export function usageString(effort: StationEffort, occasions: readonly Occasion[]): string {
  return occasions
    .map((o) => (effort.firstDay <= o.lastDay && effort.lastDay >= o.firstDay ? '1' : '0'))
    .join('');
}
