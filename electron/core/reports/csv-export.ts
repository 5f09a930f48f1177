import { z } from 'zod';
import type { CoreContext } from '../context';
import { csvLine } from '../csv';
import { undatedSightingFrames, undatedWarning } from '../gallery/capture-times';
import { listIndividuals } from '../gallery/individuals';
import { parseInput } from '../validate';
import { prepareOutputFile, writeFileAtomic } from './output-path';
import { listSightings, sightingFilterSchema, type SightingFilter, type SightingRecord } from './sightings';

/**
 * Spreadsheet-friendly CSV exports (RFC 4180 quoting, UTF-8 without a byte-order mark, header row, LF line
 * ends): every decided sighting with its evidence, and one summary row per individual.
 */

type Cell = string | number | null;

/**
 * A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV Injection":
 * cells starting with =, +, -, @, tab or carriage return). Only text goes through here: numbers are written as
 * numbers, so a negative latitude stays a number.
 */
export function spreadsheetSafe(text: string | null): string | null {
  return text !== null && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const FUSED = 'fused';
const THRESHOLD = 'threshold';

/** Per-model score keys present in any sighting, in code-unit order so column order never depends on data order. */
function modelScoreKeys(sightings: readonly SightingRecord[]): string[] {
  const keys = new Set<string>();
  for (const s of sightings) {
    for (const key of Object.keys(s.scores)) if (key !== FUSED && key !== THRESHOLD) keys.add(key);
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function sightingRow(s: SightingRecord, models: readonly string[]): Cell[] {
  const text = spreadsheetSafe;
  const versions = Object.entries(s.modelVersions)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, hash]) => `${id}=${hash}`)
    .join(';');
  return [
    text(s.individualCode),
    text(s.individualName),
    s.flank,
    text(s.stationName),
    text(s.capturedAt),
    s.latitude,
    s.longitude,
    text(s.file),
    s.mediaSha256,
    s.box.x,
    s.box.y,
    s.box.w,
    s.box.h,
    text(s.detector),
    s.confidence,
    s.scores[FUSED] ?? null,
    s.scores[THRESHOLD] ?? null,
    ...models.map((m) => s.scores[m] ?? null),
    text(versions || null),
    s.verdict,
    text(s.reviewer),
    text(s.decidedAt),
    text(s.notes),
    s.detectionId,
    s.decisionId,
  ];
}

const sightingsCsvOptions = z
  .object({ overwrite: z.boolean().optional(), filter: sightingFilterSchema.optional() })
  .strict();

export interface CsvExportResult {
  file: string;
  /** Data rows written (the header not counted). */
  rows: number;
  /** What was left out and why, with the fix (sightings without a capture time under a time filter). */
  warnings: string[];
}

/** One row per decided sighting (see listSightings), in capture-time order. */
export function exportSightingsCsv(
  ctx: CoreContext,
  file: string,
  options: { overwrite?: boolean; filter?: SightingFilter } = {},
): CsvExportResult {
  const opts = parseInput(sightingsCsvOptions, options, 'CSV export options');
  const target = prepareOutputFile(file, '.csv', { overwrite: opts.overwrite ?? false });
  const sightings = listSightings(ctx, opts.filter);
  const models = modelScoreKeys(sightings);
  const header = [
    'individual_code',
    'individual_name',
    'flank',
    'station',
    'captured_at',
    'latitude',
    'longitude',
    'file',
    'file_sha256',
    'box_x',
    'box_y',
    'box_w',
    'box_h',
    'detector',
    'detector_confidence',
    'score_fused',
    'score_threshold',
    ...models.map((m) => `score_${m}`),
    'model_versions',
    'verdict',
    'reviewer',
    'decided_at',
    'notes',
    'detection_id',
    'decision_id',
  ];
  const text = [csvLine(header), ...sightings.map((s) => csvLine(sightingRow(s, models)))].join('');
  writeFileAtomic(target, text);
  return { file: target, rows: sightings.length, warnings: undatedUnderTimeFilter(ctx, opts.filter) };
}

/** A from/to filter cannot place a sighting without a capture time: say how many it left out, per station. */
function undatedUnderTimeFilter(ctx: CoreContext, filter: SightingFilter | undefined): string[] {
  if (filter === undefined || (filter.from === undefined && filter.to === undefined)) return [];
  const undated = listSightings(ctx, { ...filter, from: undefined, to: undefined }).filter(
    (s) => s.capturedAt === null,
  );
  return undatedSightingFrames(undated).map((u) =>
    undatedWarning(u, 'the from/to dates cannot tell whether they fall in the period'),
  );
}

/** One row per individual in the gallery (merged and retired ones excluded), by code. */
export function exportIndividualsCsv(
  ctx: CoreContext,
  file: string,
  options: { overwrite?: boolean } = {},
): CsvExportResult {
  const opts = parseInput(
    z.object({ overwrite: z.boolean().optional() }).strict(),
    options,
    'CSV export options',
  );
  const target = prepareOutputFile(file, '.csv', { overwrite: opts.overwrite ?? false });
  const stations = new Map<number, Set<string>>();
  for (const s of listSightings(ctx)) {
    if (s.stationName === null) continue;
    const set = stations.get(s.individualId) ?? new Set<string>();
    set.add(s.stationName);
    stations.set(s.individualId, set);
  }
  const individuals = listIndividuals(ctx);
  const rows = individuals.map((i): Cell[] => [
    spreadsheetSafe(i.code),
    spreadsheetSafe(i.name),
    i.sightings,
    i.flanks.join(';') || null,
    spreadsheetSafe(i.firstSeen),
    spreadsheetSafe(i.lastSeen),
    spreadsheetSafe([...(stations.get(i.id) ?? [])].sort().join(';') || null),
  ]);
  const header = ['code', 'name', 'sightings', 'flanks', 'first_seen', 'last_seen', 'stations'];
  writeFileAtomic(target, [csvLine(header), ...rows.map(csvLine)].join(''));
  return { file: target, rows: individuals.length, warnings: [] };
}
