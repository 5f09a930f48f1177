import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ApiInput, ApiMethod, ApiOutputs } from '../../../electron/core/api';
import { ApiError, call, onMutated } from './client';

/** One cached view: the last good value stays while a refetch runs, so screens never flash or lose their place. */
export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** When the data was last fetched (ms since epoch), 0 before. */
  updatedAt: number;
}

interface Entry {
  state: QueryState<unknown>;
  run: () => Promise<unknown>;
  seq: number;
  inFlight: Promise<void> | null;
  listeners: Set<() => void>;
}

const INITIAL: QueryState<unknown> = { data: undefined, error: null, loading: true, updatedAt: 0 };

export function queryKey(method: ApiMethod, args: unknown): string {
  return `${method} ${JSON.stringify(args ?? {})}`;
}

function toApiError(method: string, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(
    method,
    'TransportError',
    'UNKNOWN',
    error instanceof Error ? error.message : String(error),
  );
}

/** The cache behind the hooks. Exported for tests; the app uses the one instance `queries`. */
export class QueryCache {
  private readonly entries = new Map<string, Entry>();

  entry(key: string, run: () => Promise<unknown>): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { state: INITIAL, run, seq: 0, inFlight: null, listeners: new Set() };
      this.entries.set(key, e);
    }
    e.run = run;
    return e;
  }

  get(key: string): QueryState<unknown> {
    return this.entries.get(key)?.state ?? INITIAL;
  }

  private set(e: Entry, patch: Partial<QueryState<unknown>>): void {
    e.state = { ...e.state, ...patch };
    e.listeners.forEach((l) => l());
  }

  fetch(key: string): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return Promise.resolve();
    const seq = ++e.seq;
    if (!e.state.loading) this.set(e, { loading: true });
    const p = e
      .run()
      .then(
        (data) => {
          if (seq === e.seq) this.set(e, { data, error: null, loading: false, updatedAt: Date.now() });
        },
        (error: unknown) => {
          if (seq === e.seq)
            this.set(e, { error: toApiError(key.split(' ')[0] ?? key, error), loading: false });
        },
      )
      .finally(() => {
        if (e.inFlight === p) e.inFlight = null;
      });
    e.inFlight = p;
    return p;
  }

  subscribe(key: string, listener: () => void): () => void {
    const e = this.entries.get(key);
    if (!e) return () => {};
    e.listeners.add(listener);
    return () => e.listeners.delete(listener);
  }

  /** After a change: refetch every view on screen, forget the rest (they refetch when shown again). */
  invalidateAll(): void {
    for (const [key, e] of this.entries) {
      if (e.listeners.size > 0) void this.fetch(key);
      else if (!e.inFlight) this.entries.delete(key);
    }
  }

  /** Loads a view ahead of time (e.g. the next detection's candidates). */
  prefetch(key: string, run: () => Promise<unknown>): void {
    const e = this.entry(key, run);
    if (e.state.updatedAt === 0 && !e.inFlight) void this.fetch(key);
  }
}

export const queries = new QueryCache();
onMutated(() => queries.invalidateAll());

export interface UseQueryOptions {
  /** false: do not fetch (arguments not ready). */
  enabled?: boolean;
  /** Refetch every this many ms while mounted. */
  pollMs?: number;
}

export interface QueryResult<T> extends QueryState<T> {
  refetch: () => Promise<void>;
}

const DISABLED: QueryState<unknown> = { data: undefined, error: null, loading: false, updatedAt: 0 };

export function useQuery<M extends ApiMethod>(
  method: M,
  args: ApiInput<M>,
  options: UseQueryOptions = {},
): QueryResult<ApiOutputs[M]> {
  const enabled = options.enabled ?? true;
  const key = queryKey(method, args);
  const argsRef = useRef(args);
  argsRef.current = args;
  if (enabled) queries.entry(key, () => call(method, argsRef.current));

  const subscribe = useCallback(
    (listener: () => void) => (enabled ? queries.subscribe(key, listener) : () => {}),
    [key, enabled],
  );
  const state = useSyncExternalStore(subscribe, () => (enabled ? queries.get(key) : DISABLED)) as QueryState<
    ApiOutputs[M]
  >;

  useEffect(() => {
    if (!enabled) return;
    const s = queries.get(key);
    if (s.updatedAt === 0 || Date.now() - s.updatedAt > 2000) void queries.fetch(key);
  }, [key, enabled]);

  useEffect(() => {
    if (!enabled || !options.pollMs) return;
    const timer = setInterval(() => void queries.fetch(key), options.pollMs);
    return () => clearInterval(timer);
  }, [key, enabled, options.pollMs]);

  const refetch = useCallback(() => queries.fetch(key), [key]);
  return { ...state, refetch };
}

export interface MutationResult<M extends ApiMethod> {
  run: (args: ApiInput<M>) => Promise<ApiOutputs[M] | undefined>;
  pending: boolean;
  error: ApiError | null;
  reset: () => void;
}

/** A call that changes things: tracks pending and the error to show next to the control that made it. */
export function useMutation<M extends ApiMethod>(method: M): MutationResult<M> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (args: ApiInput<M>) => {
      setPending(true);
      setError(null);
      try {
        return await call(method, args);
      } catch (e) {
        setError(toApiError(method, e));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [method],
  );
  return { run, pending, error, reset: useCallback(() => setError(null), []) };
}
