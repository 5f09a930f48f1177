import { statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreContext } from '../../context';
import type { ErrorCode } from '../../errors';
import { ImportStore } from '../../importing/import-store';
import { prepareFile } from '../../importing/prepare-file';
import type { CamtrapRecords, RowData } from './records';

/** Media rows of a package brought into the gallery through the normal per-file import (SHA-256 dedup). */

export interface NotImportedMedia {
  mediaID: string;
  filePath: string;
  reason: string;
}

export interface FailedMedia {
  mediaID: string;
  path: string;
  code: ErrorCode;
  message: string;
}

export interface MediaOutcome {
  /** mediaID → gallery media id, for every row whose photo is in the gallery (now or from an earlier run). */
  gallery: Map<string, number>;
  imported: number;
  duplicates: number;
  alreadyImported: number;
  notImported: NotImportedMedia[];
  failed: FailedMedia[];
  /** False when the signal stopped the run; running the import again resumes it. */
  completed: boolean;
}

export const NOT_AVAILABLE_OFFLINE = 'not imported: file not available offline';

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export async function importPackageMedia(
  ctx: CoreContext,
  records: CamtrapRecords,
  pkg: { key: string; dir: string; rows: RowData[]; stationNames: Map<string, string> },
  hooks: { onProgress?: (done: number) => void; signal?: AbortSignal },
): Promise<MediaOutcome> {
  const outcome: MediaOutcome = {
    gallery: new Map(),
    imported: 0,
    duplicates: 0,
    alreadyImported: 0,
    notImported: [],
    failed: [],
    completed: false,
  };
  const importStore = new ImportStore(ctx.db, () => ctx.now().toISOString());
  // One durable import job per package, so every file tried is in import_files like any other import.
  const job = importStore.beginJob(`camtrap-dp:${JSON.stringify({ package: pkg.key })}`, {
    package: pkg.key,
    folder: pkg.dir,
  });
  const keep = (row: RowData, mediaId: number | null): void => {
    const mediaID = row.mediaID as string;
    records.add('media', mediaID, pkg.key, row);
    if (mediaId !== null) {
      records.link('media', mediaID, { mediaId });
      outcome.gallery.set(mediaID, mediaId);
    }
  };

  for (const [i, row] of pkg.rows.entries()) {
    if (hooks.signal?.aborted) break;
    hooks.onProgress?.(i);
    const mediaID = row.mediaID as string;
    const earlier = records.get('media', mediaID);
    if (earlier?.mediaId != null) {
      outcome.alreadyImported += 1;
      outcome.gallery.set(mediaID, earlier.mediaId);
      continue;
    }
    const filePath = row.filePath ?? '';
    const mediatype = row.fileMediatype ?? '';
    if (!mediatype.startsWith('image/')) {
      keep(row, null);
      outcome.notImported.push({
        mediaID,
        filePath,
        reason: `not imported: the gallery holds photos, not ${mediatype}`,
      });
      continue;
    }
    const file = localFile(pkg.dir, row);
    if (file === undefined) {
      keep(row, null);
      outcome.notImported.push({ mediaID, filePath, reason: NOT_AVAILABLE_OFFLINE });
      continue;
    }
    const prepared = await prepareFile(
      ctx,
      importStore,
      { bytes: Buffer.from(file), path: file, raw: null, name: basename(file) },
      {},
    );
    const stationName = pkg.stationNames.get(row.deploymentID ?? '') as string;
    ctx.db.transaction(() => {
      switch (prepared.kind) {
        case 'image': {
          const { mediaId, duplicate } = importStore.commitImage(job.id, prepared.media, stationName);
          if (duplicate) {
            outcome.duplicates += 1;
            placeAtStation(ctx, mediaId, stationName);
          } else {
            outcome.imported += 1;
            // The package's timestamp carries the zone (and any clock correction) that the photo's EXIF lacks.
            ctx.db
              .prepare('UPDATE media SET captured_at = ? WHERE id = ?')
              .run(row.timestamp ?? null, mediaId);
          }
          keep(row, mediaId);
          break;
        }
        case 'duplicate':
          importStore.recordFile(job.id, {
            path: file,
            status: 'duplicate',
            mediaId: prepared.mediaId,
            errorCode: null,
            error: null,
          });
          outcome.duplicates += 1;
          placeAtStation(ctx, prepared.mediaId, stationName);
          keep(row, prepared.mediaId);
          break;
        case 'failed':
          importStore.recordFile(job.id, {
            path: file,
            status: 'failed',
            mediaId: null,
            errorCode: prepared.code,
            error: prepared.message,
          });
          outcome.failed.push({ mediaID, path: file, code: prepared.code, message: prepared.message });
          keep(row, null);
          break;
      }
    })();
  }
  outcome.completed = !hooks.signal?.aborted;
  const failed = outcome.failed.length;
  importStore.finishJob(
    job.id,
    outcome.completed ? 'done' : 'pending',
    outcome.completed
      ? failed > 0
        ? `${failed} file(s) could not be imported`
        : null
      : 'Stopped early; run the same import to resume.',
  );
  return outcome;
}

/**
 * The photo of a media row, when it is on this computer: its filePath inside the package (or a file: URL), else
 * a file of that fileName in the package's media/ folder.
 */
function localFile(dir: string, row: RowData): string | undefined {
  const candidates: string[] = [];
  const filePath = row.filePath ?? '';
  if (/^file:/i.test(filePath)) {
    try {
      candidates.push(fileURLToPath(filePath));
    } catch {
      // A file: URL of another host or a malformed one names nothing here.
    }
  } else if (filePath !== '' && !URL_SCHEME.test(filePath)) {
    const inside = resolve(dir, filePath);
    const rel = relative(dir, inside);
    if (!rel.startsWith('..') && !isAbsolute(rel)) candidates.push(inside);
  }
  const fileName = row.fileName ?? '';
  if (fileName !== '' && basename(fileName) === fileName) candidates.push(join(dir, 'media', fileName));
  return candidates.find(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    // Absent, or a path through something that is not a folder: no photo there.
    return false;
  }
}

/** A photo already in the gallery without a station joins the deployment's; one with a station stays there. */
function placeAtStation(ctx: CoreContext, mediaId: number, stationName: string): void {
  ctx.db
    .prepare(
      'UPDATE media SET station_id = (SELECT id FROM stations WHERE name = ?) WHERE id = ? AND station_id IS NULL',
    )
    .run(stationName, mediaId);
}
