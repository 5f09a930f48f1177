import { csvLine } from '../../csv';
import type { SecrDetector } from './detectors';
import type { FlankHistory } from './flank-captures';
import type { UtmZone } from './utm';

/** The text of each file of a secr export. */

export interface CaptureLine {
  id: string;
  occasion: number;
  detector: SecrDetector;
}

const lines = (rows: string[]) => rows.map((row) => `${row}\n`).join('');

/** captures.txt: "Session ID Occasion Detector", the trapID form of secr's capture format. */
export function capturesText(session: string, captures: readonly CaptureLine[]): string {
  return lines([
    '# Session ID Occasion Detector',
    ...captures.map((c) => `${session} ${c.id} ${c.occasion} ${c.detector.id}`),
  ]);
}

/** traps.txt: "Detector X Y Usage", whole metres, the usage string with one 0/1 code per occasion. */
export function trapsText(zone: UtmZone & { epsg: number }, detectors: readonly SecrDetector[]): string {
  return lines([
    `# UTM zone ${zone.zone}${zone.hemisphere}, WGS84 (EPSG:${zone.epsg}): X easting and Y northing in metres; usage: one code per occasion, 1 = operating`,
    '# Detector X Y Usage',
    ...detectors.map((d) => `${d.id} ${Math.round(d.x)} ${Math.round(d.y)} ${d.usage}`),
  ]);
}

/** flank-captures.csv: SPIM build.data's ID, trap, occ, type, then the code and detector for people. */
export function flankCapturesCsv(history: FlankHistory, detectors: readonly SecrDetector[]): string {
  const detectorOf = new Map(detectors.map((d) => [d.trap, d.id]));
  return [
    csvLine(['ID', 'trap', 'occ', 'type', 'code', 'detector']),
    ...history.captures.map((c) =>
      csvLine([c.id, c.trap, c.occasion, c.type, c.code, detectorOf.get(c.trap)]),
    ),
  ].join('');
}

/** flank-individuals.csv: SPIM ID to code and name, and whether the identity is complete (R logicals). */
export function flankIndividualsCsv(
  history: FlankHistory,
  names: ReadonlyMap<string, string | null>,
): string {
  return [
    csvLine(['ID', 'code', 'name', 'complete', 'flank']),
    ...history.individuals.map((i) =>
      csvLine([i.id, i.code, names.get(i.code), i.complete ? 'TRUE' : 'FALSE', i.flank]),
    ),
  ].join('');
}
