import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type * as Modal from 'modal';
import { startFakeModal, type FakeModal, type FakeModalEnv } from './modal/fake-modal';

// The real modal@0.11.1 SDK against the fake control plane: every path the Modal engine will use.

const APP = 'tiger-id-models';
const KEY = `${APP}/Embedder.run`;
const TOKEN = { tokenId: 'ak-test-token', tokenSecret: 'as-test-secret' };

/** 1×3×64×64 float32 = 49,152 bytes (over the 8 KiB spawn limit): values cycle 0,1,2,3, so they sum to 3072·6. */
const SHAPE = [1, 3, 64, 64];
const TENSOR = new Uint8Array(Float32Array.from({ length: 1 * 3 * 64 * 64 }, (_, i) => i % 4).buffer);
const TENSOR_SUM = 18432;
/** 3 MiB, over Modal's 2 MiB inline output limit. */
const BIG_OUTPUT_BYTES = 3 * 1024 * 1024;

let modal: typeof Modal;
let fake: FakeModal;

/** What the Python method would do: read float32 bytes, sum them, echo the bytes and shape back. */
async function run(args: unknown[]): Promise<unknown> {
  const [bytes, shape] = args;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('expected bytes');
  const floats = new Float32Array(new Uint8Array(bytes).buffer);
  return { shape, sum: floats.reduce((a, b) => a + b, 0), echo: bytes };
}

function client(env: Partial<FakeModalEnv> = {}): Modal.ModalClient {
  for (const [name, value] of Object.entries({ ...fake.env(), ...env })) vi.stubEnv(name, value);
  return new modal.ModalClient();
}

async function runMethod(c: Modal.ModalClient): Promise<Modal.Function_> {
  const cls = await c.cls.fromName(APP, 'Embedder');
  return (await cls.instance()).method('run');
}

function rpcs(name: keyof FakeModal['stats']['rpcs']): number {
  return fake.stats.rpcs[name] ?? 0;
}

async function grpcError(promise: Promise<unknown>): Promise<ClientError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ClientError))
    throw new Error(`expected a nice-grpc ClientError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  // The SDK reads ~/.modal.toml once, at import: point it at a missing file so no developer profile leaks in.
  vi.stubEnv('MODAL_CONFIG_PATH', join(tmpdir(), 'tigerid-no-such-modal.toml'));
  vi.stubEnv('MODAL_ENVIRONMENT', '');
  modal = await import('modal');
  fake = await startFakeModal({
    ...TOKEN,
    apps: {
      [APP]: {
        Embedder: {
          run,
          big: async () => Uint8Array.from({ length: BIG_OUTPUT_BYTES }, (_, i) => i % 251),
          explode: async () => {
            // A Python-style exception: its name stands for the class in Modal's repr(exc).
            throw Object.assign(new Error('image is empty'), { name: 'ValueError' });
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await fake?.close();
  vi.unstubAllEnvs();
});

describe('fake Modal with the real SDK', () => {
  test('spawn with a 48 KiB tensor goes through a blob and get() returns the handler result', async () => {
    const method = await runMethod(client());
    const blobsBefore = rpcs('BlobCreate');
    const call = await method.spawn([TENSOR, SHAPE]);
    expect(call.functionCallId).toMatch(/^fc-/);
    expect(rpcs('BlobCreate')).toBe(blobsBefore + 1);
    const result = await call.get({ timeoutMs: 5000 });
    expect(result.shape).toEqual(SHAPE);
    expect(result.sum).toBe(TENSOR_SUM);
    expect(new Uint8Array(result.echo)).toEqual(TENSOR);
    expect(fake.stats.spawned[KEY]).toBeGreaterThanOrEqual(1);
  });

  test('remote() sends small args inline and reads a 3 MiB result back through a blob', async () => {
    const c = client();
    const method = await runMethod(c);
    const small = new Uint8Array(Float32Array.from([1.5, 2.5]).buffer);
    const [blobCreates, blobGets] = [rpcs('BlobCreate'), rpcs('BlobGet')];
    const result = await method.remote([small, [1, 2]]);
    expect(result.sum).toBe(4);
    expect(rpcs('BlobCreate')).toBe(blobCreates);
    expect(fake.stats.remoteCalls[KEY]).toBeGreaterThanOrEqual(1);

    const big: Uint8Array = await (
      await c.cls.fromName(APP, 'Embedder')
    )
      .instance()
      .then((i) => i.method('big').remote());
    expect(rpcs('BlobGet')).toBe(blobGets + 1);
    expect(big.length).toBe(BIG_OUTPUT_BYTES);
    expect([big[0], big[250], big[251], big[BIG_OUTPUT_BYTES - 1]]).toEqual([
      0,
      250,
      0,
      (BIG_OUTPUT_BYTES - 1) % 251,
    ]);
  });

  test('a stored call id is read back by a fresh client', async () => {
    const id = (await (await runMethod(client())).spawn([TENSOR, SHAPE])).functionCallId;
    const other = client();
    const result = await (await other.functionCalls.fromId(id)).get({ timeoutMs: 5000 });
    expect(result.sum).toBe(TENSOR_SUM);
  });

  test('the environment reaches FunctionGet from MODAL_ENVIRONMENT and from the fromName option', async () => {
    await client().cls.fromName(APP, 'Embedder', { environment: 'field-test' });
    expect(fake.stats.lookups.at(-1)).toEqual({
      appName: APP,
      objectTag: 'Embedder.*',
      environmentName: 'field-test',
    });
    vi.stubEnv('MODAL_ENVIRONMENT', 'staging');
    await client().cls.fromName(APP, 'Embedder');
    vi.stubEnv('MODAL_ENVIRONMENT', '');
    expect(fake.stats.lookups.at(-1)?.environmentName).toBe('staging');
  });

  test('stop() mid-call: get() fails UNAVAILABLE while down, then succeeds after start() on the same port', async () => {
    const c = client();
    const method = await runMethod(c);
    fake.faults.latencyMs(400);
    const call = await method.spawn([TENSOR, SHAPE]);
    fake.faults.latencyMs(0);
    const port = fake.port;
    await fake.stop();
    const down = await grpcError(call.get({ timeoutMs: 5000 }));
    expect(down.code).toBe(Status.UNAVAILABLE);
    await fake.start();
    expect(fake.port).toBe(port);
    expect(
      (await (await client().functionCalls.fromId(call.functionCallId)).get({ timeoutMs: 5000 })).sum,
    ).toBe(TENSOR_SUM);
    expect((await call.get({ timeoutMs: 5000 })).sum).toBe(TENSOR_SUM);
  });

  test('UNAVAILABLE more often than the SDK retries: ClientError code 14 after 1 + 3 attempts', async () => {
    const c = client();
    const id = (await (await runMethod(c)).spawn([TENSOR, SHAPE])).functionCallId;
    const before = rpcs('FunctionCallFromId');
    fake.faults.unavailable(5);
    const error = await grpcError(c.functionCalls.fromId(id));
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toContain('injected UNAVAILABLE');
    expect(rpcs('FunctionCallFromId')).toBe(before + 4);
    // The fifth fault hits the next call's first attempt; its own retry gets through.
    await expect(c.functionCalls.fromId(id)).resolves.toBeDefined();
    expect(rpcs('FunctionCallFromId')).toBe(before + 6);
  });

  test('bad credentials and a revoked token give ClientError UNAUTHENTICATED naming authentication', async () => {
    const failuresBefore = fake.stats.authFailures;
    const wrong = await grpcError(client({ MODAL_TOKEN_SECRET: 'as-wrong' }).cls.fromName(APP, 'Embedder'));
    expect(wrong.code).toBe(Status.UNAUTHENTICATED);
    expect(wrong.details).toMatch(/^Authentication failed/);
    expect(fake.stats.authFailures).toBe(failuresBefore + 1);

    const c = client();
    const method = await runMethod(c);
    fake.faults.unauthenticated(true);
    try {
      const revoked = await grpcError(method.remote([TENSOR, SHAPE]));
      expect(revoked.code).toBe(Status.UNAUTHENTICATED);
      expect(revoked.message).toContain('Authentication failed');
    } finally {
      fake.faults.unauthenticated(false);
    }
  });

  test('an app that is not deployed gives the SDK NotFoundError', async () => {
    const c = client();
    await expect(c.cls.fromName('not-deployed', 'Embedder')).rejects.toThrow(
      new modal.NotFoundError("Class 'not-deployed/Embedder' not found"),
    );
    fake.faults.notFound(true);
    try {
      const error = await c.cls.fromName(APP, 'Embedder').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(modal.NotFoundError);
      expect((error as Error).message).toBe(`Class '${APP}/Embedder' not found`);
    } finally {
      fake.faults.notFound(false);
    }
  });

  test('a cold start longer than get({timeoutMs}) raises the SDK TimeoutError, and a later get() succeeds', async () => {
    const method = await runMethod(client());
    fake.faults.coldStartMs(800);
    const call = await method.spawn([TENSOR, SHAPE]);
    fake.faults.coldStartMs(0);
    const started = Date.now();
    const early = await call.get({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(modal.TimeoutError);
    expect((early as Error).message).toBe('Timeout exceeded: 200ms');
    expect(Date.now() - started).toBeLessThan(700);
    expect((await call.get({ timeoutMs: 5000 })).sum).toBe(TENSOR_SUM);
  });

  test('failNext and a throwing handler give RemoteError with the exception message', async () => {
    const c = client();
    const method = await runMethod(c);
    fake.faults.failNext(1, "ValueError('tensor has wrong shape')");
    const injected = await method.remote([TENSOR, SHAPE]).catch((e: unknown) => e);
    expect(injected).toBeInstanceOf(modal.RemoteError);
    expect((injected as Error).message).toBe("Remote error: ValueError('tensor has wrong shape')");
    expect((await method.remote([TENSOR, SHAPE])).sum).toBe(TENSOR_SUM);

    const explode = (await (await c.cls.fromName(APP, 'Embedder')).instance()).method('explode');
    const call = await explode.spawn([]);
    await expect(call.get({ timeoutMs: 5000 })).rejects.toThrow(
      new modal.RemoteError("Remote error: ValueError('image is empty')"),
    );
  });

  test('an internal failure is retried by remote() via FunctionRetryInputs, but surfaces from spawn().get()', async () => {
    const method = await runMethod(client());
    const [retries, executed] = [rpcs('FunctionRetryInputs'), fake.stats.inputsExecuted];
    fake.faults.internalFailureNext(1);
    expect((await method.remote([TENSOR, SHAPE])).sum).toBe(TENSOR_SUM);
    expect(rpcs('FunctionRetryInputs')).toBe(retries + 1);
    expect(fake.stats.inputsExecuted).toBe(executed + 2);

    fake.faults.internalFailureNext(1);
    const call = await method.spawn([TENSOR, SHAPE]);
    const error = await call.get({ timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(modal.InternalFailure);
    expect((error as Error).message).toMatch(/^Internal failure: /);
  });
});
