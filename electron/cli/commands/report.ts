import { APP_VERSION } from '../../core/app-version';
import type { CoreContext } from '../../core/context';
import { findIndividual } from '../../core/gallery/individuals';
import { findStation } from '../../core/gallery/stations';
import { writeMatchReport, type ReportScope } from '../../core/reports/pdf/write-match-report';
import { reviewerName } from '../../core/reviewer';
import { UsageError, type Command, type ParsedArgs } from '../command';

export const reportCommand: Command = {
  name: 'report',
  summary:
    'Write a PDF match report with its evidence (photos, candidates, scores, decision trail, model versions)',
  usage: [
    'report --decision ID --out FILE.pdf [--force]',
    'report --individual ID|CODE --out FILE.pdf [--force]',
    'report [--from DATE] [--to DATE] [--station NAME] --out FILE.pdf [--force]',
  ],
  options: {
    decision: { type: 'string', valueName: 'ID', description: 'report one decision and its evidence' },
    individual: {
      type: 'string',
      valueName: 'ID|CODE',
      description: 'report every standing sighting of one individual',
    },
    from: {
      type: 'string',
      valueName: 'DATE',
      description: 'first capture date of a range, e.g. 2024-03-01',
    },
    to: {
      type: 'string',
      valueName: 'DATE',
      description: 'last capture date of a range (the whole day counts)',
    },
    station: { type: 'string', valueName: 'NAME', description: 'only sightings at this camera station' },
    out: { type: 'string', valueName: 'FILE.pdf', description: 'where to write the report' },
    force: { type: 'boolean', description: 'replace FILE.pdf if it already exists' },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'reviewer of record printed on the report (default: $TIGERID_REVIEWER or your user name)',
    },
  },
  async run(ctx, args) {
    const out = text(args, 'out');
    if (out === undefined) throw new UsageError('say where to write the report with --out FILE.pdf');
    // Usage mistakes are reported before the gallery is opened (opening creates a missing data folder).
    const scope = reportScope(() => ctx.core(), args);
    const core = ctx.core();
    const progress = ctx.progress('Writing report');
    const summary = await writeMatchReport(core, scope, out, {
      overwrite: args.values.force === true,
      appVersion: APP_VERSION,
      reviewerOfRecord: reviewerName(args.values.reviewer, ctx.env),
      onProgress: progress,
    }).finally(() => progress.done());
    if (ctx.json) return void ctx.out(`${JSON.stringify(summary, null, 2)}\n`);
    ctx.out(
      `Wrote ${summary.file}: ${summary.pages} page${summary.pages === 1 ? '' : 's'}, ` +
        `${summary.sightings} sighting${summary.sightings === 1 ? '' : 's'}.\n` +
        `Content seal (SHA-256 of the attached report-content.json): ${summary.sha256}\n`,
    );
  },
};

function text(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Exactly one kind of scope: a decision, an individual, or a range (dates and/or station). */
function reportScope(core: () => CoreContext, args: ParsedArgs): ReportScope {
  if (args.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${args.positionals[0]}"; every input is an option`);
  }
  const decision = text(args, 'decision');
  const individual = text(args, 'individual');
  const range = (['from', 'to', 'station'] as const).filter((name) => text(args, name) !== undefined);
  const kinds = [
    ...(decision === undefined ? [] : ['--decision']),
    ...(individual === undefined ? [] : ['--individual']),
    ...(range.length === 0 ? [] : [range.map((name) => `--${name}`).join('/')]),
  ];
  if (kinds.length === 0) {
    throw new UsageError(
      'say what to report on: --decision, --individual, or a range (--from, --to, --station)',
    );
  }
  if (kinds.length > 1) throw new UsageError(`choose one of ${kinds.join(' and ')}, not several`);
  if (decision !== undefined) {
    if (!/^[1-9]\d*$/.test(decision)) throw new UsageError(`--decision is a decision id, got "${decision}"`);
    return { decisionId: Number(decision) };
  }
  if (individual !== undefined) return { individualId: findIndividual(core(), individual).id };
  const station = text(args, 'station');
  const from = text(args, 'from');
  const to = text(args, 'to');
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(station === undefined ? {} : { stationId: findStation(core(), station).id }),
  };
}
