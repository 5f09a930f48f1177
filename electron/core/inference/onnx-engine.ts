import { EngineError, nativeError } from '../errors';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { silentLogger, type Logger } from '../log';
import {
  chooseExecutionProvider,
  PROVIDER_PREFERENCE,
  type ExecutionProviderName,
  type ProbeOptions,
  type ProviderStatus,
} from './execution-provider';
import { sha256File } from '../sha256';
import { checkSignature, type ModelSignature } from './model-validation';
import type { LoadableModel } from './model-store';

/**
 * The local onnxruntime-node engine: one per process, shared by detector and embedders. Sessions are created once
 * per (model id, file hash, provider) — concurrent callers share the pending load — and released after an idle
 * TTL so a 1.3 GB Swin-L does not stay resident while the app sits idle.
 */

export interface TensorBatch {
  data: Float32Array;
  dims: readonly number[];
}

export interface LoadedModel {
  key: string;
  provider: ExecutionProviderName;
  signature: ModelSignature;
}

export interface OnnxEngineOptions {
  log?: Logger;
  /** Release a session this long after its last use (default 5 minutes). */
  idleTtlMs?: number;
  /** Intra-op threads per session; default min(cores, 4): on 2 cores, 2 threads are ~1.7× faster than 1. */
  intraOpThreads?: number;
  /** Provider preference; ['cpu'] turns CUDA off. */
  providers?: readonly ExecutionProviderName[];
  /** Where to look for the CUDA provider libraries (tests point this elsewhere). */
  bindingDir?: string;
}

interface Slot {
  promise: Promise<LoadedSession>;
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
}

interface LoadedSession extends LoadedModel {
  session: ort.InferenceSession;
}

export class OnnxEngine {
  private readonly log: Logger;
  private readonly idleTtlMs: number;
  private readonly intraOpThreads: number;
  private readonly probeOptions: ProbeOptions;
  private providerStatus: Promise<ProviderStatus> | undefined;
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(options: OnnxEngineOptions = {}) {
    this.log = options.log ?? silentLogger;
    this.idleTtlMs = options.idleTtlMs ?? 5 * 60_000;
    this.intraOpThreads = options.intraOpThreads ?? Math.max(1, Math.min(availableParallelism(), 4));
    this.probeOptions = {
      preference: options.providers ?? PROVIDER_PREFERENCE,
      ...(options.bindingDir !== undefined && { bindingDir: options.bindingDir }),
    };
  }

  /** onnxruntime-node's version, for doctor and bug reports. */
  static runtimeVersion(): string {
    return ort.env.versions.node ?? ort.env.versions.common;
  }

  /** The provider sessions are created with, and why; probed once per engine. */
  executionProvider(): Promise<ProviderStatus> {
    this.providerStatus ??= chooseExecutionProvider(this.probeOptions).then((status) => {
      this.log.info(`Execution providers in descending order of preference: ${status.preference.join(', ')}`);
      const line = `Using ${status.provider.toUpperCase()} for inference: ${status.reason}`;
      // A CUDA library that is present but fails to load is a real fallback worth a warning.
      if (status.fallback) this.log.warn(line);
      else this.log.info(line);
      return status;
    });
    return this.providerStatus;
  }

  /** Loads (or reuses) the session for `model` and returns what it was loaded with. */
  async load(model: LoadableModel): Promise<LoadedModel> {
    return this.withSession(model, async ({ key, provider, signature }) => ({ key, provider, signature }));
  }

  /** Runs one batch through the model's single input and returns its first output. */
  async run(model: LoadableModel, input: TensorBatch): Promise<TensorBatch> {
    return this.withSession(model, async (loaded) => {
      const site = new Error();
      let outputs: ort.InferenceSession.ReturnType;
      try {
        const tensor = new ort.Tensor('float32', input.data, input.dims);
        outputs = await loaded.session.run({ [loaded.signature.inputName]: tensor });
      } catch (error) {
        throw nativeError(
          site,
          'INFERENCE_FAILED',
          `Running model "${model.id}" on ${loaded.provider} failed`,
          error,
          {
            id: model.id,
            dims: [...input.dims],
          },
        );
      }
      const output = outputs[loaded.signature.outputName];
      if (output === undefined || output.type !== 'float32') {
        throw new EngineError(
          'INFERENCE_FAILED',
          `Model "${model.id}" returned no float32 "${loaded.signature.outputName}"`,
          {
            details: { id: model.id },
          },
        );
      }
      // Copy: the result must outlive the session, which may be released by the idle timer.
      return { data: (output.data as Float32Array).slice(), dims: [...output.dims] };
    });
  }

  /** Keys of the sessions currently loaded or loading, for status and tests. */
  loadedKeys(): string[] {
    return [...this.slots.keys()];
  }

  /** Releases every session; later calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const slot of slots) {
      clearTimeout(slot.timer);
      const loaded = await slot.promise.catch(() => undefined);
      await loaded?.session.release().catch(() => undefined);
    }
  }

  private async withSession<T>(
    model: LoadableModel,
    work: (loaded: LoadedSession) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new Error('OnnxEngine is closed');
    const { provider } = await this.executionProvider();
    const key = `${model.id}@${model.sha256}@${provider}`;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      const created: Slot = {
        promise: this.createSession(model, key, provider),
        inFlight: 0,
        timer: undefined,
      };
      slot = created;
      this.slots.set(key, created);
      // A failed load is forgotten so the next call tries again (the caller decides whether to).
      created.promise.catch(() => {
        if (this.slots.get(key) === created) this.slots.delete(key);
      });
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.inFlight += 1;
    try {
      return await work(await slot.promise);
    } finally {
      slot.inFlight -= 1;
      if (slot.inFlight === 0 && this.slots.get(key) === slot) this.scheduleUnload(key, slot);
    }
  }

  private scheduleUnload(key: string, slot: Slot): void {
    slot.timer = setTimeout(() => {
      if (slot.inFlight > 0 || this.slots.get(key) !== slot) return;
      this.slots.delete(key);
      void slot.promise.then(
        (loaded) => {
          this.log.debug(`Unloaded idle model session ${key}`);
          return loaded.session.release();
        },
        () => undefined,
      );
    }, this.idleTtlMs);
    // Never keep the process (a CLI run, a test) alive just to unload a session.
    slot.timer.unref();
  }

  /** Re-hashes the file first: a session always runs exactly the file its hash names (STYLE 12: one re-read). */
  private async checkFile(model: LoadableModel): Promise<void> {
    let actual = '';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        actual = await sha256File(model.path);
      } catch (error) {
        throw new EngineError(
          'MODEL_MISSING',
          `Cannot read model file ${model.path} of "${model.id}" (expected sha256 ${model.sha256})`,
          {
            details: { id: model.id, path: model.path, expectedSha256: model.sha256 },
            cause: error,
          },
        );
      }
      if (actual === model.sha256) return;
    }
    throw new EngineError(
      'MODEL_CORRUPT',
      `Model file ${model.path} of "${model.id}" has sha256 ${actual}, expected ${model.sha256}; reinstall it with \`tigerid models install ${model.id}\` or \`models import\``,
      { details: { id: model.id, path: model.path, expectedSha256: model.sha256, actualSha256: actual } },
    );
  }

  private async createSession(
    model: LoadableModel,
    key: string,
    provider: ExecutionProviderName,
  ): Promise<LoadedSession> {
    await this.checkFile(model);
    const options = (ep: ExecutionProviderName): ort.InferenceSession.SessionOptions => ({
      executionProviders: [ep],
      intraOpNumThreads: this.intraOpThreads,
      // One model runs at a time per session; inter-op parallelism only competes for the same 2 cores.
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    const site = new Error();
    let session: ort.InferenceSession;
    let used = provider;
    try {
      session = await ort.InferenceSession.create(model.path, options(provider));
    } catch (error) {
      if (provider !== 'cuda') {
        throw nativeError(
          site,
          'MODEL_INVALID',
          `onnxruntime cannot load model "${model.id}" (${model.path})`,
          error,
          {
            id: model.id,
          },
        );
      }
      // Immich's pattern: one retry on CPU, with a warning that names the provider and the error.
      this.log.warn(
        `Creating a cuda session for "${model.id}" failed (${String(error).split('\n')[0]}); retrying on cpu`,
      );
      used = 'cpu';
      try {
        session = await ort.InferenceSession.create(model.path, options('cpu'));
      } catch (cpuError) {
        throw nativeError(
          site,
          'MODEL_INVALID',
          `onnxruntime cannot load model "${model.id}" (${model.path})`,
          cpuError,
          {
            id: model.id,
          },
        );
      }
    }
    try {
      const signature = checkSignature(model.entry, session.inputMetadata, session.outputMetadata);
      this.log.debug(`Loaded model session ${key} on ${used}`);
      return { key, provider: used, signature, session };
    } catch (error) {
      await session.release();
      throw error;
    }
  }
}
