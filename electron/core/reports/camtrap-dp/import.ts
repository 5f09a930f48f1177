import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CoreContext } from '../../context';
import { EngineError } from '../../errors';
import { recordDecision } from '../../gallery/decisions';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../../inference/detector';
import type { ProgressListener } from '../../progress';
import { parseInput } from '../../validate';
import { importPackageMedia, type FailedMedia, type NotImportedMedia } from './import-media';
import { CamtrapRecords, type RecordKind, type RowData } from './records';
import { TABLE_SCHEMAS, type CamtrapTable } from './schemas';
import type { CheckedTable } from './table-schema';
import { flankOfTags, isTiger } from './tiger';
import { describeValidationError, folderFiles, readCamtrapDp } from './validate';

export interface CamtrapImportHooks {
  onProgress?: ProgressListener;
  /** Stops between media files; the import stays resumable. */
  signal?: AbortSignal;
}

export interface CamtrapImportSummary {
  folder: string;
  /** The package's id, else its name, else its folder: what makes a second import of it a repeat. */
  packageKey: string;
  title: string | null;
  deployments: { total: number; stationsCreated: string[]; alreadyImported: number };
  media: {
    total: number;
    imported: number;
    /** Photos whose content was already in the gallery (same SHA-256). */
    duplicates: number;
    alreadyImported: number;
    /** Rows kept in the gallery but without their photo: URLs, missing files, videos. */
    notImported: NotImportedMedia[];
    /** Files that are there but could not be imported (corrupt, unreadable...). */
    failed: FailedMedia[];
  };
  observations: {
    total: number;
    /** Identified tigers on imported photos: each became a detection with a decision. */
    sightings: number;
    /** Other rows (other species, events, blanks, tigers without an individual or a photo), kept for export. */
    kept: number;
    alreadyImported: number;
  };
  /** individualIDs for which a new individual was created. */
  individualsCreated: string[];
  elapsedMs: number;
  /** False when the signal stopped the run; running the same import again resumes it. */
  completed: boolean;
}

/** The detector name of a box drawn in another tool and imported from a Camtrap DP package. */
export const CAMTRAP_DETECTOR = 'camtrap-dp';
const IMPORT_REVIEWER = 'Camtrap DP import';

/** Fields that must agree for an ID already imported from another package to be the same thing. */
const SAME_WHEN: Record<Exclude<RecordKind, 'individual'>, string[]> = {
  deployment: ['latitude', 'longitude', 'deploymentStart'],
  media: ['timestamp', 'fileName'],
  observation: ['mediaID', 'eventStart', 'scientificName'],
};

/**
 * Imports a Camtrap DP 1.0.2 package into the gallery. Deployments become stations; media rows whose photo is on
 * this computer are imported like any photo (deduplicated by SHA-256, bad files reported and skipped);
 * identified tigers on those photos become detections with a match decision (a new individual the first time an
 * individualID is seen). Everything else is kept as the package's own rows, so an export writes it again with
 * the same IDs. Importing the same package again adds nothing.
 *
 * Throws PACKAGE_INVALID (with every problem in `details.errors`) for a package that is not valid Camtrap DP,
 * CONFLICT when its IDs already name different things imported from another package, NOT_FOUND for a missing
 * folder.
 */
export async function importCamtrapDp(
  ctx: CoreContext,
  packageDir: string,
  hooks: CamtrapImportHooks = {},
): Promise<CamtrapImportSummary> {
  parseInput(z.string().min(1), packageDir, 'package folder');
  const started = performance.now();
  const dir = resolve(packageDir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new EngineError(
      'NOT_FOUND',
      `No package folder at ${dir}: give the folder that holds datapackage.json.`,
      {
        details: { folder: dir },
      },
    );
  }
  const { errors, pkg } = await readCamtrapDp(folderFiles(dir));
  if (pkg === undefined) {
    throw new EngineError(
      'PACKAGE_INVALID',
      `${dir} is not a valid Camtrap DP 1.0.2 package (${errors.length} problem(s), first: ${errors[0] ? describeValidationError(errors[0]) : 'unknown'}); nothing was imported.`,
      { details: { errors } },
    );
  }
  const { descriptor } = pkg;
  const title = typeof descriptor.title === 'string' ? descriptor.title : null;
  const key =
    [descriptor.id, descriptor.name].find((v): v is string => typeof v === 'string' && v !== '') ?? dir;
  const rows = {
    deployments: rowsOf(pkg.tables.deployments),
    media: rowsOf(pkg.tables.media),
    observations: rowsOf(pkg.tables.observations),
  };
  const records = new CamtrapRecords(ctx.db, () => ctx.now().toISOString());
  refuseForeignIds(records, key, rows);

  const metadata = Object.fromEntries(Object.entries(descriptor).filter(([k]) => k !== 'resources'));
  records.savePackage({ key, folder: dir, descriptor: metadata });
  const deployments = importDeployments(ctx, records, key, rows.deployments);

  const progress = hooks.onProgress;
  const total = rows.media.length;
  const media = await importPackageMedia(
    ctx,
    records,
    { key, dir, rows: rows.media, stationNames: deployments.stationNames },
    {
      ...(progress
        ? { onProgress: (done: number) => progress({ phase: 'import', done, total, unit: 'images' }) }
        : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    },
  );
  if (media.completed) progress?.({ phase: 'import', done: total, total, unit: 'images' });
  const observations = media.completed
    ? importObservations(ctx, records, { key, title: title ?? key, rows: rows.observations }, media.gallery)
    : { sightings: 0, kept: 0, alreadyImported: 0, individualsCreated: [] };

  const summary: CamtrapImportSummary = {
    folder: dir,
    packageKey: key,
    title,
    deployments: {
      total: rows.deployments.length,
      stationsCreated: deployments.created,
      alreadyImported: deployments.alreadyImported,
    },
    media: {
      total,
      imported: media.imported,
      duplicates: media.duplicates,
      alreadyImported: media.alreadyImported,
      notImported: media.notImported,
      failed: media.failed,
    },
    observations: {
      total: rows.observations.length,
      sightings: observations.sightings,
      kept: observations.kept,
      alreadyImported: observations.alreadyImported,
    },
    individualsCreated: observations.individualsCreated,
    elapsedMs: Math.round(performance.now() - started),
    completed: media.completed,
  };
  ctx.log.info(
    `Camtrap DP import of ${dir}: ${media.imported} photo(s) imported, ${media.notImported.length} not available, ` +
      `${media.failed.length} failed, ${observations.sightings} sighting(s), ${observations.kept} row(s) kept`,
  );
  return summary;
}

function rowsOf(table: CheckedTable): RowData[] {
  const names = table.schema.fields.map((f) => f.name);
  return table.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row.fields[i] as string])));
}

/** A cell's value, or undefined for the table's missing values ('', NA, NaN). */
function present(table: CamtrapTable, row: RowData, field: string): string | undefined {
  const value = row[field];
  return value === undefined || TABLE_SCHEMAS[table].missingValues.includes(value) ? undefined : value;
}

/**
 * Refuses, before anything is written, a package whose IDs already name something different that another
 * package brought in. An ID from another package that names the same thing (a later export of the same
 * gallery) is simply already imported.
 */
function refuseForeignIds(
  records: CamtrapRecords,
  key: string,
  rows: { deployments: RowData[]; media: RowData[]; observations: RowData[] },
): void {
  const existing = new Map(records.all().map((r) => [`${r.kind}\u0000${r.sourceId}`, r]));
  const clashes: string[] = [];
  const check = (kind: keyof typeof SAME_WHEN, idField: string, list: RowData[]): void => {
    for (const row of list) {
      const other = existing.get(`${kind}\u0000${row[idField]}`);
      if (!other || other.packageKey === key) continue;
      if (SAME_WHEN[kind].every((f) => (other.data[f] ?? '') === (row[f] ?? ''))) continue;
      clashes.push(`${idField} "${row[idField]}" (from package ${other.packageKey})`);
    }
  };
  check('deployment', 'deploymentID', rows.deployments);
  check('media', 'mediaID', rows.media);
  check('observation', 'observationID', rows.observations);
  if (clashes.length > 0) {
    throw new EngineError(
      'CONFLICT',
      `${clashes.length} ID(s) of this package already name something different, imported from another package: ` +
        `${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? ', ...' : ''}. IDs must be unique across the ` +
        'packages imported into one gallery; nothing was imported.',
      { details: { clashes } },
    );
  }
}

/** Each deployment becomes a station named after its location (or its ID), with its coordinates and period. */
function importDeployments(
  ctx: CoreContext,
  records: CamtrapRecords,
  key: string,
  rows: RowData[],
): { stationNames: Map<string, string>; created: string[]; alreadyImported: number } {
  const stationNames = new Map<string, string>();
  const created: string[] = [];
  let alreadyImported = 0;
  const baseName = (row: RowData): string =>
    present('deployments', row, 'locationName') ?? (row.deploymentID as string);
  const sharedBases = new Map<string, number>();
  for (const row of rows) sharedBases.set(baseName(row), (sharedBases.get(baseName(row)) ?? 0) + 1);
  const stationNamed = ctx.db.prepare('SELECT id FROM stations WHERE name = ?').pluck();
  const insert = ctx.db.prepare(
    `INSERT INTO stations (name, latitude, longitude, operation_start, operation_end, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  ctx.db.transaction(() => {
    for (const row of rows) {
      const deploymentID = row.deploymentID as string;
      const earlier = records.get('deployment', deploymentID);
      if (earlier?.stationId != null) {
        const name = ctx.db.prepare('SELECT name FROM stations WHERE id = ?').pluck().get(earlier.stationId);
        stationNames.set(deploymentID, z.string().parse(name));
        alreadyImported += 1;
        continue;
      }
      // A location visited by several deployments, or a name the gallery already uses, gets the ID added:
      // a station holds one operation period, and joining someone's station by name would merge two places.
      const base = baseName(row);
      const name =
        (sharedBases.get(base) ?? 0) > 1 || stationNamed.get(base) !== undefined
          ? `${base} (${deploymentID})`
          : base;
      if (stationNamed.get(name) !== undefined) {
        throw new EngineError(
          'CONFLICT',
          `Deployment ${deploymentID} would become station "${name}", which the gallery already has; rename that station first.`,
          { details: { deploymentID, station: name } },
        );
      }
      const stationId = z
        .number()
        .int()
        .parse(
          insert.pluck().get(
            name,
            Number(row.latitude),
            Number(row.longitude),
            // Stations keep operation dates as calendar days; the exact times stay in the kept row.
            (row.deploymentStart as string).slice(0, 10),
            (row.deploymentEnd as string).slice(0, 10),
            ctx.now().toISOString(),
          ),
        );
      records.add('deployment', deploymentID, key, row);
      records.link('deployment', deploymentID, { stationId });
      stationNames.set(deploymentID, name);
      created.push(name);
    }
  })();
  return { stationNames, created, alreadyImported };
}

/**
 * Identified tigers on photos now in the gallery become detections with a decision; every other observation is
 * kept as written. One transaction: the observations of a package come in whole or not at all.
 */
function importObservations(
  ctx: CoreContext,
  records: CamtrapRecords,
  pkg: { key: string; title: string; rows: RowData[] },
  galleryMedia: Map<string, number>,
): { sightings: number; kept: number; alreadyImported: number; individualsCreated: string[] } {
  const result = { sightings: 0, kept: 0, alreadyImported: 0, individualsCreated: [] as string[] };
  const insertDetection = ctx.db.prepare(
    `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, flank, created_at)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
  );
  ctx.db.transaction(() => {
    for (const row of pkg.rows) {
      const observationID = row.observationID as string;
      const earlier = records.get('observation', observationID);
      if (earlier?.detectionId != null) {
        result.alreadyImported += 1;
        continue;
      }
      const field = (name: string): string | undefined => present('observations', row, name);
      const mediaId = galleryMedia.get(field('mediaID') ?? '');
      const individualID = field('individualID')?.trim();
      const identifiedTiger =
        field('observationLevel') === 'media' &&
        field('observationType') === 'animal' &&
        isTiger(field('scientificName') ?? '') &&
        individualID !== undefined &&
        individualID !== '';
      if (!identifiedTiger || mediaId === undefined) {
        records.add('observation', observationID, pkg.key, row, { mediaId: mediaId ?? null });
        if (earlier) result.alreadyImported += 1;
        else result.kept += 1;
        continue;
      }

      // No bounding box: the animal is somewhere in the frame, which is what a whole-frame detection says.
      const bbox = ['bboxX', 'bboxY', 'bboxWidth', 'bboxHeight'].map((f) => field(f));
      const drawn = bbox.every((v) => v !== undefined);
      const box = drawn
        ? { x: Number(bbox[0]), y: Number(bbox[1]), w: Number(bbox[2]), h: Number(bbox[3]) }
        : wholeFrameDetection().box;
      const detectionId = Number(
        insertDetection.run(
          mediaId,
          box.x,
          box.y,
          box.w,
          box.h,
          drawn ? CAMTRAP_DETECTOR : WHOLE_FRAME_DETECTOR,
          flankOfTags(field('observationTags') ?? ''),
          ctx.now().toISOString(),
        ).lastInsertRowid,
      );
      const known = knownIndividual(ctx, records, individualID);
      const method = field('classificationMethod');
      const when = field('classificationTimestamp');
      const notes =
        `Imported from Camtrap DP package "${pkg.title}": observation ${observationID}` +
        `${method ? `, ${method} classification` : ''}${when ? ` of ${when}` : ''}.`;
      const decision = recordDecision(ctx, {
        detectionId,
        ...(known === null
          ? { verdict: 'new-individual', newName: individualID.slice(0, 200) }
          : { verdict: 'match', individual: known }),
        reviewer: (field('classifiedBy')?.trim() || IMPORT_REVIEWER).slice(0, 200),
        notes: notes.slice(0, 5000),
      });
      if (known === null && decision.individualId !== null) {
        records.add('individual', individualID, pkg.key, { individualID });
        records.link('individual', individualID, { individualId: decision.individualId });
        result.individualsCreated.push(individualID);
      }
      records.add('observation', observationID, pkg.key, row);
      records.link('observation', observationID, {
        mediaId,
        detectionId,
        decisionId: decision.id,
        individualId: decision.individualId,
      });
      result.sightings += 1;
    }
  })();
  return result;
}

/**
 * The gallery individual an individualID names: the one an earlier import created for it, else one whose code
 * or name it is; null when it is new. (By code or name only: an individualID of digits is not a row id.)
 */
function knownIndividual(ctx: CoreContext, records: CamtrapRecords, individualID: string): number | null {
  const live = ctx.db.prepare('SELECT id FROM individuals WHERE id = ? AND retired_at IS NULL').pluck();
  const created = records.get('individual', individualID)?.individualId;
  if (created != null && live.get(created) !== undefined) return created;
  const named: unknown = ctx.db
    .prepare(
      'SELECT id FROM individuals WHERE (code = ? OR name = ?) AND retired_at IS NULL ORDER BY id LIMIT 1',
    )
    .pluck()
    .get(individualID, individualID);
  return named === undefined ? null : z.number().int().parse(named);
}
