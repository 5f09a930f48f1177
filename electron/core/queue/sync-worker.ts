import type { CoreContext } from '../context';
import { EngineError, isEngineError, messageOf } from '../errors';
import type { Manifest } from '../inference/manifest';
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
  const total = jobCounts(ctx).pending + jobCounts(ctx).running;
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

  const runJob = async (job: JobRecord): Promise<void> => {
    if (!claimJob(ctx, job.id, 'modal', leaseMs)) return;
    inFlight.add(job.id);
    try {
      const payload = embedPayloadSchema.parse(job.payload);
      const entry = embedderEntry(deps.manifest, payload.modelId);
      const model = remoteModelOf(payload);
      const skip = job.remoteCallId === null ? await options.skipRemote?.(payload) : null;
      if (skip) {
        if (completeJob(ctx, job.id, () => ({ skipped: skip }))) summary.skipped += 1;
        return;
      }
      let callId = job.remoteCallId;
      if (callId === null) {
        callId = await deps.modal.spawn(model, await embedJobInput(ctx, entry, payload));
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
      inFlight.delete(job.id);
      settled += 1;
      options.onProgress?.({ phase: 'sync', done: settled, total: Math.max(total, settled), unit: 'jobs' });
    }
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

  const worker = async (): Promise<void> => {
    while (!stopped()) {
      const job = take();
      if (job !== undefined) {
        await runJob(job);
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
