import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../../renderer/support/browser';
import { ensureRendererBuilt } from './renderer-build';
import { startServe, type ServeOptions, type ServeProcess } from './serve';

/** What a suite's tests read once setUpServedApp's beforeAll has run. */
export interface ServedApp {
  readonly serve: ServeProcess;
  readonly browser: LaunchedBrowser;
}

/**
 * Call inside a `describe`: registers the suite's beforeAll (the renderer build runs alongside `prepare`, which
 * writes the gallery; then `tigerid serve` on `dataDir` and Chromium at `viewport`) and its afterAll (browser and
 * serve closed, then `cleanup`). `serve` may be a function when its options depend on what `prepare` made.
 */
export function setUpServedApp(options: {
  dataDir: string;
  viewport: { width: number; height: number };
  prepare?: () => Promise<void> | void;
  serve?: ServeOptions | (() => ServeOptions);
  cleanup?: () => Promise<void> | void;
}): ServedApp {
  let serve: ServeProcess | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    const built = ensureRendererBuilt();
    await options.prepare?.();
    await built;
    serve = await startServe(
      options.dataDir,
      typeof options.serve === 'function' ? options.serve() : options.serve,
    );
    browser = await launchBrowser(options.viewport);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await options.cleanup?.();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is not started: setUpServedApp's beforeAll has not run`);
    return value;
  };
  return {
    get serve() {
      return started(serve, 'tigerid serve');
    },
    get browser() {
      return started(browser, 'the browser');
    },
  };
}
