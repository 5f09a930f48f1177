import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from '../../electron/core/context';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../../electron/core/inference/detector';
import { analysePending } from '../../electron/core/analysis/analyse-media';
import { importFolder } from '../../electron/core/importing/import-folder';
import { loadStripeMatcher } from '../../electron/core/matching/stripe-matcher';
import { recordDecision } from '../../electron/core/gallery/decisions';
import { SHARED_DATA } from './shared-data';

/** The Camtrap DP standard's example package: real camera-trap JPEGs with EXIF (../shared/standards). */
export const CAMTRAP_EXAMPLE_DIR = join(SHARED_DATA, '..', 'standards', 'camtrap-dp', 'example');
export const HAS_CAMTRAP_EXAMPLE = existsSync(join(CAMTRAP_EXAMPLE_DIR, 'datapackage.json'));
export const CAMTRAP_EXAMPLE_SKIP_REASON = `skipped: ${CAMTRAP_EXAMPLE_DIR} is absent (the standard's example lives in ../shared beside the checkout)`;

export interface StationPhotos {
  station: string;
  /** Real image files to import for this station. */
  files: string[];
}

export interface SightingGallery {
  /** media id → detection id of its (whole-frame) detection, in import order per station. */
  detections: { detectionId: number; mediaId: number; station: string; file: string }[];
}

/**
 * Imports real photos per station through the real import + analysis path (the built-in stripe matcher), so reports
 * and exports run on a gallery as a user's would look. Each photo keeps one whole-frame detection (no localisation):
 * these tests are about what reports and exports make of sightings; test/localisation covers finding the boxes.
 */
export async function importStations(
  ctx: CoreContext,
  root: string,
  stations: StationPhotos[],
): Promise<SightingGallery> {
  const stripes = await loadStripeMatcher();
  const services = {
    detector: { id: WHOLE_FRAME_DETECTOR, detect: async () => [wholeFrameDetection()] },
    stripes,
    embedders: [],
  };
  const detections: SightingGallery['detections'] = [];
  for (const [i, { station, files }] of stations.entries()) {
    const folder = join(root, `station-${i}`);
    mkdirSync(folder, { recursive: true });
    for (const file of files) copyFileSync(file, join(folder, file.split('/').at(-1) ?? file));
    const imported = await importFolder(ctx, { folder, station });
    if (imported.failed.length > 0) {
      throw new Error(`fixture import failed: ${JSON.stringify(imported.failed)}`);
    }
    await analysePending(ctx, services, { localise: false });
    const rows = ctx.db
      .prepare(
        `SELECT d.id AS detectionId, m.id AS mediaId, m.path AS file FROM detections d
           JOIN media m ON m.id = d.media_id JOIN stations s ON s.id = m.station_id
          WHERE s.name = ? ORDER BY m.id`,
      )
      .all(station) as { detectionId: number; mediaId: number; file: string }[];
    for (const row of rows) detections.push({ ...row, station });
  }
  return { detections };
}

/** Confirms a detection as a match of an existing individual (by code or id), or as a new one when absent. */
export function confirm(
  ctx: CoreContext,
  detectionId: number,
  individual: string | number | null,
  extra: { reviewer?: string; notes?: string; scores?: Record<string, number> } = {},
): void {
  recordDecision(ctx, {
    detectionId,
    verdict: individual === null ? 'new-individual' : 'match',
    ...(individual === null ? {} : { individual }),
    reviewer: extra.reviewer ?? 'Test Ranger',
    ...(extra.notes ? { notes: extra.notes } : {}),
    scores: extra.scores ?? {},
  });
}

/** The example package's local JPEGs, sorted by name. */
export function camtrapExamplePhotos(): string[] {
  const dir = join(CAMTRAP_EXAMPLE_DIR, 'media');
  return readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}
