import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAnalysisServices } from '../../electron/core/analysis/load-services';
import { storedDetectionCrop } from '../../electron/core/analysis/analyse-media';
import { GalleryIndex } from '../../electron/core/identification/gallery-index';
import { identifyImageFile } from '../../electron/core/identification/identify-image';
import { memoryLogger } from '../../electron/core/log';
import { jobCounts, listJobs } from '../../electron/core/queue/job-store';
import { QueueSync, type SyncReport } from '../../electron/core/queue/queue-sync';
import { startFakeModal } from '../fakes/modal/fake-modal';
import { loadServedModel, modelMethods } from '../fakes/modal/onnx-methods';
import { writeBytes } from '../inference/support';
import { linearEmbedderModel } from '../support/onnx/test-models';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';
import {
  importWithRemote,
  installEmbedder,
  MODAL_CLASS,
  MODEL_ID,
  remoteFor,
  remoteManifest,
  startModalFake,
  TOKEN,
  writePhotos,
  type RemoteFixture,
} from './remote-gallery';

/**
 * The durable queue against a real gRPC fake of Modal, through the unmodified SDK: offline work waits, drains by
 * itself when the connection returns, survives a server restart mid-call, backs off through outages, and stops at
 * once (without a retry storm) on a bad token or an app that is not deployed.
 */

const manifest = remoteManifest(false);
const dir = tempDir('tigerid-modal-queue-');
let fixture: RemoteFixture;

beforeAll(async () => {
  fixture = await startModalFake(dir.path);
});
afterAll(async () => {
  await fixture.fake.close();
  dir.cleanup();
});

function embeddingCount(core: ReturnType<typeof tempCore>): number {
  return core.db
    .prepare('SELECT COUNT(*) FROM embeddings WHERE model_id = ?')
    .pluck()
    .get(MODEL_ID) as number;
}

function waitFor<T>(condition: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = condition();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 25);
    };
    tick();
  });
}

describe('offline, then back online', () => {
  const core = tempCore();
  const log = memoryLogger();
  let remote: ReturnType<typeof remoteFor>;
  let sync: QueueSync;

  beforeAll(async () => {
    await installEmbedder(core, fixture.modelFile, manifest);
    remote = remoteFor(core, fixture.fake, log);
    sync = new QueueSync(core, { remote, manifest, log, intervalMs: 100, syncOptions: { leaseMs: 2_000 } });
  });
  afterAll(async () => {
    await sync.stop();
    remote.close();
    core.cleanup();
    await fixture.fake.start();
  });

  it('queues the remote work while Modal is unreachable and shows it pending', async () => {
    await fixture.fake.stop();
    await remote.connectivity.probe(true);
    await importWithRemote(core, remote, manifest, await writePhotos(join(dir.path, 'card-1'), 6));
    const detections = core.db.prepare('SELECT COUNT(*) FROM detections').pluck().get() as number;
    expect(detections).toBe(6);
    expect(jobCounts(core)).toMatchObject({ pending: 6, running: 0, done: 0 });
    expect(listJobs(core).every((j) => j.state === 'pending' && j.attempts === 0)).toBe(true);
    expect(embeddingCount(core)).toBe(0);
    // The automatic sync sees no connection and leaves everything waiting.
    sync.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(jobCounts(core).pending).toBe(6);
    expect(sync.lastReport).toBeNull();
  });

  it('drains by itself when the server is back, writes the results, and tells the user', async () => {
    const reported = new Promise<SyncReport>((resolve) => sync.onReport(resolve));
    await fixture.fake.start();
    const report = await reported;
    expect(jobCounts(core)).toMatchObject({ pending: 0, running: 0, done: 6, failed: 0 });
    expect(embeddingCount(core)).toBe(6);
    expect(report.identifications).toBe(6);
    expect(report.needReview).toBe(6);
    expect(report.message).toBe('6 queued identifications finished, 6 need review.');
    const hashes = core.db
      .prepare('SELECT DISTINCT model_hash FROM embeddings WHERE model_id = ?')
      .pluck()
      .all(MODEL_ID);
    expect(hashes).toEqual([fixture.served.sha256]);
  });

  it('computes through Modal exactly what the local engine computes for the same crop and model', async () => {
    const services = await loadAnalysisServices(core, { manifest });
    try {
      const local = services.embedders.find((e) => e.modelId === MODEL_ID);
      expect(local).toBeDefined();
      const rows = core.db
        .prepare('SELECT detection_id, vector FROM embeddings WHERE model_id = ? ORDER BY detection_id')
        .all(MODEL_ID) as { detection_id: number; vector: Buffer }[];
      let maxAbs = 0;
      for (const row of rows) {
        const remoteVector = new Float32Array(new Uint8Array(row.vector).buffer);
        const localVector = await local!.embed(await storedDetectionCrop(core, row.detection_id));
        expect(remoteVector.length).toBe(localVector.length);
        for (let i = 0; i < localVector.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs((remoteVector[i] ?? NaN) - (localVector[i] ?? NaN)));
        }
      }
      console.log(`Modal path vs local engine, ${rows.length} embeddings: max abs difference ${maxAbs}`);
      expect(maxAbs).toBeLessThanOrEqual(1e-6);
    } finally {
      await services.close();
    }
  });

  it('identifies a new photo without the unreachable remote model, saying so, instead of failing', async () => {
    await fixture.fake.stop();
    await remote.connectivity.probe(true);
    const services = await loadAnalysisServices(core, { manifest, remote });
    try {
      const photo = join(await writePhotos(join(dir.path, 'new-photo'), 1, 40), 'p40-0.jpg');
      const index = new GalleryIndex(core, services);
      await expect(identifyImageFile(core, services, index, photo)).rejects.toMatchObject({
        code: 'REMOTE_UNAVAILABLE',
      });
      const skipped: string[] = [];
      const animals = await identifyImageFile(core, services, index, photo, {
        onModelUnavailable: (modelId, reason) => skipped.push(`${modelId}: ${reason}`),
      });
      expect(animals).toHaveLength(1);
      expect(skipped).toEqual([
        expect.stringMatching(
          /^test-embedder: Model "test-embedder" runs on Modal here, which cannot be reached now/,
        ),
      ]);
      expect(animals[0]?.modelVersions[MODEL_ID]).toBeUndefined();
      expect(jobCounts(core).pending).toBe(0);
    } finally {
      await services.close();
      await fixture.fake.start();
    }
  });

  it('never writes the token to the log', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    const all = log.lines.join('\n');
    expect(all).not.toContain(TOKEN.secret);
    expect(all).not.toContain(TOKEN.id);
  });
});

describe('failures along the way', () => {
  let core: ReturnType<typeof tempCore>;
  let remote: ReturnType<typeof remoteFor>;
  let sync: QueueSync;
  const log = memoryLogger();

  async function queued(n: number, seed: number): Promise<void> {
    core = tempCore();
    await installEmbedder(core, fixture.modelFile, manifest);
    remote = remoteFor(core, fixture.fake, log);
    await fixture.fake.stop();
    await remote.connectivity.probe(true);
    await importWithRemote(
      core,
      remote,
      manifest,
      await writePhotos(join(dir.path, `card-${seed}`), n, seed),
    );
    await fixture.fake.start();
    await remote.connectivity.probe(true);
    // Made once the connection is back, so no automatic sync starts: each test drives its own.
    sync = new QueueSync(core, { remote, manifest, log, syncOptions: { leaseMs: 2_000 } });
    expect(jobCounts(core).pending).toBe(n);
  }

  afterEach(async () => {
    await sync.stop();
    remote.close();
    core.cleanup();
    fixture.fake.faults.latencyMs(0);
    fixture.fake.faults.unauthenticated(false);
    fixture.fake.faults.notFound(false);
    await fixture.fake.start();
  });

  it('finishes a job whose call was in flight when the server was killed, without sending it twice', async () => {
    await queued(1, 10);
    fixture.fake.faults.latencyMs(1_500);
    const spawnedBefore = Object.values(fixture.fake.stats.spawned).reduce((a, b) => a + b, 0);
    const done = sync.syncNow();
    await waitFor(() => listJobs(core)[0]?.remoteCallId);
    await fixture.fake.stop();
    await new Promise((r) => setTimeout(r, 300));
    await fixture.fake.start();
    const report = await done;
    expect(report.summary.completed).toBe(1);
    expect(jobCounts(core)).toMatchObject({ done: 1, pending: 0 });
    expect(embeddingCount(core)).toBe(1);
    const spawnedAfter = Object.values(fixture.fake.stats.spawned).reduce((a, b) => a + b, 0);
    expect(spawnedAfter - spawnedBefore).toBe(1);
  });

  it('backs off through more than three consecutive UNAVAILABLE answers, then succeeds', async () => {
    await queued(1, 20);
    // The SDK retries a failed RPC 3 times itself; 9 failures make our engine see UNAVAILABLE at least twice.
    fixture.fake.faults.unavailable(9);
    const started = Date.now();
    const report = await sync.syncNow();
    expect(report.summary.completed).toBe(1);
    expect(jobCounts(core).done).toBe(1);
    const job = listJobs(core)[0];
    expect(job?.attempts).toBe(0);
    // Two backoffs of at least half of 50 ms and 100 ms each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(remote.modal.stats().breaker).toBe('closed');
  });

  it('stops at once on a rejected token: no retry storm, a clear message, nothing lost', async () => {
    await queued(5, 30);
    fixture.fake.faults.unauthenticated(true);
    const authBefore = fixture.fake.stats.authFailures;
    const report = await sync.syncNow();
    expect(report.summary.stoppedBy?.code).toBe('REMOTE_UNAUTHENTICATED');
    expect(report.message).toMatch(/5 still queued: Modal rejected the token/);
    expect(report.message).toMatch(/MODAL_TOKEN_ID/);
    // One failed call per concurrent worker at most, not retries for each of the 5 jobs.
    const failures = fixture.fake.stats.authFailures - authBefore;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThanOrEqual(8);
    expect(jobCounts(core)).toMatchObject({ pending: 5, failed: 0 });
    expect(listJobs(core).every((j) => j.attempts === 0)).toBe(true);
    // The automatic sync does not knock again until the user acts.
    const second = await sync.syncNow();
    expect(fixture.fake.stats.authFailures - authBefore).toBe(failures);
    expect(second.summary.completed).toBe(0);
    // The user fixes the token and asks again: everything goes through.
    fixture.fake.faults.unauthenticated(false);
    const fixed = await sync.syncNow({ byUser: true });
    expect(fixed.summary.completed).toBe(5);
  });

  it('refuses a result computed with a different model file, storing nothing', async () => {
    await queued(1, 50);
    const other = await startFakeModal({
      tokenId: TOKEN.id,
      tokenSecret: TOKEN.secret,
      apps: {
        'tiger-id-models': {
          [MODAL_CLASS]: modelMethods(
            await loadServedModel(
              writeBytes(
                dir.path,
                'other.onnx',
                linearEmbedderModel(32, 32, [
                  [1, 0, 0, 0, 0, 0, 0, 0],
                  [0, 1, 0, 0, 0, 0, 0, 0],
                  [0, 0, 1, 0, 0, 0, 0, 0],
                ]),
              ),
              MODEL_ID,
            ),
          ),
        },
      },
    });
    try {
      await sync.stop();
      remote.close();
      remote = remoteFor(core, other, log);
      process.env.MODAL_SERVER_URL = other.url;
      sync = new QueueSync(core, { remote, manifest, log });
      const report = await sync.syncNow();
      expect(report.summary.failed).toBe(1);
      const [job] = listJobs(core);
      expect(job?.state).toBe('failed');
      expect(job?.lastError).toMatch(
        /^REMOTE_RESULT_INVALID: Modal ran test-embedder with file sha256 [0-9a-f]{64}, but this app uses test-embedder with sha256 /,
      );
      expect(job?.lastError).toContain(fixture.served.sha256);
      expect(embeddingCount(core)).toBe(0);
    } finally {
      process.env.MODAL_SERVER_URL = fixture.fake.url;
      await other.close();
    }
  });

  it('stops at once when the app is not deployed, naming the deploy command', async () => {
    await queued(3, 40);
    fixture.fake.faults.notFound(true);
    const lookupsBefore = fixture.fake.stats.lookups.length;
    const report = await sync.syncNow();
    expect(report.summary.stoppedBy?.code).toBe('REMOTE_NOT_DEPLOYED');
    expect(report.message).toContain('modal deploy models/modal_app.py');
    expect(fixture.fake.stats.lookups.length - lookupsBefore).toBeLessThanOrEqual(8);
    expect(jobCounts(core)).toMatchObject({ pending: 3, failed: 0 });
  });
});
