import type Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { detectionsByFile, setCaptureTimes, withGallery } from './support/gallery-db';
import { currentFile, rankOf, waitForReviewReady } from './support/review-page';
import { decideNewIndividual, importKnownAndCard } from './support/review-gallery';
import { setUpServedApp } from './support/served-app';
import { openApp, shoot, textMatches, visible } from './support/ui';

/**
 * A known tiger ("Stripe 1", decided with the CLI) and a burst of 4 frames of it at station C12, 2 s apart: Review
 * shows the burst as one item, L sets the left flank on all of it, [ and ] walk its frames, one key decides all 4
 * and U undoes all 4.
 */
describe('reviewing an encounter (a burst) as one item', () => {
  const temp = tempDir('tigerid-e2e-encounter-');
  const dataDir = join(temp.path, 'data');
  const burst = ['b1', 'b2', 'b3', 'b4'];
  const detection = new Map<string, number>();

  const db = <T>(read: (d: Database.Database) => T, write = false): T =>
    withGallery(dataDir, read, { write });
  const burstRows = (column: 'flank' | 'decisions') =>
    db((d) =>
      burst.map((tag) =>
        column === 'flank'
          ? d.prepare('SELECT flank FROM detections WHERE id = ?').pluck().get(detection.get(tag))
          : d
              .prepare('SELECT COUNT(*) FROM decisions WHERE detection_id = ? AND undone_at IS NULL')
              .pluck()
              .get(detection.get(tag)),
      ),
    );

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 850 },
    prepare: async () => {
      await importKnownAndCard(dataDir, temp.path, async (card) => {
        for (const [i, tag] of burst.entries())
          writeFileSync(join(card, `${tag}.jpg`), await syntheticTigerPhoto(1, i));
      });
      db((d) => {
        for (const [tag, id] of detectionsByFile(d)) detection.set(tag, id);
        // The camera's clock: the burst 2 s apart, the known tiger a day earlier.
        setCaptureTimes(d, {
          's1.jpg': '2026-03-01T23:10:00.000Z',
          ...Object.fromEntries(burst.map((tag, i) => [`${tag}.jpg`, `2026-03-02T23:10:0${2 * i}.000Z`])),
        });
      }, true);
      expect(detection.size).toBe(5);
      await decideNewIndividual(dataDir, detection.get('s1') as number, 'Stripe 1');
    },
    cleanup: temp.cleanup,
  });

  it('sets the flank on the whole burst, decides it with one key and undoes it with one', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/review');
    const first = await waitForReviewReady(page);
    await textMatches(page.locator('.page-header-extra .muted'), /1 encounter to review/);
    const strip = await visible(page.locator('.encounter-strip'));
    expect(await strip.innerText()).toMatch(/Encounter · 4 frames/);
    expect(await page.locator('.frame-thumb').count()).toBe(4);

    // ] shows the next frame of the same item; [ goes back.
    await page.keyboard.press(']');
    const second = await waitForReviewReady(page, first);
    expect(second).not.toBe(first);
    expect(await page.locator('.frame-thumb').nth(1).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('[');
    expect(await waitForReviewReady(page, second)).toBe(first);

    // L: the left flank, for all 4 frames.
    await page.keyboard.press('l');
    await textMatches(page.locator('.toast').last(), /Left flank set on 4 frames/);
    await expect.poll(() => burstRows('flank')).toEqual(['left', 'left', 'left', 'left']);
    await shoot(page, 'review-encounter');

    // One key decides the whole burst.
    const rank = await rankOf(page, 'Stripe 1');
    expect(rank).toBeGreaterThan(0);
    await page.keyboard.press(String(rank));
    await textMatches(page.locator('.toast').last(), /Matched to Stripe 1.*: all 4 frames/);
    await expect.poll(() => burstRows('decisions')).toEqual([1, 1, 1, 1]);
    await visible(page.getByText('Nothing to review'));

    // U undoes all 4, and the burst is back as one item.
    await page.keyboard.press('u');
    await expect.poll(() => burstRows('decisions')).toEqual([0, 0, 0, 0]);
    await waitForReviewReady(page);
    expect(await page.locator('.frame-thumb').count()).toBe(4);
    expect(await currentFile(page)).toMatch(/b\d\.jpg$/);
  });
});
