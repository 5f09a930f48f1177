import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';

/**
 * The durable request queue: one row of `jobs` per unit of remote work, keyed by an idempotency key so the same
 * work is never queued twice. Every state change is one statement or one transaction, so a process killed at any
 * point leaves a row that the next sync can pick up: nothing lost, nothing done twice.
 *
 * pending ──claim──▶ running ──complete──▶ done
 *    ▲                  │ ──fail (final)──▶ failed ──retry──▶ pending
 *    └──release/backoff─┘        any open job ──cancel──▶ cancelled
 */

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/** Kinds of remote work the queue carries (imports use the same table with their own kind and code). */
export const QUEUED_KINDS = ['embed'] as const;
export type QueuedKind = (typeof QUEUED_KINDS)[number];

export interface JobRecord {
  id: number;
  kind: QueuedKind;
  key: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  remoteCallId: string | null;
  backend: string | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
}

interface JobRow {
  id: number;
  kind: QueuedKind;
  idempotency_key: string;
  payload: string;
  state: JobState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  remote_call_id: string | null;
  backend: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
}

const KIND_LIST = QUEUED_KINDS.map((k) => `'${k}'`).join(',');

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    key: r.idempotency_key,
    payload: JSON.parse(r.payload) as unknown,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    remoteCallId: r.remote_call_id,
    backend: r.backend,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewJob {
  kind: QueuedKind;
  key: string;
  payload: Record<string, unknown>;
}

/** Open jobs (pending or running) of the queued kinds: what counts against the queue's maximum size. */
export function openJobCount(ctx: CoreContext): number {
  return ctx.db
    .prepare(`SELECT COUNT(*) FROM jobs WHERE kind IN (${KIND_LIST}) AND state IN ('pending', 'running')`)
    .pluck()
    .get() as number;
}

/**
 * Queues work unless the same key is already queued (then nothing changes). Call inside the transaction that
 * creates what the job is about, so the two exist together or not at all.
 */
export function enqueueJob(ctx: CoreContext, job: NewJob, maxSize: number): { id: number; created: boolean } {
  const existing = ctx.db.prepare('SELECT id FROM jobs WHERE idempotency_key = ?').pluck().get(job.key) as
    number | undefined;
  if (existing !== undefined) return { id: existing, created: false };
  if (openJobCount(ctx) >= maxSize) {
    throw new EngineError(
      'QUEUE_FULL',
      `The offline queue is full (${maxSize} waiting jobs, MODAL_QUEUE_MAX_SIZE). Sync when a connection is available, run the models locally (inference policy "local"), or raise the limit.`,
      { details: { maxSize } },
    );
  }
  const now = ctx.now().toISOString();
  const result = ctx.db
    .prepare(
      `INSERT INTO jobs (kind, idempotency_key, payload, state, created_at, updated_at)
       VALUES (?, ?, ?, 'pending', ?, ?)`,
    )
    .run(job.kind, job.key, JSON.stringify(job.payload), now, now);
  return { id: Number(result.lastInsertRowid), created: true };
}

export function getJob(ctx: CoreContext, id: number): JobRecord | null {
  const row = ctx.db.prepare(`SELECT * FROM jobs WHERE id = ? AND kind IN (${KIND_LIST})`).get(id) as
    JobRow | undefined;
  return row ? toRecord(row) : null;
}

export const jobListSchema = z
  .object({
    states: z.array(z.enum(['pending', 'running', 'done', 'failed', 'cancelled'])).optional(),
    limit: z.number().int().min(1).max(10_000).default(200),
  })
  .strict();

export function listJobs(ctx: CoreContext, filter: z.input<typeof jobListSchema> = {}): JobRecord[] {
  const f = jobListSchema.parse(filter);
  const states = f.states ?? ['pending', 'running', 'failed', 'done', 'cancelled'];
  const rows = ctx.db
    .prepare(
      `SELECT * FROM jobs WHERE kind IN (${KIND_LIST}) AND state IN (${states.map(() => '?').join(',')})
        ORDER BY CASE state WHEN 'running' THEN 0 WHEN 'pending' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END, id
        LIMIT ?`,
    )
    .all(...states, f.limit) as JobRow[];
  return rows.map(toRecord);
}

export type JobCounts = Record<JobState, number>;

export function jobCounts(ctx: CoreContext): JobCounts {
  const counts: JobCounts = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  const rows = ctx.db
    .prepare(`SELECT state, COUNT(*) AS n FROM jobs WHERE kind IN (${KIND_LIST}) GROUP BY state`)
    .all() as { state: JobState; n: number }[];
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/**
 * Jobs a sync may take now: pending ones whose next attempt is due, and running ones whose lease expired (their
 * worker died). Oldest first.
 */
export function dueJobs(ctx: CoreContext, limit: number): JobRecord[] {
  const now = ctx.now().toISOString();
  const rows = ctx.db
    .prepare(
      `SELECT * FROM jobs WHERE kind IN (${KIND_LIST})
         AND ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
           OR (state = 'running' AND (lease_until IS NULL OR lease_until <= ?)))
       ORDER BY id LIMIT ?`,
    )
    .all(now, now, limit) as JobRow[];
  return rows.map(toRecord);
}

/**
 * The earliest time an open job becomes takeable: a pending job's next attempt, or a running job's lease end (its
 * worker may have died). Null when nothing is open.
 */
export function nextDueAt(ctx: CoreContext): Date | null {
  const row = ctx.db
    .prepare(
      `SELECT COUNT(*) AS open,
              MIN(CASE WHEN state = 'pending' THEN COALESCE(next_attempt_at, '') ELSE COALESCE(lease_until, '') END) AS at
         FROM jobs WHERE kind IN (${KIND_LIST}) AND state IN ('pending', 'running')`,
    )
    .get() as { open: number; at: string | null };
  if (row.open === 0) return null;
  return row.at === null || row.at === '' ? ctx.now() : new Date(row.at);
}

/** Takes a due job for `leaseMs`; false when another worker took it first. */
export function claimJob(ctx: CoreContext, id: number, backend: string, leaseMs: number): boolean {
  const now = ctx.now();
  const result = ctx.db
    .prepare(
      `UPDATE jobs SET state = 'running', backend = ?, lease_until = ?, updated_at = ?
        WHERE id = ? AND ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
                       OR (state = 'running' AND (lease_until IS NULL OR lease_until <= ?)))`,
    )
    .run(
      backend,
      new Date(now.getTime() + leaseMs).toISOString(),
      now.toISOString(),
      id,
      now.toISOString(),
      now.toISOString(),
    );
  return result.changes === 1;
}

/** Records the remote call started for a job, so a restart waits for that call instead of starting another. */
export function recordRemoteCall(ctx: CoreContext, id: number, callId: string): void {
  ctx.db
    .prepare(`UPDATE jobs SET remote_call_id = ?, updated_at = ? WHERE id = ? AND state = 'running'`)
    .run(callId, ctx.now().toISOString(), id);
}

/**
 * Closes a job and writes its result in one transaction: `write` stores what the job produced. Returns false
 * (writing nothing) when the job is no longer running: cancelled meanwhile, or completed by another worker.
 */
export function completeJob(ctx: CoreContext, id: number, write: () => unknown): boolean {
  return ctx.db.transaction((): boolean => {
    const state = ctx.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(id) as
      JobState | undefined;
    if (state !== 'running') return false;
    const result = write();
    ctx.db
      .prepare(
        `UPDATE jobs SET state = 'done', result = ?, last_error = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(JSON.stringify(result ?? null), ctx.now().toISOString(), id);
    return true;
  })();
}

export interface JobSetback {
  error: string;
  /** When to try again; null makes the failure final (the user can retry it). */
  retryAt: Date | null;
  /** Whether this try counts against the job's retries (an offline network does not). */
  countsAsAttempt: boolean;
  /** Keep the remote call id (the call may still finish) or forget it (it failed; start a new one). */
  keepRemoteCall: boolean;
}

export function setBackJob(ctx: CoreContext, id: number, setback: JobSetback): void {
  ctx.db
    .prepare(
      `UPDATE jobs SET state = ?, attempts = attempts + ?, last_error = ?, next_attempt_at = ?, lease_until = NULL,
              remote_call_id = CASE WHEN ? THEN remote_call_id ELSE NULL END, updated_at = ?
        WHERE id = ? AND state = 'running'`,
    )
    .run(
      setback.retryAt === null ? 'failed' : 'pending',
      setback.countsAsAttempt ? 1 : 0,
      setback.error,
      setback.retryAt?.toISOString() ?? null,
      setback.keepRemoteCall ? 1 : 0,
      ctx.now().toISOString(),
      id,
    );
}

const idsSchema = z.array(z.number().int().positive()).max(100_000);

/** `AND id IN (?, …)` for the given ids, nothing when every job is meant; an empty list matches none. */
function idFilter(ids: readonly number[] | undefined): { sql: string; params: number[] } {
  if (ids === undefined) return { sql: '', params: [] };
  const valid = idsSchema.parse(ids);
  return { sql: `AND id IN (${valid.map(() => '?').join(',') || 'NULL'})`, params: valid };
}

/**
 * Puts every failed job (or the given failed, cancelled or waiting ones) back in the queue with fresh retries.
 * Returns how many were requeued.
 */
export function retryJobs(ctx: CoreContext, ids?: readonly number[]): number {
  const filter = idFilter(ids);
  const states = ids === undefined ? "'failed'" : "'failed', 'cancelled', 'pending'";
  return ctx.db
    .prepare(
      `UPDATE jobs SET state = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL, updated_at = ?
        WHERE kind IN (${KIND_LIST}) AND state IN (${states}) ${filter.sql}`,
    )
    .run(ctx.now().toISOString(), ...filter.params).changes;
}

/**
 * Sends an ended job round again because its input changed (a box moved by hand: the crop is new). A running job is
 * left alone: it cuts its crop when it starts.
 */
export function requeueJob(ctx: CoreContext, id: number): void {
  ctx.db
    .prepare(
      `UPDATE jobs SET state = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL, remote_call_id = NULL,
              result = NULL, updated_at = ?
        WHERE id = ? AND state IN ('done', 'failed', 'cancelled')`,
    )
    .run(ctx.now().toISOString(), id);
}

/** Cancels waiting, running and failed jobs (all when no ids are given). A cancelled job's late result is discarded. */
export function cancelJobs(ctx: CoreContext, ids?: readonly number[]): number {
  const filter = idFilter(ids);
  return ctx.db
    .prepare(
      `UPDATE jobs SET state = 'cancelled', lease_until = NULL, updated_at = ?
        WHERE kind IN (${KIND_LIST}) AND state IN ('pending', 'running', 'failed') ${filter.sql}`,
    )
    .run(ctx.now().toISOString(), ...filter.params).changes;
}
