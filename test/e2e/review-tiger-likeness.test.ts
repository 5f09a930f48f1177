import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { plainAnimal } from '../support/plain-animal';
import { tempDir } from '../support/temp-dir';
import { waitForReviewReady } from './support/review-page';
import { setUpServedApp } from './support/served-app';
import { openApp, shoot, textMatches } from './support/ui';

describe('review: an animal whose stripes look nothing like a tiger’s is flagged', () => {
  const temp = tempDir('tigerid-e2e-likeness-');
  const dataDir = join(temp.path, 'data');
  const folder = join(temp.path, 'photos');

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 850 },
    prepare: async () => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'plain.jpg'), await plainAnimal());
      const imported = await runCli(['import', folder, '--data', dataDir]);
      expect(imported.code, imported.stderr).toBe(0);
    },
    cleanup: temp.cleanup,
  });

  it('says so beside the photo, with the key for "not a tiger"', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/review');
    expect(await waitForReviewReady(page)).toMatch(/plain\.jpg$/);
    const note = await textMatches(page.getByRole('note'), /Stripes unlike a tiger’s/);
    expect(note).toMatch(/likely another species/);
    await shoot(page, 'review-not-tiger-like');
  });
});
