// Typed errors of the store. The code is stable (the api layer maps it to the
// UI's { code, message, detail }); the message says what failed and where.

import { SmearlabError } from '../domain/errors.ts';

export type StoreErrorCode =
  | 'not-a-database' // the file exists but SQLite cannot read it as a database
  | 'not-smearlab' // a SQLite database that belongs to some other program
  | 'newer-schema' // written by a newer Smearlab than this one
  | 'migration-failed' // a schema step failed; the database was left at the previous version
  | 'io' // the file or its folder could not be created, opened or written
  | 'not-found' // a slide / slice / cell / annotator / job id that does not exist
  | 'invalid-argument' // a caller passed a value the schema would never hold
  | 'conflict'; // a uniqueness rule or state rule forbids the change

export class StoreError extends SmearlabError<StoreErrorCode> {
  /** The database file, where the error is about the file itself. */
  readonly path: string | null;

  constructor(code: StoreErrorCode, message: string, path: string | null = null) {
    super(code, path === null ? message : `${message} (${path})`);
    this.name = 'StoreError';
    this.path = path;
  }
}

export function invalid(message: string): StoreError {
  return new StoreError('invalid-argument', message);
}

export function notFound(what: string, id: number): StoreError {
  return new StoreError('not-found', `${what} ${id} does not exist`);
}
