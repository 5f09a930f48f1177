import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../electron/core/importing/import-folder';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

/** Real tiger photos from the ATRW data set, present beside the repository as ../shared on our machines. */
const ATRW_IMAGES = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'atrw-reid', 'images');
const present = existsSync(ATRW_IMAGES);

describe.skipIf(!present)(
  present
    ? 'importing real ATRW photos'
    : `importing real ATRW photos (skipped: ../shared is absent, no ${ATRW_IMAGES})`,
  () => {
    let core: ReturnType<typeof tempCore>;
    let folder: ReturnType<typeof tempDir>;

    beforeAll(() => {
      core = tempCore();
      folder = tempDir('tigerid-atrw-');
      // Links, not copies: the importer follows them and the shared data is never written.
      const names = readdirSync(ATRW_IMAGES)
        .filter((n) => n.endsWith('.jpg'))
        .sort()
        .slice(0, 30);
      mkdirSync(join(folder.path, 'cam'), { recursive: true });
      for (const name of names) symlinkSync(join(ATRW_IMAGES, name), join(folder.path, 'cam', name));
    });
    afterAll(() => {
      core.cleanup();
      folder.cleanup();
    });

    it('imports 30 photos with no failures', async () => {
      const summary = await importFolder(core, { folder: folder.path, station: 'ATRW' });
      expect(summary.failed).toEqual([]);
      expect(summary.imported + summary.duplicates).toBe(30);
      const rows = core.db.prepare('SELECT width, height, format FROM media').all() as {
        width: number;
        height: number;
        format: string;
      }[];
      expect(rows.length).toBe(summary.imported);
      expect(rows.every((r) => r.format === 'jpeg' && r.width >= 32 && r.height >= 32)).toBe(true);
    });
  },
);
