import { createServer, type AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

/**
 * The operating system's network state as the page sees it (navigator.onLine and the window's online/offline
 * events), under the test's control. Chromium's own offline emulation would also cut the page off from the local
 * bridge, so only what the page is told changes; its requests to 127.0.0.1 go on.
 */

type TestWindow = Window & { __tigeridOsOnline?: boolean };

/** Before the app loads: navigator.onLine answers what the test says, starting with `online`. */
export async function emulateOsNetwork(page: Page, online: boolean): Promise<void> {
  await page.addInitScript((initial) => {
    const w = window as TestWindow;
    w.__tigeridOsOnline = initial;
    Object.defineProperty(Navigator.prototype, 'onLine', {
      configurable: true,
      get: () => w.__tigeridOsOnline ?? true,
    });
  }, online);
}

/** The network comes or goes: navigator.onLine changes and the window gets the event, as on a real laptop. */
export async function setOsOnline(page: Page, online: boolean): Promise<void> {
  await page.evaluate((value) => {
    (window as TestWindow).__tigeridOsOnline = value;
    window.dispatchEvent(new Event(value ? 'online' : 'offline'));
  }, online);
}

/** A port nothing listens on now (bound and released), for a server that is to appear there later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
