import { mkdirSync } from 'node:fs';
import { dataPaths, type DataPaths } from './data-paths';
import { openGalleryDatabase, type GalleryDatabase } from './db/open';
import { silentLogger, type Logger } from './log';

/**
 * What every core operation receives: the open gallery, where its files live, a logger and a clock.
 * Built once per process by a door (CLI, Electron main, HTTP bridge, test) and passed in, never imported globally.
 */
export interface CoreContext {
  db: GalleryDatabase;
  paths: DataPaths;
  log: Logger;
  now: () => Date;
}

export interface OpenCoreOptions {
  dataDir: string;
  log?: Logger;
  now?: () => Date;
}

export function openCore(options: OpenCoreOptions): CoreContext & { close(): void } {
  const paths = dataPaths(options.dataDir);
  mkdirSync(paths.root, { recursive: true });
  const db = openGalleryDatabase(paths.database);
  return {
    db,
    paths,
    log: options.log ?? silentLogger,
    now: options.now ?? (() => new Date()),
    close: () => db.close(),
  };
}
