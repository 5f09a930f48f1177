import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, type CoreContext } from '../../electron/core/context';

/** A gallery in its own temp folder; `cleanup` closes it and removes the folder. */
export function tempCore(now?: () => Date): CoreContext & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tigerid-test-'));
  const core = openCore({ dataDir: dir, ...(now ? { now } : {}) });
  return {
    ...core,
    cleanup: () => {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a media row and one detection directly, for gallery tests that need detections but no images. */
export function insertDetection(
  core: CoreContext,
  key: string,
  flank: 'left' | 'right' | 'unknown' = 'unknown',
): number {
  const now = core.now().toISOString();
  const media = core.db
    .prepare(
      `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
       VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?)`,
    )
    .run(key.padEnd(64, '0'), `/photos/${key}.jpg`, `${key}.jpg`, now);
  const detection = core.db
    .prepare(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, flank, created_at)
       VALUES (?, 0, 0, 1, 1, NULL, 'whole-frame', ?, ?)`,
    )
    .run(media.lastInsertRowid, flank, now);
  return Number(detection.lastInsertRowid);
}
