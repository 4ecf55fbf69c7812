// Versioned schema migrations, tracked in PRAGMA user_version. Each step runs
// in its own IMMEDIATE transaction together with the version bump, so a
// failed step leaves the file at the previous version, never half-migrated.

import type { Database } from 'better-sqlite3';
import { INITIAL_SCHEMA } from './migrations/001-initial.ts';
import { CELL_INSTANCES_SCHEMA } from './migrations/002-cell-instances.ts';
import { DAMAGED_REGIONS_SCHEMA } from './migrations/003-damaged-regions.ts';
import { migrateCellEdits } from './migrations/004-cell-edits.ts';
import { migrateReaders } from './migrations/005-readers.ts';
import { migrateStableIds } from './migrations/006-stable-ids.ts';
import { ASSIST_SCHEMA } from './migrations/007-assist.ts';
import { StoreError } from './store-error.ts';

export interface Migration {
  /** 1, 2, 3, ... in order, no gaps. */
  version: number;
  name: string;
  up: string | ((db: Database) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: INITIAL_SCHEMA },
  { version: 2, name: 'cell instances: kind and nucleus measures', up: CELL_INSTANCES_SCHEMA },
  { version: 3, name: 'damaged regions of a scan', up: DAMAGED_REGIONS_SCHEMA },
  { version: 4, name: 'cell edits on the undo stack, retired cells', up: migrateCellEdits },
  { version: 5, name: 'several readers: per-reader labels, adjudication, consensus', up: migrateReaders },
  { version: 6, name: 'stable identities for work packages', up: migrateStableIds },
  { version: 7, name: 'assist: cell features, models, suggestions', up: ASSIST_SCHEMA },
];

/** Marks the file as Smearlab's ("SmLb") so a foreign SQLite file is recognised. */
export const APPLICATION_ID = 0x536d4c62;

export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Brings the database to the latest version; returns the versions applied. */
export function migrateDatabase(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkMigrationList(migrations);
  const latest = latestSchemaVersion(migrations);
  const current = readVersion(db);
  checkOwnership(db, path, current);
  if (current > latest) {
    throw new StoreError('newer-schema',
      `the database has schema version ${current}, newer than this Smearlab understands (${latest}); ` +
      'update Smearlab or open another database', path);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const step = db.transaction(() => {
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      step.immediate();
    } catch (err) {
      throw new StoreError('migration-failed',
        `schema migration ${migration.version} (${migration.name}) failed: ${(err as Error).message}`, path);
    }
    applied.push(migration.version);
  }
  if (applied.length > 0) {
    const problems = db.pragma('foreign_key_check') as unknown[];
    if (problems.length > 0) {
      throw new StoreError('migration-failed', `foreign key check failed after migration: ${JSON.stringify(problems[0])}`, path);
    }
  }
  return applied;
}

function readVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOwnership(db: Database, path: string, version: number): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return;
  const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
  if (appId !== 0 || version !== 0 || objects > 0) {
    throw new StoreError('not-smearlab', 'the file is a SQLite database of another program, not a Smearlab database', path);
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order at ${m.name}: version ${m.version}, expected ${i + 1}`);
  });
}
