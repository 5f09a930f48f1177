import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

interface ListedIndividual {
  code: string;
  name: string | null;
}

/** The README's first command ends in `tigerid demo`: the whole job on a generated card, in a gallery of its own. */
describe('tigerid demo', () => {
  const temp = tempDir('tigerid-demo-');
  afterAll(() => temp.cleanup());
  const out = join(temp.path, 'demo');
  const userGallery = join(temp.path, 'user-gallery');
  const env = { TIGERID_DATA: userGallery, TIGERID_REVIEWER: 'tester' };
  const individuals = async (): Promise<ListedIndividual[]> => {
    const listed = await runCli(['individuals', 'list', '--json', '--data', join(out, 'gallery')], env);
    expect(listed.code, listed.stderr).toBe(0);
    return JSON.parse(listed.stdout) as ListedIndividual[];
  };

  it('imports the card, opens one individual per animal and identifies the other photos correctly', async () => {
    const run = await runCli(['demo', '--out', out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Imported 9 new images/);
    expect(run.stdout).toMatch(/Analysed 9 image\(s\): 9 animal detection\(s\)/);
    expect(run.stdout).toContain('The right individual came first for 6 of 6 photos.');
    expect((await individuals()).map((i) => i.name).sort()).toEqual([
      'Demo tiger 1',
      'Demo tiger 2',
      'Demo tiger 3',
    ]);
    // The six other photos wait for the user in review.
    const review = await runCli(['review', '--data', join(out, 'gallery')], env, 'q\n');
    expect(review.stdout).toContain('6 encounter(s) to review (6 detection(s)).');
    // The user's own gallery is never touched.
    expect(existsSync(userGallery)).toBe(false);
  });

  it('run again, adds nothing and decides nothing twice', async () => {
    const again = await runCli(['demo', '--out', out], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Imported 0 new images/);
    expect(again.stdout).not.toContain('opened a new individual');
    expect(await individuals()).toHaveLength(3);
  });
});

describe('tigerid --version', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`tigerid ${version}\n`);
    }
  });
});
