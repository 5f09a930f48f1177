import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { importFolder, type ImportFileResult } from '../../electron/core/importing/import-folder';
import type { ProgressEvent } from '../../electron/core/progress';
import * as fixtures from '../support/image-fixtures';
import { writeCorpus, type Corpus } from '../support/import-corpus';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';
import { InvalidArgument } from '../../electron/core/validate';

interface MediaRow {
  id: number;
  sha256: string;
  path: string;
  path_raw: Buffer | null;
  file_name: string;
  width: number;
  height: number;
  format: string;
  captured_at: string | null;
  latitude: number | null;
  longitude: number | null;
  camera_make: string | null;
  camera_model: string | null;
  camera_serial: string | null;
  station_id: number | null;
  thumbnail_path: string | null;
}

interface ImportFileRow {
  path: string;
  status: string;
  media_id: number | null;
  error_code: string | null;
  error: string | null;
}

describe('importFolder', () => {
  let core: ReturnType<typeof tempCore>;
  let photos: ReturnType<typeof tempDir>;
  let corpus: Corpus;
  const abs = (relative: string) => join(photos.path, relative);

  beforeEach(async () => {
    core = tempCore();
    photos = tempDir('tigerid-photos-');
    corpus = await writeCorpus(photos.path);
  });
  afterEach(() => {
    core.cleanup();
    photos.cleanup();
  });

  const media = () => core.db.prepare('SELECT * FROM media ORDER BY id').all() as MediaRow[];
  const mediaByPath = (relative: string) =>
    core.db.prepare('SELECT * FROM media WHERE path = ?').get(abs(relative)) as MediaRow | undefined;
  const importFiles = () =>
    core.db.prepare('SELECT * FROM import_files ORDER BY path').all() as ImportFileRow[];

  it('imports the good files and reports exactly one clear error per bad file, without crashing', async () => {
    const files: ImportFileResult[] = [];
    const summary = await importFolder(
      core,
      { folder: photos.path, station: 'North ridge' },
      { onFile: (result) => files.push(result) },
    );

    expect(summary.completed).toBe(true);
    expect(summary.imported).toBe(corpus.good.length);
    expect(summary.duplicates).toBe(1);
    expect(summary.found).toBe(corpus.good.length + 1 + Object.keys(corpus.failures).length);
    expect(summary.skipped).toEqual({
      hidden: corpus.hidden,
      notImages: corpus.notImages,
      alreadyRecorded: 0,
    });
    expect(summary.mediaIds).toHaveLength(corpus.good.length);

    // One failure per bad file, each with its specific code and reason.
    expect(summary.failed.map((f) => f.path).sort()).toEqual(Object.keys(corpus.failures).map(abs).sort());
    for (const failure of summary.failed) {
      const expected = corpus.failures[failure.path.slice(photos.path.length + 1)];
      expect(failure.code, failure.path).toBe(expected?.code);
      expect(failure.message, failure.path).toMatch(expected?.message ?? /never/);
    }

    // Every good file is a media row with a thumbnail on disk.
    const rows = media();
    expect(rows).toHaveLength(corpus.good.length);
    for (const row of rows) {
      expect(row.thumbnail_path).toMatch(/^thumbnails\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/);
      const thumbnail = await sharp(join(core.paths.root, row.thumbnail_path ?? '')).metadata();
      expect(Math.max(thumbnail.width, thumbnail.height)).toBeLessThanOrEqual(320);
    }
    expect(new Set(rows.map((r) => r.sha256)).size).toBe(rows.length);

    // The file log has one row per candidate file, matching the per-file callbacks.
    const logged = importFiles();
    expect(logged).toHaveLength(summary.found);
    expect(files.map((f) => f.path).sort()).toEqual(logged.map((r) => r.path).sort());
    expect(
      logged
        .filter((r) => r.status === 'failed')
        .every((r) => r.error_code && r.error && r.media_id === null),
    ).toBe(true);

    // The job is done, with totals.
    const job = core.db.prepare('SELECT kind, state, attempts, result FROM jobs').all();
    expect(job).toEqual([
      {
        kind: 'import',
        state: 'done',
        attempts: 1,
        result: JSON.stringify({ imported: corpus.good.length, duplicate: 1, failed: 7 }),
      },
    ]);
  });

  it('stores oriented dimensions and formats from content', async () => {
    await importFolder(core, { folder: photos.path });
    for (let o = 1; o <= 8; o++) {
      expect(mediaByPath(`orient/o${o}.jpg`), `orientation ${o}`).toMatchObject({ width: 64, height: 40 });
    }
    // The thumbnail is upright too: its top-left corner is the red marker whatever the stored orientation.
    const o6 = mediaByPath('orient/o6.jpg');
    const { data, info } = await sharp(join(core.paths.root, o6?.thumbnail_path ?? ''))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(
      fixtures.near(
        fixtures.pixelAt({ data, width: info.width, channels: info.channels }, 3, 3),
        fixtures.COLOURS.RED,
      ),
    ).toBe(true);

    expect(mediaByPath('good/a.jpg')).toMatchObject({
      width: 640,
      height: 480,
      format: 'jpeg',
      file_name: 'a.jpg',
    });
    expect(mediaByPath('good/b.png')).toMatchObject({ width: 300, height: 200, format: 'png' });
    expect(mediaByPath('good/c.tif')).toMatchObject({ width: 200, height: 150, format: 'tiff' });
    expect(mediaByPath('good/cmyk.jpg')).toMatchObject({ width: 120, height: 90, format: 'jpeg' });
    expect(mediaByPath('good/deep.png')).toMatchObject({ width: 128, height: 96, format: 'png' });
    expect(mediaByPath('good/png-named.JPG')).toMatchObject({ format: 'png' });
  });

  it('stores EXIF time, place and camera, and the station created on first use', async () => {
    await importFolder(core, { folder: photos.path, station: 'North ridge' });
    const row = mediaByPath('good/exif.jpg');
    expect(row).toMatchObject({
      captured_at: '2023-11-02T05:41:09',
      camera_make: 'RECONYX',
      camera_model: 'HyperFire 2',
      camera_serial: 'H2X-0042',
    });
    expect(row?.latitude).toBeCloseTo(21.5, 5);
    expect(row?.longitude).toBeCloseTo(79.25, 5);
    expect(mediaByPath('good/a.jpg')).toMatchObject({ captured_at: null, latitude: null, camera_make: null });

    const stations = core.db.prepare('SELECT id, name FROM stations').all() as { id: number; name: string }[];
    expect(stations.map((s) => s.name)).toEqual(['North ridge']);
    expect(new Set(media().map((m) => m.station_id))).toEqual(new Set([stations[0]?.id]));
  });

  it('imports a file whose name is not UTF-8, keeping the raw bytes to reopen it', async () => {
    await importFolder(core, { folder: photos.path });
    const row = mediaByPath(corpus.nonUtf8.display);
    expect(row).toBeDefined();
    expect(row?.file_name).toBe(corpus.nonUtf8.display);
    const raw = Buffer.concat([Buffer.from(`${photos.path}/`), corpus.nonUtf8.relativeBytes]);
    expect(row?.path_raw?.equals(raw)).toBe(true);
    // The stored bytes open the file; UTF-8 names store no raw bytes.
    expect(readFileSync(row?.path_raw ?? '').length).toBeGreaterThan(0);
    expect(mediaByPath('good/a.jpg')?.path_raw).toBeNull();
  });

  it('reports a duplicate of a file already in the gallery as a duplicate, not an error', async () => {
    await importFolder(core, { folder: photos.path });
    const original = mediaByPath('good/a.jpg');
    const copy = importFiles().find((r) => r.path === abs('zz-copies/copy-of-a.jpg'));
    expect(copy).toMatchObject({ status: 'duplicate', media_id: original?.id, error_code: null });

    // A second folder holding a known photo: duplicate of the existing row.
    const other = tempDir('tigerid-photos-');
    try {
      writeFileSync(join(other.path, 'again.jpg'), readFileSync(abs('good/b.png')));
      const summary = await importFolder(core, { folder: other.path });
      expect(summary).toMatchObject({ imported: 0, duplicates: 1, failed: [] });
      expect(media()).toHaveLength(corpus.good.length);
    } finally {
      other.cleanup();
    }
  });

  it('skips settled files when run again, retries failed ones, and picks up new files', async () => {
    const first = await importFolder(core, { folder: photos.path });
    writeFileSync(abs('good/late.jpg'), await fixtures.jpeg(320, 240, 77));
    // The user fixes one broken file.
    writeFileSync(abs('bad/notes.jpg'), await fixtures.jpeg(200, 200, 78));

    const second = await importFolder(core, { folder: photos.path });
    expect(second.jobId).toBe(first.jobId);
    expect(second.imported).toBe(2);
    expect(second.duplicates).toBe(0);
    expect(second.failed).toHaveLength(6);
    expect(second.skipped.alreadyRecorded).toBe(corpus.good.length + 1);
    expect(media()).toHaveLength(corpus.good.length + 2);
    expect(importFiles().find((r) => r.path === abs('bad/notes.jpg'))).toMatchObject({
      status: 'imported',
      error_code: null,
      error: null,
    });
    expect(core.db.prepare('SELECT attempts, state FROM jobs').get()).toEqual({ attempts: 2, state: 'done' });
  });

  it('stops at a file boundary on abort and resumes to the same result', async () => {
    const controller = new AbortController();
    let seen = 0;
    const first = await importFolder(
      core,
      { folder: photos.path },
      {
        signal: controller.signal,
        onFile: () => {
          seen += 1;
          if (seen === 3) controller.abort();
        },
      },
    );
    expect(first.completed).toBe(false);
    const settledFirst = importFiles().length;
    // Files already being decoded when the signal came are still finished and recorded; no new ones start.
    expect(settledFirst).toBeGreaterThanOrEqual(3);
    expect(settledFirst).toBeLessThan(first.found);
    expect(core.db.prepare('SELECT state, last_error FROM jobs').get()).toEqual({
      state: 'pending',
      last_error: `Stopped after ${settledFirst} of ${first.found} files; run the same import to resume.`,
    });

    const second = await importFolder(core, { folder: photos.path });
    expect(second.completed).toBe(true);
    expect(first.imported + second.imported).toBe(corpus.good.length);
    expect(first.duplicates + second.duplicates).toBe(1);
    expect(importFiles()).toHaveLength(first.found);
    expect(media()).toHaveLength(corpus.good.length);
    expect(core.db.prepare('SELECT state FROM jobs').pluck().get()).toBe('done');
  });

  it('reports progress: scan, then import with done counting up to total', async () => {
    const events: ProgressEvent[] = [];
    const summary = await importFolder(core, { folder: photos.path }, { onProgress: (e) => events.push(e) });
    expect(events[0]).toEqual({ phase: 'scan', done: 0, total: undefined, unit: 'images' });
    const imports = events.filter((e) => e.phase === 'import');
    expect(events.findIndex((e) => e.phase === 'import')).toBeGreaterThan(
      events.findLastIndex((e) => e.phase === 'scan'),
    );
    expect(imports).toHaveLength(summary.found + 1);
    expect(imports.map((e) => e.done)).toEqual([...Array(summary.found + 1).keys()]);
    expect(imports.every((e) => e.total === summary.found && e.unit === 'images')).toBe(true);
  });

  // Root reads everything, so permissions cannot make a file unreadable there.
  it.skipIf(process.getuid?.() === 0)(
    'reports an unreadable file and an unlistable folder, and goes on (skipped when run as root)',
    async () => {
      chmodSync(abs('good/b.png'), 0o000);
      chmodSync(abs('orient'), 0o000);
      try {
        const summary = await importFolder(core, { folder: photos.path });
        expect(summary.completed).toBe(true);
        expect(summary.failed).toContainEqual({
          path: abs('good/b.png'),
          code: 'FILE_UNREADABLE',
          message: 'The file cannot be read: permission denied.',
        });
        expect(summary.failed).toContainEqual({
          path: abs('orient'),
          code: 'FILE_UNREADABLE',
          message: 'Cannot list the folder: permission denied.',
        });
        expect(summary.imported).toBe(corpus.good.length - 1 - 8);
      } finally {
        chmodSync(abs('good/b.png'), 0o644);
        chmodSync(abs('orient'), 0o755);
      }
    },
  );

  it('refuses a missing folder or a file with one clear EngineError', async () => {
    const missing = join(photos.path, 'no-such-folder');
    const error = await importFolder(core, { folder: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: `Folder not found: ${missing}` });
    const file = abs('good/a.jpg');
    await expect(importFolder(core, { folder: file })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `${file} is a file, not a folder; give the folder that holds the photos.`,
    });
    expect(core.db.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(0);
  });

  it('rejects malformed options as an InvalidArgument (a TypeError) naming the field', async () => {
    const blank = importFolder(core, { folder: photos.path, station: '  ' });
    await expect(blank).rejects.toBeInstanceOf(InvalidArgument);
    await expect(blank).rejects.toThrow(
      'Invalid import options: station: Too small: expected string to have >=1 characters',
    );
    const typo = importFolder(core, { folder: photos.path, statoin: 'x' } as unknown as { folder: string });
    await expect(typo).rejects.toBeInstanceOf(TypeError);
    await expect(typo).rejects.toThrow('Invalid import options: import options: Unrecognized key: "statoin"');
  });

  it('leaves exactly one thumbnail per media row and no temporary files', async () => {
    await importFolder(core, { folder: photos.path });
    const onDisk = readdirSync(core.paths.thumbnails, { recursive: true, encoding: 'utf8' })
      .filter((entry) => entry.includes('.'))
      .map((entry) => `thumbnails/${entry}`)
      .sort();
    expect(onDisk).toEqual(
      media()
        .map((m) => m.thumbnail_path)
        .sort(),
    );
  });
});
