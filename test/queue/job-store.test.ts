import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import {
  cancelJobs,
  claimJob,
  completeJob,
  dueJobs,
  enqueueJob,
  getJob,
  jobCounts,
  listJobs,
  nextDueAt,
  openJobCount,
  recordRemoteCall,
  retryJobs,
  setBackJob,
} from '../../electron/core/queue/job-store';
import { insertDetection, tempCore } from '../support/temp-core';

const START = Date.parse('2024-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(START + ms);
const iso = (ms: number) => at(ms).toISOString();

let core: ReturnType<typeof tempCore>;
let clock = 0;
/** Moves the core's clock to START + ms. */
const setClock = (ms: number) => {
  clock = ms;
};

beforeEach(() => {
  clock = 0;
  core = tempCore(() => at(clock));
});
afterEach(() => core.cleanup());

const BIG = 1000;

function embed(key: string, payload: Record<string, unknown> = { n: key }): number {
  const { id, created } = enqueueJob(core, { kind: 'embed', key, payload }, BIG);
  expect(created).toBe(true);
  return id;
}

/** An import job in the same table, written as the importer writes it. */
function importJob(key: string, state: string, leaseUntil: string | null = null): number {
  const now = at(clock).toISOString();
  return Number(
    core.db
      .prepare(
        `INSERT INTO jobs (kind, idempotency_key, payload, state, attempts, lease_until, created_at, updated_at)
         VALUES ('import', ?, '{}', ?, 1, ?, ?, ?)`,
      )
      .run(key, state, leaseUntil, now, now).lastInsertRowid,
  );
}

function stateOf(id: number): string {
  return core.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(id) as string;
}

function queueFullError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected QUEUE_FULL');
}

/** A job taken by a worker and then failed, final or not. */
function failedJob(key: string): number {
  const id = embed(key);
  expect(claimJob(core, id, 'modal', 60_000)).toBe(true);
  setBackJob(core, id, { error: 'boom', retryAt: null, countsAsAttempt: true, keepRemoteCall: false });
  return id;
}

describe('enqueueJob', () => {
  it('creates a pending job with its payload and the clock time', () => {
    setClock(5_000);
    const detectionId = insertDetection(core, 'a');
    const id = embed('embed:1', { detectionId, modelId: 'tiger-reid' });
    expect(getJob(core, id)).toEqual({
      id,
      kind: 'embed',
      key: 'embed:1',
      payload: { detectionId, modelId: 'tiger-reid' },
      state: 'pending',
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      remoteCallId: null,
      backend: null,
      result: null,
      createdAt: iso(5_000),
      updatedAt: iso(5_000),
    });
  });

  it('is idempotent by key: the same key gives the same id and changes nothing', () => {
    const first = enqueueJob(core, { kind: 'embed', key: 'k', payload: { v: 1 } }, BIG);
    setClock(1_000);
    const second = enqueueJob(core, { kind: 'embed', key: 'k', payload: { v: 2 } }, BIG);
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const job = getJob(core, first.id);
    expect(job?.payload).toEqual({ v: 1 });
    expect(job?.updatedAt).toBe(iso(0));
    expect(jobCounts(core).pending).toBe(1);
  });

  it('does not queue finished work again under the same key', () => {
    const id = embed('k');
    claimJob(core, id, 'modal', 1_000);
    completeJob(core, id, () => ({ ok: true }));
    expect(enqueueJob(core, { kind: 'embed', key: 'k', payload: {} }, BIG)).toEqual({ id, created: false });
    expect(getJob(core, id)?.state).toBe('done');
  });

  it('refuses with QUEUE_FULL, naming the limit and its variable, when open jobs reach the maximum', () => {
    enqueueJob(core, { kind: 'embed', key: 'a', payload: {} }, 2);
    enqueueJob(core, { kind: 'embed', key: 'b', payload: {} }, 2);
    const error = queueFullError(() => enqueueJob(core, { kind: 'embed', key: 'c', payload: {} }, 2));
    expect(error.code).toBe('QUEUE_FULL');
    expect(error.message).toContain('2 waiting jobs');
    expect(error.message).toContain('MODAL_QUEUE_MAX_SIZE');
    expect(error.message).toContain('"local"');
    expect(error.details).toEqual({ maxSize: 2 });
    expect(jobCounts(core).pending).toBe(2);
    expect(core.db.prepare("SELECT COUNT(*) FROM jobs WHERE idempotency_key = 'c'").pluck().get()).toBe(0);
  });

  it('still answers for an already queued key when the queue is full', () => {
    const a = enqueueJob(core, { kind: 'embed', key: 'a', payload: {} }, 1);
    expect(enqueueJob(core, { kind: 'embed', key: 'a', payload: {} }, 1)).toEqual({
      id: a.id,
      created: false,
    });
  });

  it('counts running jobs as open, but not done, failed or cancelled ones', () => {
    const running = embed('running');
    claimJob(core, running, 'modal', 60_000);
    expect(() => enqueueJob(core, { kind: 'embed', key: 'x', payload: {} }, 1)).toThrow(EngineError);

    const done = embed('done');
    claimJob(core, done, 'modal', 60_000);
    completeJob(core, done, () => null);
    failedJob('failed');
    const cancelled = embed('cancelled');
    cancelJobs(core, [cancelled, running]);
    expect(openJobCount(core)).toBe(0);

    expect(enqueueJob(core, { kind: 'embed', key: 'x', payload: {} }, 1).created).toBe(true);
    expect(() => enqueueJob(core, { kind: 'embed', key: 'y', payload: {} }, 1)).toThrow(/queue is full/);
  });

  it('does not count import jobs against the limit', () => {
    importJob('import:a', 'running');
    importJob('import:b', 'pending');
    expect(openJobCount(core)).toBe(0);
    expect(enqueueJob(core, { kind: 'embed', key: 'e', payload: {} }, 1).created).toBe(true);
  });
});

describe('dueJobs', () => {
  it('lists pending jobs whose next attempt has come, oldest first, up to the limit', () => {
    const a = embed('a');
    const b = embed('b');
    const c = embed('c');
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([a, b, c]);
    expect(dueJobs(core, 2).map((j) => j.id)).toEqual([a, b]);
  });

  it('waits for next_attempt_at, and includes a job from exactly that moment', () => {
    const a = embed('a');
    const b = embed('b');
    claimJob(core, a, 'modal', 60_000);
    setBackJob(core, a, {
      error: 'offline',
      retryAt: at(5_000),
      countsAsAttempt: false,
      keepRemoteCall: true,
    });
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([b]);
    setClock(4_999);
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([b]);
    setClock(5_000);
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([a, b]);
  });

  it('skips a running job until its lease expires (its worker died)', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 30_000);
    expect(dueJobs(core, 10)).toEqual([]);
    setClock(29_999);
    expect(dueJobs(core, 10)).toEqual([]);
    setClock(30_000);
    const due = dueJobs(core, 10);
    expect(due.map((j) => [j.id, j.state])).toEqual([[a, 'running']]);
  });

  it('never lists finished jobs or import jobs', () => {
    failedJob('f');
    const done = embed('d');
    claimJob(core, done, 'modal', 1_000);
    completeJob(core, done, () => null);
    cancelJobs(core, [embed('c')]);
    importJob('import:running', 'running');
    importJob('import:pending', 'pending');
    setClock(10 * 60_000);
    expect(dueJobs(core, 10)).toEqual([]);
  });
});

describe('claimJob', () => {
  it('is exclusive: a second claim of the same job fails', () => {
    const a = embed('a');
    setClock(1_000);
    expect(claimJob(core, a, 'modal', 60_000)).toBe(true);
    expect(claimJob(core, a, 'modal', 60_000)).toBe(false);
    const job = getJob(core, a);
    expect(job?.state).toBe('running');
    expect(job?.backend).toBe('modal');
    expect(job?.updatedAt).toBe(iso(1_000));
    expect(job?.attempts).toBe(0);
  });

  it('lets another worker take a running job once its lease has expired', () => {
    const a = embed('a');
    expect(claimJob(core, a, 'worker-1', 10_000)).toBe(true);
    setClock(9_999);
    expect(claimJob(core, a, 'worker-2', 10_000)).toBe(false);
    setClock(10_000);
    expect(claimJob(core, a, 'worker-2', 10_000)).toBe(true);
    expect(getJob(core, a)?.backend).toBe('worker-2');
    // The new lease runs from the second claim.
    expect(nextDueAt(core)?.toISOString()).toBe(iso(20_000));
    expect(claimJob(core, a, 'worker-1', 10_000)).toBe(false);
  });

  it('does not take a pending job before its next attempt, nor a finished job', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    setBackJob(core, a, { error: 'x', retryAt: at(5_000), countsAsAttempt: true, keepRemoteCall: false });
    expect(claimJob(core, a, 'modal', 60_000)).toBe(false);
    setClock(5_000);
    expect(claimJob(core, a, 'modal', 60_000)).toBe(true);

    const f = failedJob('f');
    const c = embed('c');
    cancelJobs(core, [c]);
    expect(claimJob(core, f, 'modal', 60_000)).toBe(false);
    expect(claimJob(core, c, 'modal', 60_000)).toBe(false);
    expect(claimJob(core, 999_999, 'modal', 60_000)).toBe(false);
  });
});

describe('completeJob', () => {
  const probe = () => core.db.prepare("SELECT value FROM settings WHERE key = 'test.probe'").pluck().get();

  it("stores the result and the caller's write together, and closes the job", () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    recordRemoteCall(core, a, 'fc-1');
    setClock(2_000);
    const closed = completeJob(core, a, () => {
      core.db.prepare("INSERT INTO settings (key, value) VALUES ('test.probe', 'written')").run();
      return { embeddingId: 7, provider: 'modal' };
    });
    expect(closed).toBe(true);
    expect(probe()).toBe('written');
    const job = getJob(core, a);
    expect(job?.state).toBe('done');
    expect(job?.result).toEqual({ embeddingId: 7, provider: 'modal' });
    expect(job?.lastError).toBeNull();
    expect(job?.updatedAt).toBe(iso(2_000));
    // A done job is no longer leased: nothing is open.
    expect(nextDueAt(core)).toBeNull();
  });

  it('stores null when the write returns nothing', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    expect(completeJob(core, a, () => undefined)).toBe(true);
    expect(getJob(core, a)?.result).toBeNull();
  });

  it('writes nothing and leaves the job running when the write throws', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    expect(() =>
      completeJob(core, a, () => {
        core.db.prepare("INSERT INTO settings (key, value) VALUES ('test.probe', 'half')").run();
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(probe()).toBeUndefined();
    const job = getJob(core, a);
    expect(job?.state).toBe('running');
    expect(job?.result).toBeNull();
    // Still takeable again once the lease runs out.
    setClock(60_000);
    expect(claimJob(core, a, 'modal', 60_000)).toBe(true);
  });

  it('discards a late result for a cancelled job without running the write', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    cancelJobs(core, [a]);
    const write = vi.fn(() => ({ late: true }));
    expect(completeJob(core, a, write)).toBe(false);
    expect(write).not.toHaveBeenCalled();
    expect(getJob(core, a)?.state).toBe('cancelled');
    expect(getJob(core, a)?.result).toBeNull();
  });

  it('does not complete a job twice, nor one that is not running', () => {
    const a = embed('a');
    const write = vi.fn(() => 1);
    expect(completeJob(core, a, write)).toBe(false);
    claimJob(core, a, 'modal', 60_000);
    expect(completeJob(core, a, write)).toBe(true);
    expect(completeJob(core, a, write)).toBe(false);
    expect(write).toHaveBeenCalledTimes(1);
  });
});

describe('setBackJob and recordRemoteCall', () => {
  it('puts a job back for a later retry, counting the attempt and forgetting the call', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    recordRemoteCall(core, a, 'fc-1');
    expect(getJob(core, a)?.remoteCallId).toBe('fc-1');
    setClock(1_000);
    setBackJob(core, a, {
      error: 'REMOTE_FAILED: ValueError',
      retryAt: at(3_000),
      countsAsAttempt: true,
      keepRemoteCall: false,
    });
    const job = getJob(core, a);
    expect(job).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'REMOTE_FAILED: ValueError',
      nextAttemptAt: iso(3_000),
      remoteCallId: null,
      updatedAt: iso(1_000),
    });
    expect(nextDueAt(core)?.toISOString()).toBe(iso(3_000));
  });

  it('keeps the call id and the attempt count when the network was at fault', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    recordRemoteCall(core, a, 'fc-2');
    setBackJob(core, a, { error: 'offline', retryAt: at(500), countsAsAttempt: false, keepRemoteCall: true });
    expect(getJob(core, a)).toMatchObject({
      state: 'pending',
      attempts: 0,
      remoteCallId: 'fc-2',
      lastError: 'offline',
    });
  });

  it('fails a job for good when there is no retry time', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    setBackJob(core, a, { error: 'bad input', retryAt: null, countsAsAttempt: true, keepRemoteCall: false });
    expect(getJob(core, a)).toMatchObject({
      state: 'failed',
      attempts: 1,
      nextAttemptAt: null,
      lastError: 'bad input',
    });
    expect(dueJobs(core, 10)).toEqual([]);
    expect(nextDueAt(core)).toBeNull();
  });

  it('adds one attempt per counted setback', () => {
    const a = embed('a');
    for (let i = 0; i < 3; i += 1) {
      setClock(i * 10_000);
      expect(claimJob(core, a, 'modal', 1_000)).toBe(true);
      setBackJob(core, a, {
        error: `try ${i}`,
        retryAt: at(i * 10_000),
        countsAsAttempt: i !== 1,
        keepRemoteCall: false,
      });
    }
    expect(getJob(core, a)).toMatchObject({ attempts: 2, lastError: 'try 2' });
  });

  it('changes nothing for a job that is no longer running', () => {
    const a = embed('a');
    claimJob(core, a, 'modal', 60_000);
    recordRemoteCall(core, a, 'fc-3');
    cancelJobs(core, [a]);
    setBackJob(core, a, { error: 'late', retryAt: at(1), countsAsAttempt: true, keepRemoteCall: false });
    recordRemoteCall(core, a, 'fc-4');
    expect(getJob(core, a)).toMatchObject({
      state: 'cancelled',
      attempts: 0,
      lastError: null,
      remoteCallId: 'fc-3',
    });
    const p = embed('p');
    recordRemoteCall(core, p, 'fc-5');
    expect(getJob(core, p)?.remoteCallId).toBeNull();
  });
});

describe('retryJobs and cancelJobs', () => {
  it('requeues given failed, cancelled or waiting jobs with fresh retries, and says how many', () => {
    const f = failedJob('f');
    const c = embed('c');
    cancelJobs(core, [c]);
    const waiting = embed('w');
    claimJob(core, waiting, 'modal', 60_000);
    setBackJob(core, waiting, {
      error: 'x',
      retryAt: at(50_000),
      countsAsAttempt: true,
      keepRemoteCall: false,
    });
    const running = embed('r');
    claimJob(core, running, 'modal', 60_000);
    const done = embed('d');
    claimJob(core, done, 'modal', 60_000);
    completeJob(core, done, () => null);

    setClock(7_000);
    expect(retryJobs(core, [f, c, waiting, running, done])).toBe(3);
    for (const id of [f, c, waiting]) {
      expect(getJob(core, id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: iso(7_000),
      });
    }
    expect(stateOf(running)).toBe('running');
    expect(stateOf(done)).toBe('done');
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([f, c, waiting]);
  });

  it('requeues nothing for an empty id list', () => {
    failedJob('f');
    expect(retryJobs(core, [])).toBe(0);
    expect(jobCounts(core).failed).toBe(1);
  });

  it('without ids, requeues every failed job and leaves cancelled ones cancelled', () => {
    // The documented contract ("Puts failed (or given) jobs back in the queue"; `tigerid queue retry` with no ids).
    const f1 = failedJob('f1');
    const f2 = failedJob('f2');
    const c = embed('c');
    cancelJobs(core, [c]);
    expect(retryJobs(core)).toBe(2);
    expect([stateOf(f1), stateOf(f2)]).toEqual(['pending', 'pending']);
    expect(stateOf(c)).toBe('cancelled');
  });

  it('cancels given open jobs and says how many; finished jobs stay as they are', () => {
    const p = embed('p');
    const r = embed('r');
    claimJob(core, r, 'modal', 60_000);
    const d = embed('d');
    claimJob(core, d, 'modal', 60_000);
    completeJob(core, d, () => null);
    setClock(3_000);
    expect(cancelJobs(core, [p, r, d])).toBe(2);
    expect(getJob(core, p)).toMatchObject({ state: 'cancelled', updatedAt: iso(3_000) });
    expect(stateOf(r)).toBe('cancelled');
    expect(stateOf(d)).toBe('done');
    // Cancelling again changes nothing.
    expect(cancelJobs(core, [p, r])).toBe(0);
    expect(cancelJobs(core, [])).toBe(0);
    expect(nextDueAt(core)).toBeNull();
  });

  it('cancels a failed job given by id', () => {
    const f = failedJob('f');
    expect(cancelJobs(core, [f])).toBe(1);
    expect(stateOf(f)).toBe('cancelled');
  });

  it('cancels every open job when no ids are given', () => {
    embed('a');
    const b = embed('b');
    claimJob(core, b, 'modal', 60_000);
    embed('c');
    expect(cancelJobs(core)).toBe(3);
    expect(jobCounts(core)).toEqual({ pending: 0, running: 0, done: 0, failed: 0, cancelled: 3 });
  });

  it('rejects ids that are not positive whole numbers', () => {
    expect(() => retryJobs(core, [0])).toThrow();
    expect(() => cancelJobs(core, [1.5])).toThrow();
  });
});

describe('jobCounts, listJobs and getJob', () => {
  it('counts each state of the queued kinds', () => {
    embed('p1');
    embed('p2');
    const r = embed('r');
    claimJob(core, r, 'modal', 60_000);
    const d = embed('d');
    claimJob(core, d, 'modal', 60_000);
    completeJob(core, d, () => null);
    failedJob('f');
    cancelJobs(core, [embed('c')]);
    expect(jobCounts(core)).toEqual({ pending: 2, running: 1, done: 1, failed: 1, cancelled: 1 });
    expect(openJobCount(core)).toBe(3);
  });

  it('lists running first, then pending, failed and the rest, each by id, with a state filter', () => {
    const p1 = embed('p1');
    const d = embed('d');
    claimJob(core, d, 'modal', 60_000);
    completeJob(core, d, () => null);
    const f = failedJob('f');
    const r = embed('r');
    claimJob(core, r, 'modal', 60_000);
    const p2 = embed('p2');
    expect(listJobs(core).map((j) => j.id)).toEqual([r, p1, p2, f, d]);
    expect(listJobs(core, { states: ['failed', 'pending'] }).map((j) => j.id)).toEqual([p1, p2, f]);
    expect(listJobs(core, { limit: 2 }).map((j) => j.id)).toEqual([r, p1]);
  });
});

describe('import jobs share the table but are never touched', () => {
  it('are not listed, counted, fetched, due, retried or cancelled', () => {
    const running = importJob('import:running', 'running');
    const pending = importJob('import:pending', 'pending');
    const failed = importJob('import:failed', 'failed');
    const cancelled = importJob('import:cancelled', 'cancelled');
    const e = embed('embed');

    expect(listJobs(core).map((j) => j.id)).toEqual([e]);
    expect(jobCounts(core)).toEqual({ pending: 1, running: 0, done: 0, failed: 0, cancelled: 0 });
    expect(getJob(core, running)).toBeNull();
    expect(dueJobs(core, 10).map((j) => j.id)).toEqual([e]);

    expect(retryJobs(core)).toBe(0);
    expect(retryJobs(core, [failed, cancelled, pending])).toBe(0);
    expect(cancelJobs(core, [running, pending, failed])).toBe(0);
    expect(cancelJobs(core)).toBe(1);
    expect([stateOf(running), stateOf(pending), stateOf(failed), stateOf(cancelled)]).toEqual([
      'running',
      'pending',
      'failed',
      'cancelled',
    ]);
  });

  it('do not make nextDueAt report work (a running import has no lease)', () => {
    importJob('import:running', 'running');
    importJob('import:pending', 'pending');
    expect(nextDueAt(core)).toBeNull();
  });
});

describe('nextDueAt', () => {
  it('is null when nothing is open', () => {
    expect(nextDueAt(core)).toBeNull();
    failedJob('f');
    cancelJobs(core, [embed('c')]);
    expect(nextDueAt(core)).toBeNull();
  });

  it('is now for a pending job with no wait', () => {
    setClock(12_345);
    embed('a');
    expect(nextDueAt(core)?.toISOString()).toBe(iso(12_345));
  });

  it("is the earliest of a pending job's next attempt and a running job's lease end", () => {
    const waiting = embed('w');
    claimJob(core, waiting, 'modal', 60_000);
    setBackJob(core, waiting, {
      error: 'x',
      retryAt: at(8_000),
      countsAsAttempt: true,
      keepRemoteCall: false,
    });
    expect(nextDueAt(core)?.toISOString()).toBe(iso(8_000));

    const running = embed('r');
    claimJob(core, running, 'modal', 5_000);
    expect(nextDueAt(core)?.toISOString()).toBe(iso(5_000));

    setClock(1_000);
    claimJob(core, embed('r2'), 'modal', 2_000);
    expect(nextDueAt(core)?.toISOString()).toBe(iso(3_000));
  });

  it("is a running job's lease end when only running jobs are open", () => {
    setClock(100);
    claimJob(core, embed('r'), 'modal', 45_000);
    expect(nextDueAt(core)?.toISOString()).toBe(iso(45_100));
  });
});
