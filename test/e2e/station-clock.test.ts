import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StationDto } from '../../electron/core/api';
import { CAMTRAP_EXAMPLE_SKIP_REASON, HAS_CAMTRAP_EXAMPLE } from '../support/sighting-gallery';
import { tempDir } from '../support/temp-dir';
import { apiCall } from './support/serve';
import { setUpServedApp } from './support/served-app';
import { importRidgeAndValley, STATIONS, stationCells, stationRow } from './support/stations-page';
import { openApp, shoot, textMatches, unnamedControls, visible } from './support/ui';

/**
 * "Fix clock" on the Stations screen, in a real browser against a real `tigerid serve`, on real camera-trap photos
 * (the Camtrap DP example, all taken on 11 Apr 2021): the user shifts station Ridge's clock by a year, sees the
 * preview and then the new times in the table and the API, and undoes it; station Valley has a frame whose time
 * was lost, and the user gives it one.
 */
describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `Fix clock on the Stations screen (${HAS_CAMTRAP_EXAMPLE ? 'Camtrap DP example photos' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    const temp = tempDir('tigerid-e2e-clock-');
    const dataDir = join(temp.path, 'data');
    let original: StationDto;
    const listed = async (name: string) => {
      const station = (await apiCall<StationDto[]>(app.serve, 'stations.list', {})).find(
        (s) => s.name === name,
      );
      if (!station) throw new Error(`stations.list has no station "${name}"`);
      return station;
    };

    const app = setUpServedApp({
      dataDir,
      viewport: { width: 1280, height: 800 },
      prepare: () =>
        importRidgeAndValley(dataDir, temp.path, (core) => {
          // A frame whose EXIF time was lost (an edited copy, a camera with a flat battery).
          const lost = core.db
            .prepare(
              `UPDATE media SET captured_at = NULL WHERE id = (
                 SELECT MIN(m.id) FROM media m JOIN stations s ON s.id = m.station_id WHERE s.name = 'Valley')`,
            )
            .run();
          if (lost.changes !== 1) throw new Error('fixture: Valley has no photo');
        }),
      cleanup: temp.cleanup,
    });

    beforeAll(async () => {
      original = await listed('Ridge');
    });

    it('previews a shift of a station’s clock, applies it, and shows the new times', async () => {
      const { page } = app.browser;
      await openApp(page, app.serve.url, STATIONS);
      await visible(stationRow(page, 'Ridge'));
      expect(original.firstPhotoAt).toMatch(/^2021-04-11T/);
      // The whole table, both action buttons included, still fits beside the sidebar.
      const card = page.locator('.stations-card');
      await shoot(page, 'station-clock-list');
      expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      expect((await stationCells(page, 'Valley')).Photos).toBe('2\n1 undated');

      await page.getByRole('button', { name: 'Fix clock of station Ridge' }).click();
      const form = await visible(page.getByRole('form', { name: 'Fix the clock of station Ridge' }));
      const by = form.getByLabel('Shift by');
      expect(await by.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await form.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
      expect((await unnamedControls(page)).unnamed).toEqual([]);

      await by.fill('+1y');
      const preview = await textMatches(form.getByRole('status'), /4 frames will change\./);
      const first = original.firstPhotoAt as string;
      const last = original.lastPhotoAt as string;
      expect(preview).toContain(
        `First\t${first.replace('T', ' ')}\t${first.replace('T', ' ').replace(/^2021/, '2022')}`,
      );
      expect(preview).toContain(
        `Last\t${last.replace('T', ' ')}\t${last.replace('T', ' ').replace(/^2021/, '2022')}`,
      );
      await shoot(page, 'station-clock-preview');

      // An offset the core cannot read: its message, and nothing to apply.
      await by.fill('+1 year');
      await textMatches(form.getByRole('alert'), /Expected a clock offset such as "\+1y"/);
      expect(await form.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
      await by.fill('+1y');
      await form.getByRole('button', { name: 'Apply to 4 frames' }).click();

      const note = await textMatches(page.locator('.clock-note'), /Shifted 4 frames/);
      expect(note).toContain('Shifted 4 frames of the station "Ridge" by +1y.');
      expect(await page.getByRole('form').count()).toBe(0);
      await textMatches(stationRow(page, 'Ridge').locator('td').nth(1), /^11 Apr 2022/);
      expect((await stationCells(page, 'Ridge'))['Last photo']).toMatch(/^11 Apr 2022/);
      await shoot(page, 'station-clock-applied');
      expect(await listed('Ridge')).toMatchObject({
        photos: 4,
        firstPhotoAt: first.replace(/^2021/, '2022'),
        lastPhotoAt: last.replace(/^2021/, '2022'),
      });
    });

    it('undoes the shift from the note, putting every time back', async () => {
      const { page } = app.browser;
      await page.getByRole('button', { name: 'Undo' }).click();
      const note = await textMatches(page.locator('.clock-note'), /Undone\./);
      expect(note).toContain('4 frames have their previous time again');
      await textMatches(stationRow(page, 'Ridge').locator('td').nth(1), /^11 Apr 2021/);
      await shoot(page, 'station-clock-undone');
      expect(await listed('Ridge')).toEqual(original);
      await page.getByRole('button', { name: 'Dismiss' }).click();
      expect(await page.locator('.clock-note').count()).toBe(0);
    });

    it('gives a frame without a time one', async () => {
      const { page } = app.browser;
      await page.getByRole('button', { name: 'Fix clock of station Valley' }).click();
      const form = await visible(page.getByRole('form', { name: 'Fix the clock of station Valley' }));
      await form.getByLabel('Give frames without a time one').check();
      await form.getByLabel('Time of the first frame').fill('2021-04-11T21:00:05');
      const preview = await textMatches(form.getByRole('status'), /1 frame will change\./);
      expect(preview).toContain('Left as they are: 1 frame that already has a time.');
      expect(preview).toContain('First\tno time\t2021-04-11 21:00:05');
      await shoot(page, 'station-clock-set');
      await form.getByRole('button', { name: 'Apply to 1 frame' }).click();
      await textMatches(page.locator('.clock-note'), /Set the time of 1 frame without one/);
      expect((await stationCells(page, 'Valley')).Photos).toBe('2');
      expect(await listed('Valley')).toMatchObject({ photos: 2, undatedPhotos: 0 });
      expect(app.browser.errors.filter((e) => !/Failed to load resource: .* status of 400/.test(e))).toEqual(
        [],
      );
    });
  },
);
