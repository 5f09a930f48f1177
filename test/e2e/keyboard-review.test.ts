import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { withGallery } from './support/gallery-db';
import { seedReviewGallery, tagOf, type Seed } from './support/review-gallery';
import { candidateNames, rankOf, waitForReviewReady } from './support/review-page';
import { setUpServedApp } from './support/served-app';
import { openApp, shoot, textMatches, unnamedControls, visible } from './support/ui';

/**
 * Synthetic striped tigers (no ../shared needed). Photo names set the review order: s1..s3 (first views of tigers
 * 1-3, decided as new individuals with the CLI before serve starts), then the queue q1 (tiger 1 again), q2 (tiger 2),
 * q3 (tiger 3), q4 (tiger 4, never seen), q5 (tiger 1, third view).
 */
const SEEDS: Seed[] = [
  ['s1', 1, 0],
  ['s2', 2, 0],
  ['s3', 3, 0],
  ['q1', 1, 1],
  ['q2', 2, 1],
  ['q3', 3, 1],
  ['q4', 4, 0],
  ['q5', 1, 2],
];

interface DecisionRow {
  id: number;
  detection_id: number;
  verdict: string;
  individual_id: number | null;
  undone_at: string | null;
  reviewer: string;
}

describe('keyboard-only review (synthetic tigers, no mouse)', () => {
  const temp = tempDir('tigerid-e2e-keys-');
  const dataDir = join(temp.path, 'data');
  const folder = join(temp.path, 'photos');
  /** Detection id and individual id by photo tag. */
  let detection = new Map<string, number>();
  let individual = new Map<string, number>();

  const db = <T>(read: (d: Database.Database) => T): T => withGallery(dataDir, read);
  const decisionsOf = (tag: string): DecisionRow[] =>
    db(
      (d) =>
        d
          .prepare(
            'SELECT id, detection_id, verdict, individual_id, undone_at, reviewer FROM decisions WHERE detection_id = ? ORDER BY id',
          )
          .all(detection.get(tag)) as DecisionRow[],
    );

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 850 },
    prepare: async () => {
      ({ detection, individual } = await seedReviewGallery(dataDir, folder, SEEDS, ['s1', 's2', 's3']));
    },
    cleanup: temp.cleanup,
  });

  /** Presses Tab until the focused element is the control named `name` (role link or button); at most 60 tabs. */
  async function tabTo(page: Page, name: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? (el.getAttribute('aria-label') ?? el.innerText ?? '').trim() : '';
      });
      if (focused === name || focused.startsWith(`${name}\n`)) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  }

  it('decides match, not a match, can’t tell and new individual with keys only, and undoes with U and Ctrl+Z', async () => {
    const { page } = app.browser;
    // Nothing below uses the mouse: keys only (page.keyboard).
    await openApp(page, app.serve.url);
    // There is work to review, so the first visit opens Review.
    let file = await waitForReviewReady(page);
    expect(page.url()).toMatch(/#\/review$/);
    expect(tagOf(file)).toBe('q1');
    await shoot(page, 'keyboard-review-start');

    // q1 is tiger 1: select "Stripe 1" with the arrow key / J, then M matches the selected candidate.
    const rank = await rankOf(page, 'Stripe 1');
    expect(rank).toBeGreaterThan(0);
    for (let i = 1; i < rank; i++) await page.keyboard.press(i % 2 ? 'ArrowRight' : 'j');
    const selected = page.locator('ol.candidates button.candidate[aria-pressed="true"]');
    expect(await selected.getAttribute('aria-label')).toMatch(/^Candidate \d+: Stripe 1 \(T-\d+\)/);
    // Moving away and back (K, then →) keeps the choice explicit.
    if ((await candidateNames(page)).length > 1) {
      await page.keyboard.press('k');
      expect(await selected.getAttribute('aria-label')).not.toMatch(/Stripe 1 \(/);
      await page.keyboard.press('ArrowRight');
      expect(await selected.getAttribute('aria-label')).toMatch(/Stripe 1 \(/);
    }
    await page.keyboard.press('m');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q2');
    expect(decisionsOf('q1')).toEqual([
      expect.objectContaining({
        verdict: 'match',
        individual_id: individual.get('Stripe 1'),
        undone_at: null,
      }),
    ]);

    // q2: X = not a match.
    await page.keyboard.press('x');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q3');
    expect(decisionsOf('q2')).toEqual([expect.objectContaining({ verdict: 'no-match', undone_at: null })]);

    // q3: C = can't tell.
    await page.keyboard.press('c');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q4');
    expect(decisionsOf('q3')).toEqual([
      expect.objectContaining({ verdict: 'cant-tell', individual_id: null }),
    ]);

    // q4: N opens the name field with the focus in it; type, Enter creates the individual.
    await page.keyboard.press('n');
    const nameField = await visible(page.getByLabel(/Name for the new individual/));
    expect(await nameField.evaluate((el) => el === document.activeElement)).toBe(true);
    // Keys typed into the field are text, not shortcuts: "x" and "m" must not decide anything.
    await page.keyboard.type('Stripe 4 mx');
    // The whole form is in view (its Create button too) and the toast of the last decision does not cover it.
    const form = await page.locator('form.new-form').boundingBox();
    const toast = await visible(page.locator('.toast'));
    const toastBox = await toast.boundingBox();
    const viewportHeight = page.viewportSize()?.height ?? 0;
    if (!form || !toastBox) throw new Error('form or toast not laid out');
    expect(form.y + form.height).toBeLessThanOrEqual(viewportHeight + 1);
    const overlaps =
      form.x < toastBox.x + toastBox.width &&
      toastBox.x < form.x + form.width &&
      form.y < toastBox.y + toastBox.height &&
      toastBox.y < form.y + form.height;
    expect(overlaps).toBe(false);
    await shoot(page, 'keyboard-review-new-individual');
    await page.keyboard.press('Enter');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q5');
    const created = decisionsOf('q4');
    expect(created).toEqual([expect.objectContaining({ verdict: 'new-individual', undone_at: null })]);
    const stripe4 = db(
      (d) =>
        d.prepare('SELECT name, retired_at FROM individuals WHERE id = ?').get(created[0]?.individual_id) as {
          name: string;
          retired_at: string | null;
        },
    );
    expect(stripe4).toEqual({ name: 'Stripe 4 mx', retired_at: null });

    // U undoes the newest decision: q4 comes back, its decision is marked undone and its individual retired.
    await page.keyboard.press('u');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q4');
    await textMatches(page.locator('.toast'), /^Undone: New individual/);
    expect(decisionsOf('q4')).toEqual([
      expect.objectContaining({ verdict: 'new-individual', undone_at: expect.any(String) }),
    ]);
    expect(
      db(
        (d) =>
          d.prepare('SELECT retired_at FROM individuals WHERE id = ?').get(created[0]?.individual_id) as {
            retired_at: string | null;
          },
      ).retired_at,
    ).not.toBeNull();

    // Ctrl+Z undoes the one before (can't tell on q3).
    await page.keyboard.press('Control+z');
    file = await waitForReviewReady(page, file);
    expect(tagOf(file)).toBe('q3');
    expect(decisionsOf('q3')).toEqual([
      expect.objectContaining({ verdict: 'cant-tell', undone_at: expect.any(String) }),
    ]);
    // Decisions made in the browser carry the reviewer of the serve process.
    expect(decisionsOf('q1')[0]?.reviewer).toBe('e2e-ranger');

    // The queue badge in the sidebar agrees with the database: q3, q4 and q5 are undecided.
    const undecided = db(
      (d) =>
        (
          d
            .prepare(
              'SELECT COUNT(*) AS n FROM detections WHERE id NOT IN (SELECT detection_id FROM decisions WHERE undone_at IS NULL)',
            )
            .get() as { n: number }
        ).n,
    );
    expect(undecided).toBe(3);
    await textMatches(page.locator('main .page-header-extra'), /3 encounters to review/);

    // ---- Tab navigation: Gallery, then tiger 1's card, then back to the review screen.
    await tabTo(page, 'Gallery');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { level: 1, name: 'Gallery' }));
    const cards = page.locator('a.individual-card');
    await visible(cards.first());
    expect(await cards.count()).toBe(3);
    await tabTo(page, (await cards.filter({ hasText: 'Stripe 1' }).innerText()).split('\n')[0] ?? 'Stripe 1');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { level: 1, name: 'Stripe 1' }));
    await textMatches(page.locator('.individual-head-body'), /2 sightings/);
  }, 300_000);

  it('gives every control on every screen an accessible name', async () => {
    const { page } = app.browser;
    const screens: [string, () => Promise<unknown>][] = [
      ['review', () => waitForReviewReady(page)],
      ['import', () => visible(page.getByRole('heading', { name: 'Import photos' }))],
      ['gallery', () => visible(page.locator('a.individual-card').first())],
      ['individual', () => visible(page.locator('.individual-head-body'))],
      ['status', () => visible(page.locator('dl.stats'))],
      ['settings', () => visible(page.getByRole('button', { name: /save/i }).first())],
    ];
    const problems: string[] = [];
    for (const [screen, ready] of screens) {
      const hash = screen === 'individual' ? `#/gallery/${individual.get('Stripe 1')}` : `#/${screen}`;
      await page.evaluate((h) => (window.location.hash = h), hash);
      await ready();
      const { checked, unnamed } = await unnamedControls(page);
      expect(checked, `${screen}: controls found`).toBeGreaterThan(5);
      for (const u of unnamed) problems.push(`${screen}: ${u.role} ${u.html}`);
    }
    // The review screen's name form and the individual page's rename field, opened with keys.
    await page.evaluate(() => (window.location.hash = '#/review'));
    await waitForReviewReady(page);
    await page.keyboard.press('n');
    await visible(page.getByLabel(/Name for the new individual/));
    for (const u of (await unnamedControls(page)).unnamed)
      problems.push(`review name form: ${u.role} ${u.html}`);
    await page.keyboard.press('Escape');
    expect(problems).toEqual([]);
    expect(app.browser.errors).toEqual([]);
  }, 120_000);
});
