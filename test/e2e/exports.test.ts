import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../electron/core/data-paths';
import { setSetting } from '../../electron/core/settings';
import { Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/secrets';
import {
  CAMTRAP_EXAMPLE_SKIP_REASON,
  camtrapExamplePhotos,
  confirm,
  HAS_CAMTRAP_EXAMPLE,
  importStations,
} from '../support/sighting-gallery';
import { tempDir } from '../support/temp-dir';
import { waitForReviewReady } from './support/review-page';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, unnamedControls, visible } from './support/ui';

/** Today as the browser on this machine sees it, YYYY-MM-DD (the Swedish locale writes dates that way). */
const today = () => new Date().toLocaleDateString('sv-SE');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The report and export buttons in a real browser against a real `tigerid serve`, on real camera-trap photos
 * (the Camtrap DP standard's example, station "Ridge"): four photos, two confirmed as T-0001 before serve starts,
 * two left for Review. Files land where the dialog says; an existing file is replaced only after a yes.
 */
describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `reports and exports from the UI (${HAS_CAMTRAP_EXAMPLE ? 'Camtrap DP example photos' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    const temp = tempDir('tigerid-e2e-exports-');
    const dataDir = join(temp.path, 'data');
    const home = join(temp.path, 'home');
    const out = join(temp.path, 'out');
    let t1 = 0;

    const db = <T>(use: (d: Database.Database) => T): T => {
      const d = new Database(dataPaths(dataDir).database, { fileMustExist: true });
      try {
        return use(d);
      } finally {
        d.close();
      }
    };

    const app = setUpServedApp({
      dataDir,
      viewport: { width: 1280, height: 860 },
      prepare: async () => {
        const engine = new Engine({
          dataDir,
          secrets: new FileSecretStore(join(temp.path, 'secrets.json')),
          env: {},
        });
        try {
          const gallery = await importStations(engine.core, join(temp.path, 'photos'), [
            { station: 'Ridge', files: camtrapExamplePhotos().slice(0, 4) },
          ]);
          const [first, second] = gallery.detections;
          // The example's photos are one burst (1 s apart): review them one by one, as this test decides one.
          setSetting(engine.core, 'encounters.gapSeconds', 0);
          confirm(engine.core, first!.detectionId, null);
          confirm(engine.core, second!.detectionId, 'T-0001');
        } finally {
          await engine.close();
        }
        t1 = db((d) => d.prepare("SELECT id FROM individuals WHERE code = 'T-0001'").pluck().get() as number);
        mkdirSync(home, { recursive: true });
        mkdirSync(out, { recursive: true });
      },
      // HOME decides the default export folder (~/Tiger ID exports) that the dialog offers.
      serve: { env: { HOME: home } },
      cleanup: temp.cleanup,
    });

    const dialogOf = (page: Page) => page.getByRole('dialog');
    const result = (dialog: Locator) => dialog.locator('.export-result');
    const focusedText = (page: Page) =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');

    it('reports the decision just made in Review, and the dialog keeps the review keys from acting', async () => {
      const { page } = app.browser;
      await openApp(page, app.serve.url, '#/review');
      const file = await waitForReviewReady(page);
      await page.keyboard.press('n');
      await visible(page.getByLabel(/Name for the new individual/));
      await page.keyboard.press('Enter');
      await waitForReviewReady(page, file);
      await textMatches(page.locator('.review-side .export-last'), /Last decision: New individual T-0002/);
      await shoot(page, 'export-review-last-decision');
      const decisions = () =>
        db((d) => d.prepare('SELECT id, undone_at FROM decisions ORDER BY id').all() as { id: number }[]);
      const before = decisions();
      const decisionId = before.at(-1)!.id;

      await page.getByRole('button', { name: 'Match report (PDF)' }).click();
      const dialog = await visible(dialogOf(page));
      expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
      await visible(dialog.getByRole('heading', { name: 'Match report: T-0002' }));
      // A fresh browser offers the app's default folder, and a name made of the code, the decision and the day.
      expect(await dialog.getByLabel('Save in folder').inputValue()).toBe(join(home, 'Tiger ID exports'));
      expect(await dialog.getByLabel('File name').inputValue()).toBe(
        `T-0002-decision-${decisionId}-report-${today()}.pdf`,
      );
      // X (not a match) and U (undo) are review keys: inside the dialog they must decide and undo nothing.
      await page.keyboard.press('x');
      await page.keyboard.press('u');
      expect(decisions()).toEqual(before);

      await dialog.getByLabel('Save in folder').fill(out);
      await shoot(page, 'export-review-decision');
      await dialog.getByRole('button', { name: 'Save report' }).click();
      const saved = await textMatches(result(dialog), /Saved to/);
      const pdf = join(out, `T-0002-decision-${decisionId}-report-${today()}.pdf`);
      expect(saved).toContain(pdf);
      expect(saved).toMatch(/\d+ pages?, 1 sighting/);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      // Escape closes it and the focus is back on the button that opened it.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focusedText(page)).toBe('Match report (PDF)');
    }, 120_000);

    it('saves an individual’s report, asks before replacing it, and keeps or replaces it as answered', async () => {
      const { page } = app.browser;
      await go(page, `#/gallery/${t1}`);
      await visible(page.locator('.individual-head-body'));
      const open = page.getByRole('button', { name: 'Report (PDF)' });
      await open.click();
      let dialog = await visible(dialogOf(page));
      // The folder of the last export is offered first.
      expect(await dialog.getByLabel('Save in folder').inputValue()).toBe(out);
      const name = `T-0001-report-${today()}.pdf`;
      expect(await dialog.getByLabel('File name').inputValue()).toBe(name);
      await visible(dialog.getByText(`Saved as ${join(out, name)}`));
      await shoot(page, 'export-individual-dialog');
      await dialog.getByRole('button', { name: 'Save report' }).click();
      const saved = await textMatches(result(dialog), /Saved to/);
      expect(saved).toMatch(/\d+ pages?, 2 sightings/);
      expect(saved).toMatch(/Seal [0-9a-f]{12}…/);
      const file = join(out, name);
      expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
      await shoot(page, 'export-individual-saved');
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await dialog.waitFor({ state: 'detached' });
      expect(await focusedText(page)).toBe('Report (PDF)');

      // Again, same name: the dialog asks, and "keep" leaves the file exactly as it was.
      const before = { mtime: statSync(file).mtimeMs, sha: sha(file) };
      await open.click();
      dialog = await visible(dialogOf(page));
      await dialog.getByRole('button', { name: 'Save report' }).click();
      const question = await visible(dialog.getByRole('group', { name: /Replace\?/ }));
      expect(await question.innerText()).toContain(`${file} already exists. Replace it?`);
      // The safe answer has the focus.
      expect(await focusedText(page)).toBe('Keep the existing file');
      await shoot(page, 'export-replace-question');
      await question.getByRole('button', { name: 'Keep the existing file' }).click();
      await visible(dialog.getByText(/Nothing was written; the existing file is unchanged/));
      expect({ mtime: statSync(file).mtimeMs, sha: sha(file) }).toEqual(before);
      await shoot(page, 'export-replace-kept');

      // Asked again and answered yes: the file is written anew.
      await dialog.getByRole('button', { name: 'Save report' }).click();
      await (
        await visible(dialog.getByRole('group', { name: /Replace\?/ }))
      )
        .getByRole('button', { name: 'Replace' })
        .click();
      await textMatches(result(dialog), /Saved to/);
      expect(statSync(file).mtimeMs).toBeGreaterThan(before.mtime);
      expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }, 120_000);

    it('exports a sightings CSV and, once the station has coordinates, a secr capture history from the gallery', async () => {
      const { page } = app.browser;
      await go(page, '#/gallery');
      await visible(page.locator('a.individual-card').first());
      const exportButton = page.getByRole('button', { name: 'Export…' });
      await exportButton.click();
      let dialog = await visible(dialogOf(page));
      await dialog.getByRole('radio', { name: 'Sightings CSV' }).check();
      const csvName = `sightings-${today()}.csv`;
      expect(await dialog.getByLabel('File name').inputValue()).toBe(csvName);
      await shoot(page, 'export-gallery-csv');
      await dialog.getByRole('button', { name: 'Save CSV' }).click();
      const csvSaved = await textMatches(result(dialog), /Saved to/);
      expect(csvSaved).toContain('3 sightings');
      const rows = readFileSync(join(out, csvName), 'utf8').trim().split('\n');
      // A header and the three confirmed sightings (two of T-0001, one of T-0002).
      expect(rows).toHaveLength(4);
      expect(rows.filter((r) => r.includes('T-0001'))).toHaveLength(2);
      expect(rows.filter((r) => r.includes('T-0002'))).toHaveLength(1);
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await dialog.waitFor({ state: 'detached' });
      expect(await focusedText(page)).toBe('Export…');

      // A range report of a period with no sightings: nothing is written, and the dialog says why.
      await exportButton.click();
      dialog = await visible(dialogOf(page));
      await dialog.getByRole('radio', { name: 'Range report (PDF)' }).check();
      await dialog.getByLabel('Station').selectOption({ label: 'Ridge (4 photos)' });
      await dialog.getByLabel('From').fill('2030-01-01');
      const rangeName = `report-from-2030-01-01-Ridge-${today()}.pdf`;
      expect(await dialog.getByLabel('File name').inputValue()).toBe(rangeName);
      await dialog.getByRole('button', { name: 'Save report' }).click();
      const empty = await visible(dialog.getByRole('alert'));
      expect(await empty.innerText()).toMatch(/^Nothing was written\.\s+No sightings/);
      expect(existsSync(join(out, rangeName))).toBe(false);
      await shoot(page, 'export-range-empty');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // secr: the station has no coordinates yet, and the error says so and how to set them.
      await exportButton.click();
      dialog = await visible(dialogOf(page));
      await dialog.getByRole('radio', { name: 'secr capture history' }).check();
      expect(await dialog.getByLabel('Occasion length (days)').inputValue()).toBe('1');
      await dialog.getByLabel(/Flank-aware/).check();
      const secrFolder = join(out, `secr-${today()}`);
      expect(await dialog.getByLabel('New folder name').inputValue()).toBe(`secr-${today()}`);
      const { checked, unnamed } = await unnamedControls(page);
      expect(checked).toBeGreaterThan(8);
      expect(unnamed).toEqual([]);
      await dialog.getByRole('button', { name: 'Save capture history' }).click();
      const error = await visible(dialog.getByRole('alert'));
      const errorText = await error.innerText();
      expect(errorText).toContain('The gallery is not ready for this export.');
      expect(errorText).toContain('"Ridge"');
      expect(errorText).toContain('tigerid stations set');
      expect(existsSync(secrFolder)).toBe(false);
      await shoot(page, 'export-secr-no-coordinates');

      // Set as `tigerid stations set Ridge --lat --lon` would (serve reads the same database), then save again.
      db((d) =>
        d.prepare("UPDATE stations SET latitude = 21.5, longitude = 79.3 WHERE name = 'Ridge'").run(),
      );
      await dialog.getByRole('button', { name: 'Save capture history' }).click();
      const secrSaved = await textMatches(result(dialog), /Saved to/);
      expect(secrSaved).toContain(secrFolder);
      expect(secrSaved).toMatch(
        /secr capture history: 2 individuals, \d+ captures on \d+ occasions of 1 day/,
      );
      expect(readdirSync(secrFolder).sort()).toEqual(
        ['README.txt', 'captures.txt', 'flank-captures.csv', 'flank-individuals.csv', 'traps.txt'].sort(),
      );
      await shoot(page, 'export-secr-saved');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }, 120_000);

    it('asks for the camera clocks’ UTC offset for Camtrap DP, and writes nothing into a folder that holds files', async () => {
      const { page } = app.browser;
      const folder = join(out, 'camtrap');
      mkdirSync(folder);
      writeFileSync(join(folder, 'notes.txt'), 'keep me');

      await page.getByRole('button', { name: 'Export…' }).click();
      const dialog = await visible(dialogOf(page));
      await dialog.getByRole('radio', { name: 'Camtrap DP package' }).check();
      await dialog.getByLabel('New folder name').fill('camtrap');
      // The photos' times carry no zone: the error says so and the offset field takes the focus.
      await dialog.getByRole('button', { name: 'Save package' }).click();
      const error = await visible(dialog.getByRole('alert'));
      expect(await error.innerText()).toContain('Camtrap DP needs the time zone of the camera clocks.');
      const offset = dialog.getByLabel(/UTC offset of the camera clocks/);
      expect(await offset.getAttribute('aria-invalid')).toBe('true');
      expect(await offset.evaluate((el) => el === document.activeElement)).toBe(true);
      await shoot(page, 'export-camtrap-offset');

      await offset.fill('+05:30');
      await dialog.getByRole('button', { name: 'Save package' }).click();
      const question = await visible(dialog.getByRole('group', { name: /Replace\?/ }));
      expect(await question.innerText()).toContain(`The folder ${folder} is not empty.`);
      await shoot(page, 'export-camtrap-not-empty');
      await question.getByRole('button', { name: 'Keep the folder as it is' }).click();
      await visible(dialog.getByText(/Nothing was written; the folder is unchanged/));
      expect(readdirSync(folder)).toEqual(['notes.txt']);
      expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Refused exports answer with HTTP 4xx, which Chromium logs as failed loads; nothing else may be logged.
      expect(
        app.browser.errors.filter((e) => !/Failed to load resource: .* status of 4\d\d/.test(e)),
      ).toEqual([]);
    }, 120_000);
  },
);
