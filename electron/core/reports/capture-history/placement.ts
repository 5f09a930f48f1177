import type { SightingRecord } from '../sightings';
import { captureDay } from './calendar';
import type { SecrDetector } from './detectors';
import type { FlankSighting } from './flank-captures';
import { occasionOfDay, type Occasion } from './occasions';

/** Which detector and occasion each sighting falls on, and why the others cannot be placed. */

export interface SecrExclusions {
  /** Sightings whose photo has no (readable) capture time. */
  noCaptureTime: number;
  /** Sightings whose photo belongs to no station. */
  noStation: number;
  /** Sightings before the start or after the end of the period. */
  outsidePeriod: number;
  /** Sightings on a day their station was not operating (outside its operation days, or it has none). */
  stationNotOperating: number;
}

export type PlacedSighting = FlankSighting & { detector: SecrDetector };

/** Each sighting either placed or counted under the first reason, in the order of SecrExclusions, that rules it out. */
export function placeSightings(
  sightings: readonly SightingRecord[],
  occasions: readonly Occasion[],
  detectors: readonly SecrDetector[],
): { placed: PlacedSighting[]; excluded: SecrExclusions } {
  const detectorOf = new Map(detectors.map((d) => [d.station.id, d]));
  const excluded: SecrExclusions = {
    noCaptureTime: 0,
    noStation: 0,
    outsidePeriod: 0,
    stationNotOperating: 0,
  };
  const placed: PlacedSighting[] = [];
  for (const s of sightings) {
    const day = captureDay(s.capturedAt);
    if (day === null || s.capturedAt === null) {
      excluded.noCaptureTime++;
      continue;
    }
    if (s.stationId === null) {
      excluded.noStation++;
      continue;
    }
    const occasion = occasionOfDay(occasions, day);
    if (occasion === null) {
      excluded.outsidePeriod++;
      continue;
    }
    const detector = detectorOf.get(s.stationId);
    if (detector === undefined || day < detector.effort.firstDay || day > detector.effort.lastDay) {
      excluded.stationNotOperating++;
      continue;
    }
    placed.push({
      individualCode: s.individualCode,
      flank: s.flank,
      trap: detector.trap,
      occasion: occasion.index,
      capturedAt: s.capturedAt,
      detector,
    });
  }
  return { placed, excluded };
}

/**
 * A line per reason. Sightings without a capture time are said per station with the fix (the caller's
 * `undatedLines`, see undatedWarning), in place of a bare count.
 */
export function exclusionWarnings(e: SecrExclusions, undatedLines: readonly string[]): string[] {
  const lines: [number, string][] = [
    [e.noStation, 'belong to no station'],
    [e.outsidePeriod, 'fall outside the period'],
    [e.stationNotOperating, 'fall on a day their station was not operating (see "tigerid stations")'],
  ];
  return [
    ...undatedLines,
    ...lines.filter(([n]) => n > 0).map(([n, why]) => `${n} sighting(s) left out: they ${why}.`),
  ];
}
