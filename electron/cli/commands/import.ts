import type { PendingAnalysisSummary } from '../../core/analysis/analyse-media';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import { importAndAnalyse, type ImportAndAnalyseResult } from '../../core/importing/import-and-analyse';
import type { ImportSummary } from '../../core/importing/import-folder';
import { jobCounts } from '../../core/queue/job-store';
import { UsageError, type Command } from '../command';
import { syncNow } from './queue';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

export const importCommand: Command = {
  name: 'import',
  summary:
    'Import the camera-trap photos under a folder (recursively) into the gallery; running it again resumes or picks up new files',
  usage: ['import <folder> [--station NAME]'],
  options: {
    station: {
      type: 'string',
      valueName: 'NAME',
      description: 'camera station (deployment) the photos come from; created if new',
    },
  },
  async run(ctx, { positionals, values }) {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? 'give the folder to import' : 'give exactly one folder',
      );
    }
    const folder = positionals[0] as string;
    const station = typeof values.station === 'string' ? values.station : undefined;

    const remote = ctx.remote();
    const services = await loadAnalysisServices(ctx.core(), { remote });
    const progress = ctx.progress('Importing');
    let result: ImportAndAnalyseResult;
    try {
      // A missing or unreadable folder throws an EngineError: the CLI prints its one line and exits 1.
      result = await importAndAnalyse(
        ctx.core(),
        services,
        { folder, station },
        { onProgress: progress, signal: ctx.signal },
      );
    } finally {
      progress.done();
      await services.close();
    }
    const { import: summary, analysis } = result;
    for (const failure of summary.failed) {
      ctx.err(`failed: ${failure.path}: ${failure.message} [${failure.code}]\n`);
    }
    for (const failure of analysis?.failed ?? []) {
      ctx.err(`analysis failed: ${failure.file}: ${failure.error?.message} [${failure.error?.code}]\n`);
    }
    if (ctx.json) {
      ctx.out(`${JSON.stringify({ ...summary, analysis }, null, 2)}\n`);
    } else {
      ctx.out(`${summaryLine(summary)}\n`);
      if (analysis) ctx.out(`${analysisLine(analysis)}\n`);
    }
    if (!summary.completed || ctx.signal.aborted) return EXIT_INTERRUPTED;
    const queued = jobCounts(ctx.core()).pending;
    if (queued > 0 && remote.modal.configured && (await remote.connectivity.probe())) {
      ctx.err(`Sending ${queued} queued identification(s) to Modal...\n`);
      await syncNow(ctx);
    } else if (queued > 0) {
      ctx.err(
        `${queued} identification(s) wait in the offline queue for Modal; they are sent by "tigerid queue sync" or by the app when the connection returns.\n`,
      );
    }
    return 0;
  },
};

/** One line on the analysis after an import; shared by the commands that bring photos in. */
export function analysisLine(analysis: PendingAnalysisSummary): string {
  const failed =
    analysis.failed.length > 0 ? `; ${analysis.failed.length} could not be analysed (listed above)` : '';
  const next = analysis.detections > 0 ? ' Next: "tigerid review".' : '';
  // Frames that showed only their camera's background: no detection, out of Review, listed in the app.
  const empty =
    analysis.empty > 0
      ? `; ${analysis.empty} empty frame${analysis.empty === 1 ? '' : 's'} set aside (only the background)`
      : '';
  return `Analysed ${analysis.analysed} image(s): ${analysis.detections} animal detection(s)${empty}${failed}.${next}`;
}

/** One line that answers "did it work?": counts of every outcome, failures included. */
export function summaryLine(summary: ImportSummary): string {
  const where =
    summary.station === null ? summary.folder : `${summary.folder} (station "${summary.station}")`;
  const parts = [
    `${summary.duplicates} duplicate${summary.duplicates === 1 ? '' : 's'}`,
    `${summary.failed.length} failed`,
  ];
  const skipped = summary.skipped.hidden + summary.skipped.notImages;
  if (skipped > 0) parts.push(`${skipped} non-image or hidden file${skipped === 1 ? '' : 's'} skipped`);
  if (summary.skipped.alreadyRecorded > 0) {
    parts.push(`${summary.skipped.alreadyRecorded} already done by an earlier run`);
  }
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  const head = summary.completed ? 'Imported' : 'Stopped early: imported';
  const tail = summary.completed ? '' : ' Run the same command again to resume.';
  return `${head} ${summary.imported} new image${summary.imported === 1 ? '' : 's'} from ${where}: ${parts.join(', ')}; ${seconds} s.${tail}`;
}
