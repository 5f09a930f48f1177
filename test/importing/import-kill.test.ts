import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../electron/core/data-paths';
import { writeCorpus, type Corpus } from '../support/import-corpus';
import { tempDir } from '../support/temp-dir';

const REPO = join(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'import-child.ts');

function startImport(dataDir: string, folder: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, folder, 'Camera 7'], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

/** Files recorded so far, read from another connection while the child writes (WAL allows it); -1 before the schema exists. */
function recordedFiles(database: string): number {
  if (!existsSync(database)) return -1;
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM import_files').pluck().get() as number;
  } catch {
    return -1;
  } finally {
    db.close();
  }
}

/** Everything an import writes, in a form two galleries can be compared by (timestamps left out). */
function snapshot(dataDir: string) {
  const db = new Database(dataPaths(dataDir).database, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeyProblems: db.pragma('foreign_key_check'),
      media: db
        .prepare(
          `SELECT m.id, sha256, path, hex(path_raw) AS path_raw, file_name, byte_size, width, height, format,
             captured_at, m.latitude, m.longitude, camera_make, camera_model, camera_serial, s.name AS station,
             thumbnail_path
           FROM media m LEFT JOIN stations s ON s.id = m.station_id ORDER BY m.id`,
        )
        .all(),
      importFiles: db
        .prepare(
          `SELECT f.path, f.status, m.sha256, f.error_code, f.error
           FROM import_files f LEFT JOIN media m ON m.id = f.media_id ORDER BY f.path`,
        )
        .all(),
      jobs: db.prepare('SELECT kind, idempotency_key, state, result FROM jobs').all(),
      stations: db.prepare('SELECT name FROM stations').all(),
    };
  } finally {
    db.close();
  }
}

describe('an import killed with SIGKILL', () => {
  let photos: ReturnType<typeof tempDir>;
  let killedDir: ReturnType<typeof tempDir>;
  let cleanDir: ReturnType<typeof tempDir>;
  let corpus: Corpus;

  beforeEach(async () => {
    photos = tempDir('tigerid-photos-');
    killedDir = tempDir('tigerid-killed-');
    cleanDir = tempDir('tigerid-clean-');
    corpus = await writeCorpus(photos.path, 30);
  });
  afterEach(() => {
    photos.cleanup();
    killedDir.cleanup();
    cleanDir.cleanup();
  });

  it('resumes to the same gallery as an uninterrupted import: nothing lost, nothing duplicated', async () => {
    const total = corpus.good.length + 1 + Object.keys(corpus.failures).length;
    const database = dataPaths(killedDir.path).database;

    // 1. Start an import and kill it hard once some, but not all, files are recorded.
    const child = startImport(killedDir.path, photos.path, { TIGERID_TEST_FILE_DELAY_MS: '60' });
    const exit = exited(child);
    let atKill = -1;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      atKill = recordedFiles(database);
      if (atKill >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(child.exitCode, 'the child finished before it could be killed').toBeNull();
    // A random extra moment, so runs kill inside a decode, a thumbnail write or a commit, not always the stall.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    child.kill('SIGKILL');
    const killed = await exit;
    expect(killed.signal).toBe('SIGKILL');

    const partial = snapshot(killedDir.path);
    expect(partial.importFiles.length).toBeGreaterThanOrEqual(5);
    expect(partial.importFiles.length).toBeLessThan(total);
    expect(partial.jobs).toMatchObject([{ state: 'running' }]);
    expect(partial.integrity).toBe('ok');

    // 2. Run the same import again, to completion.
    const resumed = await exited(startImport(killedDir.path, photos.path));
    expect(resumed.code, resumed.stderr).toBe(0);

    // 3. An uninterrupted import of the same folder into a fresh gallery.
    const clean = await exited(startImport(cleanDir.path, photos.path));
    expect(clean.code, clean.stderr).toBe(0);

    const after = snapshot(killedDir.path);
    const reference = snapshot(cleanDir.path);
    expect(after.integrity).toBe('ok');
    expect(after.foreignKeyProblems).toEqual([]);
    expect(after.media).toHaveLength(corpus.good.length);
    expect(new Set(after.media.map((m) => (m as { sha256: string }).sha256)).size).toBe(corpus.good.length);
    expect(after.importFiles).toHaveLength(total);
    // Same rows, same ids, same file log, same job outcome: the kill left no trace.
    expect(after.media).toEqual(reference.media);
    expect(after.importFiles).toEqual(reference.importFiles);
    expect(after.jobs).toEqual(reference.jobs);
    expect(after.stations).toEqual([{ name: 'Camera 7' }]);

    // Every thumbnail named in the database is a whole, decodable JPEG.
    for (const row of after.media as { thumbnail_path: string }[]) {
      const metadata = await sharp(join(killedDir.path, row.thumbnail_path)).metadata();
      expect(metadata.format).toBe('jpeg');
    }
  }, 120_000);
});
