import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelayMs } from '../../electron/core/queue/backoff';

// Base 1 s, cap 60 s: the full delay doubles per attempt (1, 2, 4, 8, 16, 32 s) and is capped from attempt 6 on (64 s
// would exceed the cap). With equal jitter a delay lies between half the full delay (random 0) and all of it (random 1).
const FULL_DELAY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000];

describe('backoffDelayMs', () => {
  it.each(FULL_DELAY_MS.map((full, attempt) => [attempt, full]))(
    'attempt %i waits between half of %i ms and all of it',
    (attempt, full) => {
      expect(backoffDelayMs(attempt, 1_000, 60_000, () => 0)).toBe(full / 2);
      expect(backoffDelayMs(attempt, 1_000, 60_000, () => 1)).toBe(full);
      expect(backoffDelayMs(attempt, 1_000, 60_000, () => 0.5)).toBe((full * 3) / 4);
    },
  );

  it('stays capped for very late attempts', () => {
    expect(backoffDelayMs(40, 1_000, 60_000, () => 0)).toBe(30_000);
    expect(backoffDelayMs(40, 1_000, 60_000, () => 1)).toBe(60_000);
  });

  it('treats a negative attempt as the first retry', () => {
    expect(backoffDelayMs(-3, 500, 60_000, () => 1)).toBe(500);
    expect(backoffDelayMs(-3, 500, 60_000, () => 0)).toBe(250);
  });

  it('caps the very first delay when the base is above the cap', () => {
    expect(backoffDelayMs(0, 5_000, 3_000, () => 1)).toBe(3_000);
    expect(backoffDelayMs(0, 5_000, 3_000, () => 0)).toBe(1_500);
  });

  it('never falls below half the capped delay, nor above it, for any random value', () => {
    const randoms = [0, 0.001, 0.1, 0.25, 0.37, 0.5, 0.73, 0.999, 0.999999];
    for (let attempt = 0; attempt <= 12; attempt += 1) {
      const full = Math.min(60_000, 250 * 2 ** attempt);
      for (const r of randoms) {
        const delay = backoffDelayMs(attempt, 250, 60_000, () => r);
        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }
    }
  });

  it('spreads real random delays over the whole jitter range', () => {
    const delays = Array.from({ length: 400 }, () => backoffDelayMs(3, 1_000, 60_000));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(4_000);
      expect(d).toBeLessThan(8_000);
    }
    expect(Math.min(...delays)).toBeLessThan(4_500);
    expect(Math.max(...delays)).toBeGreaterThan(7_500);
  });

  it('caps queue retries at one minute', () => {
    expect(BACKOFF_CAP_MS).toBe(60_000);
  });
});
