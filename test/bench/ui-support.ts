import type { BrowserContext, Page } from 'playwright-core';

/**
 * tsx (esbuild keepNames) wraps named functions in `__name(...)` calls, which then reach the page inside
 * page.evaluate callbacks and throw there. Defines the helper in every page of the context.
 */
export async function allowEsbuildNames(context: BrowserContext): Promise<void> {
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
}

/** Median and 90th percentile (nearest rank) of a list of milliseconds, rounded to 0.1 ms. */
export function stats(values: number[]): {
  median: number;
  p90: number;
  min: number;
  max: number;
  n: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    median: r(at(0.5)),
    p90: r(at(0.9)),
    min: r(sorted[0] ?? NaN),
    max: r(sorted.at(-1) ?? NaN),
    n: sorted.length,
  };
}

/** Durations (ms) of the page's API calls by method, from the browser's resource timing (network + server). */
export async function apiTimings(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(() => {
    const out: Record<string, number[]> = {};
    for (const e of performance.getEntriesByType('resource')) {
      const m = /\/api\/([\w.]+)$/.exec(new URL(e.name).pathname);
      if (!m?.[1]) continue;
      (out[m[1]] ??= []).push(e.duration);
    }
    return out;
  });
}
