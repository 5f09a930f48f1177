import type Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { detectionsByFile, setCaptureTimes, withGallery } from './support/gallery-db';
import { currentFile, waitForReviewReady } from './support/review-page';
import { decideNewIndividual, importKnownAndCard } from './support/review-gallery';
import { setUpServedApp } from './support/served-app';
import { openApp, shoot, textMatches, visible } from './support/ui';

/**
 * A known tiger ("Stripe 1") and a burst of 2 frames of it at station C12, one of them motion-blurred: analysis
 * judges the blurred view not identifiable, Review shows the sharp frame first and, on the blurred one, says the
 * view cannot identify and the encounter's other frames carry the decision (no "probably known/new" verdict);
 * V overrules the judgement and V again puts it back.
 */
describe('a frame whose view cannot identify', () => {
  const temp = tempDir('tigerid-e2e-view-');
  const dataDir = join(temp.path, 'data');
  const detection = new Map<string, number>();

  const viewOf = (tag: string) =>
    withGallery(dataDir, (d: Database.Database) =>
      d
        .prepare(
          'SELECT view, view_identifiable AS identifiable, view_source AS source FROM detections WHERE id = ?',
        )
        .get(detection.get(tag)),
    );

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 850 },
    prepare: async () => {
      await importKnownAndCard(dataDir, temp.path, async (card) => {
        writeFileSync(join(card, 'sharp.jpg'), await syntheticTigerPhoto(1, 0));
        writeFileSync(
          join(card, 'blurred.jpg'),
          await sharp(await syntheticTigerPhoto(1, 1))
            .blur(6)
            .jpeg()
            .toBuffer(),
        );
      });
      withGallery(
        dataDir,
        (d) => {
          for (const [tag, id] of detectionsByFile(d)) detection.set(tag, id);
          // The camera's clock: the blurred frame first in time, 2 s before the sharp one; the known tiger a day earlier.
          setCaptureTimes(d, {
            's1.jpg': '2026-03-01T23:10:00.000Z',
            'blurred.jpg': '2026-03-02T23:10:00.000Z',
            'sharp.jpg': '2026-03-02T23:10:02.000Z',
          });
        },
        { write: true },
      );
      expect(detection.size).toBe(3);
      expect(viewOf('blurred')).toEqual({ view: 'blurred', identifiable: 0, source: 'judged' });
      expect(viewOf('sharp')).toMatchObject({ identifiable: 1, source: 'judged' });
      await decideNewIndividual(dataDir, detection.get('s1') as number, 'Stripe 1');
    },
    cleanup: temp.cleanup,
  });

  it('shows the sharp frame first, says the blurred one cannot identify, and V overrules it', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/review');
    // The identifiable frame carries the encounter: it is shown first, though it was taken second.
    const first = await waitForReviewReady(page);
    expect(first).toMatch(/sharp\.jpg$/);
    expect(await page.locator('.verdict-unidentifiable').count()).toBe(0);
    await visible(page.locator('.facts').getByText(/Side view \(flank\) · identifies/));

    await page.keyboard.press(']');
    expect(await waitForReviewReady(page, first)).toMatch(/blurred\.jpg$/);
    const note = await visible(page.locator('.verdict-unidentifiable'));
    await textMatches(
      note,
      /View not identifiable — the photo of the animal is blurred \(sharpness 0\.\d+, at least 0\.45 needed\); the encounter’s other frames carry the decision\./,
    );
    // Candidates are still listed to match by eye, but none is called known and no new individual suggested.
    await visible(page.locator('ol.candidates'));
    expect(await page.locator('.verdict-known, .verdict-new').count()).toBe(0);
    await visible(page.locator('.facts').getByText('Blurred · not identifiable'));
    await shoot(page, 'review-view-not-identifiable');

    // V: the reviewer says this view does identify; the note goes, the verdict comes back.
    await page.keyboard.press('v');
    await textMatches(page.locator('.toast').last(), /View marked as identifying the animal/);
    await expect
      .poll(() => viewOf('blurred'))
      .toEqual({ view: 'blurred', identifiable: 1, source: 'reviewer' });
    await page.locator('.verdict-unidentifiable').waitFor({ state: 'detached' });
    await visible(page.locator('.facts').getByText('Blurred · identifies (set by the reviewer)'));
    await shoot(page, 'review-view-marked-identifiable');

    // V again: not identifiable, by the reviewer.
    await page.keyboard.press('V');
    await expect
      .poll(() => viewOf('blurred'))
      .toEqual({ view: 'blurred', identifiable: 0, source: 'reviewer' });
    await visible(page.locator('.verdict-unidentifiable'));
    expect(await currentFile(page)).toMatch(/blurred\.jpg$/);
  });
});
