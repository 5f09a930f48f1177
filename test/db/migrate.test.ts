import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../../electron/core/errors';
import { loadMigrations, migrate } from '../../electron/core/db/migrate';
import { openGalleryDatabase } from '../../electron/core/db/open';

describe('gallery database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tigerid-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in WAL mode with foreign keys, and migrating twice applies nothing the second time', () => {
    const file = join(dir, 'g.sqlite');
    const db = openGalleryDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migrate(db)).toEqual([]);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    for (const t of [
      'individuals',
      'stations',
      'media',
      'detections',
      'embeddings',
      'decisions',
      'jobs',
      'settings',
    ]) {
      expect(tables).toContain(t);
    }
    db.close();
  });

  it('refuses a database written by a newer app, naming the schema', () => {
    const file = join(dir, 'g.sqlite');
    openGalleryDatabase(file).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)')
      .run('9999_from_the_future', 'x');
    raw.close();
    let caught: unknown;
    try {
      openGalleryDatabase(file);
    } catch (error) {
      caught = error;
    }
    expect(isEngineError(caught, 'DB_SCHEMA_NEWER')).toBe(true);
    expect((caught as Error).message).toMatch(/9999_from_the_future/);
  });

  it('refuses a database whose migration history differs', () => {
    const db = new Database(':memory:');
    migrate(db, [{ id: '0001_other', sql: 'CREATE TABLE x (a)' }]);
    expect(() => migrate(db)).toThrowError(/has migration 0001_other where this app expects 0001_gallery/);
  });

  it('rolls back a failing migration together with its id', () => {
    const db = new Database(':memory:');
    const good = loadMigrations();
    expect(() =>
      migrate(db, [...good, { id: '0099_broken', sql: 'CREATE TABLE ok_table (a); SELECT * FROM nope;' }]),
    ).toThrow();
    const applied = db.prepare('SELECT id FROM schema_migrations').pluck().all();
    expect(applied).toEqual(good.map((m) => m.id));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_table'").get()).toBeUndefined();
  });

  it('keeps the decision integrity rules in the schema itself', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    db.exec(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at) VALUES (1, 0, 0, 1, 1, 'whole-frame', 'now')`,
    );
    expect(() =>
      db.exec(
        `INSERT INTO decisions (detection_id, verdict, reviewer, decided_at) VALUES (1, 'match', 'r', 'now')`,
      ),
    ).toThrowError(/CHECK constraint/);
    expect(() =>
      db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
               VALUES ('x', '/q', 'q', 1, 1, 1, 'jpeg', 'now')`),
    ).toThrowError(/UNIQUE/);
    db.close();
  });

  it('keeps camera clock corrections with each frame’s previous time, removed with the frame (0004)', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    expect(db.prepare('SELECT id FROM schema_migrations').pluck().all()).toContain('0004_capture_time_edits');
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', '2024-03-01T06:00:00', 'now')`);
    db.exec(`INSERT INTO capture_time_edits (kind, payload, summary, reviewer, made_at)
             VALUES ('shift', '{}', 'Shifted 1 frame', 'r', 'now')`);
    db.exec(`INSERT INTO capture_time_edit_media (edit_id, media_id, previous_at, new_at)
             VALUES (1, 1, '2023-03-01T06:00:00', '2024-03-01T06:00:00')`);
    expect(() =>
      db.exec(`INSERT INTO capture_time_edits (kind, payload, summary, reviewer, made_at)
               VALUES ('rename', '{}', 's', 'r', 'now')`),
    ).toThrowError(/CHECK constraint/);
    db.exec('DELETE FROM media WHERE id = 1');
    expect(db.prepare('SELECT COUNT(*) FROM capture_time_edit_media').pluck().get()).toBe(0);
    db.close();
  });

  it('records what analysis found in a frame (0005), and only animal, empty or unknown', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    expect(db.prepare('SELECT content, strip_top, strip_bottom FROM media').get()).toEqual({
      content: null,
      strip_top: 0,
      strip_bottom: 0,
    });
    db.exec("UPDATE media SET content = 'empty', strip_top = 0.02");
    expect(() => db.exec("UPDATE media SET content = 'blank'")).toThrowError(/CHECK constraint/);
    db.close();
  });

  it('records each detection’s view, who judged it and why (0007); unjudged rows stay NULL', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    expect(db.prepare('SELECT id FROM schema_migrations').pluck().all()).toContain('0007_detection_view');
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    db.exec(`INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at)
             VALUES (1, 0, 0, 1, 1, 'whole-frame', 'now')`);
    expect(
      db.prepare('SELECT view, view_identifiable, view_source, view_reason FROM detections').get(),
    ).toEqual({
      view: null,
      view_identifiable: null,
      view_source: null,
      view_reason: null,
    });
    db.exec("UPDATE detections SET view = 'partial', view_identifiable = 0, view_source = 'judged'");
    expect(() => db.exec("UPDATE detections SET view = 'side'")).toThrowError(/CHECK constraint/);
    expect(() => db.exec('UPDATE detections SET view_identifiable = 2')).toThrowError(/CHECK constraint/);
    expect(() => db.exec("UPDATE detections SET view_source = 'model'")).toThrowError(/CHECK constraint/);
    db.close();
  });

  it('keeps a reviewer’s marks (0008): empty frame or not a tiger, who set what a frame shows, species only on other', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    expect(db.prepare('SELECT id FROM schema_migrations').pluck().all()).toContain('0008_content_marks');
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    db.exec(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at) VALUES (1, 0, 0, 1, 1, 'background', 'now')`,
    );
    expect(db.prepare('SELECT content_source FROM media').pluck().get()).toBe('localisation');
    expect(() => db.exec("UPDATE media SET content_source = 'model'")).toThrowError(/CHECK constraint/);
    expect(() => db.exec("UPDATE detections SET species = 'Panthera pardus'")).toThrowError(
      /CHECK constraint/,
    );
    db.exec("UPDATE detections SET label = 'other', species = 'Panthera pardus'");
    expect(() =>
      db.exec(`INSERT INTO content_marks (kind, reviewer, made_at) VALUES ('empty', 'r', 'now')`),
    ).toThrowError(/CHECK constraint/);
    db.exec(
      `INSERT INTO content_marks (kind, species, reviewer, made_at) VALUES ('not-tiger', 'Panthera pardus', 'r', 'now')`,
    );
    db.exec(
      `INSERT INTO content_mark_detections (mark_id, detection_id, previous_label) VALUES (1, 1, 'animal')`,
    );
    db.exec('DELETE FROM media WHERE id = 1');
    expect(db.prepare('SELECT COUNT(*) FROM content_mark_detections').pluck().get()).toBe(0);
    db.close();
  });

  it('keeps a tiger-likeness per detection (0009), unmeasured by default, within [0, 1]', () => {
    const db = openGalleryDatabase(join(dir, 'g.sqlite'));
    expect(db.prepare('SELECT id FROM schema_migrations').pluck().all()).toContain('0009_tiger_likeness');
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    db.exec(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at) VALUES (1, 0, 0, 1, 1, 'background', 'now')`,
    );
    expect(db.prepare('SELECT tiger_likeness FROM detections').pluck().get()).toBeNull();
    db.exec('UPDATE detections SET tiger_likeness = 0.04');
    expect(() => db.exec('UPDATE detections SET tiger_likeness = 1.5')).toThrowError(/CHECK constraint/);
    db.close();
  });

  it('forgets tiger-likeness measured on the old scale (0010), so the new threshold never judges it', () => {
    const db = new Database(':memory:');
    const all = loadMigrations();
    const upTo0009 = all.findIndex((m) => m.id === '0009_tiger_likeness') + 1;
    migrate(db, all.slice(0, upTo0009));
    db.exec(`INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, imported_at)
             VALUES ('x', '/p', 'p', 1, 1, 1, 'jpeg', 'now')`);
    db.exec(`INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, detector, created_at, tiger_likeness)
             VALUES (1, 0, 0, 1, 1, 'background', 'now', 0.0018)`);
    expect(migrate(db)).toContain('0010_tiger_likeness_local_contrast');
    expect(db.prepare('SELECT tiger_likeness FROM detections').pluck().get()).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM detections').pluck().get()).toBe(1);
    db.close();
  });
});
