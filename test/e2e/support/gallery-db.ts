import Database from 'better-sqlite3';
import { dataPaths } from '../../../electron/core/data-paths';

/**
 * Opens the gallery database of a data folder that `tigerid serve` is using, runs `use` on it and closes it again:
 * how e2e tests check what the UI stored (read-only), or set up what a camera would have written (`write`).
 */
export function withGallery<T>(
  dataDir: string,
  use: (db: Database.Database) => T,
  options: { write?: boolean } = {},
): T {
  const db = new Database(dataPaths(dataDir).database, {
    readonly: options.write !== true,
    fileMustExist: true,
  });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Detection ids by their frame's file name less `.jpg` (frames of one detection each, as the e2e cards make). */
export function detectionsByFile(db: Database.Database): Map<string, number> {
  const rows = db
    .prepare('SELECT d.id, m.file_name FROM detections d JOIN media m ON m.id = d.media_id')
    .all() as { id: number; file_name: string }[];
  return new Map(rows.map((r) => [r.file_name.replace('.jpg', ''), r.id]));
}

/** Sets frames' capture times (file name -> ISO time), as their camera's clock would have written them. */
export function setCaptureTimes(db: Database.Database, times: Record<string, string>): void {
  const setTime = db.prepare('UPDATE media SET captured_at = ? WHERE file_name = ?');
  for (const [file, time] of Object.entries(times)) setTime.run(time, file);
}
