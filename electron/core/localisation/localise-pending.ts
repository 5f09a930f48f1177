import type { CoreContext } from '../context';
import { groupBy } from '../group-by';
import { isEngineError, messageOf } from '../errors';
import { readMediaFile } from '../images/media-file';
import type { ProgressListener } from '../progress';
import { sampleFrame, type FrameSample } from './frame-sample';
import { localiseFrames, type FrameToLocalise, type LocalisedFrame } from './localise-frames';

/** What says which camera took a frame (see cameraKey). */
export interface CameraColumns {
  station_id: number | null;
  camera_make: string | null;
  camera_model: string | null;
  camera_serial: string | null;
  width: number;
  height: number;
}

interface CameraRow extends CameraColumns {
  id: number;
  path: string;
  path_raw: Buffer | null;
  captured_at: string | null;
}

/**
 * Frames of one camera are compared in windows of this many (by time): a whole season of one camera would not fit
 * in memory at once (each sample is ~58 kB), and a background from months away shows other light and leaves anyway.
 */
const WINDOW = 400;
/** Already analysed frames of the same camera that join a small import as background (not localised again). */
const EARLIER_REFERENCES = 12;

const CAMERA_COLUMNS =
  'id, path, path_raw, captured_at, station_id, camera_make, camera_model, camera_serial, width, height';

/**
 * Which frames come from one camera: same station, same camera make/model/serial from EXIF, same resolution. Where
 * a file carries none of that, all frames of a resolution share a key, and only visual similarity (the scene
 * distance in localiseFrames) decides which of them serve as each other's background.
 */
export function cameraKey(row: CameraColumns): string {
  return JSON.stringify([
    row.station_id,
    row.camera_make,
    row.camera_model,
    row.camera_serial,
    row.width,
    row.height,
  ]);
}

function captureTime(value: string | null): number | null {
  if (value === null) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/**
 * Localises the given frames (not yet analysed, without boxes of their own, not pulled back by the user) against
 * the other frames of their camera. Frames that cannot be decoded are left out: analysis reports them as it always
 * has. Returns media id → what was found.
 */
export async function localisePending(
  ctx: CoreContext,
  mediaIds: readonly number[],
  hooks: { onProgress?: ProgressListener; signal?: AbortSignal } = {},
): Promise<Map<number, LocalisedFrame>> {
  const select = ctx.db.prepare(
    // Frames that came with boxes (an imported survey) keep them; a frame the user pulled back has a content.
    `SELECT ${CAMERA_COLUMNS} FROM media
      WHERE id = ? AND analysed_at IS NULL AND content IS NULL
        AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.media_id = media.id)`,
  );
  const cameras = groupBy(
    mediaIds.map((id) => select.get(id) as CameraRow | undefined).filter((row) => row !== undefined),
    cameraKey,
  );
  const earlier = ctx.db.prepare(
    `SELECT ${CAMERA_COLUMNS} FROM media
      WHERE station_id IS ? AND camera_make IS ? AND camera_model IS ? AND camera_serial IS ? AND width = ?
        AND height = ? AND analysed_at IS NOT NULL AND analysis_error IS NULL
      ORDER BY id DESC LIMIT ?`,
  );
  const total = [...cameras.values()].reduce((n, rows) => n + rows.length, 0);
  const found = new Map<number, LocalisedFrame>();
  let done = 0;
  // Reported per frame read (the slow part), from 0, so the progress line shows a rate and an ETA for this phase.
  hooks.onProgress?.({ phase: 'localise', done, total, unit: 'images' });
  for (const rows of cameras.values()) {
    rows.sort((a, b) => (captureTime(a.captured_at) ?? 0) - (captureTime(b.captured_at) ?? 0) || a.id - b.id);
    for (let start = 0; start < rows.length; start += WINDOW) {
      if (hooks.signal?.aborted) return found;
      const window = rows.slice(start, start + WINDOW);
      const first = window[0];
      if (first === undefined) break;
      // A small import (one card of a few frames) borrows the camera's earlier frames as background.
      const references =
        window.length >= EARLIER_REFERENCES
          ? []
          : (earlier.all(
              first.station_id,
              first.camera_make,
              first.camera_model,
              first.camera_serial,
              first.width,
              first.height,
              EARLIER_REFERENCES,
            ) as CameraRow[]);
      const inputs: FrameToLocalise[] = [];
      const localised: number[] = [];
      let read = 0;
      for (const row of [...window, ...references]) {
        const sample = await sampleOf(ctx, row);
        if (sample === null) continue;
        inputs.push({ camera: cameraKey(row), capturedAt: captureTime(row.captured_at), sample });
        if (window.includes(row)) {
          localised.push(row.id);
          read += 1;
          hooks.onProgress?.({ phase: 'localise', done: done + read, total, unit: 'images' });
        } else localised.push(-1);
      }
      const results = localiseFrames(inputs);
      for (const [i, id] of localised.entries()) {
        const result = results[i];
        if (id >= 0 && result !== undefined) found.set(id, result);
      }
      done += window.length;
    }
  }
  hooks.onProgress?.({ phase: 'localise', done, total, unit: 'images' });
  return found;
}

/** Null for a file that cannot be read or decoded: analysis then records the error for that frame, as always. */
async function sampleOf(ctx: CoreContext, row: CameraRow): Promise<FrameSample | null> {
  try {
    return await sampleFrame(await readMediaFile(row));
  } catch (error) {
    if (isEngineError(error) || (error as NodeJS.ErrnoException).code !== undefined) {
      ctx.log.debug(`localisation skips ${row.path}: ${messageOf(error)}`);
      return null;
    }
    throw error;
  }
}
