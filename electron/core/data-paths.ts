import { join } from 'node:path';

/** Where one gallery keeps its files. Everything lives under one data folder so it can be backed up or moved whole. */
export interface DataPaths {
  root: string;
  database: string;
  thumbnails: string;
  models: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    database: join(root, 'gallery.sqlite'),
    thumbnails: join(root, 'thumbnails'),
    models: join(root, 'models'),
  };
}
