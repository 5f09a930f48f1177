import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandidatesDto, ReviewQueueDto } from '../../electron/core/api';
import { openCore } from '../../electron/core/context';
import { decodeImage } from '../../electron/core/images/decode';
import { WHOLE_FRAME_DETECTOR } from '../../electron/core/inference/detector';
import {
  loadStripeMatcher,
  STRIPE_MATCHER_ID,
  STRIPE_MATCHER_VERSION,
} from '../../electron/core/matching/stripe-matcher';
import { launchBrowser } from '../renderer/support/browser';
import { runCli } from '../support/run-cli';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { ensureRendererBuilt } from '../e2e/support/renderer-build';
import { waitForReviewReady } from '../e2e/support/review-page';
import { apiCall, startServe } from '../e2e/support/serve';
import { allowEsbuildNames, apiTimings, stats } from './ui-support';

const GALLERY = 1000;
const INDIVIDUALS = 100;
/** Distinct described photos per individual; the 10 sightings of each cycle through them. */
const VIEWS = 2;
const QUEUE = 20;
const PRESSES = 15;
const SIZE = { width: 400, height: 262 };

/**
 * Review screen speed against a gallery of 1,000 confirmed sightings (100 individuals, real stripe descriptors of
 * real files, so candidates are computed and their crops served): from the key press (X, not a match) to the next
 * detection shown with its candidates, median and p90 over 15 presses. Baseline component: the `review.candidates`
 * API call alone, timed from Node for the same queue.
 */
export async function benchUiReview(): Promise<Record<string, unknown>> {
  await ensureRendererBuilt();
  const dir = tempDir('tigerid-bench-uireview-');
  try {
    const dataDir = join(dir.path, 'data');
    const buildStart = performance.now();
    await fillGallery(dataDir, join(dir.path, 'gallery-photos'));
    // The queue: new views of gallery individuals, imported (and described) the normal way.
    const queue = join(dir.path, 'sd-card');
    mkdirSync(queue);
    for (let i = 0; i < QUEUE; i++) {
      const photo = await syntheticTigerPhoto(1 + ((i * 37) % INDIVIDUALS), 7 + i, SIZE.width, SIZE.height);
      writeFileSync(join(queue, `q${String(i).padStart(2, '0')}.jpg`), photo);
    }
    const imported = await runCli(['import', queue, '--data', dataDir]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    const buildMs = performance.now() - buildStart;

    const serve = await startServe(dataDir);
    const browser = await launchBrowser();
    await allowEsbuildNames(browser.context);
    try {
      // Baseline component: review.candidates over HTTP for each queued detection (first call warms the index).
      const q = await apiCall<ReviewQueueDto>(serve, 'review.queue', { limit: QUEUE });
      const settings = await apiCall<{ reviewCandidates: number }>(serve, 'settings.get', {});
      const warm = performance.now();
      await apiCall<CandidatesDto>(serve, 'review.candidates', {
        detectionId: q.items[0]?.detectionId,
        topK: settings.reviewCandidates,
      });
      const firstCandidatesMs = performance.now() - warm;
      const candidateMs: number[] = [];
      let shown = 0;
      for (const item of q.items) {
        const t = performance.now();
        const c = await apiCall<CandidatesDto>(serve, 'review.candidates', {
          detectionId: item.detectionId,
          topK: settings.reviewCandidates,
        });
        candidateMs.push(performance.now() - t);
        shown += c.candidates.length;
      }

      const { page } = browser;
      await page.goto(serve.url);
      let file = await waitForReviewReady(page);
      await page.evaluate(() => {
        const w = window as unknown as { __keyAt: number };
        window.addEventListener('keydown', () => (w.__keyAt = performance.now()), { capture: true });
        performance.clearResourceTimings();
      });
      const toDom: number[] = [];
      const toPaint: number[] = [];
      const toImages: number[] = [];
      for (let i = 0; i < PRESSES; i++) {
        // The observer is installed before the key is sent (CDP keeps the order), and resolves in the page.
        const shownAt = page.evaluate(
          (prev) =>
            new Promise<{ dom: number; paint: number; images: number; keyAt: number }>((resolve) => {
              const ready = () => {
                const f = document.querySelector('.facts dd.cell-file')?.getAttribute('title');
                if (!f || f === prev || !document.querySelector('ol.candidates')) return false;
                return [...document.querySelectorAll<HTMLButtonElement>('.decisions button')].some(
                  (b) => b.textContent?.includes('Not a match') && !b.disabled,
                );
              };
              const done = (dom: number) => {
                observer.disconnect();
                requestAnimationFrame(() =>
                  setTimeout(() => {
                    const paint = performance.now();
                    const imgs = [
                      ...document.querySelectorAll<HTMLImageElement>('.query-crop, .compare-img'),
                    ];
                    void Promise.all(
                      imgs.map((img) =>
                        img.complete ? Promise.resolve() : img.decode().catch(() => undefined),
                      ),
                    ).then(() =>
                      resolve({
                        dom,
                        paint,
                        images: performance.now(),
                        keyAt: (window as unknown as { __keyAt: number }).__keyAt,
                      }),
                    );
                  }),
                );
              };
              const observer = new MutationObserver(() => {
                if (ready()) done(performance.now());
              });
              observer.observe(document.body, {
                subtree: true,
                childList: true,
                attributes: true,
                characterData: true,
              });
            }),
          file,
        );
        // Awaited below; a rejection meanwhile must not count as unhandled.
        shownAt.catch(() => undefined);
        await page.keyboard.press('x');
        const t = await shownAt;
        toDom.push(t.dom - t.keyAt);
        toPaint.push(t.paint - t.keyAt);
        toImages.push(t.images - t.keyAt);
        file = await waitForReviewReady(page, file);
      }
      const inPage = await apiTimings(page);
      return {
        gallery: {
          sightings: GALLERY,
          individuals: INDIVIDUALS,
          describedPhotos: INDIVIDUALS * VIEWS,
          queue: QUEUE,
          buildMs: Math.round(buildMs),
        },
        presses: PRESSES,
        key: 'X (not a match)',
        keyToNextDetectionDomMs: stats(toDom),
        keyToNextDetectionPaintMs: stats(toPaint),
        keyToNextDetectionImagesMs: stats(toImages),
        baselineReviewCandidatesApiMs: {
          ...stats(candidateMs),
          firstCallWithIndexLoadMs: Math.round(firstCandidatesMs),
          meanCandidatesReturned: Math.round((shown / q.items.length) * 10) / 10,
        },
        inPageApiMs: Object.fromEntries(Object.entries(inPage).map(([m, v]) => [m, stats(v)])),
        ratioMedianKeyToPaintVsCandidatesApi:
          Math.round((stats(toPaint).median / stats(candidateMs).median) * 100) / 100,
      };
    } finally {
      await browser.close();
      await serve.stop();
    }
  } finally {
    dir.cleanup();
  }
}

/** 1,000 confirmed sightings with stripe descriptors of real photo files, in one transaction (as decisions leave them). */
async function fillGallery(dataDir: string, photoDir: string): Promise<void> {
  mkdirSync(photoDir, { recursive: true });
  const stripes = await loadStripeMatcher();
  const files: { path: string; blob: Buffer; width: number; height: number }[] = [];
  for (let ind = 1; ind <= INDIVIDUALS; ind++) {
    for (let v = 0; v < VIEWS; v++) {
      const photo = await syntheticTigerPhoto(ind, v, SIZE.width, SIZE.height);
      const path = join(photoDir, `g${ind}-${v}.jpg`);
      writeFileSync(path, photo);
      const { image } = await decodeImage(photo);
      files.push({
        path,
        blob: stripes.encode(stripes.describe(image)),
        width: SIZE.width,
        height: SIZE.height,
      });
    }
  }
  const core = openCore({ dataDir });
  try {
    const now = new Date().toISOString();
    const media = core.db.prepare(
      `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at, analysed_at)
       VALUES (?, ?, ?, 1, ?, ?, 'jpeg', ?, ?)`,
    );
    const detection = core.db.prepare(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at) VALUES (?, 0, 0, 1, 1, ?, ?)`,
    );
    const embedding = core.db.prepare(
      `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const individual = core.db.prepare(`INSERT INTO individuals (code, created_at) VALUES (?, ?)`);
    const decision = core.db.prepare(
      `INSERT INTO decisions (detection_id, verdict, individual_id, reviewer, decided_at) VALUES (?, 'match', ?, 'bench', ?)`,
    );
    core.db.transaction(() => {
      const ids: (number | bigint)[] = [];
      for (let ind = 0; ind < INDIVIDUALS; ind++)
        ids.push(individual.run(`T-${String(ind + 1).padStart(4, '0')}`, now).lastInsertRowid);
      for (let i = 0; i < GALLERY; i++) {
        const ind = i % INDIVIDUALS;
        const file = files[ind * VIEWS + (Math.floor(i / INDIVIDUALS) % VIEWS)];
        if (!file) throw new Error('no file');
        const m = media.run(
          `bench${String(i).padStart(59, '0')}`,
          file.path,
          `s${i}.jpg`,
          file.width,
          file.height,
          now,
          now,
        ).lastInsertRowid;
        const d = detection.run(m, WHOLE_FRAME_DETECTOR, now).lastInsertRowid;
        embedding.run(d, STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, file.blob.length, file.blob, now);
        decision.run(d, ids[ind], now);
      }
    })();
  } finally {
    core.close();
  }
}
