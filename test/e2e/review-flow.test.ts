import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndividualDetailDto, IndividualSummaryDto } from '../../electron/core/api';
import { ATRW_DIR, ATRW_SKIP_REASON, HAS_ATRW } from '../support/shared-data';
import { tempDir } from '../support/temp-dir';
import { currentFile, rankOf, waitForReviewReady } from './support/review-page';
import { apiCall } from './support/serve';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, visible } from './support/ui';

const INDIVIDUALS = 8;
const PHOTOS_EACH = 5;
/** Individuals confirmed as new before the first match is made. */
const SEEDED = 3;

interface Photo {
  individual: string;
  source: string;
  link: string;
}

/**
 * 8 ATRW individuals x 5 photos as symlinks. The names set the review order (the queue is sorted by path): the
 * first photo of individuals 0..2, then a second photo of individual 0, so a match comes up after 3 new ones.
 */
function linkPhotos(folder: string): Photo[] {
  const rows = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  const byId = new Map<string, string[]>();
  for (const row of rows) {
    const [id, file] = row.split(',');
    if (!id || !file) continue;
    byId.set(id, [...(byId.get(id) ?? []), file]);
  }
  const chosen = [...byId].filter(([, files]) => files.length >= PHOTOS_EACH).slice(0, INDIVIDUALS);
  const order: [number, number][] = [];
  for (let i = 0; i < SEEDED; i++) order.push([i, 0]);
  order.push([0, 1]);
  for (let i = 0; i < INDIVIDUALS; i++)
    for (let p = 0; p < PHOTOS_EACH; p++) if (!order.some(([a, b]) => a === i && b === p)) order.push([i, p]);
  mkdirSync(folder, { recursive: true });
  return order.map(([i, p], seq) => {
    const [id, files] = chosen[i] as [string, string[]];
    const source = join(ATRW_DIR, files[p] as string);
    const link = join(folder, `${String(seq).padStart(2, '0')}_${id}_${basename(source)}`);
    symlinkSync(source, link);
    return { individual: id, source, link };
  });
}

const nameOf = (atrwId: string) => `Amur ${atrwId.replace('atrw-', '')}`;

describe.skipIf(!HAS_ATRW)(
  `review flow on real ATRW photos${HAS_ATRW ? '' : ` (${ATRW_SKIP_REASON})`}`,
  () => {
    const temp = tempDir('tigerid-e2e-flow-');
    let photos: Photo[] = [];
    const folder = join(temp.path, 'sd-card');

    const app = setUpServedApp({
      dataDir: join(temp.path, 'data'),
      viewport: { width: 1440, height: 900 },
      prepare: () => {
        photos = linkPhotos(folder);
      },
      cleanup: temp.cleanup,
    });

    it('imports a folder, builds a gallery in Review, confirms a match, sees it on the individual page and undoes it', async () => {
      const { page } = app.browser;
      const individualOf = (file: string) => {
        const photo = photos.find((p) => p.link === file);
        if (!photo) throw new Error(`the review screen shows a file that was not imported: ${file}`);
        return photo.individual;
      };

      // A fresh gallery opens on Import.
      await openApp(page, app.serve.url);
      await visible(page.getByRole('heading', { name: 'Import photos' }));
      expect(page.url()).toMatch(/#\/import$/);

      // ---- Import through the form.
      await page.getByLabel('Folder of camera-trap photos').fill(folder);
      await page.getByLabel(/Camera station/).fill('ATRW Amur');
      await page.getByRole('button', { name: 'Start import' }).click();
      await visible(page.getByRole('heading', { name: 'Importing' }));
      await shoot(page, 'import-running');
      await visible(page.getByRole('heading', { name: 'Import finished' }), 240_000);
      const stats = page.locator('dl.stats');
      const stat = (label: string) => stats.locator('div', { hasText: label }).locator('dd');
      expect(await stat('Photos imported').innerText()).toBe(String(photos.length));
      expect(await stat('Files with problems').innerText()).toBe('0');
      expect(Number(await stat('Animals found').innerText())).toBeGreaterThanOrEqual(photos.length);
      const reviewButton = await visible(page.getByRole('button', { name: /^Review \d+ detections$/ }));
      await shoot(page, 'import-done');

      // ---- Review: the first few become new individuals (keyboard: N, type a name, Enter).
      await reviewButton.click();
      let file = await waitForReviewReady(page);
      await visible(page.locator('.note strong', { hasText: 'No candidates.' }));
      await shoot(page, 'review-first-detection');
      const inGallery = new Set<string>();
      for (let guard = 0; guard < INDIVIDUALS + 2; guard++) {
        const id = individualOf(file);
        if (inGallery.has(id)) break;
        await page.keyboard.press('n');
        const nameInput = await visible(page.getByLabel(/Name for the new individual/));
        expect(await nameInput.evaluate((el) => el === document.activeElement)).toBe(true);
        await page.keyboard.type(nameOf(id));
        await page.keyboard.press('Enter');
        await textMatches(
          page.locator('.toast'),
          new RegExp(`New individual T-\\d+ \\(${nameOf(id)}\\) created`),
        );
        inGallery.add(id);
        file = await waitForReviewReady(page, file);
      }
      expect(inGallery.size).toBeGreaterThanOrEqual(SEEDED);

      // ---- A detection of a known individual: its candidates include that individual.
      const known = individualOf(file);
      const matchedFile = file;
      const before = (await apiCall<IndividualSummaryDto[]>(app.serve, 'individuals.list', {})).find(
        (i) => i.name === nameOf(known),
      );
      expect(before?.sightingCount).toBe(1);
      const rank = await rankOf(page, nameOf(known));
      expect(rank).toBeGreaterThan(0);
      await shoot(page, 'review-candidates');

      // Zoom the comparison (wheel over the photo), shoot, and reset with R.
      const viewport = page.locator('.compare-viewport').first();
      const box = await viewport.boundingBox();
      if (!box) throw new Error('no compare viewport');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -600);
      await textMatches(page.locator('.zoom-level'), /^(?!100%)\d+%$/);
      await shoot(page, 'review-compare-zoomed');
      await page.keyboard.press('0');
      await textMatches(page.locator('.zoom-level'), /^100%$/);

      // Confirm the match with the keyboard: M when it is the selected (first) candidate, else its number.
      await page.keyboard.press(rank === 1 ? 'm' : String(rank));
      await textMatches(page.locator('.toast'), new RegExp(`Matched to ${nameOf(known)} \\(T-\\d+\\)`));
      await waitForReviewReady(page, matchedFile);

      // ---- Gallery: the individual now has 2 sightings.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Gallery' }).click();
      const card = page.locator('a.individual-card', { hasText: nameOf(known) });
      await textMatches(card, /2 sightings/);
      expect(await page.locator('a.individual-card').count()).toBe(inGallery.size);
      await shoot(page, 'gallery');

      // ---- The individual's page shows the new sighting with its photo.
      await card.click();
      await visible(page.getByRole('heading', { level: 1, name: nameOf(known) }));
      const head = page.locator('.individual-head-body');
      await textMatches(head, /2 sightings/);
      const tile = await visible(page.getByRole('button', { name: `Open ${basename(matchedFile)}` }));
      await page.waitForFunction(
        (el) => {
          const img = (el as HTMLElement).querySelector('img');
          return img !== null && img.complete && img.naturalWidth > 0;
        },
        await tile.elementHandle(),
      );
      await shoot(page, 'individual');

      // ---- Undo from the toast (still up: it lasts 10 s): the sighting goes away.
      await page.locator('.toast').getByRole('button', { name: 'Undo' }).click();
      await textMatches(page.locator('.toast'), /^Undone: Matched to/);
      await textMatches(head, /(^|\D)1 sighting\b/);
      await page
        .getByRole('button', { name: `Open ${basename(matchedFile)}` })
        .waitFor({ state: 'detached' });
      await shoot(page, 'individual-after-undo');
      const after = await apiCall<IndividualDetailDto>(app.serve, 'individuals.get', {
        individual: before?.individualId,
      });
      expect(after.sightingCount).toBe(1);
      expect(after.sightings.map((s) => s.file)).not.toContain(matchedFile);

      // The undone detection is back in the review queue.
      await go(page, '#/review');
      expect(await waitForReviewReady(page)).toBe(matchedFile);
      expect(await currentFile(page)).toBe(matchedFile);

      // ---- Status and Settings with a real gallery.
      await go(page, '#/status');
      await visible(page.getByRole('heading', { level: 1, name: 'Status' }));
      await visible(page.locator('dl.stats'));
      // Photos, animals found, waiting for review, individuals.
      expect(await page.locator('dl.stats dd').allInnerTexts()).toEqual(
        [photos.length, photos.length, photos.length - inGallery.size, inGallery.size].map(String),
      );
      await shoot(page, 'status');
      // The licence texts the models ask to be shown with every copy (ALIKE's BSD-3), folded until opened.
      const licence = page.locator('details.licence', { hasText: 'alike-n' });
      await licence.locator('summary').click();
      await visible(licence.getByText(/Copyright \(c\) 2022, Zhao Xiaoming/));
      await visible(
        licence.getByText(/THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"/),
      );
      await licence.scrollIntoViewIfNeeded();
      await shoot(page, 'status-licences');
      await go(page, '#/settings');
      await visible(page.getByRole('heading', { level: 1, name: 'Settings' }));
      await visible(page.getByLabel(/Reviewer/i).first());
      await shoot(page, 'settings');

      expect(app.browser.errors).toEqual([]);
    }, 420_000);
  },
);
