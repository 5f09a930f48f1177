import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../electron/core/inference/circuit-breaker';

/** A breaker on a hand-driven clock: threshold 3, cooldown 10 s. */
function breaker(): { b: CircuitBreaker; advance(ms: number): void } {
  let now = 1_000_000;
  const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => now });
  return { b, advance: (ms) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('starts closed and lets calls through', () => {
    const { b } = breaker();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(true);
    expect(b.retryInMs).toBe(0);
    expect(b.reason).toBeNull();
  });

  it('stays closed below the threshold and opens on the threshold-th consecutive failure', () => {
    const { b } = breaker();
    b.failure('one');
    b.failure('two');
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(b.reason).toBeNull();
    b.failure('connection refused');
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.reason).toBe('connection refused');
    expect(b.retryInMs).toBe(10_000);
  });

  it('uses a threshold of 5 and a cooldown of 30 s by default', () => {
    let now = 0;
    const b = new CircuitBreaker({ now: () => now });
    for (let i = 0; i < 4; i += 1) b.failure('down');
    expect(b.state).toBe('closed');
    b.failure('down');
    expect(b.state).toBe('open');
    expect(b.retryInMs).toBe(30_000);
    now = 29_999;
    expect(b.state).toBe('open');
    now = 30_000;
    expect(b.state).toBe('half-open');
  });

  it('counts only consecutive failures: a success starts the count again', () => {
    const { b } = breaker();
    b.failure('a');
    b.failure('b');
    b.success();
    b.failure('c');
    b.failure('d');
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    b.failure('e');
    expect(b.state).toBe('open');
  });

  it('counts down the cooldown, then goes half-open', () => {
    const { b, advance } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    advance(4_000);
    expect(b.state).toBe('open');
    expect(b.retryInMs).toBe(6_000);
    advance(5_999);
    expect(b.state).toBe('open');
    expect(b.retryInMs).toBe(1);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.state).toBe('half-open');
    expect(b.retryInMs).toBe(0);
    expect(b.reason).toBe('z');
  });

  it('lets exactly one trial call through when half-open, however long it takes', () => {
    const { b, advance } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    advance(10_000);
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    expect(b.allow()).toBe(false);
    advance(60_000);
    expect(b.allow()).toBe(false);
  });

  it('reopens for a full cooldown when the trial fails, then allows one new trial', () => {
    const { b, advance } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    advance(10_000);
    expect(b.allow()).toBe(true);
    advance(2_000);
    b.failure('still down');
    expect(b.state).toBe('open');
    expect(b.reason).toBe('still down');
    expect(b.retryInMs).toBe(10_000);
    expect(b.allow()).toBe(false);
    advance(10_000);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
  });

  it('closes when the trial succeeds, with the failure count back at zero', () => {
    const { b, advance } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    advance(10_000);
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.reason).toBeNull();
    expect(b.retryInMs).toBe(0);
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(true);
    b.failure('blip');
    b.failure('blip');
    expect(b.state).toBe('closed');
  });

  it('opens at once on a failure that needs the user, and stays open past any cooldown until reset()', () => {
    const { b, advance } = breaker();
    b.failure('token rejected', { untilReset: true });
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.reason).toBe('token rejected');
    expect(b.retryInMs).toBe(Number.POSITIVE_INFINITY);
    advance(10_000);
    expect(b.state).toBe('open');
    advance(365 * 24 * 3600 * 1000);
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.retryInMs).toBe(Number.POSITIVE_INFINITY);
    // A later ordinary failure does not turn it into a timed pause.
    b.failure('network down');
    advance(20_000);
    expect(b.state).toBe('open');
    expect(b.retryInMs).toBe(Number.POSITIVE_INFINITY);
    b.reset();
    expect(b.state).toBe('closed');
    expect(b.reason).toBeNull();
    expect(b.retryInMs).toBe(0);
    expect(b.allow()).toBe(true);
  });

  it('a failure that needs the user also ends a half-open trial for good', () => {
    const { b, advance } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    advance(10_000);
    expect(b.allow()).toBe(true);
    b.failure('app not deployed', { untilReset: true });
    advance(10_000);
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.retryInMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('reset() after a timed opening closes it at once, with a fresh count', () => {
    const { b } = breaker();
    for (const r of ['x', 'y', 'z']) b.failure(r);
    b.reset();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    b.failure('again');
    b.failure('again');
    expect(b.state).toBe('closed');
  });
});
