import { loadAnalysisServices } from '../../core/analysis/load-services';
import { matcherName } from '../../core/analysis/matcher-name';
import { runEvaluation } from '../../core/evaluation/run-evaluation';
import { UsageError, type Command } from '../command';
import { formatTable } from '../table';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Measure re-identification accuracy on labelled photos (rank-1/5, mAP, open-set AUROC, speed)',
  usage: ['eval --labels labels.csv [--root DIR] [--models ID,...] [--json]'],
  options: {
    labels: {
      type: 'string',
      valueName: 'CSV',
      description: 'CSV with individual_id,file[,flank,encounter,station]',
    },
    root: {
      type: 'string',
      valueName: 'DIR',
      description: "folder the files are relative to (default: the CSV's folder)",
    },
    models: {
      type: 'string',
      valueName: 'IDS',
      description: 'installed models to use besides the stripe matcher (default: all installed)',
    },
  },
  async run(ctx, { values }) {
    if (typeof values.labels !== 'string') throw new UsageError('--labels is required');
    const core = ctx.core();
    const models =
      typeof values.models === 'string'
        ? values.models
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    const services = await loadAnalysisServices(core, models ? { models } : {});
    const progress = ctx.progress('Evaluating');
    try {
      const report = await runEvaluation(services, {
        labels: values.labels,
        ...(typeof values.root === 'string' ? { root: values.root } : {}),
        matcher: matcherName(services),
        log: ctx.log,
        onProgress: progress,
        signal: ctx.signal,
      });
      progress.done();
      if (ctx.json) return void ctx.out(`${JSON.stringify(report, null, 2)}\n`);
      const f = (x: number) => x.toFixed(3);
      ctx.out(
        formatTable(
          ['metric', 'value'],
          [
            ['rank-1', f(report.rank1)],
            ['rank-5', f(report.rank5)],
            ['mAP', f(report.mAP)],
            ['open-set AUROC', f(report.openSetAUROC)],
            ['new-individual threshold', f(report.newIndividualThreshold)],
            ['unknown called new', f(report.unknownCalledNew)],
            ['known called new', f(report.knownCalledNew)],
            [
              'confident answers: precision (share)',
              `${f(report.confident.precision)} (${f(report.confident.share)})`,
            ],
            ['views judged not identifiable', f(report.notIdentifiable)],
            ...(report.perEncounter
              ? [
                  [
                    'per encounter: rank-1 / rank-5',
                    `${f(report.perEncounter.rank1)} / ${f(report.perEncounter.rank5)}`,
                  ],
                  [
                    'per encounter: confident precision (share)',
                    `${f(report.perEncounter.confident.precision)} (${f(report.perEncounter.confident.share)})`,
                  ],
                  [
                    'encounters (known)',
                    `${report.perEncounter.encounters} (${report.perEncounter.knownEncounters})`,
                  ],
                ]
              : []),
            ['queries per second', report.queriesPerSecond.toFixed(2)],
            [
              'queries (known + unknown)',
              `${report.queries} (${report.knownQueries} + ${report.unknownQueries})`,
            ],
            ['query frames set aside as empty', String(report.setAsideQueries)],
            ['gallery images / individuals', `${report.galleryImages} / ${report.galleryIndividuals}`],
            ['peak memory', `${report.peakMemoryMB} MB`],
            ['matcher', report.matcher],
          ],
        ),
      );
      if (report.failedQueries.length > 0)
        ctx.err(
          `${report.failedQueries.length} query image(s) failed; first: ${report.failedQueries[0]?.file}: ${report.failedQueries[0]?.reason}\n`,
        );
    } finally {
      await services.close();
    }
  },
};
