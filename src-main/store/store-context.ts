// What every repository shares: the connection, a cache of prepared
// statements (preparing is the costly step of a small query), and the clock.

import type { Database, Statement } from 'better-sqlite3';
import { createUidSource } from './stable-ids.ts';

export interface StoreContext {
  readonly db: Database;
  /** The database file, or ':memory:'. */
  readonly path: string;
  readonly now: () => number;
  /** The prepared statement for this SQL text, prepared once per connection. */
  sql(source: string): Statement;
  /** The same, returning rows as arrays (much cheaper for wide rows in bulk). */
  sqlRaw(source: string): Statement;
  /** The first column of the first row, or undefined. */
  value(source: string, ...params: unknown[]): unknown;
  /** Runs fn in one IMMEDIATE transaction (a savepoint when already inside one). */
  write<T>(fn: () => T): T;
  /** A new event id (UUIDv7), larger than every one this connection made before (stable-ids.ts). */
  newUid(): string;
}

export function createStoreContext(db: Database, path: string, now: () => number): StoreContext {
  // One cache per row mode: raw() and pluck() change a statement for good.
  const caches = { object: new Map<string, Statement>(), raw: new Map<string, Statement>(), value: new Map<string, Statement>() };
  const prepared = (mode: keyof typeof caches, source: string): Statement => {
    let statement = caches[mode].get(source);
    if (!statement) {
      statement = db.prepare(source);
      if (mode === 'raw') statement.raw(true);
      if (mode === 'value') statement.pluck(true);
      caches[mode].set(source, statement);
    }
    return statement;
  };
  return {
    db,
    path,
    now,
    sql: (source) => prepared('object', source),
    sqlRaw: (source) => prepared('raw', source),
    value: (source, ...params) => prepared('value', source).get(...params),
    write(fn) {
      return db.transaction(fn).immediate();
    },
    newUid: createUidSource(now),
  };
}
