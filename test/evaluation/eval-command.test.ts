import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../../electron/core/evaluation/run-evaluation';
import { runCli } from '../support/run-cli';
import { ATRW_DIR, ATRW_SKIP_REASON, HAS_ATRW } from '../support/shared-data';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';

const REQUIRED_KEYS = [
  'rank1',
  'rank5',
  'mAP',
  'openSetAUROC',
  'newIndividualThreshold',
  'queriesPerSecond',
  'queries',
  'galleryImages',
  'matcher',
];

const dir = tempDir('tigerid-eval-test-');
afterAll(() => dir.cleanup());

describe('tigerid eval', () => {
  it('measures the built-in matcher on labelled synthetic tigers, leaving the user gallery untouched', async () => {
    const lines = ['individual_id,file'];
    for (let individual = 1; individual <= 10; individual++) {
      mkdirSync(join(dir.path, 'photos', `t${individual}`), { recursive: true });
      for (let view = 0; view < 4; view++) {
        const file = `photos/t${individual}/v${view}.jpg`;
        writeFileSync(join(dir.path, file), await syntheticTigerPhoto(individual, view, 480, 320));
        lines.push(`tiger-${individual},${file}`);
      }
    }
    writeFileSync(join(dir.path, 'labels.csv'), `${lines.join('\n')}\n`);
    const data = join(dir.path, 'user-data');
    const result = await runCli(['eval', '--labels', join(dir.path, 'labels.csv'), '--json', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, number | string>;
    for (const key of REQUIRED_KEYS) expect(report).toHaveProperty(key);
    // 2 of 10 individuals are held out; the other 8 put 2 photos each in the gallery and query with 2.
    expect(report.galleryImages).toBe(16);
    expect(report.queries).toBe(16 + 8);
    expect(report.rank1).toBeGreaterThanOrEqual(0.9);
    expect(report.openSetAUROC).toBeGreaterThan(0.8);
    expect(report.matcher).toMatch(/^builtin-stripes@/);
    const list = await runCli(['individuals', 'list', '--json', '--data', data]);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('fuses the frames of each query encounter, so an unidentifiable frame is carried by its burst', async () => {
    // Each individual has two encounters of three frames; the query encounter's last frame shows no stripes (an
    // empty patch of grass, as a face or rump frame gives the stripe matcher nothing).
    const lines = ['individual_id,file,encounter'];
    const blank = await sharp({
      create: { width: 480, height: 320, channels: 3, background: { r: 107, g: 143, b: 78 } },
    })
      .jpeg()
      .toBuffer();
    for (let individual = 1; individual <= 10; individual++) {
      mkdirSync(join(dir.path, 'bursts', `t${individual}`), { recursive: true });
      for (let view = 0; view < 6; view++) {
        const file = `bursts/t${individual}/v${view}.jpg`;
        const photo =
          view === 5
            ? await sharp(blank)
                .modulate({ brightness: 1 + individual / 100 })
                .jpeg()
                .toBuffer()
            : await syntheticTigerPhoto(individual, view, 480, 320);
        writeFileSync(join(dir.path, file), photo);
        lines.push(`tiger-${individual},${file},enc-${view < 3 ? 1 : 2}`);
      }
    }
    writeFileSync(join(dir.path, 'bursts.csv'), `${lines.join('\n')}\n`);
    const result = await runCli([
      'eval',
      '--labels',
      join(dir.path, 'bursts.csv'),
      '--json',
      '--data',
      join(dir.path, 'd-bursts'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EvaluationReport;
    // 8 known individuals query their second encounter (3 frames each); 2 unknown ones query both.
    expect(report.perEncounter?.knownEncounters).toBe(8);
    expect(report.perEncounter?.encounters).toBe(8 + 4);
    // The blank frames cannot be ranked right, the encounters they belong to can.
    expect(report.rank1).toBeLessThanOrEqual(0.7);
    expect(report.perEncounter?.rank1).toBe(1);
    expect(report.confident.answers).toBeLessThanOrEqual(report.queries);
    expect(report.perEncounter?.confident.precision).toBeGreaterThanOrEqual(report.confident.precision);
  });

  it('names the line of a broken labels file', async () => {
    writeFileSync(join(dir.path, 'bad.csv'), 'individual_id,file\ntiger-1\n');
    const result = await runCli([
      'eval',
      '--labels',
      join(dir.path, 'bad.csv'),
      '--data',
      join(dir.path, 'd2'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.csv, line 2: 1 fields where the header has 2\. \[CSV_INVALID\]/);
  });

  describe.skipIf(!HAS_ATRW)(`on real ATRW tigers (${HAS_ATRW ? 'present' : ATRW_SKIP_REASON})`, () => {
    it('ranks real tigers from a 12-identity subset', async () => {
      const all = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
      const byId = new Map<string, string[]>();
      for (const line of all) {
        const [id, file] = line.split(',') as [string, string];
        byId.set(id, [...(byId.get(id) ?? []), file]);
      }
      const chosen = [...byId.entries()].filter(([, files]) => files.length >= 8).slice(0, 12);
      const subset = [
        'individual_id,file',
        ...chosen.flatMap(([id, files]) => files.slice(0, 8).map((f) => `${id},${f}`)),
      ];
      const labels = join(dir.path, 'atrw-subset.csv');
      writeFileSync(labels, `${subset.join('\n')}\n`);
      const result = await runCli([
        'eval',
        '--labels',
        labels,
        '--root',
        ATRW_DIR,
        '--json',
        '--data',
        join(dir.path, 'd3'),
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as Record<string, number>;
      expect(report.rank1).toBeGreaterThanOrEqual(0.8);
      expect(report.mAP).toBeGreaterThanOrEqual(0.4);
    });
  });
});
