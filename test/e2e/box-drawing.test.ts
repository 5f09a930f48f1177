import type Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { tigerOnBlank } from '../support/tiger-on-blank';
import { withGallery } from './support/gallery-db';
import { rankOf, waitForReviewReady } from './support/review-page';
import { decideNewIndividual, importKnownAndCard } from './support/review-gallery';
import { setUpServedApp } from './support/served-app';
import { controlsWithoutName, openApp, shoot, textMatches, visible } from './support/ui';

interface BoxRow {
  id: number;
  detector: string;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
}

/**
 * A known tiger ("Stripe 1", decided with the CLI) and a camera frame with the same tiger pasted on a blank
 * camera-trap frame, imported as a whole frame. In Review, B opens box mode: a box drawn with the mouse a little
 * left of the tiger is stored and identified at once; the arrow keys move it onto the tiger and Enter saves it,
 * described again. Decision keys do nothing in box mode; Delete and the toast's Undo remove and restore the box; Esc
 * leaves box mode, and Review shows the drawn box.
 */
describe('drawing a box by hand in Review', () => {
  const temp = tempDir('tigerid-e2e-boxes-');
  const dataDir = join(temp.path, 'data');
  let tiger: { x: number; y: number; w: number; h: number };

  const db = <T>(read: (d: Database.Database) => T, write = false): T =>
    withGallery(dataDir, read, { write });
  const frameBoxes = () =>
    db(
      (d) =>
        d
          .prepare(
            `SELECT d.id, d.detector, d.box_x, d.box_y, d.box_w, d.box_h FROM detections d
               JOIN media m ON m.id = d.media_id WHERE m.file_name = 'frame.jpg' ORDER BY d.id`,
          )
          .all() as BoxRow[],
    );
  const decisions = () => db((d) => d.prepare('SELECT COUNT(*) FROM decisions').pluck().get() as number);

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1366, height: 900 },
    prepare: async () => {
      await importKnownAndCard(dataDir, temp.path, async (card) => {
        const composed = await tigerOnBlank(1, 1);
        tiger = composed.tiger;
        writeFileSync(join(card, 'frame.jpg'), composed.jpeg);
      });
      const s1 = db((d) =>
        d
          .prepare(
            "SELECT d.id FROM detections d JOIN media m ON m.id = d.media_id WHERE m.file_name = 's1.jpg'",
          )
          .pluck()
          .get(),
      ) as number;
      await decideNewIndividual(dataDir, s1, 'Stripe 1');
    },
    cleanup: temp.cleanup,
  });

  it('draws a box with the mouse, moves it with the keys, and the box is identified again at once', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/review');
    await waitForReviewReady(page);
    expect(frameBoxes().map((b) => b.detector)).toEqual(['whole-frame']);
    await textMatches(page.locator('.facts'), /Whole photo \(no detector\)/);

    await page.keyboard.press('b');
    const editor = await visible(page.locator('.box-editor'));
    await textMatches(editor.locator('.box-status'), /1 box on this photo/);
    // Review's keys do nothing in box mode: X would otherwise record "not a match".
    await page.keyboard.press('x');
    await page.keyboard.press('m');
    // Nor do the decision buttons.
    expect(await page.locator('.decisions button', { hasText: 'Not a match' }).isDisabled()).toBe(true);

    // Drag from 4 % left of the tiger's top-left corner to 4 % left of its bottom-right one.
    // The layer takes the photo's size: measure it once the photo is there.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.box-photo img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const layer = editor.locator('.box-layer');
    const r = (await layer.boundingBox())!;
    const at = (fx: number, fy: number) => [r.x + fx * r.width, r.y + fy * r.height] as const;
    const shift = 0.04;
    const [x0, y0] = at(tiger.x - shift, tiger.y);
    const [x1, y1] = at(tiger.x + tiger.w - shift, tiger.y + tiger.h);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 5 });
    await page.mouse.move(x1, y1, { steps: 5 });
    await page.mouse.up();
    await textMatches(page.locator('.toast').last(), /Box added and identified/);
    await textMatches(editor.locator('.box-candidates'), /Stripe 1/);
    const drawn = frameBoxes();
    expect(drawn.map((b) => b.detector)).toEqual(['drawn']);
    const tolerance = 2.5 / r.width + 1e-3;
    expect(Math.abs(drawn[0]!.box_x - (tiger.x - shift))).toBeLessThan(tolerance);
    expect(Math.abs(drawn[0]!.box_w - tiger.w)).toBeLessThan(tolerance);

    // The arrows move the selected box by 1 % each; Enter saves it and it is described again.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await textMatches(editor.locator('.box-status'), /Changed, not saved yet/);
    await page.keyboard.press('Enter');
    await textMatches(page.locator('.toast').last(), /Box moved and identified again/);
    await textMatches(editor.locator('.box-status'), /1 box on this photo/);
    const moved = frameBoxes();
    expect(moved.map((b) => [b.id, b.detector])).toEqual([[drawn[0]!.id, 'drawn']]);
    expect(moved[0]!.box_x).toBeCloseTo(drawn[0]!.box_x + 0.04, 6);
    expect(moved[0]!.box_y).toBeCloseTo(drawn[0]!.box_y, 6);
    expect(Math.abs(moved[0]!.box_x - tiger.x)).toBeLessThan(tolerance);
    const candidates = await textMatches(
      editor.locator('.box-candidates'),
      /Stripe 1 \(T-\d+\) · score 0\.\d\d/,
    );
    const score = Number(/score (0\.\d+)/.exec(candidates)?.[1]);
    expect(score).toBeGreaterThan(0.8);
    expect(await editor.locator('.box-frame[role="img"]').first().getAttribute('aria-label')).toMatch(
      /^Box 1 of 1: Drawn by hand, selected$/,
    );
    await shoot(page, 'review-box-drawn');
    expect(decisions()).toBe(1);
    expect(await controlsWithoutName(page)).toEqual([]);

    // Delete removes the selected box (the photo, left without one, is set aside); the toast's Undo puts it back.
    await page.keyboard.press('Delete');
    await textMatches(page.locator('.toast').last(), /Box deleted: the photo is set aside as empty/);
    await textMatches(editor.locator('.box-status'), /0 boxes on this photo/);
    expect(frameBoxes()).toEqual([]);
    await page.locator('.toast').last().getByRole('button', { name: 'Undo' }).click();
    await textMatches(editor.locator('.box-status'), /1 box on this photo/);
    expect(frameBoxes().map((b) => [b.detector, b.box_x, b.box_y, b.box_w, b.box_h])).toEqual([
      ['drawn', moved[0]!.box_x, moved[0]!.box_y, moved[0]!.box_w, moved[0]!.box_h],
    ]);

    // Keys only: B starts a centred box, Enter saves it, Tab walks the boxes, Delete removes the selected one.
    await page.keyboard.press('b');
    await textMatches(editor.locator('.box-status'), /Changed, not saved yet/);
    await page.keyboard.press('Enter');
    await textMatches(editor.locator('.box-status'), /2 boxes on this photo/);
    const two = frameBoxes();
    expect(two.map((b) => [b.detector, b.box_x, b.box_y, b.box_w, b.box_h])[1]).toEqual([
      'drawn',
      0.35,
      0.35,
      0.3,
      0.3,
    ]);
    const selectedBox = () => editor.locator('.box-frame.box-selected').getAttribute('aria-label');
    expect(await selectedBox()).toMatch(/^Box 2 of 2: Drawn by hand, selected$/);
    await page.keyboard.press('Tab');
    expect(await selectedBox()).toMatch(/^Box 1 of 2: /);
    await page.keyboard.press('Tab');
    expect(await selectedBox()).toMatch(/^Box 2 of 2: /);
    await page.keyboard.press('Delete');
    await textMatches(editor.locator('.box-status'), /1 box on this photo/);
    expect(frameBoxes().map((b) => b.id)).toEqual([two[0]!.id]);

    // Esc leaves box mode; Review shows the drawn box, with Stripe 1 its first candidate.
    await page.keyboard.press('Escape');
    await visible(page.locator('.compare-toolbar'));
    await textMatches(page.locator('.facts'), /Drawn by hand/);
    await waitForReviewReady(page);
    expect(await rankOf(page, 'Stripe 1')).toBe(1);
    // The crop follows the box (the restored box may reuse an id whose old crop the browser still holds).
    expect(await page.locator('img.query-crop').getAttribute('src')).toMatch(/\/crop\?v=0\.\d+%2C/);
    await shoot(page, 'review-box-back');
  });
});
