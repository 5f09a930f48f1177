import { findStation } from '../../core/gallery/stations';
import { exportSecr } from '../../core/reports/capture-history/secr';
import { exportCamtrapDp } from '../../core/reports/camtrap-dp/export';
import { exportIndividualsCsv, exportSightingsCsv } from '../../core/reports/csv-export';
import type { SightingFilter } from '../../core/reports/sightings';
import { UsageError, type CliContext, type Command, type ParsedArgs } from '../command';

const USAGE = [
  'export csv <file.csv> [--from DATE] [--to DATE] [--station NAME] [--force]',
  'export csv <file.csv> --individuals [--force]',
  'export camtrap-dp <folder> [--utc-offset +HH:MM] [--force]',
  'export secr <folder> [--occasion-days N] [--start DATE] [--end DATE] [--session NAME] [--flank-aware] [--force]',
];

const FORMATS = ['csv', 'camtrap-dp', 'secr'];

type Values = ParsedArgs['values'];

function text(values: Values, key: string): string | undefined {
  const value = values[key];
  return typeof value === 'string' ? value : undefined;
}

/** Options that belong to another format are a mistake worth saying, not something to ignore. */
function refuseOptions(values: Values, format: string, keys: string[]): void {
  const given = keys.filter((k) => values[k] !== undefined);
  if (given.length > 0) {
    throw new UsageError(`${given.map((k) => `--${k}`).join(', ')} do(es) not apply to "export ${format}"`);
  }
}

function exportCsv(ctx: CliContext, target: string, values: Values): void {
  refuseOptions(values, 'csv', ['utc-offset', 'occasion-days', 'start', 'end', 'session', 'flank-aware']);
  const overwrite = values.force === true;
  if (values.individuals === true) {
    refuseOptions(values, 'csv --individuals', ['from', 'to', 'station']);
    const result = exportIndividualsCsv(ctx.core(), target, { overwrite });
    if (ctx.json) return void ctx.out(`${JSON.stringify(result, null, 2)}\n`);
    return void ctx.out(`Wrote ${result.rows} individual(s) to ${result.file}.\n`);
  }
  const filter: SightingFilter = {};
  const from = text(values, 'from');
  const to = text(values, 'to');
  const station = text(values, 'station');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (station !== undefined) filter.stationId = findStation(ctx.core(), station).id;
  const result = exportSightingsCsv(ctx.core(), target, { overwrite, filter });
  for (const warning of result.warnings) ctx.log.warn(warning);
  if (ctx.json) return void ctx.out(`${JSON.stringify(result, null, 2)}\n`);
  ctx.out(`Wrote ${result.rows} sighting(s) to ${result.file}.\n`);
}

async function exportCamtrap(ctx: CliContext, target: string, values: Values): Promise<void> {
  refuseOptions(values, 'camtrap-dp', [
    'individuals',
    'from',
    'to',
    'station',
    'occasion-days',
    'start',
    'end',
    'session',
    'flank-aware',
  ]);
  const utcOffset = text(values, 'utc-offset');
  const progress = ctx.progress('Exporting Camtrap DP');
  let result: Awaited<ReturnType<typeof exportCamtrapDp>>;
  try {
    result = await exportCamtrapDp(ctx.core(), target, {
      overwrite: values.force === true,
      ...(utcOffset !== undefined && { utcOffset }),
      onProgress: progress,
    });
  } finally {
    progress.done();
  }
  for (const warning of result.warnings) ctx.log.warn(warning);
  if (ctx.json) return void ctx.out(`${JSON.stringify(result, null, 2)}\n`);
  ctx.out(
    `Wrote a Camtrap DP package to ${result.folder}: ${result.deployments} deployment(s), ${result.media} media, ${result.observations} observation(s).\n`,
  );
}

function exportSecrFiles(ctx: CliContext, target: string, values: Values): void {
  refuseOptions(values, 'secr', ['individuals', 'from', 'to', 'station', 'utc-offset']);
  const days = text(values, 'occasion-days');
  if (days !== undefined && !/^\d+$/.test(days)) {
    throw new UsageError(`--occasion-days takes a whole number of days, got "${days}"`);
  }
  const start = text(values, 'start');
  const end = text(values, 'end');
  const session = text(values, 'session');
  const result = exportSecr(ctx.core(), target, {
    overwrite: values.force === true,
    flankAware: values['flank-aware'] === true,
    ...(days !== undefined && { occasionDays: Number(days) }),
    ...(start !== undefined && { start }),
    ...(end !== undefined && { end }),
    ...(session !== undefined && { session }),
  });
  for (const warning of result.warnings) ctx.log.warn(warning);
  if (ctx.json) return void ctx.out(`${JSON.stringify(result, null, 2)}\n`);
  ctx.out(
    `Wrote ${result.files.join(', ')} to ${result.folder}: ${result.captures} capture(s) of ${result.individuals} individual(s) at ${result.detectors} station(s) over ${result.occasions} occasion(s) of ${result.occasionDays} day(s), ${result.start} to ${result.end}; UTM zone ${result.utm.zone}${result.utm.hemisphere}.\n`,
  );
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export sightings for analysis: CSV, a Camtrap DP package, or secr capture histories',
  usage: USAGE,
  options: {
    force: { type: 'boolean', description: 'replace an existing file, or write into a non-empty folder' },
    individuals: { type: 'boolean', description: 'csv: one row per individual instead of one per sighting' },
    from: { type: 'string', valueName: 'DATE', description: 'csv: sightings captured on or after DATE' },
    to: { type: 'string', valueName: 'DATE', description: 'csv: sightings captured on or before DATE' },
    station: { type: 'string', valueName: 'NAME', description: 'csv: sightings at this station only' },
    'utc-offset': {
      type: 'string',
      valueName: '+HH:MM',
      description: 'camtrap-dp: the cameras’ UTC offset, for capture times recorded without one',
    },
    'occasion-days': {
      type: 'string',
      valueName: 'N',
      description: 'secr: days per sampling occasion (default 1)',
    },
    start: {
      type: 'string',
      valueName: 'DATE',
      description: 'secr: first day of the period (default: first station operation or photo)',
    },
    end: {
      type: 'string',
      valueName: 'DATE',
      description: 'secr: last day of the period (default: last station operation or photo)',
    },
    session: {
      type: 'string',
      valueName: 'NAME',
      description: 'secr: session name (default: the start date)',
    },
    'flank-aware': {
      type: 'boolean',
      description: 'secr: also write flank-typed captures (B/L/R) for spatial partial identity models',
    },
  },
  async run(ctx, { positionals, values }) {
    const [format, target, ...extra] = positionals;
    if (format === undefined) throw new UsageError('which format? csv, camtrap-dp or secr');
    if (!FORMATS.includes(format))
      throw new UsageError(`unknown format "${format}": csv, camtrap-dp or secr`);
    if (target === undefined) throw new UsageError(`"export ${format}" needs where to write`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    switch (format) {
      case 'csv':
        return void exportCsv(ctx, target, values);
      case 'camtrap-dp':
        return void (await exportCamtrap(ctx, target, values));
      case 'secr':
        return void exportSecrFiles(ctx, target, values);
    }
  },
};
