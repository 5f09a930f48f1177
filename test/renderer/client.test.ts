import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createClient,
  electronTransport,
  httpTransport,
  unwrapEnvelope,
  type Transport,
} from '../../renderer/src/api/client';
import { QueryCache } from '../../renderer/src/api/query';

function fakeResponse(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
}

describe('unwrapEnvelope', () => {
  it('returns the value and the mutated flag of a success', () => {
    expect(unwrapEnvelope('status.get', { ok: true, value: { a: 1 }, mutated: false })).toEqual({
      value: { a: 1 },
      mutated: false,
    });
    expect(unwrapEnvelope('x', { ok: true, value: null, mutated: true }).mutated).toBe(true);
  });

  it('throws an ApiError with the code, type and message of a failure', () => {
    const fail = () =>
      unwrapEnvelope('individuals.get', {
        ok: false,
        error: { type: 'EngineError', code: 'NOT_FOUND', message: 'No individual T-9.' },
      });
    expect(fail).toThrow(ApiError);
    try {
      fail();
    } catch (e) {
      const err = e as ApiError;
      expect([err.code, err.type, err.message, err.method]).toEqual([
        'NOT_FOUND',
        'EngineError',
        'No individual T-9.',
        'individuals.get',
      ]);
    }
  });

  it('refuses anything that is not an envelope', () => {
    for (const raw of [undefined, null, 'ok', [], { ok: true }, { ok: false }, { value: 1 }]) {
      expect(() => unwrapEnvelope('m', raw)).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    }
  });
});

describe('createClient', () => {
  it('calls onMutated only after a successful mutating call', async () => {
    const responses: unknown[] = [
      { ok: true, value: { decisionId: 1 }, mutated: true },
      { ok: true, value: { total: 0, items: [] }, mutated: false },
      { ok: false, error: { type: 'InvalidArgument', code: 'INVALID_ARGUMENT', message: 'bad' } },
    ];
    const sent: [string, unknown][] = [];
    const transport: Transport = {
      kind: 'electron',
      send: async (method, args) => {
        sent.push([method, args]);
        return responses.shift();
      },
    };
    const onMutated = vi.fn();
    const client = createClient(transport, onMutated);
    await client.call('decisions.record', { detectionId: 3, verdict: 'cant-tell' });
    await client.call('review.queue', { limit: 5 });
    await expect(client.call('settings.set', { reviewCandidates: 99 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'bad',
    });
    expect(onMutated).toHaveBeenCalledTimes(1);
    expect(onMutated).toHaveBeenCalledWith('decisions.record');
    expect(sent[1]).toEqual(['review.queue', { limit: 5 }]);
  });

  it('passes calls through the Electron preload unchanged', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: [], mutated: false }));
    const client = createClient(electronTransport({ invoke, pickFolder: async () => null }));
    await expect(client.call('imports.list', {})).resolves.toEqual([]);
    expect(invoke).toHaveBeenCalledWith('imports.list', {});
  });
});

describe('httpTransport', () => {
  it('POSTs JSON to /api/<method> with same-origin credentials', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) =>
      fakeResponse(200, JSON.stringify({ ok: true, value: 7, mutated: false })),
    );
    const client = createClient(httpTransport(fetchImpl));
    await expect(client.call('review.candidates', { detectionId: 4 })).resolves.toBe(7);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('/api/review.candidates');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ detectionId: 4 });
  });

  it('reads the error envelope of a 4xx/5xx answer', async () => {
    const body = JSON.stringify({
      ok: false,
      error: { type: 'EngineError', code: 'CONFLICT', message: 'busy' },
    });
    const client = createClient(httpTransport(async () => fakeResponse(409, body)));
    await expect(client.call('imports.start', { folder: '/x' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'busy',
    });
  });

  it('turns a non-envelope 401 into "not signed in" and other statuses into HTTP_<status>', async () => {
    const c401 = createClient(httpTransport(async () => new Response('Unauthorized', { status: 401 })));
    await expect(c401.call('status.get', {})).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    const c502 = createClient(httpTransport(async () => new Response('<html>', { status: 502 })));
    await expect(c502.call('status.get', {})).rejects.toMatchObject({ code: 'HTTP_502' });
  });

  it('reports an unreachable bridge in words', async () => {
    const client = createClient(
      httpTransport(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(client.call('status.get', {})).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});

describe('QueryCache', () => {
  it('keeps the last value while refetching and refetches only watched views after a change', async () => {
    const cache = new QueryCache();
    let n = 0;
    cache.entry('a', async () => ++n);
    cache.entry('b', async () => 'b');
    await cache.fetch('a');
    await cache.fetch('b');
    const seen: unknown[] = [];
    cache.subscribe('a', () => seen.push(cache.get('a').data));
    cache.invalidateAll();
    expect(cache.get('a')).toMatchObject({ data: 1, loading: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.get('a')).toMatchObject({ data: 2, loading: false });
    expect(seen).toEqual([1, 2]);
    // The unwatched view is forgotten, to be fetched fresh when shown again.
    expect(cache.get('b').updatedAt).toBe(0);
  });

  it('lets only the latest of overlapping fetches win', async () => {
    const cache = new QueryCache();
    const resolvers: ((v: string) => void)[] = [];
    cache.entry('k', () => new Promise<string>((r) => resolvers.push(r)));
    const first = cache.fetch('k');
    const second = cache.fetch('k');
    resolvers[1]!('new');
    resolvers[0]!('old');
    await Promise.all([first, second]);
    expect(cache.get('k').data).toBe('new');
  });
});
