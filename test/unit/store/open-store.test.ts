import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, StoreError, latestSchemaVersion, openStore, type Migration } from '../../../src-main/store/index.ts';
import { APPLICATION_ID } from '../../../src-main/store/migrate.ts';
import { makeTempDir, oldSchemaSlide } from './store-fixture.ts';

function withDir(fn: (dir: string) => void): void {
  const temp = makeTempDir();
  try {
    fn(temp.dir);
  } finally {
    temp.dispose();
  }
}

function expectStoreError(fn: () => unknown, code: StoreError['code'], messagePart?: string): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof StoreError, `expected a StoreError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (messagePart !== undefined) assert.ok(caught.message.includes(messagePart), `"${caught.message}" should mention ${messagePart}`);
  return caught;
}

describe('openStore', () => {
  it('creates the folder and a fresh database at the latest schema version', () => {
    withDir((dir) => {
      const path = join(dir, 'nested', 'deeper', 'smearlab.db');
      const store = openStore(path);
      assert.equal(store.schemaVersion, latestSchemaVersion());
      store.close();
      const raw = new Database(path, { readonly: true });
      const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['annotators', 'assist_models', 'cell_crops', 'cell_features', 'cell_state', 'cells', 'damaged_regions', 'edit_cells', 'jobs', 'label_events', 'reader_state', 'scan_folders', 'slices', 'slides', 'sqlite_sequence', 'store_identity', 'suggestions']);
      assert.equal(raw.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal(raw.pragma('application_id', { simple: true }), APPLICATION_ID);
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal', 'WAL is a property of the file');
      raw.close();
    });
  });

  it('sets WAL, foreign keys, synchronous=FULL and a busy timeout on its connection', () => {
    withDir((dir) => {
      const store = openStore(join(dir, 'a.db'));
      const info = store.connectionInfo();
      assert.equal(info.journalMode, 'wal');
      assert.equal(info.foreignKeys, true);
      assert.equal(info.synchronous, 2);
      assert.ok(info.busyTimeoutMs >= 1000);
      store.close();
      const normal = openStore(join(dir, 'a.db'), { synchronous: 'normal' });
      assert.equal(normal.connectionInfo().synchronous, 1);
      normal.close();
    });
  });

  it('keeps data across close and reopen', () => {
    withDir((dir) => {
      const path = join(dir, 'keep.db');
      let store = openStore(path);
      const anna = store.ensureAnnotator('Anna');
      const { slide } = store.upsertSlide({ path: '/scans/669-15.mrxs', format: 'mirax', quickhash: 'q1', width: 10, height: 20 });
      store.close();
      store = openStore(path);
      assert.deepEqual(store.listAnnotators(), [anna]);
      assert.deepEqual(store.getSlide(slide.id), slide);
      assert.equal(store.schemaVersion, latestSchemaVersion());
      store.close();
    });
  });

  it('enforces foreign keys for writes made through the store', () => {
    withDir((dir) => {
      const store = openStore(join(dir, 'fk.db'));
      // planSlices checks the slide itself; a transaction that bypasses nothing still proves the pragma is on.
      assert.equal(store.connectionInfo().foreignKeys, true);
      expectStoreError(() => store.planSlices(42, [{ x: 0, y: 0, width: 10, height: 10 }]), 'not-found', 'slide 42');
      store.close();
      const raw = new Database(join(dir, 'fk.db'));
      raw.pragma('foreign_keys = ON');
      assert.throws(() => raw.prepare('INSERT INTO slices (slide_id, x, y, width, height, updated_at) VALUES (42, 0, 0, 1, 1, 0)').run(),
        /FOREIGN KEY/);
      raw.close();
    });
  });

  it('refuses a file that is not a database, names it, and leaves it untouched', () => {
    withDir((dir) => {
      const path = join(dir, 'notes.db');
      const content = 'these are my notes, not a database\n'.repeat(200);
      writeFileSync(path, content);
      const err = expectStoreError(() => openStore(path), 'not-a-database', path);
      assert.equal(err.path, path);
      assert.equal(readFileSync(path, 'utf8'), content);
    });
  });

  it('refuses a database written by a newer Smearlab', () => {
    withDir((dir) => {
      const path = join(dir, 'future.db');
      openStore(path).close();
      const raw = new Database(path);
      raw.pragma('user_version = 99');
      raw.close();
      const err = expectStoreError(() => openStore(path), 'newer-schema', 'version 99');
      assert.ok(err.message.includes(path));
    });
  });

  it('refuses a SQLite database that belongs to another program', () => {
    withDir((dir) => {
      const path = join(dir, 'other.sqlite');
      const raw = new Database(path);
      raw.exec('CREATE TABLE contacts (name TEXT)');
      raw.close();
      expectStoreError(() => openStore(path), 'not-smearlab', path);
      const check = new Database(path, { readonly: true });
      assert.deepEqual(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(), ['contacts']);
      check.close();
    });
  });

  it('applies a new migration to an existing database and rolls a failing one back', () => {
    withDir((dir) => {
      const path = join(dir, 'migrate.db');
      const store = openStore(path);
      store.ensureAnnotator('Anna');
      store.close();
      const broken: Migration[] = [...MIGRATIONS, {
        version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE extra (a INTEGER); INSERT INTO no_such_table VALUES (1);',
      }];
      expectStoreError(() => openStore(path, { migrations: broken }), 'migration-failed', 'broken');
      const raw = new Database(path, { readonly: true });
      assert.equal(raw.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get(), 0);
      raw.close();
      const good: Migration[] = [...MIGRATIONS, {
        version: MIGRATIONS.length + 1, name: 'add extra', up: (db) => db.exec('CREATE TABLE extra (a INTEGER) STRICT'),
      }];
      const upgraded = openStore(path, { migrations: good });
      assert.equal(upgraded.schemaVersion, MIGRATIONS.length + 1);
      assert.equal(upgraded.listAnnotators()[0]?.name, 'Anna');
      upgraded.close();
      // The app's own list is now older than the file.
      expectStoreError(() => openStore(path), 'newer-schema');
    });
  });

  it('schema 2 upgrades a first-release database: its cells become single cells without nucleus measures', () => {
    withDir((dir) => {
      const path = join(dir, 'v1.db');
      const { slideId, sliceId } = oldSchemaSlide(path, 1, 4000);
      const slide = { id: slideId };
      // The first release's own INSERT (the v1 repository no longer exists to call).
      const raw = new Database(path);
      raw.prepare(`INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h, centre_x, centre_y,
        area, source, created_at) VALUES (?, ?, 0, 0, 1, 10, 10, 100, 100, 60, 60, 5000, 'auto', 1)`).run(slide.id, sliceId);
      raw.close();
      // Read through today's repositories, which need the latest schema: the upgrade runs through every step.
      const v2 = openStore(path);
      try {
        assert.equal(v2.schemaVersion, latestSchemaVersion());
        const [cell] = v2.listCells(slide.id);
        assert.deepEqual([cell!.kind, cell!.nucleus, cell!.nucleusArea, cell!.nuclei, cell!.area], ['cell', null, null, null, 5000]);
      } finally {
        v2.close();
      }
    });
  });

  it('schema 3 adds damaged regions to an older database: its slides start with none', () => {
    withDir((dir) => {
      const path = join(dir, 'v2.db');
      const slide = { id: oldSchemaSlide(path, 2, 4000).slideId };
      const v3 = openStore(path, { migrations: MIGRATIONS.slice(0, 3) });
      try {
        assert.equal(v3.schemaVersion, 3);
        assert.deepEqual(v3.listDamagedRegions(slide.id), []);
        v3.recordDamagedRegions(slide.id, [{ box: { x: 0, y: 0, width: 10, height: 10 }, level: 0, reason: 'bad tile', recoveredFrom: null }]);
        assert.equal(v3.listDamagedRegions(slide.id).length, 1);
      } finally {
        v3.close();
      }
    });
  });

  it('refuses a folder as the database path', () => {
    withDir((dir) => {
      const path = join(dir, 'folder.db');
      mkdirSync(path);
      expectStoreError(() => openStore(path), 'io', path);
    });
  });

  it('works in memory and fails clearly after close', () => {
    const store = openStore(':memory:');
    assert.equal(store.ensureAnnotator('Anna').id, 1);
    store.close();
    store.close();
    expectStoreError(() => store.listAnnotators(), 'io', 'closed');
  });

  it('runs several calls as one transaction', () => {
    const store = openStore(':memory:');
    assert.throws(() => store.transaction(() => {
      store.ensureAnnotator('Anna');
      store.ensureAnnotator('');
    }), StoreError);
    assert.deepEqual(store.listAnnotators(), []);
    store.close();
  });
});
