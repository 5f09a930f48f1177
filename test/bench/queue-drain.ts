import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ModalClient } from 'modal';
import { loadAnalysisServices } from '../../electron/core/analysis/load-services';
import { storedDetectionCrop } from '../../electron/core/analysis/analyse-media';
import { openCore } from '../../electron/core/context';
import { recordDecision } from '../../electron/core/gallery/decisions';
import { GalleryIndex } from '../../electron/core/identification/gallery-index';
import { identify, storedQueryFeatures } from '../../electron/core/identification/identify';
import { stripeVerdict } from '../../electron/core/identification/staggered';
import { readLabels } from '../../electron/core/evaluation/labels';
import { importAndAnalyse } from '../../electron/core/importing/import-and-analyse';
import { singleInput } from '../../electron/core/inference/preprocess';
import { silentLogger } from '../../electron/core/log';
import { embedJobKey } from '../../electron/core/queue/embed-payload';
import { embedderEntry } from '../../electron/core/queue/embed-job';
import { enqueueJob, jobCounts } from '../../electron/core/queue/job-store';
import { syncQueue } from '../../electron/core/queue/sync-worker';
import { setSetting } from '../../electron/core/settings';
import {
  embedderBytes,
  installEmbedder,
  MODAL_CLASS,
  MODEL_ID,
  remoteFor,
  remoteManifest,
  startModalFake,
  TOKEN,
} from '../queue/remote-gallery';
import { ATRW_DIR, ATRW_SKIP_REASON, HAS_ATRW } from '../support/shared-data';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { round } from './import-rate';

const JOBS = 500;
const CONCURRENCY = 8;
const LATENCY_MS = 100;

/**
 * Draining 500 queued jobs through the fake Modal with 100 ms added per call. Ideal: the concurrency-limited bound
 * (jobs × latency / concurrency). Measured baseline in the same run: the same number of calls made straight through
 * the SDK (spawn, then get on the returned call; same concurrency, one prepared tensor), i.e. what the fake and the
 * SDK cost without the queue's SQLite, image decoding and preprocessing.
 */
export async function benchQueueDrain(): Promise<Record<string, unknown>> {
  const dir = tempDir('tigerid-bench-queue-');
  const core = openCore({ dataDir: join(dir.path, 'data'), log: silentLogger });
  const modelFile = join(dir.path, 'embedder.onnx');
  writeFileSync(modelFile, embedderBytes());
  // "Modal" runs in its own process, as the real one runs elsewhere: its work does not share this event loop.
  const modal = await startFakeModalProcess(modelFile, LATENCY_MS);
  try {
    const manifest = remoteManifest(false);
    await installEmbedder(core, modelFile, manifest);
    const photos = join(dir.path, 'photos');
    mkdirSync(photos);
    const files: string[] = [];
    for (let i = 0; i < 10; i++) {
      const file = join(photos, `p${i}.jpg`);
      writeFileSync(file, await syntheticTigerPhoto(i + 1, 0, 320, 210));
      files.push(file);
    }
    const sha256 = createHash('sha256').update(embedderBytes()).digest('hex');
    // 500 detections over 10 real photos (one media row each): the jobs measure the queue, not the import.
    const now = new Date().toISOString();
    core.db.transaction(() => {
      for (let i = 0; i < JOBS; i++) {
        const media = core.db
          .prepare(
            `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at, analysed_at)
             VALUES (?, ?, ?, 1, 320, 210, 'jpeg', ?, ?)`,
          )
          .run(i.toString(16).padStart(64, '0'), files[i % files.length], `p${i}.jpg`, now, now);
        const detection = core.db
          .prepare(
            `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, created_at)
             VALUES (?, 0, 0, 1, 1, NULL, 'whole-frame', ?)`,
          )
          .run(media.lastInsertRowid, now);
        const payload = {
          detectionId: Number(detection.lastInsertRowid),
          modelId: MODEL_ID,
          modelSha256: sha256,
        };
        enqueueJob(core, { kind: 'embed', key: embedJobKey(payload), payload }, JOBS);
      }
    })();
    const remote = remoteFor(core, modal, silentLogger, { MODAL_TIMEOUT: '60' });

    // Baseline: the SDK alone, the same number of calls at the same concurrency.
    const tensor = await singleInput(
      await storedDetectionCrop(core, 1),
      embedderEntry(manifest, MODEL_ID).input,
    );
    const client = new ModalClient({ tokenId: TOKEN.id, tokenSecret: TOKEN.secret });
    const method = (await (await client.cls.fromName('tiger-id-models', MODAL_CLASS)).instance()).method(
      'run',
    );
    const bytes = new Uint8Array(tensor.data.buffer.slice(0));
    let next = 0;
    const sdkStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < JOBS) {
          next += 1;
          const call = await method.spawn([bytes, [...tensor.dims]]);
          await call.get({ timeoutMs: 60_000 });
        }
      }),
    );
    const sdkSeconds = (performance.now() - sdkStart) / 1000;
    client.close();

    const queueStart = performance.now();
    const summary = await syncQueue(core, { modal: remote.modal, manifest }, { concurrency: CONCURRENCY });
    const queueSeconds = (performance.now() - queueStart) / 1000;
    remote.close();
    if (summary.completed !== JOBS) throw new Error(`only ${summary.completed} of ${JOBS} jobs completed`);
    const idealSeconds = (JOBS * LATENCY_MS) / 1000 / CONCURRENCY;
    return {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      addedLatencyMs: LATENCY_MS,
      idealSeconds: round(idealSeconds),
      sdkOnlySeconds: round(sdkSeconds),
      queueSeconds: round(queueSeconds),
      queueJobsPerSecond: round(JOBS / queueSeconds),
      queueVsIdeal: round(idealSeconds / queueSeconds),
      queueVsSdkOnly: round(sdkSeconds / queueSeconds),
      sdkOnlyVsIdeal: round(idealSeconds / sdkSeconds),
      remaining: jobCounts(core).pending,
    };
  } finally {
    core.close();
    modal.stop();
    dir.cleanup();
  }
}

/** test/fakes/modal/serve-fake-modal.ts in a child process; resolves once it listens. */
async function startFakeModalProcess(
  modelFile: string,
  latencyMs: number,
): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'fakes', 'modal', 'serve-fake-modal.ts'),
      ...['--model', modelFile, '--model-id', MODEL_ID, '--class', MODAL_CLASS],
      ...['--token-id', TOKEN.id, '--token-secret', TOKEN.secret, '--latency-ms', String(latencyMs)],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const url = (JSON.parse(line) as { url: string }).url;
  process.env.MODAL_SERVER_URL = url;
  return { url, stop: () => void child.kill('SIGTERM') };
}

const INDIVIDUALS = 30;

/**
 * Photos for the staggered bench: real ATRW tigers when ../shared is present (2 gallery photos and 1 new photo
 * of each of the first 30 identities with at least 4 photos), else synthetic striped tigers.
 */
async function stripedPhotos(): Promise<{
  source: string;
  tigers: { tiger: string; gallery: Buffer[]; query: Buffer }[];
}> {
  if (HAS_ATRW) {
    const byTiger = new Map<string, string[]>();
    for (const image of readLabels(join(ATRW_DIR, 'labels.csv'))) {
      byTiger.set(image.individualId, [...(byTiger.get(image.individualId) ?? []), image.file]);
    }
    const tigers = [...byTiger]
      .filter(([, files]) => files.length >= 4)
      .slice(0, INDIVIDUALS)
      .map(([tiger, files]) => ({
        tiger: tiger.replace(/[^a-z0-9]/gi, ''),
        gallery: [readFileSync(files[0] as string), readFileSync(files[1] as string)],
        query: readFileSync(files[3] as string),
      }));
    return { source: `ATRW (${tigers.length} identities)`, tigers };
  }
  const tigers = [];
  for (let i = 1; i <= INDIVIDUALS; i++) {
    tigers.push({
      tiger: `t${i}`,
      gallery: [await syntheticTigerPhoto(i, 0, 480, 320), await syntheticTigerPhoto(i, 1, 480, 320)],
      query: await syntheticTigerPhoto(i, 5, 480, 320),
    });
  }
  return { source: `synthetic (${ATRW_SKIP_REASON})`, tigers };
}

/**
 * Staggered mode on a gallery of 30 tigers (2 confirmed photos each) and 30 new photos of them: how many
 * remote calls the stripe-first rule saves, and how often that changes the final top candidate compared with
 * always calling the remote model. The "remote" model here is the project's generated 8-d colour embedder run
 * locally, not a real re-identification network: the figures measure the mechanism, not MegaDescriptor.
 */
export async function benchStaggered(): Promise<Record<string, unknown>> {
  const dir = tempDir('tigerid-bench-staggered-');
  const core = openCore({ dataDir: join(dir.path, 'data'), log: silentLogger });
  const fixture = await startModalFake(dir.path);
  try {
    const manifest = remoteManifest(true);
    await installEmbedder(core, fixture.modelFile, manifest);
    setSetting(core, 'inference.policy', 'local');
    const services = await loadAnalysisServices(core, { manifest });
    const gallery = join(dir.path, 'gallery');
    const queries = join(dir.path, 'queries');
    mkdirSync(gallery);
    mkdirSync(queries);
    const photos = await stripedPhotos();
    for (const { tiger, gallery: views, query } of photos.tigers) {
      views.forEach((bytes, view) => writeFileSync(join(gallery, `${tiger}-${view}.jpg`), bytes));
      writeFileSync(join(queries, `${tiger}-q.jpg`), query);
    }
    await importAndAnalyse(core, services, { folder: gallery });
    const rows = core.db
      .prepare(
        'SELECT d.id, m.file_name FROM detections d JOIN media m ON m.id = d.media_id ORDER BY m.file_name',
      )
      .all() as { id: number; file_name: string }[];
    const codes = new Map<string, number | string>();
    for (const row of rows) {
      const tiger = row.file_name.split('-')[0] ?? '';
      const known = codes.get(tiger);
      const decision = recordDecision(core, {
        detectionId: row.id,
        verdict: known === undefined ? 'new-individual' : 'match',
        ...(known === undefined ? {} : { individual: known }),
        reviewer: 'bench',
      });
      if (known === undefined && decision.individualId !== null) codes.set(tiger, decision.individualId);
    }
    await importAndAnalyse(core, services, { folder: queries });
    const index = new GalleryIndex(core, services);
    const queryRows = core.db
      .prepare(
        `SELECT d.id, m.file_name FROM detections d JOIN media m ON m.id = d.media_id
          WHERE m.file_name LIKE '%-q.jpg' ORDER BY m.file_name`,
      )
      .all() as { id: number; file_name: string }[];
    let saved = 0;
    let changed = 0;
    let fusedCorrect = 0;
    let staggeredCorrect = 0;
    const stripesStart = performance.now();
    for (const q of queryRows) {
      const verdict = stripeVerdict(core, services, index, q.id);
      const fused = identify(core, services, index, storedQueryFeatures(core, services, q.id), {
        topK: 1,
        exclude: new Set([q.id]),
      }).candidates[0]?.individualId;
      const finalTop = verdict.decisive ? verdict.topIndividualId : fused;
      const truth = codes.get(q.file_name.split('-')[0] ?? '');
      if (verdict.decisive) saved += 1;
      if (finalTop !== fused) changed += 1;
      if (fused === truth) fusedCorrect += 1;
      if (finalTop === truth) staggeredCorrect += 1;
    }
    const seconds = (performance.now() - stripesStart) / 1000;
    await services.close();
    return {
      queries: queryRows.length,
      remoteCallsSaved: saved,
      savedFraction: round(saved / queryRows.length),
      finalTopChanged: changed,
      changedFraction: round(changed / queryRows.length),
      top1AlwaysRemote: round(fusedCorrect / queryRows.length),
      top1Staggered: round(staggeredCorrect / queryRows.length),
      secondsForVerdictsAndFusion: round(seconds),
      photos: photos.source,
      note: 'the remote model is a generated 8-d colour embedder, not a real re-identification network',
    };
  } finally {
    core.close();
    await fixture.fake.close();
    dir.cleanup();
  }
}
