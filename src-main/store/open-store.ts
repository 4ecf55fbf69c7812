// Opens the Smearlab database: creates the folder, sets the connection up
// (WAL, foreign keys, synchronous=FULL, busy timeout), migrates the schema and
// returns every repository as one Store object. The store is synchronous by
// design (better-sqlite3): when a write call returns, its data is on disk.

import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createAnnotatorRepository, type AnnotatorRepository } from './annotator-repository.ts';
import { createCellRepository, type CellRepository } from './cell-repository.ts';
import { createDamageRepository, type DamageRepository } from './damage-repository.ts';
import { createCellEditRepository, type CellEditRepository } from './edit-repository.ts';
import { defaultDatabasePath } from './database-path.ts';
import { createJobRepository, type JobRepository } from './job-repository.ts';
import { createLabelRepository, type LabelRepository } from './label-repository.ts';
import { MIGRATIONS, migrateDatabase, type Migration } from './migrate.ts';
import { createReaderPositionRepository, type ReaderPositionRepository } from './reader-position-repository.ts';
import { createReadingRepository, type ReadingRepository } from './reading-repository.ts';
import { createWorkRepository, type WorkRepository } from './work-repository.ts';
import { createAssistRepository, type AssistRepository } from './assist-repository.ts';
import { createSliceRepository, type SliceRepository } from './slice-repository.ts';
import { createSlideRepository, type SlideRepository } from './slide-repository.ts';
import { createStoreContext } from './store-context.ts';
import { StoreError } from './store-error.ts';
import { createSummaryRepository, type SummaryRepository } from './summary-repository.ts';

export const MEMORY_DATABASE = ':memory:';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface StoreOptions {
  /** 'full' (default) syncs every commit to the disk; 'normal' may lose the last commits on power loss. */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another process's write to finish. */
  busyTimeoutMs?: number;
  /** Clock for created_at / heartbeat columns (tests). */
  now?: () => number;
  /** Schema steps (tests); the app always uses MIGRATIONS. */
  migrations?: readonly Migration[];
}

export interface Store
  extends AnnotatorRepository, SlideRepository, SliceRepository, CellRepository, LabelRepository, JobRepository, SummaryRepository,
    DamageRepository, ReaderPositionRepository, CellEditRepository, ReadingRepository, WorkRepository, AssistRepository {
  /** The database file, or ':memory:'. */
  readonly path: string;
  readonly schemaVersion: number;
  /** The connection's settings as SQLite reports them (diagnostics, tests). */
  connectionInfo(): ConnectionInfo;
  /** Runs several store calls as one transaction: all of them are written, or none. */
  transaction<T>(fn: () => T): T;
  /** Closes the connection; further calls fail. Safe to call twice. */
  close(): void;
}

export interface ConnectionInfo {
  journalMode: string;
  foreignKeys: boolean;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
  sqliteVersion: string;
}

/** Opens (creating and migrating as needed) the database at path, by default the user's one. */
export function openStore(path: string = defaultDatabasePath(), options: StoreOptions = {}): Store {
  const isMemory = path === MEMORY_DATABASE;
  if (!isMemory) prepareFolder(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (err) {
    throw toStoreError(err, path, 'cannot open the database');
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // macOS only (a no-op elsewhere): plain fsync there does not reach the platter.
    db.pragma('fullfsync = ON');
    db.pragma('checkpoint_fullfsync = ON');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    migrateDatabase(db, path, options.migrations ?? MIGRATIONS);
  } catch (err) {
    db.close();
    throw toStoreError(err, path, 'cannot open the database');
  }
  const ctx = createStoreContext(db, path, options.now ?? Date.now);
  const repositories = {
    ...createAnnotatorRepository(ctx),
    ...createSlideRepository(ctx),
    ...createSliceRepository(ctx),
    ...createCellRepository(ctx),
    ...createLabelRepository(ctx),
    ...createJobRepository(ctx),
    ...createSummaryRepository(ctx),
    ...createDamageRepository(ctx),
    ...createCellEditRepository(ctx),
    ...createReaderPositionRepository(ctx),
    ...createReadingRepository(ctx),
    ...createWorkRepository(ctx),
    ...createAssistRepository(ctx),
  };
  const store: Store = {
    ...repositories,
    path,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    transaction: (fn) => ctx.write(fn),
    connectionInfo: () => ({
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      foreignKeys: db.pragma('foreign_keys', { simple: true }) === 1,
      synchronous: db.pragma('synchronous', { simple: true }) as number,
      busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
      sqliteVersion: db.prepare('SELECT sqlite_version()').pluck().get() as string,
    }),
    close() {
      // No 'PRAGMA optimize' here: statistics gathered while a table is still
      // small (cell_state before the first labels) make the planner scan it
      // instead of looking rows up; the queries are written for the
      // statistics-free planner, and test/unit/store/store-bench.ts checks them.
      if (db.open) db.close();
    },
  };
  return wrapErrors(store, path, () => db.open);
}

function prepareFolder(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new StoreError('io', `cannot create the database folder: ${(err as Error).message}`, path);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Not there yet: SQLite creates it.
  }
  if (isDirectory) throw new StoreError('io', 'the database path is a folder, not a file', path);
}

/** SQLite's own errors leave the store as StoreErrors with a code the UI can act on. */
function toStoreError(err: unknown, path: string, context: string): Error {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message ?? String(err);
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err as Error;
  if (code === 'SQLITE_NOTADB') return new StoreError('not-a-database', 'the file is not a SQLite database (or it is encrypted or damaged)', path);
  if (code === 'SQLITE_CORRUPT') return new StoreError('not-a-database', `the database file is damaged: ${message}`, path);
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StoreError('conflict', `the database refused the change: ${message}`);
  if (code.startsWith('SQLITE_BUSY')) return new StoreError('io', 'the database is busy (another Smearlab process holds a write lock)', path);
  return new StoreError('io', `${context}: ${message} (${code})`, path);
}

function wrapErrors(store: Store, path: string, isOpen: () => boolean): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    if (typeof value !== 'function' || key === 'close') {
      wrapped[key] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    wrapped[key] = (...args: unknown[]) => {
      if (!isOpen()) throw new StoreError('io', `the store is closed (${key} called after close)`, path);
      try {
        return fn(...args);
      } catch (err) {
        throw toStoreError(err, path, key);
      }
    };
  }
  return wrapped as unknown as Store;
}
