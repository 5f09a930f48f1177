import { z } from 'zod';
import type { GalleryDatabase } from '../db/open';
import type { ErrorCode } from '../errors';
import type { PhotoMetadata } from '../images/metadata';

export type ImportFileStatus = 'imported' | 'duplicate' | 'failed';

export interface ImportJob {
  id: number;
  /** True when an earlier run of the same folder and station created the job (it is being resumed or repeated). */
  resumed: boolean;
}

export interface NewMedia extends PhotoMetadata {
  sha256: string;
  path: string;
  pathRaw: Buffer | null;
  fileName: string;
  byteSize: number;
  width: number;
  height: number;
  format: string;
  thumbnailPath: string;
}

export interface FileRecord {
  path: string;
  status: ImportFileStatus;
  mediaId: number | null;
  errorCode: ErrorCode | null;
  error: string | null;
}

const jobRow = z.object({ id: z.number().int(), state: z.string() });
const recordedRow = z.object({ path: z.string(), status: z.enum(['imported', 'duplicate', 'failed']) });
const countsRow = z.object({ status: z.enum(['imported', 'duplicate', 'failed']), n: z.number().int() });

/**
 * The import's SQL in one place. Every write that must survive a crash together happens in one transaction:
 * a file's media row and its import_files row are committed at once or not at all.
 */
export class ImportStore {
  private readonly db: GalleryDatabase;
  private readonly now: () => string;

  constructor(db: GalleryDatabase, now: () => string) {
    this.db = db;
    this.now = now;
  }

  /** Finds the job for this folder and station, or creates it; marks it running either way. */
  beginJob(idempotencyKey: string, payload: Record<string, unknown>): ImportJob {
    return this.db.transaction((): ImportJob => {
      const existing = jobRow
        .optional()
        .parse(this.db.prepare('SELECT id, state FROM jobs WHERE idempotency_key = ?').get(idempotencyKey));
      const now = this.now();
      if (existing) {
        this.db
          .prepare(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ?",
          )
          .run(now, existing.id);
        return { id: existing.id, resumed: true };
      }
      const id = this.db
        .prepare(
          `INSERT INTO jobs (kind, idempotency_key, payload, state, attempts, created_at, updated_at)
           VALUES ('import', ?, ?, 'running', 1, ?, ?) RETURNING id`,
        )
        .pluck()
        .get(idempotencyKey, JSON.stringify(payload), now, now);
      return { id: z.number().int().parse(id), resumed: false };
    })();
  }

  /** Paths an earlier run of this job already settled, with how. */
  recordedFiles(jobId: number): Map<string, ImportFileStatus> {
    const rows = z
      .array(recordedRow)
      .parse(this.db.prepare('SELECT path, status FROM import_files WHERE job_id = ?').all(jobId));
    return new Map(rows.map((row) => [row.path, row.status]));
  }

  mediaIdBySha(sha256: string): number | undefined {
    const id: unknown = this.db.prepare('SELECT id FROM media WHERE sha256 = ?').pluck().get(sha256);
    return id === undefined ? undefined : z.number().int().parse(id);
  }

  /**
   * Inserts the media row and records the file, in one transaction. If another file with the same content
   * got in first (earlier in this run, or another process), the file is recorded as a duplicate of it instead.
   */
  commitImage(
    jobId: number,
    media: NewMedia,
    station: string | undefined,
  ): { mediaId: number; duplicate: boolean } {
    return this.db.transaction(() => {
      const stationId = station === undefined ? null : this.stationId(station);
      const inserted: unknown = this.db
        .prepare(
          `INSERT INTO media (sha256, path, path_raw, file_name, byte_size, width, height, format, captured_at,
             latitude, longitude, camera_make, camera_model, camera_serial, station_id, thumbnail_path, imported_at)
           VALUES (@sha256, @path, @pathRaw, @fileName, @byteSize, @width, @height, @format, @capturedAt,
             @latitude, @longitude, @cameraMake, @cameraModel, @cameraSerial, @stationId, @thumbnailPath, @importedAt)
           ON CONFLICT (sha256) DO NOTHING
           RETURNING id`,
        )
        .pluck()
        .get({ ...media, stationId, importedAt: this.now() });
      if (inserted === undefined) {
        const existing = z.number().int().parse(this.mediaIdBySha(media.sha256));
        this.recordFile(jobId, {
          path: media.path,
          status: 'duplicate',
          mediaId: existing,
          errorCode: null,
          error: null,
        });
        return { mediaId: existing, duplicate: true };
      }
      const mediaId = z.number().int().parse(inserted);
      this.recordFile(jobId, { path: media.path, status: 'imported', mediaId, errorCode: null, error: null });
      return { mediaId, duplicate: false };
    })();
  }

  /** Records a duplicate or a failure. A failure recorded by an earlier run is overwritten by the retry's outcome. */
  recordFile(jobId: number, record: FileRecord): void {
    this.db
      .prepare(
        `INSERT INTO import_files (job_id, path, status, media_id, error_code, error)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id, path) DO UPDATE SET
           status = excluded.status, media_id = excluded.media_id, error_code = excluded.error_code, error = excluded.error`,
      )
      .run(jobId, record.path, record.status, record.mediaId, record.errorCode, record.error);
  }

  /** Ends the run: 'done' with totals over every run of the job, or 'pending' (stopped; the next run resumes). */
  finishJob(jobId: number, state: 'done' | 'pending' | 'failed', lastError: string | null): void {
    const counts = z
      .array(countsRow)
      .parse(
        this.db
          .prepare('SELECT status, COUNT(*) AS n FROM import_files WHERE job_id = ? GROUP BY status')
          .all(jobId),
      );
    const totals = { imported: 0, duplicate: 0, failed: 0 };
    for (const row of counts) totals[row.status] = row.n;
    this.db
      .prepare('UPDATE jobs SET state = ?, last_error = ?, result = ?, updated_at = ? WHERE id = ?')
      .run(state, lastError, JSON.stringify(totals), this.now(), jobId);
  }

  /** Creates the station the first time an image is imported into it (inside the caller's transaction). */
  private stationId(name: string): number {
    this.db
      .prepare('INSERT INTO stations (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, this.now());
    return z
      .number()
      .int()
      .parse(this.db.prepare('SELECT id FROM stations WHERE name = ?').pluck().get(name));
  }
}
