import type { Page } from 'playwright-core';
import { visible } from './ui';

/** The full path of the detection the review screen shows now (the File fact's title). */
export async function currentFile(page: Page): Promise<string> {
  const cell = await visible(page.locator('.facts dd.cell-file'));
  return (await cell.getAttribute('title')) ?? '';
}

/**
 * Waits until the review screen is ready for the next key: it shows a detection other than `previous` (when given),
 * its candidates have loaded (the list or the "No candidates" note), and no decision is in flight.
 */
export async function waitForReviewReady(page: Page, previous?: string, timeout = 60_000): Promise<string> {
  await page.waitForFunction(
    (prev) => {
      const file = document.querySelector('.facts dd.cell-file')?.getAttribute('title');
      if (!file || (prev !== null && file === prev)) return false;
      const loaded =
        document.querySelector('ol.candidates') !== null ||
        [...document.querySelectorAll('.note')].some((n) => n.textContent?.includes('No candidates'));
      // The decision buttons are disabled while a decision is being recorded.
      const notBusy = [...document.querySelectorAll<HTMLButtonElement>('.decisions button')].some(
        (b) => b.textContent?.includes('Not a match') && !b.disabled,
      );
      return loaded && notBusy;
    },
    previous ?? null,
    { timeout },
  );
  return currentFile(page);
}

/** The candidates shown, best first, as their accessible names ("Candidate 1: Amur 0 (T-0001), score 0.41"). */
export async function candidateNames(page: Page): Promise<string[]> {
  return page
    .locator('ol.candidates button.candidate')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** 1-based rank of the candidate whose name contains `name`, or 0. */
export async function rankOf(page: Page, name: string): Promise<number> {
  const names = await candidateNames(page);
  return names.findIndex((n) => n.includes(`: ${name} (`)) + 1;
}
