import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../electron/core/data-paths';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

describe('tigerid review, a burst as one item', () => {
  const temp = tempDir('tigerid-review-encounter-');
  afterAll(() => temp.cleanup());
  const data = join(temp.path, 'data');

  it('decides the 3 frames of a burst with one answer, and u undoes all 3', async () => {
    const card = join(temp.path, 'card');
    mkdirSync(card);
    for (let i = 0; i < 3; i++) writeFileSync(join(card, `f${i}.jpg`), await syntheticTigerPhoto(7, i));
    const imported = await runCli(['import', card, '--station', 'C7', '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
    const db = new Database(dataPaths(data).database);
    try {
      const setTime = db.prepare('UPDATE media SET captured_at = ? WHERE file_name = ?');
      for (let i = 0; i < 3; i++) setTime.run(`2026-05-01T02:00:0${i * 3}.000Z`, `f${i}.jpg`);
    } finally {
      db.close();
    }
    const active = () => {
      const d = new Database(dataPaths(data).database, { readonly: true });
      try {
        return d
          .prepare('SELECT verdict, batch_id FROM decisions WHERE undone_at IS NULL ORDER BY id')
          .all() as { verdict: string; batch_id: number | null }[];
      } finally {
        d.close();
      }
    };

    const review = await runCli(['review', '--data', data], { TIGERID_REVIEWER: 'ranger' }, 'n\nq\n');
    expect(review.code, review.stderr).toBe(0);
    expect(review.stdout).toContain('1 encounter(s) to review (3 detection(s)).');
    expect(review.stdout).toContain('(encounter of 3 frames, one decision for all)');
    expect(review.stdout).toMatch(/recorded decision \d+ \(new-individual\) for all 3 frames/);
    const decided = active();
    expect(decided.map((d) => d.verdict)).toEqual(['new-individual', 'match', 'match']);
    expect(new Set(decided.map((d) => d.batch_id)).size).toBe(1);

    const again = await runCli(['review', '--data', data], { TIGERID_REVIEWER: 'ranger' }, 'q\n');
    expect(again.stdout).toMatch(/^Nothing to review/);

    // Undo within a session undoes the whole encounter.
    const db2 = new Database(dataPaths(data).database);
    db2.prepare('UPDATE decisions SET undone_at = ?, undone_by = ?').run('2026-05-02T00:00:00Z', 'test');
    db2.close();
    const undone = await runCli(['review', '--data', data], { TIGERID_REVIEWER: 'ranger' }, 'c\nu\nq\n');
    expect(undone.stdout).toMatch(/undid decision \d+ and its encounter \(3 frames\)/);
    expect(active()).toEqual([]);
  });
});
