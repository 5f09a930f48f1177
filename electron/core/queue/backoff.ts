/**
 * Capped exponential backoff with "equal jitter" (AWS architecture blog): half the delay is fixed, half random, so
 * retries from many clients spread out but never collapse to zero. `attempt` counts from 0 (the first retry).
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return exponential / 2 + (random() * exponential) / 2;
}

/** Longest wait between two tries of one job: a minute keeps a ranger's queue moving once the network is back. */
export const BACKOFF_CAP_MS = 60_000;
