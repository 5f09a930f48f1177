import { resolve, join, relative } from 'node:path';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import { openCore } from '../../core/context';
import { writeDemoCard, type DemoPhoto } from '../../core/demo/demo-card';
import { undecidedDetections } from '../../core/gallery/decisions';
import { decideWithScores } from '../../core/identification/decide';
import { GalleryIndex } from '../../core/identification/gallery-index';
import { identify, storedQueryFeatures } from '../../core/identification/identify';
import { importAndAnalyse } from '../../core/importing/import-and-analyse';
import type { Command } from '../command';
import { analysisLine, summaryLine } from './import';

const DEMO_STATION = 'Demo camera';
const DEMO_REVIEWER = 'demo';

/**
 * The README's first command: the main job end to end on a generated SD card, in a gallery of its own so that the
 * user's real gallery stays clean. It opens one individual from each animal's first photo, as a reviewer would,
 * then identifies every other photo and says whether the right individual came first.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Try the whole job on a generated SD card (import, identify, the first decisions) in a gallery of its own',
  usage: ['demo [--out DIR]'],
  options: {
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'where the demo card and its gallery go (default: ./tigerid-demo)',
    },
  },
  async run(ctx, { values }) {
    const folder = resolve(typeof values.out === 'string' ? values.out : 'tigerid-demo');
    const card = join(folder, 'sdcard');
    const galleryDir = join(folder, 'gallery');
    ctx.err(`Writing a demo SD card of generated striped animals to ${card}\n`);
    const photos = await writeDemoCard(card);

    const core = openCore({ dataDir: galleryDir, log: ctx.log });
    const services = await loadAnalysisServices(core);
    try {
      const progress = ctx.progress('Importing');
      let result;
      try {
        result = await importAndAnalyse(
          core,
          services,
          { folder: card, station: DEMO_STATION },
          { onProgress: progress, signal: ctx.signal },
        );
      } finally {
        progress.done();
      }
      ctx.out(`${summaryLine(result.import)}\n`);
      if (!result.analysis) return 130;
      ctx.out(`${analysisLine(result.analysis).replace(/ Next: .*$/, '')}\n`);

      const detectionOf = new Map(undecidedDetections(core, 1000).map((d) => [d.file, d.detectionId]));
      const first = photos.filter((p) => p.view === 0);
      for (const photo of first) {
        const detectionId = detectionOf.get(photo.file);
        // A second run finds these already decided: the demo never decides twice.
        if (detectionId === undefined) continue;
        const decision = decideWithScores(core, services, new GalleryIndex(core, services), {
          detectionId,
          verdict: 'new-individual',
          newName: `Demo tiger ${photo.individual}`,
          reviewer: DEMO_REVIEWER,
        });
        ctx.out(
          `${relative(folder, photo.file)}: opened a new individual "Demo tiger ${photo.individual}" (decision ${decision.id})\n`,
        );
      }

      const index = new GalleryIndex(core, services);
      const rest = photos.filter((p) => p.view > 0 && detectionOf.has(p.file));
      let right = 0;
      for (const photo of rest) {
        const detectionId = detectionOf.get(photo.file) as number;
        const top = identify(core, services, index, storedQueryFeatures(core, services, detectionId), {
          topK: 3,
          exclude: new Set([detectionId]),
        }).candidates[0];
        const correct = top?.name === `Demo tiger ${photo.individual}`;
        if (correct) right++;
        ctx.out(
          `${relative(folder, photo.file)}: best candidate ${top ? `${top.code} "${top.name ?? ''}" (score ${top.score.toFixed(3)})` : 'none'}${truth(photo, correct)}\n`,
        );
      }
      if (rest.length > 0) {
        ctx.out(`The right individual came first for ${right} of ${rest.length} photos.\n`);
      }
      const data = relative(process.cwd(), galleryDir) || '.';
      ctx.out(
        [
          '',
          'Next:',
          `  npx tigerid review --data ${data}        confirm the remaining photos in the terminal`,
          `  npm run build:renderer && npx tigerid serve --data ${data}    the same in the browser`,
          '  npx tigerid import /path/to/SDCARD --station "Camera 12"    your own photos, in your own gallery',
          '',
        ].join('\n'),
      );
      return 0;
    } finally {
      await services.close();
      core.close();
    }
  },
};

function truth(photo: DemoPhoto, correct: boolean): string {
  return correct ? '' : ` — wrong: this is Demo tiger ${photo.individual}`;
}
