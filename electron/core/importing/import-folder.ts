import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CoreContext } from '../context';
import { EngineError, messageOf, type ErrorCode } from '../errors';
import { describeFileError, isSystemError } from '../images/file-access';
import type { ProgressListener } from '../progress';
import { parseInput } from '../validate';
import { ImportStore, type ImportFileStatus } from './import-store';
import { prepareFile, type PreparedFile } from './prepare-file';
import { scanFolder } from './scan';

export interface ImportOptions {
  folder: string;
  /** Camera station (deployment) the photos come from; created on first use. */
  station?: string;
  /** Refuse images above this many pixels (default 100 MP), judged from the header. */
  maxPixels?: number;
}

export interface ImportFileResult {
  path: string;
  status: ImportFileStatus;
  /** The new media row, or for a duplicate the row that already holds the same content. */
  mediaId: number | null;
  code?: ErrorCode;
  message?: string;
}

export interface ImportHooks {
  onProgress?: ProgressListener;
  /** Stops the run at the next file boundary; the job stays resumable. */
  signal?: AbortSignal;
  /** Called once per file as it is settled, in scan order. */
  onFile?: (result: ImportFileResult) => void;
}

export interface FailedImportFile {
  path: string;
  code: ErrorCode;
  message: string;
}

export interface ImportSummary {
  jobId: number;
  folder: string;
  station: string | null;
  /** Candidate image files found by the scan. */
  found: number;
  /** Counts for this run; files settled by an earlier run of the same import are under skipped.alreadyRecorded. */
  imported: number;
  duplicates: number;
  /** Files that could not be imported, and folders that could not be listed, each with its reason. */
  failed: FailedImportFile[];
  skipped: {
    /** Hidden files and folders (names starting with '.'). */
    hidden: number;
    /** Files whose extension is not an image's. */
    notImages: number;
    /** Imported or duplicate in an earlier, interrupted or repeated, run of this import. */
    alreadyRecorded: number;
  };
  mediaIds: number[];
  elapsedMs: number;
  /** False when the signal stopped the run early; running the same import again resumes it. */
  completed: boolean;
}

const optionsSchema = z
  .object({
    folder: z.string().min(1),
    station: z.string().trim().min(1).max(200).optional(),
    maxPixels: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Files decoded at once. Two keeps both cores busy (sharp runs each decode on libvips' threads) while one file
 * is read from disk; more only adds memory on this class of machine.
 */
const FILES_IN_FLIGHT = 2;
/** The scan reports at most this often, so a folder of 100k files does not flood the progress bar. */
const SCAN_PROGRESS_MS = 100;

/**
 * Imports every image under a folder into the gallery: one media row per distinct file content (SHA-256),
 * a thumbnail, EXIF time/place/camera, and an `import_files` row per file under a durable `jobs` row.
 *
 * The job is keyed by folder and station, so running the same import again (after a crash, a kill or an abort)
 * skips files already imported or found duplicate and retries the failed ones. Bad files are reported in the
 * summary with a reason and never stop the batch. Detection and embedding are not run here (see analyse).
 *
 * Throws NOT_FOUND / FILE_UNREADABLE / INVALID_ARGUMENT when the folder itself cannot be imported from, and
 * TypeError for malformed options.
 */
export async function importFolder(
  ctx: CoreContext,
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportSummary> {
  const parsed = parseInput(optionsSchema, options, 'import options');
  const started = performance.now();
  const { station, maxPixels } = parsed;
  const folder = resolve(parsed.folder);
  await checkFolder(folder);

  const store = new ImportStore(ctx.db, () => ctx.now().toISOString());
  const idempotencyKey = `import:${JSON.stringify({ folder, station: station ?? null })}`;
  const job = store.beginJob(idempotencyKey, { folder, station: station ?? null });
  ctx.log.info(`${job.resumed ? 'Resuming' : 'Starting'} import job ${job.id} of ${folder}`);

  const { onProgress, signal, onFile } = hooks;
  const summary: ImportSummary = {
    jobId: job.id,
    folder,
    station: station ?? null,
    found: 0,
    imported: 0,
    duplicates: 0,
    failed: [],
    skipped: { hidden: 0, notImages: 0, alreadyRecorded: 0 },
    mediaIds: [],
    elapsedMs: 0,
    completed: false,
  };

  try {
    let lastScanReport = 0;
    onProgress?.({ phase: 'scan', done: 0, total: undefined, unit: 'images' });
    const scan = await scanFolder(
      folder,
      (found) => {
        const now = performance.now();
        if (now - lastScanReport >= SCAN_PROGRESS_MS) {
          lastScanReport = now;
          onProgress?.({ phase: 'scan', done: found, total: undefined, unit: 'images' });
        }
      },
      signal,
    );
    summary.found = scan.files.length;
    summary.skipped.hidden = scan.hidden;
    summary.skipped.notImages = scan.notImages;
    for (const entry of scan.unreadable) {
      summary.failed.push({ path: entry.path, code: 'FILE_UNREADABLE', message: entry.message });
    }
    onProgress?.({ phase: 'scan', done: scan.files.length, total: scan.files.length, unit: 'images' });

    // Files an earlier run settled are skipped; failed ones are tried again (the file may have been fixed).
    const recorded = store.recordedFiles(job.id);
    const todo = scan.files.filter((file) => {
      const status = recorded.get(file.path);
      return status === undefined || status === 'failed';
    });
    summary.skipped.alreadyRecorded = scan.files.length - todo.length;

    let done = summary.skipped.alreadyRecorded;
    const total = scan.files.length;
    onProgress?.({ phase: 'import', done, total, unit: 'images' });

    const settle = (prepared: PreparedFile): void => {
      const result = commit(store, job.id, station, prepared);
      if (result.status === 'imported' && result.mediaId !== null) {
        summary.imported += 1;
        summary.mediaIds.push(result.mediaId);
      } else if (result.status === 'duplicate') {
        summary.duplicates += 1;
      } else if (result.code !== undefined && result.message !== undefined) {
        summary.failed.push({ path: result.path, code: result.code, message: result.message });
      }
      done += 1;
      onFile?.(result);
      onProgress?.({ phase: 'import', done, total, unit: 'images', message: prepared.file.name });
    };

    // An abort during the scan leaves the file list partial: that run cannot count as complete.
    const scanInterrupted = signal?.aborted === true;
    const processed = await inOrder(
      todo,
      FILES_IN_FLIGHT,
      (file) => prepareFile(ctx, store, file, { maxPixels }),
      settle,
      signal,
    );
    summary.completed = !scanInterrupted && processed === todo.length;

    const failedCount = summary.failed.length;
    if (summary.completed) {
      store.finishJob(
        job.id,
        'done',
        failedCount > 0 ? `${failedCount} file(s) could not be imported` : null,
      );
    } else {
      store.finishJob(
        job.id,
        'pending',
        `Stopped after ${done} of ${total} files; run the same import to resume.`,
      );
    }
    summary.elapsedMs = Math.round(performance.now() - started);
    ctx.log.info(
      `Import job ${job.id}: ${summary.imported} imported, ${summary.duplicates} duplicates, ${failedCount} failed` +
        `${summary.completed ? '' : ' (stopped early)'} in ${summary.elapsedMs} ms`,
    );
    return summary;
  } catch (error) {
    store.finishJob(job.id, 'failed', messageOf(error));
    throw error;
  }
}

/** The folder must exist and be listable; otherwise nothing can be imported and the caller gets one clear error. */
async function checkFolder(folder: string): Promise<void> {
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${folder} is a file, not a folder; give the folder that holds the photos.`,
      );
    }
    await readdir(folder);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      throw new EngineError('NOT_FOUND', `Folder not found: ${folder}`, {
        details: { folder },
        cause: error,
      });
    }
    throw new EngineError(
      'FILE_UNREADABLE',
      `Cannot read the folder ${folder}: ${describeFileError(error)}.`,
      {
        details: { folder },
        cause: error,
      },
    );
  }
}

function commit(
  store: ImportStore,
  jobId: number,
  station: string | undefined,
  prepared: PreparedFile,
): ImportFileResult {
  const path = prepared.file.path;
  switch (prepared.kind) {
    case 'image': {
      const { mediaId, duplicate } = store.commitImage(jobId, prepared.media, station);
      return { path, status: duplicate ? 'duplicate' : 'imported', mediaId };
    }
    case 'duplicate':
      store.recordFile(jobId, {
        path,
        status: 'duplicate',
        mediaId: prepared.mediaId,
        errorCode: null,
        error: null,
      });
      return { path, status: 'duplicate', mediaId: prepared.mediaId };
    case 'failed':
      store.recordFile(jobId, {
        path,
        status: 'failed',
        mediaId: null,
        errorCode: prepared.code,
        error: prepared.message,
      });
      return { path, status: 'failed', mediaId: null, code: prepared.code, message: prepared.message };
  }
}

/**
 * Runs `work` on up to `limit` items at once but hands results to `settle` strictly in input order, so which of
 * two identical files becomes the original and which the duplicate never depends on timing. Stops starting
 * new items once `signal` aborts; items already started are still settled. Returns how many were settled.
 * A thrown error stops everything after the in-flight items finish, then is rethrown.
 */
async function inOrder<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  settle: (result: R) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  type Outcome = { ok: true; value: R } | { ok: false; error: unknown };
  const inFlight: Promise<Outcome>[] = [];
  let next = 0;
  let settled = 0;
  let failure: { error: unknown } | undefined;
  const fill = () => {
    while (failure === undefined && !signal?.aborted && inFlight.length < limit && next < items.length) {
      const item = items[next++] as T;
      inFlight.push(
        work(item).then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        ),
      );
    }
  };
  fill();
  for (let outcome = inFlight.shift(); outcome !== undefined; outcome = inFlight.shift()) {
    const result = await outcome;
    if (failure === undefined) {
      if (result.ok) {
        settle(result.value);
        settled += 1;
      } else {
        failure = { error: result.error };
      }
    }
    fill();
  }
  if (failure !== undefined) throw failure.error;
  return settled;
}
