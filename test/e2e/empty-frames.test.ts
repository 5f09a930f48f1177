import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCard } from '../support/camera-frames';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, visible } from './support/ui';

describe('Status: empty frames set aside, and pulling one back', () => {
  const temp = tempDir('tigerid-e2e-empties-');
  const data = join(temp.path, 'data');

  const app = setUpServedApp({
    dataDir: data,
    viewport: { width: 1280, height: 900 },
    prepare: async () => {
      await writeCard(join(temp.path, 'card'));
      const imported = await runCli([
        'import',
        join(temp.path, 'card'),
        '--station',
        'Ridge',
        '--data',
        data,
      ]);
      if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    },
    cleanup: temp.cleanup,
  });

  it('lists the 6 blank frames with thumbnails; "Pull back" sends one to Review', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url);
    await go(page, '#/status');
    const card = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Empty frames set aside' }),
    });
    await visible(card);
    await textMatches(card, /6 frames showed only the camera’s background/);
    const items = card.locator('ul.empty-frames li');
    expect(await items.count()).toBe(6);
    expect(
      await card
        .locator('img')
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'status-empty-frames');
    const waiting = async () => Number(await page.locator('dl.stats dd').nth(2).innerText());
    expect(await waiting()).toBe(3);

    await card.getByRole('button', { name: 'Pull back' }).first().click();
    await visible(page.getByText(/is back in Review\./));
    await textMatches(card, /5 frames showed only the camera’s background/);
    expect(await items.count()).toBe(5);
    await go(page, '#/status');
    await textMatches(page.locator('dl.stats dd').nth(2), /^4$/);
    expect(app.browser.errors).toEqual([]);
  });
});
