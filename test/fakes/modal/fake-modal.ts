import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Decoder, Encoder } from 'cbor-x';
import { createServer, ServerError, Status, type CallContext, type Metadata, type Server } from 'nice-grpc';
import { z } from 'zod';
import { BlobStore } from './blob-store';
import {
  DATA_FORMAT_CBOR,
  FUNCTION_TYPE_FUNCTION,
  GenericStatus,
  INVOCATION_ASYNC,
  modalServiceDefinition,
  type FunctionInput,
  type GenericResult,
  type GenericStatusCode,
  type HandleMetadata,
  type OutputItem,
  type RpcName,
  type RpcRequest,
  type RpcResponses,
} from './wire';

/**
 * A fake Modal control plane for integration tests: a real gRPC server on 127.0.0.1 that the unmodified `modal` JS
 * SDK reaches through MODAL_SERVER_URL. It serves deployed classes whose methods are JS handlers, runs each input
 * asynchronously, and answers FunctionGetOutputs long-polls the way Modal does, with injectable faults.
 */

/** A Cls method: receives the CBOR-decoded positional and keyword arguments, returns a CBOR-encodable value. */
export type ModalHandler = (args: unknown[], kwargs: Record<string, unknown>) => Promise<unknown>;

/** app name -> class name -> method name -> handler. Classes are non-parameterised. */
export type FakeModalApps = Record<string, Record<string, Record<string, ModalHandler>>>;

export interface FakeModalOptions {
  /** 0 (default) picks a free port; stop()/start() keep whichever port was bound first. */
  port?: number;
  tokenId: string;
  tokenSecret: string;
  apps: FakeModalApps;
}

export interface FakeModalEnv {
  MODAL_SERVER_URL: string;
  MODAL_TOKEN_ID: string;
  MODAL_TOKEN_SECRET: string;
}

export interface FakeModalStats {
  /** RPCs received, by name, including those answered with an injected or auth error. */
  rpcs: Partial<Record<RpcName, number>>;
  /** FunctionMap calls from spawn(), keyed 'app/Class.method'. */
  spawned: Record<string, number>;
  /** FunctionMap calls from remote(), keyed 'app/Class.method'. */
  remoteCalls: Record<string, number>;
  /** Inputs that reached a handler or an injected failure (retries count again). */
  inputsExecuted: number;
  /** FunctionGetOutputs requests that reached the handler. */
  outputPolls: number;
  /** RPCs answered UNAUTHENTICATED. */
  authFailures: number;
  /** Every FunctionGet, so tests can check the app, tag and environment the client asked for. */
  lookups: { appName: string; objectTag: string; environmentName: string }[];
}

export interface FakeModalFaults {
  /** The next n RPCs (any name, AuthTokenGet included) fail with UNAVAILABLE. */
  unavailable(n: number): void;
  /** While on, every RPC fails with UNAUTHENTICATED, as for a revoked token. */
  unauthenticated(on: boolean): void;
  /** While on, FunctionGet answers NOT_FOUND, as for an app that is not deployed. */
  notFound(on: boolean): void;
  /** Each input waits this long for a "container" before its handler starts, so outputs appear no sooner. */
  coldStartMs(ms: number): void;
  /** Added to every execution, after any cold start. */
  latencyMs(ms: number): void;
  /** The next n executions end with GENERIC_STATUS_FAILURE and this exception, as a Python exception does. */
  failNext(n: number, message: string): void;
  /** The next n executions end with GENERIC_STATUS_INTERNAL_FAILURE (remote() retries these itself). */
  internalFailureNext(n: number): void;
}

/** Outputs above this go through a blob, as Modal's MAX_OBJECT_SIZE_BYTES does. */
const MAX_INLINE_OUTPUT_BYTES = 2 * 1024 * 1024;
/** Longest long-poll the fake holds open; the SDK asks for at most 55 s. */
const MAX_POLL_MS = 60_000;
const TOKEN_LIFETIME_S = 3600;
const GRPC_OPTIONS = {
  'grpc.max_receive_message_length': 100 * 1024 * 1024,
  'grpc.max_send_message_length': 100 * 1024 * 1024,
};

// The SDK's own CBOR settings (modal/dist serialization.ts): Uint8Array <-> byte string, maps as plain objects.
const CBOR_OPTIONS = {
  mapsAsObjects: true,
  useRecords: false,
  tagUint8Array: false,
  useTag259ForMaps: false,
};
const cborEncoder = new Encoder(CBOR_OPTIONS);
const cborDecoder = new Decoder(CBOR_OPTIONS);
const callPayload = z.tuple([z.array(z.unknown()), z.record(z.string(), z.unknown())]);

const SERVICE = modalServiceDefinition();

interface Deployment {
  appName: string;
  className: string;
  appId: string;
  functionId: string;
  methods: Record<string, ModalHandler>;
}

interface CallRecord {
  id: string;
  deployment: Deployment;
  methodName: string;
  inputId: string;
  input: FunctionInput;
  /** Bumped by FunctionRetryInputs; an execution whose attempt is stale drops its output. */
  attempt: number;
  output: OutputItem | undefined;
  waiters: Set<() => void>;
}

interface InjectedFailure {
  status: GenericStatusCode;
  message: string;
}

function shortId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 22)}`;
}

function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64').replace(/=+$/, '');
}

function countArg(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`Expected a non-negative integer for ${name} but received ${n}`);
  return n;
}

function metadataText(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

export class FakeModal {
  readonly stats: FakeModalStats = {
    rpcs: {},
    spawned: {},
    remoteCalls: {},
    inputsExecuted: 0,
    outputPolls: 0,
    authFailures: 0,
    lookups: [],
  };
  readonly faults: FakeModalFaults;

  private readonly tokenId: string;
  private readonly tokenSecret: string;
  private readonly deployments = new Map<string, Deployment>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly blobs = new BlobStore();
  private readonly running = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly injected: InjectedFailure[] = [];
  private readonly faultState = {
    unavailable: 0,
    unauthenticated: false,
    notFound: false,
    coldStartMs: 0,
    latencyMs: 0,
  };
  private server: Server | undefined;
  private boundPort: number;

  constructor(options: FakeModalOptions) {
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new RangeError(`Expected integer between 0 and 65535 for port but received ${port}`);
    this.boundPort = port;
    this.tokenId = options.tokenId;
    this.tokenSecret = options.tokenSecret;
    for (const [appName, classes] of Object.entries(options.apps)) {
      for (const [className, methods] of Object.entries(classes)) {
        const functionId = shortId('fu', `${appName}/${className}`);
        this.deployments.set(functionId, {
          appName,
          className,
          appId: shortId('ap', appName),
          functionId,
          methods,
        });
      }
    }
    const state = this.faultState;
    this.faults = {
      unavailable: (n) => void (state.unavailable = countArg('n', n)),
      unauthenticated: (on) => void (state.unauthenticated = on),
      notFound: (on) => void (state.notFound = on),
      coldStartMs: (ms) => void (state.coldStartMs = countArg('ms', ms)),
      latencyMs: (ms) => void (state.latencyMs = countArg('ms', ms)),
      failNext: (n, message) => this.inject(countArg('n', n), { status: GenericStatus.FAILURE, message }),
      internalFailureNext: (n) =>
        this.inject(countArg('n', n), {
          status: GenericStatus.INTERNAL_FAILURE,
          message: 'fake Modal: injected internal failure (container lost)',
        }),
    };
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  env(): FakeModalEnv {
    return { MODAL_SERVER_URL: this.url, MODAL_TOKEN_ID: this.tokenId, MODAL_TOKEN_SECRET: this.tokenSecret };
  }

  /** Listens (again) on the same port; calls and blobs made before a stop() are still there. */
  async start(): Promise<void> {
    if (this.closing.signal.aborted) throw new Error('FakeModal is closed; start a new one');
    if (this.server) return;
    await this.blobs.listen();
    const server = createServer(GRPC_OPTIONS);
    server.add(SERVICE, {
      AuthTokenGet: this.rpc('AuthTokenGet', async () => ({ token: this.issueToken() })),
      BlobCreate: this.rpc('BlobCreate', async (request) =>
        this.blobs.createUpload(request.contentMd5, request.contentLength),
      ),
      BlobGet: this.rpc('BlobGet', async (request) => {
        if (!this.blobs.get(request.blobId))
          throw new ServerError(Status.NOT_FOUND, `Blob ${request.blobId} not found`);
        return { downloadUrl: this.blobs.url(request.blobId) };
      }),
      FunctionCallFromId: this.rpc('FunctionCallFromId', async (request) => {
        const call = this.call(request.functionCallId);
        return {
          functionCallId: call.id,
          numInputs: 1,
          metadata: { appId: call.deployment.appId, functionId: call.deployment.functionId },
        };
      }),
      FunctionGet: this.rpc('FunctionGet', async (request) => this.functionGet(request)),
      FunctionGetOutputs: this.rpc('FunctionGetOutputs', (request, context) =>
        this.getOutputs(request, context),
      ),
      FunctionMap: this.rpc('FunctionMap', async (request) => this.functionMap(request)),
      FunctionRetryInputs: this.rpc('FunctionRetryInputs', async (request) => this.retryInputs(request)),
    });
    this.boundPort = await server.listen(`127.0.0.1:${this.boundPort}`);
    this.server = server;
  }

  /** Drops the listeners (in-flight RPCs are cut off); executions keep running and results are kept. */
  async stop(): Promise<void> {
    this.server?.forceShutdown();
    this.server = undefined;
    await this.blobs.close();
  }

  /** Stops for good: pending delays are abandoned, running handlers awaited, state dropped. */
  async close(): Promise<void> {
    await this.stop();
    this.closing.abort();
    for (const call of this.calls.values()) for (const wake of call.waiters) wake();
    await Promise.allSettled([...this.running]);
    this.calls.clear();
    this.blobs.clear();
  }

  /** Wraps an RPC with the checks every Modal RPC passes through: counting, injected UNAVAILABLE, auth. */
  private rpc<N extends RpcName>(
    name: N,
    handler: (request: RpcRequest<N>, context: CallContext) => Promise<RpcResponses[N]>,
  ): (request: RpcRequest<N>, context: CallContext) => Promise<RpcResponses[N]> {
    return async (request, context) => {
      this.stats.rpcs[name] = (this.stats.rpcs[name] ?? 0) + 1;
      if (this.faultState.unavailable > 0) {
        this.faultState.unavailable -= 1;
        throw new ServerError(Status.UNAVAILABLE, 'fake Modal: injected UNAVAILABLE');
      }
      this.authenticate(name, context.metadata);
      return handler(request, context);
    };
  }

  private authenticate(name: RpcName, metadata: Metadata): void {
    const deny = (reason: string): never => {
      this.stats.authFailures += 1;
      throw new ServerError(Status.UNAUTHENTICATED, `Authentication failed: ${reason}`);
    };
    if (this.faultState.unauthenticated) deny('token is no longer valid');
    if (
      metadataText(metadata, 'x-modal-token-id') !== this.tokenId ||
      metadataText(metadata, 'x-modal-token-secret') !== this.tokenSecret
    ) {
      deny('invalid token id or token secret');
    }
    if (name !== 'AuthTokenGet' && !this.validToken(metadataText(metadata, 'x-modal-auth-token'))) {
      deny('missing or invalid x-modal-auth-token');
    }
  }

  /** A JWT-shaped token with `exp` (the SDK schedules its refresh from it), HMAC-signed so it survives restarts. */
  private issueToken(): string {
    const body = `${base64Json({ alg: 'HS256', typ: 'JWT' })}.${base64Json({
      sub: this.tokenId,
      exp: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S,
    })}`;
    return `${body}.${this.sign(body)}`;
  }

  private validToken(token: string | undefined): boolean {
    const parts = token?.split('.') ?? [];
    if (parts.length !== 3) return false;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const claims = z
      .object({ exp: z.number() })
      .safeParse(JSON.parse(Buffer.from(payload, 'base64').toString()));
    return claims.success && claims.data.exp > Date.now() / 1000;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.tokenSecret).update(body).digest('base64url');
  }

  private functionGet(request: RpcRequest<'FunctionGet'>): RpcResponses['FunctionGet'] {
    const { appName, objectTag, environmentName } = request;
    this.stats.lookups.push({ appName, objectTag, environmentName });
    const environment = environmentName || 'main';
    const deployment = [...this.deployments.values()].find(
      (d) => d.appName === appName && `${d.className}.*` === objectTag,
    );
    if (this.faultState.notFound || !deployment) {
      throw new ServerError(
        Status.NOT_FOUND,
        `Lookup failed for Function '${objectTag}' from the '${appName}' app: app not found in environment '${environment}'`,
      );
    }
    const metadata = (functionName: string): HandleMetadata => ({
      functionName,
      functionType: FUNCTION_TYPE_FUNCTION,
      appId: deployment.appId,
      supportedInputFormats: [DATA_FORMAT_CBOR],
      supportedOutputFormats: [DATA_FORMAT_CBOR],
    });
    const methodHandleMetadata = Object.fromEntries(
      Object.keys(deployment.methods).map((method) => [
        method,
        { ...metadata(`${deployment.className}.${method}`), isMethod: true, useMethodName: method },
      ]),
    );
    return {
      functionId: deployment.functionId,
      handleMetadata: { ...metadata(objectTag), methodHandleMetadata },
    };
  }

  private functionMap(request: RpcRequest<'FunctionMap'>): RpcResponses['FunctionMap'] {
    const deployment = this.deployments.get(request.functionId);
    if (!deployment) throw new ServerError(Status.NOT_FOUND, `Function ${request.functionId} not found`);
    const [item, ...extra] = request.pipelinedInputs;
    if (!item || extra.length > 0)
      throw new ServerError(Status.INVALID_ARGUMENT, 'fake Modal supports exactly one pipelined input');
    const methodName = item.input.methodName ?? '';
    if (!Object.hasOwn(deployment.methods, methodName)) {
      throw new ServerError(Status.INVALID_ARGUMENT, `${deployment.className} has no method '${methodName}'`);
    }
    if (item.input.argsBlobId !== undefined && !this.blobs.get(item.input.argsBlobId)) {
      throw new ServerError(
        Status.INVALID_ARGUMENT,
        `Argument blob ${item.input.argsBlobId} was never uploaded`,
      );
    }
    const key = `${deployment.appName}/${deployment.className}.${methodName}`;
    const counter =
      request.functionCallInvocationType === INVOCATION_ASYNC ? this.stats.spawned : this.stats.remoteCalls;
    counter[key] = (counter[key] ?? 0) + 1;
    const call: CallRecord = {
      id: `fc-${randomUUID()}`,
      deployment,
      methodName,
      inputId: `in-${randomUUID()}`,
      input: item.input,
      attempt: 0,
      output: undefined,
      waiters: new Set(),
    };
    this.calls.set(call.id, call);
    this.launch(call);
    return {
      functionCallId: call.id,
      functionCallJwt: `fcjwt.${call.id}`,
      pipelinedInputs: [{ idx: item.idx, inputId: call.inputId, inputJwt: `injwt.${call.id}.0` }],
    };
  }

  private retryInputs(request: RpcRequest<'FunctionRetryInputs'>): RpcResponses['FunctionRetryInputs'] {
    const call = this.call(request.functionCallJwt.replace(/^fcjwt\./, ''));
    return {
      inputJwts: request.inputs.map(() => {
        call.attempt += 1;
        call.output = undefined;
        this.launch(call);
        return `injwt.${call.id}.${call.attempt}`;
      }),
    };
  }

  private async getOutputs(
    request: RpcRequest<'FunctionGetOutputs'>,
    context: CallContext,
  ): Promise<RpcResponses['FunctionGetOutputs']> {
    const call = this.call(request.functionCallId);
    this.stats.outputPolls += 1;
    if (!call.output)
      await this.waitForOutput(call, Math.min(request.timeout * 1000, MAX_POLL_MS), context.signal);
    return call.output
      ? { outputs: [call.output], lastEntryId: '1-0', numUnfinishedInputs: 0 }
      : { outputs: [], lastEntryId: '0-0', numUnfinishedInputs: 1 };
  }

  private call(functionCallId: string): CallRecord {
    const call = this.calls.get(functionCallId);
    if (!call) throw new ServerError(Status.NOT_FOUND, `Function call ${functionCallId} not found`);
    return call;
  }

  private waitForOutput(call: CallRecord, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        call.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      call.waiters.add(done);
    });
  }

  private inject(n: number, failure: InjectedFailure): void {
    for (let i = 0; i < n; i++) this.injected.push(failure);
  }

  private launch(call: CallRecord): void {
    const run = this.execute(call, call.attempt).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async execute(call: CallRecord, attempt: number): Promise<void> {
    const waitMs = this.faultState.coldStartMs + this.faultState.latencyMs;
    const startedAt = Date.now() / 1000;
    try {
      if (waitMs > 0) await delay(waitMs, undefined, { signal: this.closing.signal });
    } catch {
      return; // closed while the "container" was starting
    }
    const result = await this.produce(call);
    if (call.attempt !== attempt) return;
    call.output = {
      result,
      idx: 0,
      inputId: call.inputId,
      dataFormat: DATA_FORMAT_CBOR,
      inputStartedAt: startedAt,
      outputCreatedAt: Date.now() / 1000,
      retryCount: attempt,
    };
    for (const wake of call.waiters) wake();
  }

  private async produce(call: CallRecord): Promise<GenericResult> {
    this.stats.inputsExecuted += 1;
    const failure = this.injected.shift();
    if (failure) return { status: failure.status, exception: failure.message };
    try {
      const [args, kwargs] = this.decodeInput(call.input);
      const handler = call.deployment.methods[call.methodName];
      if (!handler) throw new Error(`${call.deployment.className} has no method '${call.methodName}'`);
      // A JS `undefined` return is Python's None.
      const data = cborEncoder.encode((await handler(args, kwargs)) ?? null);
      return data.length > MAX_INLINE_OUTPUT_BYTES
        ? { status: GenericStatus.SUCCESS, dataBlobId: this.blobs.put(data) }
        : { status: GenericStatus.SUCCESS, data };
    } catch (error) {
      // Modal reports a Python exception as repr(exc): ValueError('message'); the error's name plays the class.
      const exception = error instanceof Error ? `${error.name}('${error.message}')` : String(error);
      return {
        status: GenericStatus.FAILURE,
        exception,
        traceback: error instanceof Error ? (error.stack ?? exception) : exception,
      };
    }
  }

  private decodeInput(input: FunctionInput): [unknown[], Record<string, unknown>] {
    if (input.dataFormat !== DATA_FORMAT_CBOR)
      throw new Error(`Unsupported input data format ${input.dataFormat}`);
    const bytes =
      input.args ?? (input.argsBlobId === undefined ? undefined : this.blobs.get(input.argsBlobId));
    if (!bytes) throw new Error('Input has neither inline args nor an uploaded args blob');
    return callPayload.parse(cborDecoder.decode(bytes));
  }
}

/** Creates the fake and starts listening. */
export async function startFakeModal(options: FakeModalOptions): Promise<FakeModal> {
  const fake = new FakeModal(options);
  await fake.start();
  return fake;
}
