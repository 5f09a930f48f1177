import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openCore, type CoreContext } from '../../electron/core/context';
import type { ProgressListener } from '../../electron/core/progress';
import { exportSecr } from '../../electron/core/reports/capture-history/secr';
import { listIndividuals } from '../../electron/core/gallery/individuals';
import { exportIndividualsCsv, exportSightingsCsv } from '../../electron/core/reports/csv-export';
import { listSightings } from '../../electron/core/reports/sightings';
import { tempDir } from '../support/temp-dir';

/**
 * Export speed on a gallery of 10,000 sightings, built by direct SQL in one transaction (this measures
 * exporting, not importing). Baselines from the same run: listSightings alone (the one query every export
 * makes) and one writeFileSync of as many bytes as the sightings CSV. Target: each export under 10 s.
 */

const SIGHTINGS = 10_000;
const STATIONS = 40;
const INDIVIDUALS = 250;
const SURVEY_DAYS = 90;
const TARGET_SECONDS = 10;

type CamtrapExport = (
  ctx: CoreContext,
  folder: string,
  options?: { overwrite?: boolean; utcOffset?: string; onProgress?: ProgressListener },
) => Promise<{ deployments: number; media: number; observations: number; warnings: string[] }>;

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same gallery. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildGallery(core: CoreContext): void {
  const next = random(42);
  const day0 = Date.UTC(2024, 0, 1);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const db = core.db;
  const insertStation = db.prepare(
    `INSERT INTO stations (name, latitude, longitude, operation_start, operation_end, created_at)
     VALUES (?, ?, ?, ?, ?, '2024-01-01T00:00:00Z')`,
  );
  const insertIndividual = db.prepare(
    `INSERT INTO individuals (code, name, created_at) VALUES (?, ?, '2024-01-01T00:00:00Z')`,
  );
  const insertMedia = db.prepare(
    `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
     VALUES (?, ?, ?, 2000000, 2048, 1536, 'jpeg', ?, ?, '2024-01-01T00:00:00Z')`,
  );
  const insertDetection = db.prepare(
    `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, flank, created_at)
     VALUES (?, ?, ?, 0.3, 0.2, ?, 'megadetector-v5', ?, '2024-01-01T00:00:00Z')`,
  );
  const insertDecision = db.prepare(
    `INSERT INTO decisions (detection_id, verdict, individual_id, scores, model_versions, reviewer, decided_at)
     VALUES (?, ?, ?, ?, '{"megadescriptor-l":"ab12","builtin-stripes":"cd34"}', 'Bench Ranger', ?)`,
  );
  db.transaction(() => {
    const stations: number[] = [];
    for (let s = 0; s < STATIONS; s++) {
      const start = Math.floor(next() * 10);
      stations.push(
        Number(
          insertStation.run(
            `Station ${String(s + 1).padStart(2, '0')}`,
            -1 + next(),
            101 + next(),
            iso(day0 + start * 86_400_000).slice(0, 10),
            iso(day0 + (SURVEY_DAYS - 1 - Math.floor(next() * 10)) * 86_400_000).slice(0, 10),
          ).lastInsertRowid,
        ),
      );
    }
    const individuals: number[] = [];
    for (let i = 0; i < INDIVIDUALS; i++) {
      individuals.push(
        Number(
          insertIndividual.run(`T-${String(i + 1).padStart(4, '0')}`, i % 3 === 0 ? `Tiger ${i}` : null)
            .lastInsertRowid,
        ),
      );
    }
    const seen = new Set<number>();
    for (let n = 0; n < SIGHTINGS; n++) {
      const station = stations[Math.floor(next() * STATIONS)] as number;
      const at = iso(day0 + Math.floor(next() * SURVEY_DAYS * 86_400_000));
      const media = insertMedia.run(
        n.toString(16).padStart(64, '0'),
        `/survey/station/${n}.jpg`,
        `${n}.jpg`,
        at,
        station,
      ).lastInsertRowid;
      const flank = ['left', 'right', 'unknown'][Math.floor(next() * 3)] as string;
      const detection = insertDetection.run(
        media,
        next() * 0.7,
        next() * 0.8,
        0.5 + next() / 2,
        flank,
      ).lastInsertRowid;
      const individual = individuals[Math.floor(next() * INDIVIDUALS)] as number;
      const scores = JSON.stringify({ fused: next(), 'megadescriptor-l': next(), 'builtin-stripes': next() });
      insertDecision.run(
        detection,
        seen.has(individual) ? 'match' : 'new-individual',
        individual,
        scores,
        at,
      );
      seen.add(individual);
    }
  })();
}

async function timed<T>(run: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { seconds: (performance.now() - start) / 1000, result };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The Camtrap DP exporter, loaded only if that module is present in this checkout. */
async function loadCamtrapExport(): Promise<CamtrapExport | null> {
  const path = join(
    import.meta.dirname,
    '..',
    '..',
    'electron',
    'core',
    'reports',
    'camtrap-dp',
    'export.ts',
  );
  if (!existsSync(path)) return null;
  const module = (await import(pathToFileURL(path).href)) as { exportCamtrapDp?: unknown };
  return typeof module.exportCamtrapDp === 'function' ? (module.exportCamtrapDp as CamtrapExport) : null;
}

export async function benchExportRate(): Promise<Record<string, unknown>> {
  const data = tempDir('tigerid-bench-export-data-');
  const out = tempDir('tigerid-bench-export-out-');
  const core = openCore({ dataDir: data.path });
  try {
    const build = await timed(() => buildGallery(core));
    const query = await timed(() => listSightings(core).length);
    const csvFile = join(out.path, 'sightings.csv');
    const csv = await timed(() => exportSightingsCsv(core, csvFile).rows);
    const csvBytes = statSync(csvFile).size;
    const bytes = readFileSync(csvFile);
    const write = await timed(() => writeFileSync(join(out.path, 'baseline.bin'), bytes));
    const individualsQuery = await timed(() => listIndividuals(core).length);
    const individuals = await timed(() => exportIndividualsCsv(core, join(out.path, 'individuals.csv')).rows);
    const secr = await timed(() => exportSecr(core, join(out.path, 'secr')).captures);
    const secrFlank = await timed(
      () => exportSecr(core, join(out.path, 'secr-flank'), { flankAware: true }).flank,
    );

    const camtrapExport = await loadCamtrapExport();
    let camtrap: Record<string, unknown> = {
      missing: 'electron/core/reports/camtrap-dp/export.ts is not in this checkout',
    };
    if (camtrapExport) {
      try {
        const run = await timed(() =>
          camtrapExport(core, join(out.path, 'camtrap'), { utcOffset: '+07:00' }),
        );
        camtrap = {
          seconds: round(run.seconds),
          observations: run.result.observations,
          toListSightingsRatio: round(run.seconds / query.seconds),
          underTarget: run.seconds < TARGET_SECONDS,
        };
      } catch (error) {
        camtrap = { error: (error as Error).message };
      }
    }

    return {
      sightings: query.result,
      buildGallerySeconds: round(build.seconds),
      baselineListSightingsSeconds: round(query.seconds),
      baselineWriteFileSyncSeconds: round(write.seconds),
      baselineListIndividualsSeconds: round(individualsQuery.seconds),
      targetSecondsPerExport: TARGET_SECONDS,
      sightingsCsv: {
        seconds: round(csv.seconds),
        rows: csv.result,
        bytes: csvBytes,
        toListSightingsRatio: round(csv.seconds / query.seconds),
        toWriteFileSyncRatio: round(csv.seconds / write.seconds),
        underTarget: csv.seconds < TARGET_SECONDS,
      },
      individualsCsv: {
        seconds: round(individuals.seconds),
        rows: individuals.result,
        toListIndividualsRatio: round(individuals.seconds / individualsQuery.seconds),
        underTarget: individuals.seconds < TARGET_SECONDS,
      },
      secr: {
        seconds: round(secr.seconds),
        captureLines: secr.result,
        toListSightingsRatio: round(secr.seconds / query.seconds),
        underTarget: secr.seconds < TARGET_SECONDS,
      },
      secrFlankAware: {
        seconds: round(secrFlank.seconds),
        flankRows: secrFlank.result?.captures,
        toListSightingsRatio: round(secrFlank.seconds / query.seconds),
        underTarget: secrFlank.seconds < TARGET_SECONDS,
      },
      camtrapDp: camtrap,
    };
  } finally {
    core.close();
    data.cleanup();
    out.cleanup();
  }
}
