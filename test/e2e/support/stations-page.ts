import type { Page } from 'playwright-core';

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
