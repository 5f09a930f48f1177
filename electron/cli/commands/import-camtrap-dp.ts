import { isEngineError } from '../../core/errors';
import { analysePending, type PendingAnalysisSummary } from '../../core/analysis/analyse-media';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import { importCamtrapDp, type CamtrapImportSummary } from '../../core/reports/camtrap-dp/import';
import { analysisLine } from './import';
import { describeValidationError, type ValidationError } from '../../core/reports/camtrap-dp/validate';
import { UsageError, type Command } from '../command';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;
/** Rows without a local photo are normal (a package usually links its media by URL): name a few, count the rest. */
const NOT_IMPORTED_LISTED = 10;

export const importCamtrapDpCommand: Command = {
  name: 'import-camtrap-dp',
  summary:
    'Import a Camtrap DP 1.0.2 package: deployments become stations, local photos are imported, identified tigers become decided sightings; running it again adds nothing',
  usage: ['import-camtrap-dp <package-dir>'],
  options: {},
  async run(ctx, { positionals }) {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'give the package folder (the one with datapackage.json)'
          : 'give exactly one package folder',
      );
    }
    const progress = ctx.progress('Importing');
    let summary: CamtrapImportSummary;
    try {
      summary = await importCamtrapDp(ctx.core(), positionals[0] as string, {
        onProgress: progress,
        signal: ctx.signal,
      });
    } catch (error) {
      progress.done();
      // The one-line error says how many problems; each one goes to stderr first, with its file, row and field.
      if (isEngineError(error, 'PACKAGE_INVALID')) {
        for (const problem of (error.details?.errors ?? []) as ValidationError[]) {
          ctx.err(`invalid: ${describeValidationError(problem)}\n`);
        }
      }
      throw error;
    }
    progress.done();

    const { notImported, failed } = summary.media;
    for (const item of notImported.slice(0, NOT_IMPORTED_LISTED)) {
      ctx.err(`${item.reason}: media ${item.mediaID} (${item.filePath})\n`);
    }
    if (notImported.length > NOT_IMPORTED_LISTED) {
      ctx.err(
        `... and ${notImported.length - NOT_IMPORTED_LISTED} more media rows without a local photo (--json lists them all); their rows are kept for export.\n`,
      );
    }
    for (const item of failed) {
      ctx.err(`failed: ${item.path} (media ${item.mediaID}): ${item.message} [${item.code}]\n`);
    }
    // The imported photos are analysed like any import: a partner's boxes are described (not detected again), so
    // their tigers become match candidates for new photos.
    let analysis: PendingAnalysisSummary | undefined;
    if (summary.completed && !ctx.signal.aborted) {
      const services = await loadAnalysisServices(ctx.core(), { remote: ctx.remote() });
      const analysing = ctx.progress('Analysing');
      try {
        analysis = await analysePending(ctx.core(), services, { onProgress: analysing, signal: ctx.signal });
      } finally {
        analysing.done();
        await services.close();
      }
      for (const failure of analysis.failed) {
        ctx.err(`analysis failed: ${failure.file}: ${failure.error?.message} [${failure.error?.code}]\n`);
      }
    }
    if (ctx.json) ctx.out(`${JSON.stringify({ ...summary, analysis }, null, 2)}\n`);
    else ctx.out(`${summaryText(summary)}${analysis ? `${analysisLine(analysis)}\n` : ''}`);
    return summary.completed && !ctx.signal.aborted ? 0 : EXIT_INTERRUPTED;
  },
};

/** Answers "did it work?" with every outcome counted, failures included. */
function summaryText(s: CamtrapImportSummary): string {
  const { deployments: d, media: m, observations: o } = s;
  const head = s.completed ? 'Imported' : 'Stopped early: imported';
  const lines = [
    `${head} Camtrap DP package ${s.title === null ? s.packageKey : `"${s.title}"`} from ${s.folder} in ${(s.elapsedMs / 1000).toFixed(1)} s:`,
    `  ${d.total} deployment(s): ${d.stationsCreated.length} new station(s), ${d.alreadyImported} already imported`,
    `  ${m.total} media: ${m.imported} photo(s) imported, ${m.duplicates} already in the gallery, ` +
      `${m.alreadyImported} imported before, ${m.notImported.length} without a local photo, ${m.failed.length} failed`,
  ];
  if (s.completed) {
    lines.push(
      `  ${o.total} observation(s): ${o.sightings} tiger sighting(s) decided, ${o.kept} kept as package rows, ` +
        `${o.alreadyImported} imported before; ${s.individualsCreated.length} new individual(s)`,
    );
  } else {
    lines.push('  Observations are imported once every photo is: run the same command again to resume.');
  }
  return `${lines.join('\n')}\n`;
}
