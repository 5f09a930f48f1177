import { loadAnalysisServices } from '../../core/analysis/load-services';
import { calibrateNewIndividual } from '../../core/identification/calibrate';
import { GalleryIndex } from '../../core/identification/gallery-index';
import type { Command } from '../command';
import { matcherName } from '../../core/analysis/matcher-name';

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: 'Set the "new individual?" threshold from the gallery\'s own confirmed sightings',
  usage: ['calibrate [--samples N]'],
  options: {
    samples: { type: 'string', valueName: 'N', description: 'gallery sightings to sample (default 200)' },
  },
  async run(ctx, { values }) {
    const core = ctx.core();
    const maxSamples = values.samples === undefined ? 200 : Number(values.samples);
    if (!Number.isInteger(maxSamples) || maxSamples < 10)
      throw new RangeError(
        `Expected integer of at least 10 for --samples but received ${String(values.samples)}`,
      );
    const services = await loadAnalysisServices(core);
    const progress = ctx.progress('Calibrating');
    try {
      const result = calibrateNewIndividual(core, services, new GalleryIndex(core, services), {
        maxSamples,
        matcher: matcherName(services),
        onProgress: progress,
      });
      progress.done();
      if (ctx.json) return void ctx.out(`${JSON.stringify(result, null, 2)}\n`);
      ctx.out(
        `New-individual threshold: ${result.threshold.toFixed(3)} (from ${result.samples} sightings; ` +
          `${pct(result.knownBelow)} of known tigers would be called new, ${pct(result.unknownAbove)} of unseen tigers would not).\n`,
      );
    } finally {
      await services.close();
    }
  },
};

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
