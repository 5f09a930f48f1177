import type { ApiErrorDto, ApiInput, ApiMethod, ApiOutputs, ApiResponse } from '../../../electron/core/api';

/** What Electron's preload exposes as `window.api`. */
export interface ElectronApi {
  invoke(method: string, args: unknown): Promise<unknown>;
  pickFolder(): Promise<string | null>;
}

declare global {
  interface Window {
    api?: ElectronApi;
  }
}

/** A failed call, carrying the envelope's error type, code and message (the message is for people). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly method: string,
    readonly type: ApiErrorDto['type'] | 'TransportError',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Moves one call and returns the raw response envelope (not yet trusted). */
export interface Transport {
  readonly kind: 'electron' | 'http';
  send(method: string, args: unknown): Promise<unknown>;
}

export interface Unwrapped<T> {
  value: T;
  mutated: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Checks an envelope and returns its value, or throws the ApiError it describes. */
export function unwrapEnvelope<T>(method: string, raw: unknown): Unwrapped<T> {
  if (isRecord(raw) && raw.ok === true && 'value' in raw) {
    return { value: raw.value as T, mutated: raw.mutated === true };
  }
  if (isRecord(raw) && raw.ok === false && isRecord(raw.error)) {
    const e = raw.error;
    const type =
      e.type === 'EngineError' || e.type === 'InvalidArgument' || e.type === 'InternalError'
        ? e.type
        : 'InternalError';
    const code = typeof e.code === 'string' && e.code ? e.code : 'UNKNOWN';
    const message = typeof e.message === 'string' && e.message ? e.message : `${method} failed (${code}).`;
    throw new ApiError(method, type, code, message);
  }
  throw new ApiError(
    method,
    'TransportError',
    'BAD_RESPONSE',
    `Tiger ID sent an answer the app does not understand (${method}).`,
  );
}

/** Electron: the preload's IPC bridge. */
export function electronTransport(api: ElectronApi): Transport {
  return { kind: 'electron', send: (method, args) => api.invoke(method, args) };
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Browser: the HTTP bridge of `tigerid serve` (same origin, cookie auth). */
export function httpTransport(fetchImpl: FetchLike = (i, init) => fetch(i, init), base = ''): Transport {
  return {
    kind: 'http',
    async send(method, args) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        throw new ApiError(
          method,
          'TransportError',
          'UNREACHABLE',
          'Tiger ID is not reachable. Is `tigerid serve` still running on this computer?',
        );
      }
      const text = await response.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (isRecord(body) && typeof body.ok === 'boolean') return body;
      if (response.status === 401 || response.status === 403) {
        throw new ApiError(
          method,
          'TransportError',
          'NOT_SIGNED_IN',
          'This browser is not signed in to Tiger ID. Open the link that `tigerid serve` printed again.',
        );
      }
      throw new ApiError(
        method,
        'TransportError',
        `HTTP_${response.status}`,
        `Tiger ID answered ${response.status} ${response.statusText || ''}`.trim() + ` to ${method}.`,
      );
    },
  };
}

export interface ApiClient {
  readonly transport: Transport;
  call<M extends ApiMethod>(method: M, args: ApiInput<M>): Promise<ApiOutputs[M]>;
}

/** The one typed client. `onMutated` runs after every successful call that changed the gallery. */
export function createClient(
  transport: Transport,
  onMutated: (method: ApiMethod) => void = () => {},
): ApiClient {
  return {
    transport,
    async call(method, args) {
      const raw = await transport.send(method, args ?? {});
      const { value, mutated } = unwrapEnvelope<ApiOutputs[typeof method]>(method, raw);
      if (mutated) onMutated(method);
      return value;
    },
  };
}

const mutationListeners = new Set<(method: ApiMethod) => void>();

/** Subscribes to "the gallery changed" (a `mutated: true` response). Returns the unsubscribe function. */
export function onMutated(listener: (method: ApiMethod) => void): () => void {
  mutationListeners.add(listener);
  return () => mutationListeners.delete(listener);
}

let defaultClient: ApiClient | undefined;

/** The app's client: Electron IPC when the preload is there, the HTTP bridge otherwise. */
export function apiClient(): ApiClient {
  if (!defaultClient) {
    const w = typeof window === 'undefined' ? undefined : window;
    const transport = w?.api ? electronTransport(w.api) : httpTransport();
    defaultClient = createClient(transport, (method) => mutationListeners.forEach((l) => l(method)));
  }
  return defaultClient;
}

export function call<M extends ApiMethod>(method: M, args: ApiInput<M>): Promise<ApiOutputs[M]> {
  return apiClient().call(method, args);
}

/** The native folder picker, only in Electron. */
export function nativeFolderPicker(): (() => Promise<string | null>) | null {
  const api = typeof window === 'undefined' ? undefined : window.api;
  return api ? () => api.pickFolder() : null;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export type { ApiResponse };
