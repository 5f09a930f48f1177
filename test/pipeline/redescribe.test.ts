import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { findEntry, loadManifest } from '../../electron/core/inference/manifest';
import { runCli, TIGERID_BIN } from '../support/run-cli';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';
import { tempDir } from '../support/temp-dir';

/**
 * A gallery built before ALIKE was installed, described with it afterwards by `tigerid models redescribe`: the run
 * is killed (SIGKILL) midway and started again, and every detection ends up described exactly once. Then an upgrade
 * (features stored under an older file of the model) is described again, the older features replaced.
 */
describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `describing an existing gallery again${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    const dir = tempDir('tigerid-redescribe-');
    const data = join(dir.path, 'data');
    const cli = (...argv: string[]) => runCli([...argv, '--data', data]);
    const hash = findEntry(loadManifest(), 'alike-t').sha256 as string;
    const PHOTOS = 10;
    const rows = () => {
      const db = new Database(join(data, 'gallery.sqlite'), { readonly: true });
      try {
        return db
          .prepare(
            `SELECT detection_id, model_hash, created_at, hex(vector) AS vector FROM embeddings WHERE model_id = 'alike-t' ORDER BY detection_id`,
          )
          .all() as { detection_id: number; model_hash: string; created_at: string; vector: string }[];
      } finally {
        db.close();
      }
    };

    beforeAll(async () => {
      const folder = join(dir.path, 'sdcard');
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < PHOTOS; i += 1)
        writeFileSync(join(folder, `t${i}.jpg`), await syntheticTigerPhoto(i + 1, 0));
      const imported = await cli('import', folder);
      expect(imported.code, imported.stderr).toBe(0);
      const installed = await cli(
        'models',
        'import',
        join(ALIKE_WEIGHTS_DIR, 'alike-t.pth'),
        '--as',
        'alike-t',
      );
      expect(installed.code, installed.stderr).toBe(0);
    });
    afterAll(() => dir.cleanup());

    it('resumes after being killed midway, describing every detection once', async () => {
      expect(rows()).toEqual([]);
      const child = spawn(process.execPath, [TIGERID_BIN, 'models', 'redescribe', '--data', data], {
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      // Killed once a few detections are stored, as a crash or a closed laptop would stop it.
      while (rows().length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const before = rows();
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before.length).toBeLessThan(PHOTOS);

      const resumed = await cli('models', 'redescribe', '--json');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        modelId: 'alike-t',
        described: PHOTOS - before.length,
        alreadyDone: before.length,
        failed: [],
      });
      const after = rows();
      expect(after.map((r) => r.detection_id)).toEqual(Array.from({ length: PHOTOS }, (_, i) => i + 1));
      expect(after.every((r) => r.model_hash === hash)).toBe(true);
      // What the killed run stored was kept, not described again.
      for (const row of before) expect(after.find((r) => r.detection_id === row.detection_id)).toEqual(row);

      const again = await cli('models', 'redescribe');
      expect(again.stdout).toBe(`Described 0 detection(s) with alike-t; ${PHOTOS} already were.\n`);
    }, 120_000);

    it('describes again what an older file of the model described, replacing it', async () => {
      const db = new Database(join(data, 'gallery.sqlite'));
      db.prepare(
        `UPDATE embeddings SET model_hash = 'older' WHERE model_id = 'alike-t' AND detection_id <= 4`,
      ).run();
      db.close();
      const run = await cli('models', 'redescribe', '--json');
      expect(JSON.parse(run.stdout)).toMatchObject({ described: 4, alreadyDone: PHOTOS - 4 });
      const after = rows();
      expect(after).toHaveLength(PHOTOS);
      expect(after.filter((r) => r.model_hash !== hash)).toEqual([]);
    }, 60_000);
  },
);
