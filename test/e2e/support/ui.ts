import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './renderer-build';

/** Screenshots are artifacts (git-ignored), to be looked at by a person after a run. */
export const SCREENS_DIR = join(ROOT, 'test-artifacts', 'screens');

export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  // Images still arriving would be shot as blanks: wait until every <img> in view has settled (lazy ones
  // below the fold never load, so they are not waited for).
  await page.waitForFunction(
    () =>
      [...document.images].every((img) => {
        const r = img.getBoundingClientRect();
        const inView =
          r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
        return !inView || img.complete;
      }),
    undefined,
    { timeout: 15_000 },
  );
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/** Waits until the locator is visible (UI state, never a fixed sleep). */
export async function visible(locator: Locator, timeout = 30_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/**
 * Waits until the locator's element shows text matching `pattern` (re-resolved on every check, so an element React
 * replaces meanwhile is followed), and returns that text.
 */
export async function textMatches(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<string> {
  const matching = locator.filter({ hasText: pattern }).first();
  await matching.waitFor({ state: 'visible', timeout });
  return (await matching.innerText()).trim();
}

/** Signs in with the printed link and waits for the app shell (the main navigation). */
export async function openApp(page: Page, url: string, hash = ''): Promise<void> {
  await page.goto(url);
  if (hash) await page.evaluate((h) => (window.location.hash = h), hash);
  await visible(page.getByRole('navigation', { name: 'Main' }));
}

/** Goes to a screen by its hash route, as a bookmark or the sidebar link would. */
export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

export interface UnnamedControl {
  role: string;
  html: string;
}

const INTERACTIVE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'checkbox',
  'radio',
  'switch',
  'slider',
  'spinbutton',
  'menuitem',
  'tab',
  'option',
  'listbox',
]);

/**
 * Every interactive control on the page as Chromium's accessibility tree sees it (the names a screen reader reads),
 * and those with no accessible name. Uses the real computed tree over CDP, not a re-implementation of the rules.
 */
export async function unnamedControls(page: Page): Promise<{ checked: number; unnamed: UnnamedControl[] }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    let checked = 0;
    const unnamed: UnnamedControl[] = [];
    for (const node of nodes) {
      const role = String(node.role?.value ?? '');
      if (node.ignored || !INTERACTIVE_ROLES.has(role)) continue;
      checked += 1;
      const name = String(node.name?.value ?? '').trim();
      if (name !== '') continue;
      let html = `(node ${node.nodeId})`;
      if (node.backendDOMNodeId !== undefined) {
        const { outerHTML } = await cdp.send('DOM.getOuterHTML', { backendNodeId: node.backendDOMNodeId });
        html = outerHTML.slice(0, 300);
      }
      unnamed.push({ role, html });
    }
    return { checked, unnamed };
  } finally {
    await cdp.detach();
  }
}

/** DOM cross-check: every button, input, select and link that is rendered, with no name by playwright's rules. */
export async function controlsWithoutName(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href]')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      const labelled = el.getAttribute('aria-labelledby');
      const byLabelledBy = labelled
        ? labelled
            .split(/\s+/)
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(' ')
        : '';
      const labels =
        el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement
          ? [...(el.labels ?? [])].map((l) => l.textContent ?? '').join(' ')
          : '';
      const name = [
        el.getAttribute('aria-label') ?? '',
        byLabelledBy,
        labels,
        el.textContent ?? '',
        el.getAttribute('title') ?? '',
      ]
        .join(' ')
        .trim();
      if (!name) bad.push(el.outerHTML.slice(0, 200));
    }
    return bad;
  });
}
