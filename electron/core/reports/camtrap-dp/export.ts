import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../../context';
import { csvLine } from '../../csv';
import { EngineError } from '../../errors';
import { ignoreProgress, type ProgressListener } from '../../progress';
import { parseInput } from '../../validate';
import { prepareOutputFolder, writeFileAtomic } from '../output-path';
import { sightingFilterSchema, type SightingFilter } from '../sightings';
import { buildDescriptor } from './descriptor';
import { buildCamtrapTables } from './export-tables';
import type { RowData } from './records';
import { CAMTRAP_TABLES, tableFields, type CamtrapTable } from './schemas';
import { UTC_OFFSET } from './timestamps';
import { describeValidationError, readCamtrapDp } from './validate';

export interface CamtrapExportOptions {
  overwrite?: boolean;
  /** "+05:30"-style offset for capture times without a zone */
  utcOffset?: string;
  filter?: SightingFilter;
  onProgress?: ProgressListener;
  projectTitle?: string;
}

export interface CamtrapExportSummary {
  folder: string;
  deployments: number;
  media: number;
  observations: number;
  warnings: string[];
}

const optionsSchema = z
  .object({
    overwrite: z.boolean().optional(),
    utcOffset: z
      .string()
      .regex(UTC_OFFSET, 'must be a UTC offset of the form +hh:mm or -hh:mm, such as "+05:30"')
      .optional(),
    filter: sightingFilterSchema.optional(),
    onProgress: z.custom<ProgressListener>((v) => typeof v === 'function', 'must be a function').optional(),
    projectTitle: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

const DESCRIPTOR = 'datapackage.json';
/** How many validation problems an error message quotes; all of them are in `details.errors`. */
const QUOTED_PROBLEMS = 3;

/**
 * Writes the gallery as a Camtrap DP 1.0.2 package into `folder`: datapackage.json, deployments.csv (stations),
 * media.csv (every photo of those stations) and observations.csv (one row per sighting, plus the rows kept from
 * imported packages). The package is validated against the shipped profile and table schemas before anything is
 * written, so an invalid package is never handed out; each file is then written whole.
 *
 * Throws PACKAGE_INVALID when a station has no coordinates, INVALID_ARGUMENT when capture times have no zone and
 * no utcOffset was given, OUTPUT_EXISTS for a non-empty folder without `overwrite`, NOT_FOUND when there is
 * nothing to export.
 */
export async function exportCamtrapDp(
  ctx: CoreContext,
  folder: string,
  options: CamtrapExportOptions = {},
): Promise<CamtrapExportSummary> {
  parseInput(z.string().min(1), folder, 'output folder');
  const o = parseInput(optionsSchema, options, 'Camtrap DP export options');
  const progress = o.onProgress ?? ignoreProgress;

  progress({ phase: 'collect', done: 0, total: undefined, unit: 'rows' });
  const tables = buildCamtrapTables(ctx, { utcOffset: o.utcOffset, filter: o.filter ?? {} });
  if (tables.deployments.length === 0) {
    throw new EngineError(
      'NOT_FOUND',
      'Nothing to export: no station has photos or an operation period (import photos with --station first).',
    );
  }
  const descriptor = buildDescriptor({
    tables,
    id: randomUUID(),
    created: ctx.now(),
    projectTitle: o.projectTitle,
    reviewers: ctx.db
      .prepare('SELECT DISTINCT reviewer FROM decisions ORDER BY reviewer')
      .pluck()
      .all() as string[],
  });
  const files = new Map<string, string>([[DESCRIPTOR, `${JSON.stringify(descriptor, null, 2)}\n`]]);
  for (const table of CAMTRAP_TABLES) files.set(`${table}.csv`, toCsv(table, tables[table]));

  progress({ phase: 'validate', done: 0, total: 1, unit: 'packages' });
  const { errors } = await readCamtrapDp(async (path) => files.get(path));
  if (errors.length > 0) {
    const quoted = errors.slice(0, QUOTED_PROBLEMS).map(describeValidationError).join('; ');
    throw new EngineError(
      'PACKAGE_INVALID',
      `The export would not be a valid Camtrap DP package, so nothing was written (${errors.length} problem(s): ${quoted}).`,
      { details: { errors } },
    );
  }
  progress({ phase: 'validate', done: 1, total: 1, unit: 'packages' });

  const out = prepareOutputFolder(folder, { overwrite: o.overwrite });
  let written = 0;
  for (const [name, text] of files) {
    writeFileAtomic(out.file(name), text);
    progress({ phase: 'write', done: ++written, total: files.size, unit: 'files', message: name });
  }
  ctx.log.info(
    `Camtrap DP export to ${out.path}: ${tables.deployments.length} deployments, ${tables.media.length} media, ${tables.observations.length} observations`,
  );
  return {
    folder: out.path,
    deployments: tables.deployments.length,
    media: tables.media.length,
    observations: tables.observations.length,
    warnings: tables.warnings,
  };
}

/** One CSV with the schema's header; fields a row lacks are empty. */
function toCsv(table: CamtrapTable, rows: RowData[]): string {
  const fields = tableFields(table);
  const lines = [csvLine(fields)];
  for (const row of rows) lines.push(csvLine(fields.map((f) => row[f] ?? '')));
  return lines.join('');
}
