import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; override with TIGERID_CHROMIUM. */
export const CHROMIUM_PATH = process.env.TIGERID_CHROMIUM ?? '/usr/bin/chromium';

/** Headless and quiet: without the networking flags Chromium floods the closed network (PLATFORM-NOTES). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far (a screen that logs errors is a failing screen). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Chromium with a fresh user-data-dir (no cookies or cache from an earlier run), one page at the given viewport.
 * Pass the bridge's printed URL (with ?token=) to `page.goto` to sign in.
 */
export async function launchBrowser(
  options: { width?: number; height?: number; headless?: boolean } = {},
): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'tigerid-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    page,
    context,
    errors,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
