import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StationDto } from '../../electron/core/api';
import { CAMTRAP_EXAMPLE_SKIP_REASON, HAS_CAMTRAP_EXAMPLE } from '../support/sighting-gallery';
import { tempDir } from '../support/temp-dir';
import { apiCall } from './support/serve';
import { setUpServedApp } from './support/served-app';
import { importRidgeAndValley, STATIONS, stationCells, stationRow } from './support/stations-page';
import { openApp, shoot, textMatches, unnamedControls, visible } from './support/ui';

/**
 * The Stations screen in a real browser against a real `tigerid serve`, on real camera-trap photos (the Camtrap DP
 * standard's example, all taken on 11 Apr 2021): station "Ridge" with four photos, "Valley" with two. Coordinates
 * and operation dates are typed into the form and read back through the API; a latitude out of range is refused
 * by the core with its own message, and nothing is saved.
 */
describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `the Stations screen (${HAS_CAMTRAP_EXAMPLE ? 'Camtrap DP example photos' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    const temp = tempDir('tigerid-e2e-stations-');
    const dataDir = join(temp.path, 'data');
    const listed = async (name: string) => {
      const station = (await apiCall<StationDto[]>(app.serve, 'stations.list', {})).find(
        (s) => s.name === name,
      );
      if (!station) throw new Error(`stations.list has no station "${name}"`);
      return station;
    };

    const app = setUpServedApp({
      dataDir,
      // A common laptop width: the whole table, Edit buttons included, must fit beside the sidebar.
      viewport: { width: 1280, height: 800 },
      prepare: () => importRidgeAndValley(dataDir, temp.path),
      cleanup: temp.cleanup,
    });

    it('lists each station with its photos, flags missing coordinates, and names every control', async () => {
      const { page } = app.browser;
      await openApp(page, app.serve.url, STATIONS);
      await visible(page.getByRole('heading', { level: 1, name: 'Stations' }));
      await visible(stationRow(page, 'Ridge'));
      expect(await page.locator('.page-header').innerText()).toContain('2 stations · 2 need coordinates');

      const ridge = await stationCells(page, 'Ridge');
      expect(ridge.Station).toBe('Ridge Needs coordinates');
      expect(ridge.Photos).toBe('4');
      expect(ridge['First photo']).toMatch(/^11 Apr 2021\n\d\d:\d\d$/);
      expect(ridge.Latitude).toBe('—');
      expect(ridge.Longitude).toBe('—');
      // No dates recorded: the photos' day stands in, and the cell says so.
      expect(ridge['Operation start']).toBe('11 Apr 2021\nfirst photo');
      expect(ridge['Operation end']).toBe('11 Apr 2021\nlast photo');
      expect((await stationCells(page, 'Valley')).Photos).toBe('2');
      const card = page.locator('.stations-card');
      expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

      const { checked, unnamed } = await unnamedControls(page);
      expect(checked).toBeGreaterThanOrEqual(2);
      expect(unnamed).toEqual([]);
      await shoot(page, 'stations-list');
    });

    it('records coordinates and operation dates through the form and shows them in the table and the API', async () => {
      const { page } = app.browser;
      await page.getByRole('button', { name: 'Edit station Ridge' }).click();
      const form = await visible(page.getByRole('form', { name: 'Edit station Ridge' }));
      expect(
        await page.getByRole('button', { name: 'Edit station Ridge' }).getAttribute('aria-expanded'),
      ).toBe('true');
      const latitude = form.getByLabel('Latitude');
      expect(await latitude.evaluate((el) => el === document.activeElement)).toBe(true);
      // Every box of the open form has a name a screen reader reads.
      expect((await unnamedControls(page)).unnamed).toEqual([]);

      await latitude.fill('7.25 S');
      await form.getByLabel('Longitude').fill('110.5');
      await form.getByLabel('Operation start').fill('2021-04-01');
      await form.getByLabel('Operation end').fill('2021-04-30');
      await shoot(page, 'stations-edit');
      await form.getByRole('button', { name: 'Save' }).click();

      const note = await textMatches(page.locator('.station-note'), /Saved Ridge\./);
      expect(note).toContain('Operated 1 Apr 2021 to 30 Apr 2021.');
      // Every Ridge photo (11 Apr) lies inside these dates: no warning.
      expect(note).not.toMatch(/outside/);
      expect(await page.getByRole('form').count()).toBe(0);
      // The note takes focus, so a screen reader reads the outcome.
      expect(await page.locator('.station-note').evaluate((el) => el === document.activeElement)).toBe(true);

      await textMatches(stationRow(page, 'Ridge').locator('td').nth(3), /^-7\.25 \(S\)$/);
      const ridge = await stationCells(page, 'Ridge');
      expect(ridge.Station).toBe('Ridge');
      expect(ridge.Longitude).toBe('110.5 (E)');
      expect(ridge['Operation start']).toBe('1 Apr 2021');
      expect(ridge['Operation end']).toBe('30 Apr 2021');
      expect(await page.locator('.page-header').innerText()).toContain('2 stations · 1 needs coordinates');
      await shoot(page, 'stations-saved');

      expect(await listed('Ridge')).toMatchObject({
        latitude: -7.25,
        longitude: 110.5,
        operationStart: '2021-04-01',
        operationEnd: '2021-04-30',
        photos: 4,
      });
    });

    it('shows the core’s message for a latitude out of range, marks the box, and saves nothing', async () => {
      const { page } = app.browser;
      const before = await listed('Valley');
      await page.getByRole('button', { name: 'Edit station Valley' }).click();
      const form = await visible(page.getByRole('form', { name: 'Edit station Valley' }));
      const latitude = form.getByLabel('Latitude');

      // A typo the form can read itself: said under the box, nothing sent.
      await latitude.fill('21,5');
      await form.getByLabel('Longitude').fill('79.3');
      await form.getByRole('button', { name: 'Save' }).click();
      await textMatches(form.getByRole('alert'), /^Write the latitude with a decimal point, such as -7\.25/);
      expect(await latitude.getAttribute('aria-invalid')).toBe('true');

      // Out of range: the core refuses it and its message, naming the field, is shown next to the form.
      await latitude.fill('123');
      expect(await form.getByRole('alert').count()).toBe(0);
      await form.getByRole('button', { name: 'Save' }).click();
      const error = await textMatches(form.getByRole('alert'), /latitude/);
      expect(error).toMatch(/^Not saved: Invalid station update: latitude: .*90/);
      expect(await latitude.getAttribute('aria-invalid')).toBe('true');
      expect(await latitude.getAttribute('aria-describedby')).toContain(
        await form.getByRole('alert').evaluate((el) => el.parentElement?.id ?? ''),
      );
      await shoot(page, 'stations-invalid');
      expect(await listed('Valley')).toEqual(before);

      // Cancel (Escape) leaves the station as it was.
      await latitude.press('Escape');
      expect(await page.getByRole('form').count()).toBe(0);
      expect((await stationCells(page, 'Valley')).Latitude).toBe('—');
      expect(
        await page
          .getByRole('button', { name: 'Edit station Valley' })
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
      // The browser logged the refused call (HTTP 400) and nothing else.
      expect(app.browser.errors.filter((e) => !/Failed to load resource: .* status of 400/.test(e))).toEqual(
        [],
      );
    });

    it('warns when the new dates leave photos out of capture histories', async () => {
      const { page } = app.browser;
      await page.getByRole('button', { name: 'Edit station Ridge' }).click();
      const form = await visible(page.getByRole('form', { name: 'Edit station Ridge' }));
      expect(await form.getByLabel('Latitude').inputValue()).toBe('-7.25');
      // The last day before the photos (11 Apr): all four fall outside.
      await form.getByLabel('Operation end').fill('2021-04-10');
      await form.getByRole('button', { name: 'Save' }).click();
      const note = await textMatches(page.locator('.station-note'), /Saved Ridge\./);
      expect(note).toContain(
        '4 photos of this station were taken outside these dates: capture histories leave them out.',
      );
      await shoot(page, 'stations-outside');
      expect(await listed('Ridge')).toMatchObject({
        latitude: -7.25,
        longitude: 110.5,
        operationStart: '2021-04-01',
        operationEnd: '2021-04-10',
      });

      // Dismissing the note puts focus back on the row's Edit button.
      await page.getByRole('button', { name: 'Dismiss' }).click();
      expect(await page.locator('.station-note').count()).toBe(0);
      expect(
        await page
          .getByRole('button', { name: 'Edit station Ridge' })
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);

      // Emptying the dates clears them: the photos stand in again.
      await page.getByRole('button', { name: 'Edit station Ridge' }).click();
      const again = await visible(page.getByRole('form', { name: 'Edit station Ridge' }));
      await again.getByLabel('Operation start').fill('');
      await again.getByLabel('Operation end').fill('');
      await again.getByRole('button', { name: 'Save' }).click();
      const cleared = await textMatches(page.locator('.station-note'), /Saved Ridge\./);
      expect(cleared).toContain('Operated 11 Apr 2021 (first photo) to 11 Apr 2021 (last photo).');
      expect(cleared).not.toMatch(/outside/);
      expect(await listed('Ridge')).toMatchObject({
        operationStart: null,
        operationEnd: null,
        latitude: -7.25,
      });
    });
  },
);
