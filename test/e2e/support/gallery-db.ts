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
