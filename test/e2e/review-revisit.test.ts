import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { withGallery } from './support/gallery-db';
import { seedReviewGallery, tagOf, type Seed } from './support/review-gallery';
import { currentFile, rankOf, waitForReviewReady } from './support/review-page';
import { setUpServedApp } from './support/served-app';
import { openApp, SCREENS_DIR, shoot, textMatches, visible } from './support/ui';

/**
 * Synthetic striped tigers. s1, s2 are decided as new individuals with the CLI before serve starts; the queue is
 * q1 (tiger 1 again), q2 (tiger 2 again), q3 (tiger 3, never seen).
 */
const SEEDS: Seed[] = [
  ['s1', 1, 0],
  ['s2', 2, 0],
  ['q1', 1, 1],
  ['q2', 2, 1],
  ['q3', 3, 0],
];
/** How long q2's photo is held back: far longer than a key press takes, as a slow disk or bridge would. */
const PHOTO_DELAY_MS = 1500;

interface DecisionRow {
  id: number;
  verdict: string;
  individual_id: number | null;
  undone_at: string | null;
}

describe('review: decisions wait for the photo, the revisit list, the session summary', () => {
  const temp = tempDir('tigerid-e2e-revisit-');
  const dataDir = join(temp.path, 'data');
  const folder = join(temp.path, 'photos');
  let detection = new Map<string, number>();
  let individual = new Map<string, number>();

  const db = <T>(read: (d: Database.Database) => T): T => withGallery(dataDir, read);
  const decisionsOf = (tag: string): DecisionRow[] =>
    db(
      (d) =>
        d
          .prepare(
            'SELECT id, verdict, individual_id, undone_at FROM decisions WHERE detection_id = ? ORDER BY id',
          )
          .all(detection.get(tag)) as DecisionRow[],
    );
  /** The query photo's loading state is on screen (the photo of this detection has not arrived). */
  const photoLoading = (page: Page) =>
    page.evaluate(() => document.querySelector('.query-image .photo-loading') !== null);

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 850 },
    prepare: async () => {
      ({ detection, individual } = await seedReviewGallery(dataDir, folder, SEEDS, ['s1', 's2']));
    },
    cleanup: temp.cleanup,
  });

  it('ignores decision keys until the next photo shows, then revisits a can’t tell and sums up the session', async () => {
    const { page } = app.browser;
    // q2's photo arrives late, every time it is asked for (routing also turns Chromium's HTTP cache off).
    const q2Crop = `/images/detections/${detection.get('q2')}/crop`;
    const released: number[] = [];
    await page.route(
      (url) => url.pathname === q2Crop,
      async (route) => {
        await new Promise((r) => setTimeout(r, PHOTO_DELAY_MS));
        released.push(Date.now());
        await route.continue();
      },
    );

    await openApp(page, app.serve.url, '#/review');
    let file = await waitForReviewReady(page);
    expect(tagOf(file)).toBe('q1');

    // q1: C = can't tell. The screen moves to q2 at once (its facts come with the queue), its photo does not.
    await page.keyboard.press('c');
    await page.waitForFunction(
      (prev) => document.querySelector('.facts dd.cell-file')?.getAttribute('title') !== prev,
      file,
    );
    expect(tagOf(await currentFile(page))).toBe('q2');
    const loading = await visible(page.locator('.query-image .photo-loading'));
    expect(await loading.innerText()).toMatch(/Loading photo/);
    // No pixels of q1 stay on screen: the query <img> is a new element for q2 that has not loaded.
    const queryImg = page.locator('.query-image img');
    // The crop's URL carries the box as a version (a box moved by hand is a new crop); the path names the detection.
    expect(new URL((await queryImg.getAttribute('src')) ?? '', app.serve.url).pathname).toBe(q2Crop);
    expect(await queryImg.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
      false,
    );
    expect(await page.getByRole('button', { name: /Not a match/ }).isDisabled()).toBe(true);

    // A fast reviewer's keys during the wait: each is ignored, none is queued.
    for (const key of ['x', '1', 'm', 'c', 'n']) await page.keyboard.press(key);
    expect(await photoLoading(page), 'the keys must land while the photo is still on its way').toBe(true);
    // shoot() waits for every image, so the loading state is shot directly.
    mkdirSync(SCREENS_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENS_DIR, 'review-photo-loading.png') });
    file = await waitForReviewReady(page);
    expect(tagOf(file)).toBe('q2');
    expect(await photoLoading(page)).toBe(false);
    expect(released.length).toBeGreaterThan(0);
    expect(decisionsOf('q2')).toEqual([]);
    expect(await page.locator('form.new-form').count()).toBe(0);

    // Once the photo shows, X decides: not a match, none of these candidates (no individual named).
    await page.keyboard.press('x');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q3');
    expect(decisionsOf('q2')).toEqual([
      expect.objectContaining({ verdict: 'no-match', individual_id: null, undone_at: null }),
    ]);

    // q3: S skips it (it stays undecided).
    await page.keyboard.press('s');
    expect(tagOf(await currentFile(page))).toBe('q3');
    expect(decisionsOf('q3')).toEqual([]);

    // ---- The revisit list: both decisions that assign nothing, newest first.
    const entry = page.getByRole('button', { name: 'To revisit (2)' });
    await visible(entry);
    await entry.click();
    await visible(page.getByRole('heading', { level: 1, name: 'To revisit' }));
    file = await waitForReviewReady(page);
    expect(tagOf(file)).toBe('q2');
    await textMatches(page.locator('.revisit-note'), /Marked not a match by e2e-ranger/);
    await textMatches(page.locator('main .page-header-extra'), /1 of 2 loaded · 2 detections to revisit/);
    await shoot(page, 'review-revisit-list');
    await page.keyboard.press('s');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q1');
    await textMatches(page.locator('.revisit-note'), /Marked can’t tell by e2e-ranger/);

    // q1 is tiger 1: its digit matches it; the match replaces the can't tell.
    const rank = await rankOf(page, 'Stripe 1');
    expect(rank).toBeGreaterThan(0);
    await page.keyboard.press(String(rank));
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q2');
    const stripe1 = individual.get('Stripe 1');
    expect(decisionsOf('q1')).toEqual([
      expect.objectContaining({ verdict: 'cant-tell', undone_at: null }),
      expect.objectContaining({ verdict: 'match', individual_id: stripe1, undone_at: null }),
    ]);
    await textMatches(page.locator('main .page-header-extra'), /1 detection to revisit/);

    // U undoes that match: q1 is back on screen with its can't tell in force; matching it again sticks.
    await page.keyboard.press('u');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q1');
    expect(decisionsOf('q1')[1]).toMatchObject({ verdict: 'match', undone_at: expect.any(String) });
    await textMatches(page.locator('main .page-header-extra'), /2 detections to revisit/);
    await page.keyboard.press(String(await rankOf(page, 'Stripe 1')));
    file = await waitForReviewReady(page, file);
    expect(decisionsOf('q1')[2]).toMatchObject({ verdict: 'match', individual_id: stripe1, undone_at: null });
    const sightings = db(
      (d) =>
        d
          .prepare(
            `SELECT COUNT(*) FROM decisions WHERE individual_id = ? AND verdict IN ('match', 'new-individual') AND undone_at IS NULL`,
          )
          .pluck()
          .get(stripe1) as number,
    );
    expect(sightings).toBe(2);

    // ---- End session: the summary of what was decided here, with the way back to the revisit list.
    await page.getByRole('button', { name: 'End session' }).click();
    const summary = await visible(page.getByRole('region', { name: 'This session' }));
    const counts = Object.fromEntries(
      await summary
        .locator('dl > div')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.querySelector('dt')?.textContent ?? '',
            r.querySelector('dd')?.textContent ?? '',
          ]),
        ),
    );
    expect(counts).toEqual({
      Matches: '1',
      'New individuals': '0',
      'Not a match': '1',
      'Can’t tell': '1',
      'Empty frames': '0',
      'Not a tiger': '0',
      'Skipped (still undecided)': '1',
    });
    await visible(summary.getByRole('button', { name: 'To revisit (1)' }));
    await shoot(page, 'review-session-summary');

    // Back to the queue: deciding its last detection empties it, and the summary shows there too.
    await page.getByRole('button', { name: 'Continue reviewing' }).click();
    await page.getByRole('button', { name: /^Back to the review queue/ }).click();
    file = await waitForReviewReady(page);
    expect(tagOf(file)).toBe('q3');
    await page.keyboard.press('c');
    await visible(page.getByRole('heading', { name: 'Nothing to review — import photos' }));
    await textMatches(page.getByRole('region', { name: 'This session' }), /Can’t tell\s*2/);
    expect(app.browser.errors).toEqual([]);
  }, 300_000);
});
