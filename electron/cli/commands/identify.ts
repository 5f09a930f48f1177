import { loadAnalysisServices } from '../../core/analysis/load-services';
import { GalleryIndex } from '../../core/identification/gallery-index';
import { identify, storedQueryFeatures } from '../../core/identification/identify';
import { identifyImageFile } from '../../core/identification/identify-image';
import { UsageError, type Command } from '../command';
import { formatIdentification } from '../identification-output';

export const identifyCommand: Command = {
  name: 'identify',
  summary: 'Show the candidate individuals for each animal in a photo, or for an imported detection',
  usage: ['identify <image-file>', 'identify <detection-id>'],
  options: {
    top: { type: 'string', valueName: 'N', description: 'how many candidates to show (default 12)' },
  },
  async run(ctx, { positionals, values }) {
    const target = positionals[0];
    if (target === undefined || positionals.length > 1)
      throw new UsageError('give one image file or detection id');
    const topK = values.top === undefined ? undefined : Number(values.top);
    if (topK !== undefined && (!Number.isInteger(topK) || topK < 1 || topK > 100)) {
      throw new UsageError(`--top takes a whole number from 1 to 100, got "${String(values.top)}"`);
    }
    const core = ctx.core();
    const services = await loadAnalysisServices(core, { remote: ctx.remote() });
    try {
      const index = new GalleryIndex(core, services);
      const options = topK === undefined ? {} : { topK };
      if (/^\d+$/.test(target)) {
        const detectionId = Number(target);
        const result = identify(core, services, index, storedQueryFeatures(core, services, detectionId), {
          ...options,
          exclude: new Set([detectionId]),
        });
        ctx.out(
          ctx.json
            ? `${JSON.stringify({ detectionId, ...result }, null, 2)}\n`
            : formatIdentification(result),
        );
        return;
      }
      const warned = new Set<string>();
      const animals = await identifyImageFile(core, services, index, target, {
        ...options,
        onModelUnavailable: (modelId, reason) => {
          if (warned.has(modelId)) return;
          warned.add(modelId);
          ctx.err(`warning: identified without ${modelId}: ${reason}\n`);
        },
      });
      if (ctx.json) return void ctx.out(`${JSON.stringify(animals, null, 2)}\n`);
      if (animals.length === 0) {
        ctx.out('No animal with usable stripes was found in this photo.\n');
        return 1;
      }
      animals.forEach((a, i) => {
        const where =
          a.confidence === null
            ? 'whole frame (no detector installed)'
            : `box ${fmtBox(a.box)}, confidence ${a.confidence.toFixed(2)}`;
        ctx.out(
          `${animals.length > 1 ? `Animal ${i + 1}: ` : ''}${where}${a.detectionId ? `, detection ${a.detectionId}` : ''}\n`,
        );
        ctx.out(formatIdentification(a));
      });
    } finally {
      await services.close();
    }
  },
};

function fmtBox(box: { x: number; y: number; w: number; h: number }): string {
  return [box.x, box.y, box.w, box.h].map((v) => v.toFixed(3)).join(',');
}
