import { benchAlikeOverhead } from './alike-overhead';
import { benchIdentifyScaling } from './identify-scaling';
import { benchExportRate } from './export-rate';
import { benchImportRate } from './import-rate';
import { benchQueueDrain, benchStaggered } from './queue-drain';
import { benchUiReview } from './ui-review';
import { benchUiServe } from './ui-serve';

/**
 * `npm run bench`: prints one JSON object of figures. Every speed is reported beside a baseline measured in the
 * same run, because these machines are shared and absolute timings drift.
 */
const sections: Record<string, () => Promise<unknown>> = {
  importRate: benchImportRate,
  identifyScaling: benchIdentifyScaling,
  uiServe: benchUiServe,
  uiReview: benchUiReview,
  queueDrain: benchQueueDrain,
  staggered: benchStaggered,
  exportRate: benchExportRate,
  alikeOverhead: benchAlikeOverhead,
};

const only = process.argv.slice(2);
const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version };
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const start = performance.now();
  try {
    results[name] = await run();
  } catch (error) {
    results[name] = { error: (error as Error).message };
    process.exitCode = 1;
  }
  process.stderr.write(`${name}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
