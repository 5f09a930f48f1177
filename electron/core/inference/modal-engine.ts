import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModalClient, type FunctionCall, type Function_ } from 'modal';
import { z } from 'zod';
import { EngineError, isEngineError } from '../errors';
import type { Logger } from '../log';
import { backoffDelayMs } from '../queue/backoff';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import type { ModalConfig } from './modal-config';
import { isTransient, modalError, needsUserAction, type ModalCallSite } from './modal-errors';
import type { TensorBatch } from './onnx-engine';

/**
 * Runs the app's ONNX models on Modal (models/modal_app.py) through the JS SDK. Input tensors are prepared locally
 * exactly as for local inference, so Modal runs the same file on the same numbers; the result comes back as raw
 * float32 output with the model id and the file hash it was computed with, and is checked before use.
 *
 * `spawn` + stored call id + `collect` lets a call outlive the app (the queue keeps the id in SQLite); `run` is the
 * waiting form with retries, backoff and a total deadline for a user who is waiting on the answer.
 */

export interface ModalCredentials {
  tokenId: string;
  tokenSecret: string;
}

/** The model a call is for: its id and the hash of the file this app has installed. */
export interface RemoteModel {
  id: string;
  sha256: string;
}

export interface RemoteOutput extends TensorBatch {
  modelId: string;
  modelSha256: string;
  /** Execution provider Modal's container used (CUDAExecutionProvider normally). */
  provider: string | null;
}

export interface ModalStats {
  sent: number;
  succeeded: number;
  failed: number;
  retried: number;
  /** failed / (succeeded + failed); 0 before any call finished. */
  failureRate: number;
  breaker: BreakerState;
  breakerReason: string | null;
}

/** models/modal-classes.json: which class of the Modal app serves each model id. */
const classesSchema = z.record(z.string().min(1), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/));

export function loadModalClasses(modelsFolder: string): Record<string, string> {
  const file = join(modelsFolder, 'modal-classes.json');
  const parsed = classesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new EngineError('CONFIG_INVALID', `${file} must map model ids to Python class names`, {
      details: { file },
    });
  }
  return parsed.data;
}

const resultSchema = z.object({
  model_id: z.string(),
  model_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  dims: z.array(z.number().int().min(0)).min(1).max(8),
  output: z.instanceof(Uint8Array),
  provider: z.string().nullish(),
});

/** Calls remembered for waiting without a lookup; older ones are looked up by id like any stored call. */
const MAX_REMEMBERED_CALLS = 1024;

/** The original system's limit for one request a user waits on, retries included. */
export const DEFAULT_DEADLINE_MS = 90_000;

export interface ModalEngineOptions {
  config: ModalConfig;
  /** Asked at each call (the owner caches it and re-reads after `reset`); null when none is configured. */
  credentials: () => ModalCredentials | null;
  classes: Record<string, string>;
  log: Logger;
  breaker?: CircuitBreaker;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class ModalEngine {
  readonly config: ModalConfig;
  readonly breaker: CircuitBreaker;
  private readonly options: ModalEngineOptions;
  private client: { key: string; client: ModalClient } | null = null;
  private readonly methods = new Map<string, Promise<Function_>>();
  /** Calls this process started, so waiting on them needs no lookup by id (one RPC less per call). */
  private readonly calls = new Map<string, FunctionCall>();
  private counters = { sent: 0, succeeded: 0, failed: 0, retried: 0 };

  constructor(options: ModalEngineOptions) {
    this.options = options;
    this.config = options.config;
    this.breaker = options.breaker ?? new CircuitBreaker();
  }

  /** Enabled in the configuration and a token is set: calls may be tried. */
  get configured(): boolean {
    return this.config.enabled && this.options.credentials() !== null;
  }

  /** Configured and the breaker lets calls through now (does not use up a half-open trial). */
  get ready(): boolean {
    return this.configured && this.breaker.state !== 'open';
  }

  supports(modelId: string): boolean {
    return this.options.classes[modelId] !== undefined;
  }

  stats(): ModalStats {
    const { sent, succeeded, failed, retried } = this.counters;
    const finished = succeeded + failed;
    return {
      sent,
      succeeded,
      failed,
      retried,
      failureRate: finished === 0 ? 0 : failed / finished,
      breaker: this.breaker.state,
      breakerReason: this.breaker.reason,
    };
  }

  /** Forget the client and the breaker's verdict: the token or the deployment changed. */
  reset(): void {
    this.dropClient();
    this.breaker.reset();
  }

  close(): void {
    this.dropClient();
  }

  /** Starts a call and returns its id, to be stored before anything else happens. */
  async spawn(model: RemoteModel, input: TensorBatch): Promise<string> {
    const site = this.site(model.id);
    return this.guarded(site, async () => {
      const method = await this.method(model.id, site);
      this.counters.sent += 1;
      const call = await method.spawn([tensorBytes(input.data), [...input.dims]]);
      if (this.calls.size >= MAX_REMEMBERED_CALLS)
        this.calls.delete(this.calls.keys().next().value as string);
      this.calls.set(call.functionCallId, call);
      return call.functionCallId;
    });
  }

  /**
   * Waits up to `timeoutMs` for a spawned call. Returns null when it is still running (the id stays valid: ask
   * again later, even from another process); throws a REMOTE_* EngineError when it failed.
   */
  async collect(callId: string, model: RemoteModel, timeoutMs: number): Promise<RemoteOutput | null> {
    const site = this.site(model.id);
    try {
      const raw: unknown = await this.guarded(
        site,
        async () => {
          const call = this.calls.get(callId) ?? (await this.modalClient().functionCalls.fromId(callId));
          return call.get({ timeoutMs });
        },
        'call',
      );
      this.calls.delete(callId);
      const output = checkResult(raw, model, site);
      this.counters.succeeded += 1;
      return output;
    } catch (error) {
      if (isEngineError(error, 'REMOTE_TIMEOUT')) return null;
      this.calls.delete(callId);
      if (isEngineError(error) && !isTransient(error)) this.counters.failed += 1;
      throw error;
    }
  }

  /**
   * Runs one input and waits for it: retries transient failures with capped exponential backoff and jitter, up to
   * `config.maxRetries` more tries, within `deadlineMs` in total.
   */
  async run(model: RemoteModel, input: TensorBatch, deadlineMs = DEFAULT_DEADLINE_MS): Promise<RemoteOutput> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      const remaining = deadlineMs - (Date.now() - started);
      try {
        const callId = await this.spawn(model, input);
        const output = await this.collect(
          callId,
          model,
          Math.min(this.config.timeoutMs, Math.max(1, remaining)),
        );
        if (output !== null) return output;
        throw new EngineError(
          'REMOTE_TIMEOUT',
          `Modal did not answer within ${Math.round(Math.min(this.config.timeoutMs, deadlineMs) / 1000)} s (call ${callId})`,
          { details: { callId, modelId: model.id } },
        );
      } catch (error) {
        if (!isEngineError(error) || !isTransient(error) || attempt >= this.config.maxRetries) {
          if (isEngineError(error) && isTransient(error)) this.counters.failed += 1;
          throw error;
        }
        const delay = backoffDelayMs(attempt, this.config.retryDelayMs, 30_000, this.options.random);
        if (Date.now() - started + delay >= deadlineMs) {
          this.counters.failed += 1;
          throw error;
        }
        this.counters.retried += 1;
        this.options.log.warn(
          `Modal call for ${model.id} failed (${error.message}); retrying in ${Math.round(delay)} ms`,
        );
        await sleep(delay);
      }
    }
  }

  private site(modelId: string): ModalCallSite {
    const className = this.options.classes[modelId];
    if (className === undefined) {
      throw new EngineError(
        'REMOTE_NOT_CONFIGURED',
        `Model "${modelId}" has no class in the Modal app (models/modal-classes.json)`,
        { details: { modelId } },
      );
    }
    return { appName: this.config.appName, className, environment: this.config.environment };
  }

  /**
   * Every SDK call goes through the breaker and comes out as an EngineError. `lookup` says what a NOT_FOUND means:
   * for a class lookup the app is not deployed; for a stored call id, Modal no longer keeps that call (results
   * expire), so the work must simply be sent again.
   */
  private async guarded<T>(
    site: ModalCallSite,
    work: () => Promise<T>,
    lookup: 'app' | 'call' = 'app',
  ): Promise<T> {
    if (!this.config.enabled) {
      throw new EngineError(
        'REMOTE_NOT_CONFIGURED',
        'Remote inference on Modal is turned off (MODAL_ENABLED)',
      );
    }
    if (!this.breaker.allow()) {
      const wait = this.breaker.retryInMs;
      const when = Number.isFinite(wait) ? `retrying in ${Math.ceil(wait / 1000)} s` : 'until it is fixed';
      throw new EngineError('REMOTE_UNAVAILABLE', `Modal calls are paused ${when}: ${this.breaker.reason}`, {
        details: { breaker: this.breaker.state },
      });
    }
    try {
      const result = await work();
      this.breaker.success();
      return result;
    } catch (error) {
      let failure = modalError(error, site);
      if (lookup === 'call' && failure.code === 'REMOTE_NOT_DEPLOYED') {
        failure = new EngineError('REMOTE_FAILED', `Modal no longer knows this call; it will be sent again`, {
          details: { ...failure.details, callExpired: true },
          cause: error,
        });
      }
      if (needsUserAction(failure)) {
        this.breaker.failure(failure.message, { untilReset: true });
        this.methods.clear();
      } else if (failure.code === 'REMOTE_UNAVAILABLE') {
        this.breaker.failure(failure.message);
      } else {
        // The service answered (a timeout or a remote exception): it is reachable, so the breaker stays closed.
        this.breaker.success();
      }
      throw failure;
    }
  }

  private modalClient(): ModalClient {
    const credentials = this.options.credentials();
    if (credentials === null) {
      throw new EngineError(
        'REMOTE_NOT_CONFIGURED',
        'No Modal token is set: add one in Settings → Remote inference, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET',
      );
    }
    const key = `${credentials.tokenId}\u0000${credentials.tokenSecret}\u0000${this.config.environment ?? ''}`;
    if (this.client?.key !== key) {
      this.dropClient();
      this.client = {
        key,
        client: new ModalClient({
          tokenId: credentials.tokenId,
          tokenSecret: credentials.tokenSecret,
          ...(this.config.environment ? { environment: this.config.environment } : {}),
        }),
      };
    }
    return this.client.client;
  }

  private method(modelId: string, site: ModalCallSite): Promise<Function_> {
    const client = this.modalClient();
    let method = this.methods.get(modelId);
    if (method === undefined) {
      method = client.cls
        .fromName(site.appName, site.className, site.environment ? { environment: site.environment } : {})
        .then((cls) => cls.instance())
        .then((instance) => instance.method('run'));
      this.methods.set(modelId, method);
      method.catch(() => this.methods.delete(modelId));
    }
    return method;
  }

  private dropClient(): void {
    this.methods.clear();
    this.calls.clear();
    this.client?.client.close();
    this.client = null;
  }
}

/** The float32 tensor as the bytes Python receives (`bytes`), copied so no other data rides along. */
function tensorBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** Checks a result before anything uses it: shape, size, and that it came from the same model file. */
function checkResult(raw: unknown, model: RemoteModel, site: ModalCallSite): RemoteOutput {
  const parsed = resultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EngineError(
      'REMOTE_RESULT_INVALID',
      `Modal class ${site.className} returned an unexpected result (${parsed.error.issues[0]?.message ?? 'bad shape'}); redeploy models/modal_app.py from this version of Tiger ID`,
      { details: { modelId: model.id } },
    );
  }
  const r = parsed.data;
  if (r.model_id !== model.id || r.model_sha256 !== model.sha256) {
    throw new EngineError(
      'REMOTE_RESULT_INVALID',
      `Modal ran ${r.model_id} with file sha256 ${r.model_sha256}, but this app uses ${model.id} with sha256 ${model.sha256}; upload the same file to the Modal volume (models/upload_models.py)`,
      { details: { modelId: model.id, remoteSha256: r.model_sha256, localSha256: model.sha256 } },
    );
  }
  const count = r.dims.reduce((a, b) => a * b, 1);
  if (r.output.byteLength !== count * 4) {
    throw new EngineError(
      'REMOTE_RESULT_INVALID',
      `Modal returned ${r.output.byteLength} bytes for an output of shape [${r.dims.join(',')}] (expected ${count * 4})`,
      { details: { modelId: model.id } },
    );
  }
  // Copy: the SDK's Buffer may sit at an offset that is not a multiple of 4 inside a shared pool.
  const data = new Float32Array(new Uint8Array(r.output).buffer);
  return {
    data,
    dims: r.dims,
    modelId: r.model_id,
    modelSha256: r.model_sha256,
    provider: r.provider ?? null,
  };
}
