/**
 * Writes the full-frame identification dev set (see full-frame-dev-set.ts) to a folder, for `tigerid eval`:
 *   npm run devset:full-frames -- /tmp/dev-set && npx tigerid eval --labels /tmp/dev-set/labels.csv
 */
import { resolve } from 'node:path';
import { buildFullFrameDevSet } from './full-frame-dev-set';
import { HAS_ATRW, ATRW_SKIP_REASON } from './shared-data';

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write('usage: npm run devset:full-frames -- DIR\n');
  process.exit(2);
}
if (!HAS_ATRW) {
  process.stderr.write(`Cannot build the dev set: ${ATRW_SKIP_REASON}\n`);
  process.exit(1);
}
const set = await buildFullFrameDevSet(resolve(target));
process.stdout.write(
  `${set.frames} frames in ${set.encounters} encounters under ${resolve(target)}\n` +
    `every frame:     npx tigerid eval --labels ${set.labels}\n` +
    `side views only: npx tigerid eval --labels ${set.sideViewLabels}\n`,
);
