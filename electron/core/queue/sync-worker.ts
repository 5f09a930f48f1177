import type { CoreContext } from '../context';
import { EngineError, isEngineError, messageOf } from '../errors';
import type { EmbedderEntry, Manifest } from '../inference/manifest';
import type { TensorBatch } from '../inference/onnx-engine';
import type { ModalEngine } from '../inference/modal-engine';
import { isTransient, needsUserAction } from '../inference/modal-errors';
import type { ProgressListener } from '../progress';
import { BACKOFF_CAP_MS, backoffDelayMs } from './backoff';
import { embedderEntry, embedJobInput, remoteModelOf, storeEmbedResult } from './embed-job';
import { embedPayloadSchema, type EmbedPayload } from './embed-payload';
import {
  claimJob,
  completeJob,
  dueJobs,
  jobCounts,
  nextDueAt,
  recordRemoteCall,
  setBackJob,
  type JobRecord,
} from './job-store';

/**
 * Drains the durable queue through Modal with bounded concurrency. Each job: claim it under a lease (renewed while
 * it runs), start its remote call unless one is already recorded, store the call id, wait for the result, then
 * write the result and close the job in one transaction. A worker killed anywhere leaves the job to the next sync
 * (its lease runs out); a recorded call is waited for again rather than sent twice.
 */

export interface SyncOptions {
  concurrency?: number;
  /** How long a claimed job belongs to this worker without a renewal (default 20 s). */
  leaseMs?: number;
  /** Wait at most this long for a backed-off job to become due before ending the sync (default 30 s). */
  maxIdleWaitMs?: number;
  /** Staggered mode: skip the remote call for a detection the cheap local matcher already settled. */
  skipRemote?: (payload: EmbedPayload) => Promise<string | null>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  random?: () => number;
}

export interface SyncSummary {
  completed: number;
  /** Jobs skipped in staggered mode because the local result was decisive. */
  skipped: number;
  failed: number;
  /** Jobs still open when the sync ended (offline, paused, or backed off for longer than it waits). */
  remaining: number;
  /** Detections that got results in this sync. */
  detections: number[];
  /** Why the sync stopped before the queue was empty, in words a user can act on; null when it simply finished. */
  stoppedBy: { code: string; message: string } | null;
}

interface Prepared {
  job: JobRecord;
  payload: EmbedPayload;
  entry: EmbedderEntry;
  /** Null when the job's call was already sent: it is only waited for. */
  input: TensorBatch | null;
}

interface SyncDeps {
  modal: ModalEngine;
  manifest: Manifest;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export async function syncQueue(
  ctx: CoreContext,
  deps: SyncDeps,
  options: SyncOptions = {},
): Promise<SyncSummary> {
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? 20_000;
  const maxIdleWaitMs = options.maxIdleWaitMs ?? 30_000;
  const config = deps.modal.config;
  const summary: SyncSummary = {
    completed: 0,
    skipped: 0,
    failed: 0,
    remaining: 0,
    detections: [],
    stoppedBy: null,
  };
  const inFlight = new Set<number>();
  let buffer: JobRecord[] = [];
  let unavailableStreak = 0;
  const open = jobCounts(ctx);
  const total = open.pending + open.running;
  let settled = 0;

  const renew = setInterval(
    () => {
      if (inFlight.size === 0) return;
      const until = new Date(ctx.now().getTime() + leaseMs).toISOString();
      const ids = [...inFlight];
      ctx.db
        .prepare(
          `UPDATE jobs SET lease_until = ? WHERE state = 'running' AND id IN (${ids.map(() => '?').join(',')})`,
        )
        .run(until, ...ids);
    },
    Math.max(100, leaseMs / 3),
  );
  renew.unref();

  const stop = (error: EngineError) => {
    summary.stoppedBy ??= { code: error.code, message: error.message };
  };
  const stopped = () => summary.stoppedBy !== null || options.signal?.aborted === true;

  const take = (): JobRecord | undefined => {
    if (buffer.length === 0) {
      buffer = dueJobs(ctx, concurrency * 4).filter((j) => !inFlight.has(j.id));
    }
    return buffer.shift();
  };

  const backoff = (attempt: number) =>
    new Date(
      ctx.now().getTime() + backoffDelayMs(attempt, config.retryDelayMs, BACKOFF_CAP_MS, options.random),
    );

  const settle = (jobId: number) => {
    inFlight.delete(jobId);
    settled += 1;
    options.onProgress?.({ phase: 'sync', done: settled, total: Math.max(total, settled), unit: 'jobs' });
  };

  /**
   * Claims a job and gets it ready to send: its input tensor prepared (unless its call was already sent), or
   * finished at once when staggered mode skips it. Null when there is nothing to send.
   */
  const prepare = async (job: JobRecord): Promise<Prepared | null> => {
    if (!claimJob(ctx, job.id, 'modal', leaseMs)) return null;
    inFlight.add(job.id);
    try {
      const payload = embedPayloadSchema.parse(job.payload);
      const entry = embedderEntry(deps.manifest, payload.modelId);
      const skip = job.remoteCallId === null ? await options.skipRemote?.(payload) : null;
      if (skip) {
        if (completeJob(ctx, job.id, () => ({ skipped: skip }))) summary.skipped += 1;
        settle(job.id);
        return null;
      }
      const input = job.remoteCallId === null ? await embedJobInput(ctx, entry, payload) : null;
      return { job, payload, entry, input };
    } catch (error) {
      handleFailure(job, error);
      settle(job.id);
      return null;
    }
  };

  /** Sends a prepared job (or waits again for its recorded call) and closes it with its result. */
  const send = async ({ job, payload, entry, input }: Prepared): Promise<void> => {
    const model = remoteModelOf(payload);
    try {
      let callId = job.remoteCallId;
      if (callId === null) {
        if (input === null) throw new Error(`job ${job.id} has neither a recorded call nor an input`);
        callId = await deps.modal.spawn(model, input);
        recordRemoteCall(ctx, job.id, callId);
      }
      const output = await deps.modal.collect(callId, model, config.timeoutMs);
      unavailableStreak = 0;
      if (output === null) {
        const final = job.attempts + 1 > config.maxRetries;
        setBackJob(ctx, job.id, {
          error: `Modal did not finish call ${callId} within ${config.timeoutMs / 1000} s`,
          retryAt: final ? null : backoff(job.attempts),
          countsAsAttempt: true,
          keepRemoteCall: true,
        });
        if (final) summary.failed += 1;
        return;
      }
      const closed = completeJob(ctx, job.id, () => ({
        ...storeEmbedResult(ctx, entry, payload, output),
        provider: output.provider,
      }));
      if (closed) {
        summary.completed += 1;
        summary.detections.push(payload.detectionId);
      }
    } catch (error) {
      handleFailure(job, error);
    } finally {
      settle(job.id);
    }
  };

  /** A prepared job the sync stopped before sending goes back to the queue as it was. */
  const release = (prepared: Prepared) => {
    setBackJob(ctx, prepared.job.id, {
      error: prepared.job.lastError ?? 'not sent: the sync stopped',
      retryAt: ctx.now(),
      countsAsAttempt: false,
      keepRemoteCall: true,
    });
    inFlight.delete(prepared.job.id);
  };

  const handleFailure = (job: JobRecord, error: unknown) => {
    const failure = isEngineError(error)
      ? error
      : new EngineError('INFERENCE_FAILED', messageOf(error), { cause: error });
    if (failure.code === 'REMOTE_UNAVAILABLE') {
      // Offline or Modal down: not the job's fault, so no retry is used up; the call id (if any) stays valid.
      unavailableStreak += 1;
      setBackJob(ctx, job.id, {
        error: failure.message,
        retryAt: backoff(unavailableStreak - 1),
        countsAsAttempt: false,
        keepRemoteCall: true,
      });
      if (deps.modal.breaker.state === 'open') stop(failure);
      return;
    }
    if (
      needsUserAction(failure) ||
      failure.code === 'REMOTE_NOT_CONFIGURED' ||
      failure.code === 'CONFIG_INVALID'
    ) {
      setBackJob(ctx, job.id, {
        error: failure.message,
        retryAt: ctx.now(),
        countsAsAttempt: false,
        keepRemoteCall: true,
      });
      stop(failure);
      return;
    }
    // The job itself failed: a remote exception may pass on another try, anything else will not.
    const final = !isTransient(failure) || job.attempts + 1 > config.maxRetries;
    setBackJob(ctx, job.id, {
      error: `${failure.code}: ${failure.message}`,
      retryAt: final ? null : backoff(job.attempts),
      countsAsAttempt: true,
      keepRemoteCall: false,
    });
    if (final) summary.failed += 1;
  };

  /** undefined: no job is due now; null: a job was taken but there is nothing to send. */
  const prepareNext = async (): Promise<Prepared | null | undefined> => {
    const job = take();
    return job === undefined ? undefined : prepare(job);
  };

  // Each worker keeps one remote call in flight and, meanwhile, gets its next job ready (decoding the photo and
  // preparing the tensor), so the time a call slot waits is the remote call itself.
  const worker = async (): Promise<void> => {
    let ahead: Promise<Prepared | null | undefined> | null = null;
    while (!stopped()) {
      const prepared = ahead !== null ? await ahead : await prepareNext();
      ahead = null;
      if (prepared === null) continue;
      if (prepared !== undefined) {
        const sending = send(prepared);
        if (!stopped()) ahead = prepareNext();
        await sending;
        continue;
      }
      if (inFlight.size > 0) {
        await sleep(50, options.signal);
        continue;
      }
      const next = nextDueAt(ctx);
      if (next === null) return;
      const wait = next.getTime() - ctx.now().getTime();
      if (wait > maxIdleWaitMs) return;
      await sleep(Math.max(10, wait), options.signal);
    }
    const left = ahead !== null ? await ahead : null;
    if (left) release(left);
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    clearInterval(renew);
  }
  const counts = jobCounts(ctx);
  summary.remaining = counts.pending + counts.running;
  return summary;
}
