import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CoreContext } from '../../../electron/core/context';
import { Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/secrets';
import { camtrapExamplePhotos, importStations } from '../../support/sighting-gallery';

/** The Stations screen's route (renderer/src/router.ts): reached by its hash, as a bookmark or the sidebar would. */
export const STATIONS = '#/stations';

/** The table row of a station, found by its name as a person would. */
export const stationRow = (page: Page, name: string) =>
  page
    .locator('tbody tr.station-row')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) });

/** A row's cells by column header, as a person reads them. */
export async function stationCells(page: Page, name: string): Promise<Record<string, string>> {
  const headers = await page.locator('.stations-table thead th').allInnerTexts();
  const values = await stationRow(page, name).locator('th, td').allInnerTexts();
  return Object.fromEntries(headers.map((h, i) => [h.trim() || 'Actions', (values[i] ?? '').trim()]));
}

/**
 * The Camtrap DP example's photos imported into `dataDir` as two stations: Ridge (4 photos) and Valley (2), copied
 * under `root`. `adjust` changes the gallery before the engine closes, as a camera or an earlier edit would have.
 */
export async function importRidgeAndValley(
  dataDir: string,
  root: string,
  adjust?: (core: CoreContext) => void,
): Promise<void> {
  const engine = new Engine({
    dataDir,
    secrets: new FileSecretStore(join(root, 'secrets.json')),
    env: {},
  });
  try {
    const photos = camtrapExamplePhotos();
    await importStations(engine.core, join(root, 'photos'), [
      { station: 'Ridge', files: photos.slice(0, 4) },
      { station: 'Valley', files: photos.slice(4, 6) },
    ]);
    adjust?.(engine.core);
  } finally {
    await engine.close();
  }
}
