import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, visible } from './support/ui';

describe('a fresh data folder: empty states and import errors', () => {
  const temp = tempDir('tigerid-e2e-empty-');

  const app = setUpServedApp({
    dataDir: join(temp.path, 'data'),
    viewport: { width: 1280, height: 800 },
    cleanup: temp.cleanup,
  });

  it('opens on Import, and Gallery and Review explain the next step with a link to Import', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url);
    await visible(page.getByRole('heading', { level: 1, name: 'Import photos' }));
    expect(page.url()).toMatch(/#\/import$/);
    // Nothing to review: no badge on the Review link.
    expect(await page.getByRole('navigation', { name: 'Main' }).locator('.badge').count()).toBe(0);
    await shoot(page, 'empty-import');

    await go(page, '#/gallery');
    await visible(
      page.getByRole('heading', {
        name: 'No individuals yet. Import photos, then confirm matches in Review.',
      }),
    );
    const importLink = page.locator('main').getByRole('link', { name: 'Import photos' });
    expect(await importLink.getAttribute('href')).toBe('#/import');
    await shoot(page, 'empty-gallery');

    await go(page, '#/review');
    await visible(page.getByRole('heading', { name: 'Nothing to review — import photos' }));
    await visible(page.getByText('New detections appear here after an import.'));
    const goImport = page.locator('main').getByRole('link', { name: 'Go to Import' });
    await shoot(page, 'empty-review');
    await goImport.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Import photos' }));
    expect(page.url()).toMatch(/#\/import$/);

    await go(page, '#/status');
    await visible(page.locator('dl.stats'));
    const counts = await page.locator('dl.stats dd').allInnerTexts();
    expect(counts).toEqual(['0', '0', '0', '0']);
    await shoot(page, 'empty-status');

    await go(page, '#/settings');
    await visible(page.getByRole('button', { name: 'Save settings' }));
    await shoot(page, 'empty-settings');
    expect(app.browser.errors).toEqual([]);
  });

  it('shows a bad folder path as an error right under the import form', async () => {
    const { page } = app.browser;
    await go(page, '#/import');
    const field = await visible(page.getByLabel('Folder of camera-trap photos'));
    const start = page.getByRole('button', { name: 'Start import' });
    // An empty path cannot be started.
    await field.fill('');
    expect(await start.isDisabled()).toBe(true);

    const missing = join(temp.path, 'no-such-sd-card', 'DCIM');
    await field.fill(missing);
    await field.press('Enter');
    await visible(page.getByRole('heading', { name: 'Import failed' }));
    const error = page.locator('section.card').first().getByRole('alert');
    const message = await textMatches(error, /not found/i);
    expect(message).toContain(missing);
    // Nothing was read: no row of zero counts under the error.
    expect(await page.locator('section.card').first().locator('dl.stats').count()).toBe(0);
    // "Next to the form": just below it, inside the window, without scrolling.
    const form = await page.locator('form.form-card').boundingBox();
    const box = await error.boundingBox();
    if (!form || !box) throw new Error('form or error not laid out');
    expect(box.y).toBeGreaterThan(form.y + form.height);
    expect(box.y - (form.y + form.height)).toBeLessThan(160);
    expect(box.y + box.height).toBeLessThan(800);
    await shoot(page, 'import-error-missing-folder');

    // A file instead of a folder is refused too, with its own words.
    const file = join(temp.path, 'IMG_0001.JPG');
    writeFileSync(file, 'not a folder');
    await field.fill(file);
    await field.press('Enter');
    await textMatches(error, new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    expect(await error.innerText()).not.toMatch(/[{}]|undefined|\[object/);
    // The failed attempts are listed, the form stays usable.
    expect(await field.isEditable()).toBe(true);
    await shoot(page, 'import-error-file');
    expect(app.browser.errors).toEqual([]);
  });

  it('says where stations come from, with a link to Import', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/stations');
    await visible(page.getByRole('heading', { name: 'No stations yet' }));
    await visible(page.getByText('Stations are created when you import photos with a station name.'));
    expect(await page.locator('main').getByRole('link', { name: 'Import photos' }).getAttribute('href')).toBe(
      '#/import',
    );
    await shoot(page, 'stations-empty');
    expect(app.browser.errors).toEqual([]);
  });
});
