import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { EngineError } from '../errors';

export const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  id: string;
  sql: string;
}

/** Shipped migrations, ordered by their NNNN_ prefix. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ id: file.replace(/\.sql$/, ''), sql: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Applies the shipped migrations that are not yet applied, each with its id in one transaction.
 * Refuses a database written by a newer app, or one whose history differs from what this app ships.
 */
export function migrate(db: Database.Database, migrations: Migration[] = loadMigrations()): string[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT',
  );
  const applied = db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all() as string[];
  const shipped = migrations.map((m) => m.id);
  if (applied.length > shipped.length) {
    throw new EngineError(
      'DB_SCHEMA_NEWER',
      `The gallery database was written by a newer Tiger ID (schema ${applied.at(-1)}; this app knows up to ${shipped.at(-1) ?? 'none'}). Update the app to open it.`,
    );
  }
  applied.forEach((id, i) => {
    if (shipped[i] !== id) {
      throw new EngineError(
        'DB_MIGRATION_MISMATCH',
        `The gallery database has migration ${id} where this app expects ${shipped[i]}; it was written by a different build of Tiger ID.`,
      );
    }
  });
  const insert = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const pending = migrations.slice(applied.length);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      insert.run(migration.id, new Date().toISOString());
    })();
  }
  return pending.map((m) => m.id);
}
