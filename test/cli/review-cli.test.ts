import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_MATCH_HELP } from '../../electron/core/api';
import { dataPaths } from '../../electron/core/data-paths';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { REVIEW_LEGEND } from '../../renderer/src/lib/keys';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/** `tigerid review`: X means what it means in the app, "none of these candidates", in the same words. */
describe('tigerid review: X', () => {
  const dir = tempDir('tigerid-review-cli-');
  const data = join(dir.path, 'data');
  const env = { TIGERID_REVIEWER: 'cli-ranger' };

  beforeAll(async () => {
    const folder = join(dir.path, 'sdcard');
    mkdirSync(folder);
    // a: tiger 1, decided as a new individual; b: tiger 1 again, so tiger 1 is its top candidate.
    writeFileSync(join(folder, 'a.jpg'), await syntheticTigerPhoto(1, 0));
    writeFileSync(join(folder, 'b.jpg'), await syntheticTigerPhoto(1, 1));
    expect((await runCli(['import', folder, '--data', data], env)).code).toBe(0);
    const opened = await runCli(['decide', '1', 'new-individual', '--name', 'Sita', '--data', data], env);
    expect(opened.code, opened.stderr).toBe(0);
  });
  afterAll(() => dir.cleanup());

  it('records a not-a-match that names no candidate, and explains X as the app’s legend does', async () => {
    const review = await runCli(['review', '--data', data], env, 'x\n');
    expect(review.code, review.stderr).toBe(0);
    // The candidate list was shown with Sita on top: X still rejects all of them, not Sita alone.
    expect(review.stdout).toMatch(/^1 +T-0001 +Sita /m);
    expect(review.stdout).toMatch(/recorded decision \d+ \(no-match\)/);
    expect(review.stdout).toContain(`X  ${NO_MATCH_HELP}`);
    expect(REVIEW_LEGEND).toContainEqual({ keys: ['X'], action: NO_MATCH_HELP });

    const db = new Database(dataPaths(data).database, { readonly: true, fileMustExist: true });
    try {
      expect(
        db
          .prepare("SELECT detection_id, individual_id, reviewer FROM decisions WHERE verdict = 'no-match'")
          .all(),
      ).toEqual([{ detection_id: 2, individual_id: null, reviewer: 'cli-ranger' }]);
    } finally {
      db.close();
    }
  });
});
