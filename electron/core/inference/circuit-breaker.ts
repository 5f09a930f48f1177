/**
 * Stops calling a service that keeps failing. Closed: calls go through. After `failureThreshold` consecutive
 * transient failures it opens for `cooldownMs`, then lets one trial call through (half-open): success closes it,
 * failure opens it again. A failure that waiting cannot fix (a rejected token, an app that is not deployed) opens
 * it until `reset()`, so a bad token costs one call, not a retry storm.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private untilReset = false;
  private lastReason: string | null = null;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    if (this.untilReset) return 'open';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Why it is open (the last failure's message), or null when closed. */
  get reason(): string | null {
    return this.openedAt === null ? null : this.lastReason;
  }

  /** Milliseconds until a trial call is allowed; 0 when calls may go now, Infinity when it waits for reset(). */
  get retryInMs(): number {
    if (this.openedAt === null) return 0;
    if (this.untilReset) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.cooldownMs - (this.now() - this.openedAt));
  }

  /** True when a call may go now; in half-open state only one trial call at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    this.untilReset = false;
    this.lastReason = null;
  }

  failure(reason: string, options: { untilReset?: boolean } = {}): void {
    this.failures += 1;
    this.lastReason = reason;
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (options.untilReset || wasTrial || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.untilReset = this.untilReset || options.untilReset === true;
    }
  }

  /** After the user changed the token or deployed the app: try again from scratch. */
  reset(): void {
    this.success();
  }
}
