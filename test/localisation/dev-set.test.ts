import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedBox } from '../../electron/core/images/crop';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../../electron/core/inference/detector';
import { importAndAnalyse } from '../../electron/core/importing/import-and-analyse';
import { loadStripeMatcher } from '../../electron/core/matching/stripe-matcher';
import {
  boxIou,
  buildDevSet,
  NEGATIVES_DIR,
  SNOW_LEOPARD_DIR,
  type DevFrame,
} from '../support/localisation-dev-set';
import { ATRW_DIR, HAS_ATRW } from '../support/shared-data';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

/**
 * Localisation measured on real frames (issue 10): the dev set of test/support/localisation-dev-set.ts (137 real
 * negatives, 40 of them blank, plus 60 real ATRW tigers pasted on real blanks) imported as two stations with no
 * detector installed, and the 17 real snow-leopard frames of one station. Figures (seed 7, deterministic):
 * - 31 of 40 blanks set aside (78 %). Of the other 9, 8 are the only frame of their scene in the set apart from
 *   the one tiger frame pasted on it: with a single other frame nothing tells which of the two holds the animal,
 *   so they stay whole frames ('unknown'); 1 got a small false box.
 * - 0 of 60 tiger frames set aside; 53 of 60 boxed, median IoU with the pasted tiger 0.85, 53 with IoU ≥ 0.5 (the
 *   other 7 are whole frames: no second frame of their scene).
 * - 41 of 97 other-animal frames set aside: small or dark animals (birds, rodents, deer at night) below the
 *   region size, or the same animal in a near-identical frame of the set (their capture times are lost, so no
 *   burst tells them apart). They can be pulled back ('frames.restore').
 * - Snow leopards (one station, bursts 2–5 s apart, so burst motion; no background from other triggers): 0 of 17
 *   set aside; 13 boxed, of which 9 with a box over the leopard and 4 with only a fragment of it (its head, where
 *   it sat still through the burst); 4 whole frames (the lone frame of 24 Nov, and 3 where nothing moved);
 *   Reconyx strips (2.3 % top and bottom) out of every box.
 */
const HAS_DATA =
  HAS_ATRW &&
  existsSync(join(NEGATIVES_DIR, 'manifest.csv')) &&
  existsSync(join(SNOW_LEOPARD_DIR, 'labels.csv'));
const SKIP = HAS_DATA ? '' : ` (skipped: ${NEGATIVES_DIR}, ${SNOW_LEOPARD_DIR} or ${ATRW_DIR} is absent)`;

interface Found {
  content: string | null;
  boxes: (NormalisedBox & { detector: string })[];
  strip: { top: number; bottom: number };
}

describe.skipIf(!HAS_DATA)(`localisation on real camera-trap frames${SKIP}`, () => {
  const dir = tempDir('tigerid-localisation-dev-');
  const core = tempCore();
  let frames: DevFrame[] = [];
  const found = new Map<string, Found>();

  beforeAll(async () => {
    frames = await buildDevSet(join(dir.path, 'card'));
    const leopards = join(dir.path, 'snow-leopards');
    mkdirSync(leopards);
    for (const line of readFileSync(join(SNOW_LEOPARD_DIR, 'labels.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)) {
      const file = line.split(',')[1]!;
      copyFileSync(join(SNOW_LEOPARD_DIR, file), join(leopards, file.split('/').at(-1)!));
    }
    const services = {
      detector: { id: WHOLE_FRAME_DETECTOR, detect: async () => [wholeFrameDetection()] },
      stripes: await loadStripeMatcher(),
      embedders: [],
    };
    for (const station of ['cam-747', 'cam-768']) {
      await importAndAnalyse(core, services, { folder: join(dir.path, 'card', station), station });
    }
    await importAndAnalyse(core, services, { folder: leopards, station: 'C1_Avgarch' });
    const media = core.db.prepare('SELECT id, path, content, strip_top, strip_bottom FROM media').all() as {
      id: number;
      path: string;
      content: string | null;
      strip_top: number;
      strip_bottom: number;
    }[];
    const detections = core.db.prepare(
      'SELECT box_x AS x, box_y AS y, box_w AS w, box_h AS h, detector FROM detections WHERE media_id = ?',
    );
    for (const m of media) {
      found.set(m.path, {
        content: m.content,
        boxes: detections.all(m.id) as Found['boxes'],
        strip: { top: m.strip_top, bottom: m.strip_bottom },
      });
    }
  }, 600_000);
  afterAll(() => {
    core.cleanup();
    dir.cleanup();
  });

  it('sets most blanks aside, never a tiger frame, and boxes the pasted tigers', () => {
    const of = (kind: DevFrame['kind']) =>
      frames.filter((f) => f.kind === kind).map((f) => found.get(f.path)!);
    const empty = (list: Found[]) => list.filter((f) => f.content === 'empty').length;
    const blanks = of('blank');
    const tigers = frames.filter((f) => f.kind === 'tiger');
    const others = of('other');
    const ious = tigers
      .map((t) => Math.max(0, ...found.get(t.path)!.boxes.map((b) => boxIou(b, t.truth!))))
      .sort((a, b) => a - b);
    const boxed = tigers.filter((t) => found.get(t.path)!.content === 'animal').length;
    const figures = {
      blanksSetAside: `${empty(blanks)}/${blanks.length}`,
      tigerFramesSetAside: `${empty(tigers.map((t) => found.get(t.path)!))}/${tigers.length}`,
      otherAnimalFramesSetAside: `${empty(others)}/${others.length}`,
      tigerFramesWithBoxes: `${boxed}/${tigers.length}`,
      tigerIouMedian: ious[Math.floor(ious.length / 2)]!.toFixed(2),
      tigerIouAtLeastHalf: `${ious.filter((v) => v >= 0.5).length}/${tigers.length}`,
    };
    console.log('localisation dev set', figures);
    expect(blanks).toHaveLength(40);
    expect(others).toHaveLength(97);
    expect(tigers).toHaveLength(60);
    expect(empty(tigers.map((t) => found.get(t.path)!))).toBe(0);
    expect(empty(blanks)).toBeGreaterThanOrEqual(30);
    expect(ious.filter((v) => v >= 0.5).length).toBeGreaterThanOrEqual(50);
  });

  it('keeps every snow-leopard frame, with the Reconyx strips out of every box', () => {
    const leopards = [...found.entries()]
      .filter(([path]) => path.includes('snow-leopards'))
      .map(([, f]) => f);
    expect(leopards).toHaveLength(17);
    const byContent = (c: string) => leopards.filter((f) => f.content === c).length;
    console.log('snow leopards', {
      animal: byContent('animal'),
      unknown: byContent('unknown'),
      empty: byContent('empty'),
    });
    expect(byContent('empty')).toBe(0);
    expect(byContent('animal')).toBeGreaterThanOrEqual(12);
    for (const f of leopards) {
      expect(f.strip.top).toBeGreaterThanOrEqual(0.02);
      expect(f.strip.bottom).toBeGreaterThanOrEqual(0.02);
      for (const b of f.boxes) {
        expect(b.y).toBeGreaterThanOrEqual(f.strip.top);
        expect(b.y + b.h).toBeLessThanOrEqual(1 - f.strip.bottom + 1e-9);
      }
    }
  });
});
