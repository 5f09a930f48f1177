import { connect } from 'node:net';

/**
 * Is the Modal endpoint reachable? A TCP connection to its host and port: cheap (no TLS, no auth, no billing),
 * rate-limited so a ranger's laptop does not knock on a dead network every second, and overridden at once by the
 * operating system's online/offline events (Electron's `net` module, the browser's `online` event).
 */

export interface ConnectivityTarget {
  host: string;
  port: number;
}

/** Where the SDK will connect: MODAL_SERVER_URL when set (tests, proxies), else Modal's public API. */
export function modalTarget(env: NodeJS.ProcessEnv): ConnectivityTarget {
  const url = new URL(env.MODAL_SERVER_URL ?? 'https://api.modal.com:443');
  const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
  return { host: url.hostname, port };
}

export interface ConnectivityOptions {
  target: ConnectivityTarget;
  /** A probe result is reused for this long (default 15 s). */
  minIntervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export class Connectivity {
  private last: { at: number; online: boolean } | null = null;
  private inFlight: Promise<boolean> | null = null;
  private readonly listeners = new Set<(online: boolean) => void>();
  private readonly minIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ConnectivityOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 15_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
  }

  /** The last known state; null before the first probe or event. */
  get online(): boolean | null {
    return this.last?.online ?? null;
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The operating system says the network came or went: believe it now, probe again later. */
  report(online: boolean): void {
    this.set(online);
  }

  /** Probes unless a result younger than the minimum interval exists (or `force`). */
  async probe(force = false): Promise<boolean> {
    if (!force && this.last !== null && this.now() - this.last.at < this.minIntervalMs)
      return this.last.online;
    this.inFlight ??= this.tryConnect().then((online) => {
      this.inFlight = null;
      this.set(online);
      return online;
    });
    return this.inFlight;
  }

  private set(online: boolean): void {
    const changed = this.last?.online !== online;
    this.last = { at: this.now(), online };
    if (changed) for (const listener of this.listeners) listener(online);
  }

  private tryConnect(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.options.target.host, port: this.options.target.port });
      const done = (online: boolean) => {
        socket.destroy();
        resolve(online);
      };
      socket.setTimeout(this.timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }
}
