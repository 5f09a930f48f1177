import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { findEntry, loadManifest } from '../../electron/core/inference/manifest';
import { runCli } from '../support/run-cli';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';
import { tempDir } from '../support/temp-dir';

/**
 * The loop of identify-pipeline.test.ts with ALIKE installed (`models import alike-t.pth`): every detection gets
 * learned features stored under the converted file's hash, identification fuses them with the stripe matcher, and
 * features of another file of the model are never compared.
 */
describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `identification with learned local features${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    const dir = tempDir('tigerid-alike-pipeline-');
    const data = join(dir.path, 'data');
    const cli = (...argv: string[]) => runCli([...argv, '--data', data], { TIGERID_REVIEWER: 'test-ranger' });
    const hash = findEntry(loadManifest(), 'alike-t').sha256 as string;
    const INDIVIDUALS = [1, 2, 3];

    beforeAll(async () => {
      for (const individual of INDIVIDUALS) {
        const folder = join(dir.path, 'sdcard', `cam-${individual}`);
        mkdirSync(folder, { recursive: true });
        for (const view of [0, 1]) {
          writeFileSync(
            join(folder, `t${individual}-v${view}.jpg`),
            await syntheticTigerPhoto(individual, view),
          );
        }
      }
      writeFileSync(join(dir.path, 'query.jpg'), await syntheticTigerPhoto(2, 7));
    });
    afterAll(() => dir.cleanup());

    it('describes every detection with the installed ALIKE and identifies with it, fused with the stripes', async () => {
      const installed = await cli(
        'models',
        'import',
        join(ALIKE_WEIGHTS_DIR, 'alike-t.pth'),
        '--as',
        'alike-t',
      );
      expect(installed.code, installed.stderr).toBe(0);
      const imported = await cli('import', join(dir.path, 'sdcard'), '--station', 'Camera 3');
      expect(imported.code, imported.stderr).toBe(0);
      const db = new Database(join(data, 'gallery.sqlite'), { readonly: true });
      const rows = db
        .prepare(
          `SELECT model_id, model_hash, COUNT(*) AS n FROM embeddings GROUP BY model_id, model_hash ORDER BY model_id`,
        )
        .all();
      db.close();
      expect(rows).toEqual([
        { model_id: 'alike-t', model_hash: hash, n: 6 },
        { model_id: 'builtin-stripes', model_hash: expect.any(String), n: 6 },
      ]);
      for (const [i, individual] of INDIVIDUALS.entries()) {
        expect(
          (await cli('decide', String(i * 2 + 1), 'new-individual', '--name', `Tiger ${individual}`)).code,
        ).toBe(0);
        expect((await cli('decide', String(i * 2 + 2), 'match', `Tiger ${individual}`)).code).toBe(0);
      }
      const found = await cli('identify', join(dir.path, 'query.jpg'), '--json');
      expect(found.code, found.stderr).toBe(0);
      const [animal] = JSON.parse(found.stdout);
      expect(animal.candidates[0].name).toBe('Tiger 2');
      expect(animal.candidates[0].scores['alike-t']).toBeGreaterThan(0.5);
      expect(animal.candidates[0].scores['builtin-stripes']).toBeGreaterThan(0);
      expect(animal.modelVersions['alike-t']).toBe(hash);
    });

    it('never compares features of another file of the model (a gallery described before an upgrade)', async () => {
      const db = new Database(join(data, 'gallery.sqlite'));
      db.prepare(`UPDATE embeddings SET model_hash = 'older' WHERE model_id = 'alike-t'`).run();
      db.close();
      const found = await cli('identify', join(dir.path, 'query.jpg'), '--json');
      expect(found.code, found.stderr).toBe(0);
      const [animal] = JSON.parse(found.stdout);
      expect(animal.candidates[0].scores['alike-t']).toBeUndefined();
      expect(animal.modelVersions['alike-t']).toBeUndefined();
    });
  },
);
