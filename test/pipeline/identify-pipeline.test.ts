import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';

/**
 * The whole loop through the CLI on generated striped "tigers": import → detect (whole frame, no detector
 * installed) → describe → decide → calibrate → identify, with nothing downloaded.
 */
describe('identification pipeline (built-in stripe matcher)', () => {
  const dir = tempDir('tigerid-pipeline-');
  const data = join(dir.path, 'data');
  const cli = (...argv: string[]) => runCli([...argv, '--data', data], { TIGERID_REVIEWER: 'test-ranger' });
  const INDIVIDUALS = [1, 2, 3, 4, 5];

  beforeAll(async () => {
    for (const individual of INDIVIDUALS) {
      const folder = join(dir.path, 'sdcard', `cam-${individual}`);
      mkdirSync(folder, { recursive: true });
      for (const view of [0, 1, 2])
        writeFileSync(
          join(folder, `t${individual}-v${view}.jpg`),
          await syntheticTigerPhoto(individual, view),
        );
    }
    writeFileSync(join(dir.path, 'query-known.jpg'), await syntheticTigerPhoto(3, 7));
    writeFileSync(join(dir.path, 'query-unknown.jpg'), await syntheticTigerPhoto(42, 1));
  });
  afterAll(() => dir.cleanup());

  it('imports and finds one whole-frame animal per photo', async () => {
    const result = await cli('import', join(dir.path, 'sdcard'), '--station', 'Camera 12');
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 15 new images/);
    expect(result.stdout).toMatch(/Analysed 15 image\(s\): 15 animal detection\(s\)/);
  });

  it('records decisions, calibrates, and identifies a new photo of a known tiger first', async () => {
    // Detection ids follow import order: the folder cam-N holds views 0..2 of individual N.
    for (const [i, individual] of INDIVIDUALS.entries()) {
      const first = i * 3 + 1;
      const opened = await cli('decide', String(first), 'new-individual', '--name', `Tiger ${individual}`);
      expect(opened.code, opened.stderr).toBe(0);
      for (const detection of [first + 1, first + 2]) {
        const matched = await cli('decide', String(detection), 'match', `Tiger ${individual}`);
        expect(matched.code, matched.stderr).toBe(0);
      }
    }
    const list = JSON.parse((await cli('individuals', 'list', '--json')).stdout);
    expect(list.map((i: { name: string; sightings: number }) => [i.name, i.sightings])).toEqual(
      INDIVIDUALS.map((n) => [`Tiger ${n}`, 3]),
    );

    const calibrated = await cli('calibrate', '--samples', '15', '--json');
    expect(calibrated.code, calibrated.stderr).toBe(0);
    const threshold = JSON.parse(calibrated.stdout).threshold as number;

    const known = await cli('identify', join(dir.path, 'query-known.jpg'), '--json');
    expect(known.code, known.stderr).toBe(0);
    const [animal] = JSON.parse(known.stdout);
    expect(animal.confidence).toBeNull();
    expect(animal.candidates[0].name).toBe('Tiger 3');
    expect(animal.candidates[0].score).toBeGreaterThanOrEqual(threshold);
    expect(animal.likelyNew).toBe(false);

    const unknown = await cli('identify', join(dir.path, 'query-unknown.jpg'), '--json');
    const [stranger] = JSON.parse(unknown.stdout);
    expect(stranger.candidates[0].score).toBeLessThan(animal.candidates[0].score);
  });

  it('reviews a new photo in the terminal: match by key, undo, then new individual', async () => {
    const folder = join(dir.path, 'sdcard2');
    mkdirSync(folder);
    writeFileSync(join(folder, 'new.jpg'), await syntheticTigerPhoto(2, 9));
    expect((await cli('import', folder)).code).toBe(0);
    const review = await runCli(['review', '--data', data], { TIGERID_REVIEWER: 'test-ranger' }, '1\nu\nn\n');
    expect(review.code, review.stderr).toBe(0);
    expect(review.stdout).toMatch(/1 encounter\(s\) to review \(1 detection\(s\)\)/);
    expect(review.stdout).toMatch(/recorded decision \d+ \(match\)/);
    expect(review.stdout).toMatch(/undid decision \d+/);
    expect(review.stdout).toMatch(/recorded decision \d+ \(new-individual\)/);
    expect(review.stdout).toMatch(/1 decision\(s\) recorded/);
    const list = JSON.parse((await cli('individuals', 'list', '--json')).stdout);
    expect(list).toHaveLength(6);
  });

  it('prints the candidates as a readable table', async () => {
    const result = await cli('identify', join(dir.path, 'query-known.jpg'), '--top', '3');
    expect(result.stdout).toMatch(/^whole frame \(no detector installed\)/);
    expect(result.stdout).toMatch(/Likely T-\d{4} "Tiger 3"/);
    expect(result.stdout.split('\n').filter((l) => /^\d {2}T-/.test(l))).toHaveLength(3);
  });
});
