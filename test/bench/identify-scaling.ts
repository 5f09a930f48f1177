import { join } from 'node:path';
import type { AnalysisServices } from '../../electron/core/analysis/services';
import { openCore, type CoreContext } from '../../electron/core/context';
import { decodeImage } from '../../electron/core/images/decode';
import { GalleryIndex } from '../../electron/core/identification/gallery-index';
import { identify } from '../../electron/core/identification/identify';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';
import {
  loadStripeMatcher,
  STRIPE_MATCHER_ID,
  STRIPE_MATCHER_VERSION,
  type StripeDescriptor,
} from '../../electron/core/matching/stripe-matcher';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { round } from './import-rate';

const DISTINCT = 100;
const QUERIES = 10;

/**
 * Identification time per query as the gallery grows (100, 1,000, 10,000 entries), through the real database,
 * gallery index and identify(). Entries are 100 described synthetic tiger photos and, beyond those, perturbed
 * copies of them (8 % of descriptor bits flipped, keypoints moved by up to 1.5 px), each its own gallery image,
 * so the hash buckets fill as with distinct tigers and the shortlist and verification do real work at every size.
 */
export async function benchIdentifyScaling(): Promise<Record<string, unknown>> {
  const stripes = await loadStripeMatcher();
  const services: AnalysisServices = {
    stripes,
    embedders: [],
    detector: { id: 'whole-frame', detect: async () => [] },
  };
  const described: StripeDescriptor[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const { image } = await decodeImage(await syntheticTigerPhoto(i + 1, 0));
    described.push(stripes.describe(image));
  }
  const entry = (i: number): Buffer => {
    const base = described[i % DISTINCT] as StripeDescriptor;
    return stripes.encode(i < DISTINCT ? base : perturbed(base, i));
  };
  const queries = [];
  for (let i = 0; i < QUERIES; i++) {
    const { image } = await decodeImage(await syntheticTigerPhoto(i * 7 + 1, 5));
    queries.push(stripes.describe(image));
  }
  const sizes: Record<string, unknown> = {};
  let baseline = 0;
  for (const size of [100, 1000, 10000]) {
    const dir = tempDir('tigerid-bench-scale-');
    const core = openCore({ dataDir: join(dir.path, 'data') });
    try {
      fillGallery(core, entry, size);
      const index = new GalleryIndex(core, services);
      const loadStart = performance.now();
      index.refresh();
      const loadMs = performance.now() - loadStart;
      const start = performance.now();
      for (const query of queries)
        identify(core, services, index, { flank: 'unknown', stripes: query, vectors: new Map() });
      const perQueryMs = (performance.now() - start) / QUERIES;
      if (size === 100) baseline = perQueryMs;
      sizes[String(size)] = {
        msPerQuery: round(perQueryMs),
        relativeToGallery100: round(perQueryMs / baseline),
        indexLoadMs: round(loadMs),
      };
    } finally {
      core.close();
      dir.cleanup();
    }
  }
  return { queries: QUERIES, distinctDescriptors: DISTINCT, gallerySizes: sizes };
}

/** Inserts `size` assigned detections with stripe embeddings in one transaction, as decisions would leave them. */
function fillGallery(core: CoreContext, entry: (i: number) => Buffer, size: number): void {
  const now = new Date().toISOString();
  const media = core.db.prepare(
    `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at, analysed_at)
     VALUES (?, ?, ?, 1, 640, 420, 'jpeg', ?, ?)`,
  );
  const detection = core.db.prepare(
    `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at) VALUES (?, 0, 0, 1, 1, 'whole-frame', ?)`,
  );
  const embedding = core.db.prepare(
    `INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const individual = core.db.prepare(`INSERT INTO individuals (code, created_at) VALUES (?, ?)`);
  const decision = core.db.prepare(
    `INSERT INTO decisions (detection_id, verdict, individual_id, reviewer, decided_at) VALUES (?, 'match', ?, 'bench', ?)`,
  );
  core.db.transaction(() => {
    let individualId: number | bigint = 0;
    for (let i = 0; i < size; i++) {
      const m = media.run(
        String(i).padStart(64, '0'),
        `/bench/${i}.jpg`,
        `${i}.jpg`,
        now,
        now,
      ).lastInsertRowid;
      const d = detection.run(m, now).lastInsertRowid;
      const blob = entry(i);
      embedding.run(d, STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, blob.length, blob, now);
      // Two sightings per individual, as a real catalogue has several.
      if (i % 2 === 0) individualId = individual.run(`T-${i}`, now).lastInsertRowid;
      decision.run(d, individualId, now);
    }
  })();
}

/** Another tiger like `base`: some descriptor bits flipped and keypoints nudged, deterministically per entry. */
function perturbed(base: StripeDescriptor, seed: number): StripeDescriptor {
  const random = mulberry32(seed);
  const descriptors = Uint8Array.from(base.descriptors);
  for (let i = 0; i < descriptors.length; i++) {
    let mask = 0;
    for (let bit = 0; bit < 8; bit++) if (random() < 0.08) mask |= 1 << bit;
    descriptors[i] = (descriptors[i] ?? 0) ^ mask;
  }
  const points = Float32Array.from(base.points, (v) => v + (random() - 0.5) * 3);
  return { ...base, descriptors, points };
}
