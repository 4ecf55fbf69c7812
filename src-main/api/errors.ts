// Errors as they cross every boundary (IPC, HTTP, SSE): plain objects that
// survive serialisation. The UI shows `message`; logs keep `detail`.
// Services throw their own typed errors (StoreError, SlideError, ...: all
// SmearlabError); the adapters turn anything thrown into an ApiError with
// toApiError, which matches them with instanceof. The renderer bundles this
// file for ApiCallError; the service error classes it imports for the
// matching are tree-shaken out of that bundle (they are only used there).

import { SmearlabError } from '../domain/errors.ts';
import { SlideError } from '../slide/slide-error.ts';
import type { SlideErrorCode } from '../slide/slide-error.ts';
import { StoreError } from '../store/store-error.ts';
import type { StoreErrorCode } from '../store/store-error.ts';

export type ApiErrorCode =
  | 'bad-input' // the input failed the operation's schema; message names the field
  | 'unknown-operation' // no such operation in the contract
  | 'not-found' // a slide / cell / job / annotator id that does not exist
  | 'conflict' // the state forbids it (a job already running, a cell that must stay)
  | 'blinded' // blind reading: other readers' labels stay hidden from this reader for now
  | 'slide-unavailable' // the scan cannot be opened (moved, deleted, damaged, unsupported)
  | 'unsupported' // this shell cannot do it (e.g. a file dialog in browser mode)
  | 'job-failed' // a job could not start or failed; the message says why (model missing, ...)
  | 'store-failed' // the database cannot be read or written
  | 'file-failed' // a file the user named cannot be read or written (missing, full disk, a pulled stick)
  | 'internal'; // a bug: see the log

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** More for the log (the underlying error, every bad field); null when there is nothing more. */
  detail: string | null;
}

export const API_ERROR_CODES: readonly ApiErrorCode[] = [
  'bad-input', 'unknown-operation', 'not-found', 'conflict', 'blinded', 'slide-unavailable', 'unsupported', 'job-failed', 'store-failed', 'file-failed', 'internal',
];

/** HTTP status for each code (the IPC adapter carries the code only). */
export const HTTP_STATUS_OF: Record<ApiErrorCode, number> = {
  'bad-input': 400,
  'unknown-operation': 404,
  'not-found': 404,
  conflict: 409,
  blinded: 403,
  'slide-unavailable': 422,
  unsupported: 501,
  'job-failed': 500,
  'store-failed': 500,
  'file-failed': 422,
  internal: 500,
};

export function apiError(code: ApiErrorCode, message: string, detail: string | null = null): ApiError {
  return { code, message, detail };
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (API_ERROR_CODES as readonly string[]).includes(v.code)
    && typeof v.message === 'string' && (v.detail === null || typeof v.detail === 'string');
}

/** Thrown by handlers for failures they name themselves; becomes its ApiError unchanged. */
export class ApiFailure extends SmearlabError<ApiErrorCode> {
  readonly error: ApiError;

  constructor(code: ApiErrorCode, message: string, detail: string | null = null) {
    super(code, message);
    this.name = 'ApiFailure';
    this.error = apiError(code, message, detail);
  }
}

/**
 * What a client-side promise rejects with: an Error (stack, instanceof) that
 * carries the ApiError's fields, so `catch (e) { e.code }` works in the UI.
 */
export class ApiCallError extends SmearlabError<ApiErrorCode> implements ApiError {
  readonly detail: string | null;
  readonly operation: string;

  constructor(operation: string, error: ApiError) {
    super(error.code, error.message);
    this.name = 'ApiCallError';
    this.detail = error.detail;
    this.operation = operation;
  }
}

// What each code of a service's error means to the UI; a new code fails the build until it is mapped here.
const STORE_CODES: Record<StoreErrorCode, ApiErrorCode> = {
  'not-found': 'not-found',
  'invalid-argument': 'bad-input',
  conflict: 'conflict',
  'not-a-database': 'store-failed',
  'not-smearlab': 'store-failed',
  'newer-schema': 'store-failed',
  'migration-failed': 'store-failed',
  io: 'store-failed',
};
const SLIDE_CODES: Record<SlideErrorCode, ApiErrorCode> = {
  'not-found': 'slide-unavailable',
  'unsupported-format': 'slide-unavailable',
  openslide: 'slide-unavailable',
  closed: 'slide-unavailable',
  'bad-argument': 'bad-input',
};

// A stack frame line, always indented ("    at f (/app/src/x.ts:1:2)", "    at async g", "    at <anonymous>").
const FRAME_LINE = /^\s+at\s/;
// A module's own path or URL, with or without line and column: where the code lives, not what went wrong.
const SOURCE_PATH = /(?:file:\/\/|node:)?(?:\/|[A-Za-z]:[\\/])[^\s'"()]*\.(?:[cm]?[jt]sx?|node)(?::\d+){0,2}(?=$|[\s'"),:;])/g;

/**
 * Text fit to cross a boundary: no stack frames and no source-file paths
 * (which tell a caller how the program is laid out and nothing it can act
 * on). The stack itself goes to the log only (dispatch's onInternalError).
 */
export function withoutStackFrames(text: string): string {
  return text.split(/\r?\n/).filter((line) => !FRAME_LINE.test(line)).join('\n')
    .replace(SOURCE_PATH, '<source>').trimEnd();
}

function clean(error: ApiError): ApiError {
  return apiError(error.code, withoutStackFrames(error.message), error.detail === null ? null : withoutStackFrames(error.detail) || null);
}

const INTERNAL_MESSAGE = 'Something went wrong inside Smearlab; the log has the details';

/**
 * Any thrown value as an ApiError, never with a stack in it: unknown errors
 * become 'internal' with the original's name and message in detail (the
 * adapters log the stack itself).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiFailure) return clean(error.error);
  if (error instanceof StoreError) return clean(apiError(STORE_CODES[error.code], error.message, `${error.name} ${error.code}`));
  if (error instanceof SlideError) return clean(apiError(SLIDE_CODES[error.code], error.message, `${error.name} ${error.code}`));
  if (isApiError(error)) return clean(apiError(error.code, error.message, error.detail));
  if (error instanceof Error) return clean(apiError('internal', INTERNAL_MESSAGE, `${error.name}: ${error.message}`));
  return clean(apiError('internal', INTERNAL_MESSAGE, String(error)));
}
