import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../electron/core/data-paths';
import { writeCard } from '../support/camera-frames';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/** `tigerid review` E and O with undo, then `tigerid frames` listing the empties and pulling them back. */
describe('tigerid review: empty frame and not a tiger; tigerid frames empty / restore', () => {
  const temp = tempDir('tigerid-review-empty-other-');
  const data = join(temp.path, 'data');
  const env = { TIGERID_REVIEWER: 'ranger-b' };
  const read = <T>(sql: string, ...params: unknown[]): T => {
    const db = new Database(dataPaths(data).database, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T;
    } finally {
      db.close();
    }
  };
  const frame = (file: string) =>
    read<{ id: number; content: string; source: string; label: string | null; species: string | null }[]>(
      `SELECT m.id, m.content, m.content_source AS source, d.label, d.species
         FROM media m LEFT JOIN detections d ON d.media_id = m.id WHERE m.file_name = ?`,
      file,
    )[0]!;

  beforeAll(async () => {
    await writeCard(join(temp.path, 'card'));
    const imported = await runCli(['import', join(temp.path, 'card'), '--station', 'Ridge', '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);
  afterAll(() => temp.cleanup());

  it('E sets the shown frame aside, O asks the species, U undoes the last mark', async () => {
    const review = await runCli(['review', '--data', data], env, 'e\no\nPanthera pardus\nu\nq\n');
    expect(review.code, review.stderr).toBe(0);
    expect(review.stdout).toContain('E    Empty frame (no animal)');
    expect(review.stdout).toMatch(/set frame \d+ aside as empty \(mark \d+\): no animal in it\./);
    expect(review.stdout).toMatch(/marked not a tiger \(Panthera pardus\) \(mark \d+\)\./);
    expect(review.stdout).toMatch(/undid mark \d+ \(not a tiger\); back to detection \d+\./);
    expect(frame('animal-0.jpg')).toMatchObject({ content: 'empty', source: 'reviewer', label: 'animal' });
    expect(frame('animal-1.jpg')).toMatchObject({ content: 'animal', label: 'animal', species: null });
    expect(
      read<{ reviewer: string; undone_by: string | null }[]>(
        'SELECT reviewer, undone_by FROM content_marks ORDER BY id',
      ),
    ).toEqual([
      { reviewer: 'ranger-b', undone_by: null },
      { reviewer: 'ranger-b', undone_by: 'ranger-b' },
    ]);

    // Enter at the species prompt: an animal that is not a tiger, species not known.
    const again = await runCli(['review', '--data', data], env, 'o\n\nq\n');
    expect(again.stdout).toContain('2 encounter(s) to review');
    expect(again.stdout).toMatch(/marked not a tiger \(mark \d+\)\./);
    expect(frame('animal-1.jpg')).toMatchObject({ label: 'other', species: null });
  });

  it('frames empty lists the 7 empties, who set each aside; frames restore pulls back by file or id', async () => {
    const listed = await runCli(['frames', 'empty', '--data', data]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^media\s+set aside by\s+station\s+taken\s+file$/m);
    expect(listed.stdout).toMatch(/\breviewer\s+Ridge\s+\S+\s+\S*animal-0\.jpg$/m);
    expect(listed.stdout.match(/\banalysis\s+Ridge/g)).toHaveLength(6);
    expect(listed.stdout).toContain('7 frame(s) set aside as empty.');
    const json = JSON.parse((await runCli(['frames', '--json', '--limit', '2', '--data', data])).stdout) as {
      total: number;
      items: unknown[];
    };
    expect(json.total).toBe(7);
    expect(json.items).toHaveLength(2);

    const back = await runCli(['frames', 'restore', 'animal-0.jpg', '--data', data], env);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/Frame \d+ is back in Review with 1 detection\(s\)/);
    expect(frame('animal-0.jpg')).toMatchObject({ content: 'animal', source: 'localisation' });

    const blank = frame('blank-0.jpg');
    const pulled = await runCli(['frames', 'restore', String(blank.id), '--data', data, '--json'], env);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toEqual({ mediaId: blank.id, detections: 1 });
    expect(frame('blank-0.jpg')).toMatchObject({ content: 'unknown', source: 'reviewer', label: 'animal' });
    expect(JSON.parse((await runCli(['frames', '--json', '--data', data])).stdout).total).toBe(5);
  });

  it('says clearly what is wrong', async () => {
    const notEmpty = await runCli(['frames', 'restore', 'animal-2.jpg', '--data', data]);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/was not set aside as empty \[CONFLICT\]/);
    const missing = await runCli(['frames', 'restore', 'nope.jpg', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No frame "nope.jpg" in the gallery\. \[NOT_FOUND\]/);
    const usage = await runCli(['frames', 'restore', '--data', data]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('frames restore <media-id | file>');
    const badLimit = await runCli(['frames', '--limit', '0', '--data', data]);
    expect(badLimit.code).toBe(2);
  });
});
