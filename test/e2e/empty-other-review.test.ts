import type Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { setCaptureTimes, withGallery } from './support/gallery-db';
import { currentFile, waitForReviewReady } from './support/review-page';
import { decideNewIndividual, importKnownAndCard } from './support/review-gallery';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, visible } from './support/ui';

/**
 * Review's E and O: at station C12 a frame with no animal (e1), a burst of another species (b1, b2) and one more
 * animal (o1), beside a known tiger at C1. E sets e1 aside, O names the burst's species for both frames, O with no
 * name marks o1; U undoes; the Status card pulls e1 back into Review.
 */
describe('Review: E for an empty frame, O for another species, and the empty pulled back', () => {
  const temp = tempDir('tigerid-e2e-empty-other-');
  const dataDir = join(temp.path, 'data');
  const media = new Map<string, number>();

  const db = <T>(read: (d: Database.Database) => T, write = false): T =>
    withGallery(dataDir, read, { write });
  const labels = (...tags: string[]) =>
    db((d) =>
      tags.map((tag) =>
        d.prepare('SELECT label, species FROM detections WHERE media_id = ?').get(media.get(tag)),
      ),
    );
  const frame = (tag: string) =>
    db((d) =>
      d.prepare('SELECT content, content_source AS source FROM media WHERE id = ?').get(media.get(tag)),
    );
  const toast = (pattern: RegExp) => textMatches(app.browser.page.locator('.toast').last(), pattern);

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 900 },
    prepare: async () => {
      await importKnownAndCard(dataDir, temp.path, async (card) => {
        for (const [tag, tiger, view] of [
          ['e1', 2, 0],
          ['b1', 3, 0],
          ['b2', 3, 1],
          ['o1', 4, 0],
        ] as const)
          writeFileSync(join(card, `${tag}.jpg`), await syntheticTigerPhoto(tiger, view));
      });
      db((d) => {
        for (const r of d.prepare('SELECT id, file_name FROM media').all() as {
          id: number;
          file_name: string;
        }[])
          media.set(r.file_name.replace('.jpg', ''), r.id);
        setCaptureTimes(d, {
          's1.jpg': '2026-03-01T23:10:00.000Z',
          'e1.jpg': '2026-03-02T23:00:00.000Z',
          'b1.jpg': '2026-03-02T23:10:00.000Z',
          'b2.jpg': '2026-03-02T23:10:02.000Z',
          'o1.jpg': '2026-03-02T23:20:00.000Z',
        });
      }, true);
      const s1 = db(
        (d) =>
          d.prepare('SELECT id FROM detections WHERE media_id = ?').pluck().get(media.get('s1')) as number,
      );
      await decideNewIndividual(dataDir, s1, 'Stripe 1');
    },
    serve: { env: { TIGERID_REVIEWER: 'ranger-e2e' } },
    cleanup: temp.cleanup,
  });

  it('E and O take the photos out of Review, U brings them back, Status pulls the empty back', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/review');
    const first = await waitForReviewReady(page);
    expect(first).toMatch(/e1\.jpg$/);
    await textMatches(page.locator('.page-header-extra .muted'), /3 encounters to review/);
    await visible(page.locator('.legend').getByText('Empty: no animal in this photo'));

    // E: e1 holds no animal.
    await page.keyboard.press('e');
    await toast(/e1\.jpg set aside as empty \(no animal\)\./);
    const burst = await waitForReviewReady(page, first);
    expect(burst).toMatch(/b\d\.jpg$/);
    expect(frame('e1')).toEqual({ content: 'empty', source: 'reviewer' });
    expect(db((d) => d.prepare('SELECT kind, reviewer FROM content_marks').all())).toEqual([
      { kind: 'empty', reviewer: 'ranger-e2e' },
    ]);
    expect(await page.locator('.frame-thumb').count()).toBe(2);

    // O, a species, Enter: both frames of the burst.
    await page.keyboard.press('o');
    const field = await visible(page.locator('#species-name'));
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Panthera pardus');
    await shoot(page, 'review-not-a-tiger-species');
    await page.keyboard.press('Enter');
    await toast(/Marked not a tiger \(Panthera pardus\): all 2 frames\./);
    const last = await waitForReviewReady(page, burst);
    expect(last).toMatch(/o1\.jpg$/);
    expect(labels('b1', 'b2')).toEqual([
      { label: 'other', species: 'Panthera pardus' },
      { label: 'other', species: 'Panthera pardus' },
    ]);

    // O again offers the species used; Esc leaves the photo undecided, Enter on an empty name: species not known.
    await page.keyboard.press('o');
    const form = await visible(page.locator('form.new-form'));
    await visible(form.getByRole('button', { name: 'Panthera pardus' }));
    await shoot(page, 'review-not-a-tiger-suggestions');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(labels('o1')).toEqual([{ label: 'animal', species: null }]);
    await page.keyboard.press('o');
    await visible(page.locator('#species-name'));
    await page.keyboard.press('Enter');
    await toast(/^Marked not a tiger\./);
    await visible(page.getByText('Nothing to review'));
    expect(labels('o1')).toEqual([{ label: 'other', species: null }]);
    await shoot(page, 'review-after-empty-and-other');

    // U takes back the newest mark, then the one before.
    await page.keyboard.press('u');
    await toast(/Undone: Marked not a tiger\./);
    expect(await waitForReviewReady(page)).toMatch(/o1\.jpg$/);
    expect(labels('o1')).toEqual([{ label: 'animal', species: null }]);
    await page.keyboard.press('u');
    await toast(/Undone: Marked not a tiger \(Panthera pardus\)/);
    await expect
      .poll(() => labels('b1', 'b2'))
      .toEqual([
        { label: 'animal', species: null },
        { label: 'animal', species: null },
      ]);
    const best = await currentFile(page);
    expect(best).toMatch(/b\d\.jpg$/);
    expect(await page.locator('.frame-thumb').count()).toBe(2);

    // E on the burst's best frame sets that frame aside only: the item stays, shown by its other frame.
    await page.keyboard.press('e');
    await toast(/b\d\.jpg set aside as empty/);
    const other = await waitForReviewReady(page, best);
    expect(other).toMatch(/b\d\.jpg$/);
    expect(await page.locator('.frame-thumb').count()).toBe(0);
    await textMatches(page.locator('.page-header-extra .muted'), /2 encounters to review/);
    await page.keyboard.press('u');
    await toast(/Undone: b\d\.jpg set aside as empty/);
    await expect.poll(() => page.locator('.frame-thumb').count()).toBe(2);
    expect(await currentFile(page)).toBe(best);

    // The Status card lists e1 as a reviewer's empty; Pull back sends it to Review as it was.
    await go(page, '#/status');
    const card = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Empty frames set aside' }),
    });
    const item = await visible(card.locator('ul.empty-frames li', { hasText: 'e1.jpg' }));
    await textMatches(item, /marked empty in Review/);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'status-reviewer-empty');
    await item.getByRole('button', { name: 'Pull back' }).click();
    await visible(page.getByText(/e1\.jpg is back in Review\./));
    await expect.poll(() => frame('e1')).not.toEqual({ content: 'empty', source: 'reviewer' });
    expect(
      db((d) => d.prepare('SELECT undone_by FROM content_marks WHERE kind = ?').pluck().get('empty')),
    ).toBe('ranger-e2e');
    await go(page, '#/review');
    await textMatches(page.locator('.page-header-extra .muted'), /3 encounters to review/);
    expect(app.browser.errors).toEqual([]);
  });
});
