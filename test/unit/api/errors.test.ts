// Every thrown thing becomes a plain { code, message, detail }: the store's
// and the slide reader's typed errors by class (instanceof) and code,
// anything else as internal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiCallError, ApiFailure, HTTP_STATUS_OF, API_ERROR_CODES, isApiError, toApiError, withoutStackFrames } from '../../../src-main/api/errors.ts';
import { CliError, CliUsageError } from '../../../src-main/cli/command.ts';
import { DatasetError } from '../../../src-main/dataset/dataset-error.ts';
import { SplitError } from '../../../src-main/dataset/smear-split.ts';
import { SmearlabError } from '../../../src-main/domain/errors.ts';
import { ExtractInputError } from '../../../src-main/pipeline/extract/extract-error.ts';
import { NoProviderError } from '../../../src-main/pipeline/segment/execution-providers.ts';
import { SegmentError } from '../../../src-main/pipeline/segment/segment-error.ts';
import { StoreError } from '../../../src-main/store/index.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';

test('typed service errors map by code and keep their message', () => {
  assert.deepEqual(toApiError(new StoreError('not-found', 'cell 9 does not exist')),
    { code: 'not-found', message: 'cell 9 does not exist', detail: 'StoreError not-found' });
  assert.equal(toApiError(new StoreError('conflict', 'no')).code, 'conflict');
  assert.equal(toApiError(new StoreError('io', 'disk full', '/x.db')).code, 'store-failed');
  const slide = toApiError(new SlideError('unsupported-format', '/a.txt', 'not a slide'));
  assert.equal(slide.code, 'slide-unavailable');
  assert.match(slide.message, /\/a\.txt/);
  assert.deepEqual(toApiError(new ApiFailure('unsupported', 'no dialog')), { code: 'unsupported', message: 'no dialog', detail: null });
});

test('matching is by class, not by name: a subclass maps like its base, a look-alike does not', () => {
  class LockedStoreError extends StoreError {
    constructor() {
      super('conflict', 'the database is locked by another Smearlab');
      this.name = 'LockedStoreError';
    }
  }
  assert.deepEqual(toApiError(new LockedStoreError()),
    { code: 'conflict', message: 'the database is locked by another Smearlab', detail: 'LockedStoreError conflict' });
  class ClosedSlideError extends SlideError {
    override readonly name = 'ClosedSlideError';
  }
  assert.equal(toApiError(new ClosedSlideError('bad-argument', '/s.mrxs', 'level 9')).code, 'bad-input');
  // An error that only wears the name (e.g. rebuilt from a worker message) is not trusted with a code.
  const lookAlike = Object.assign(new Error('cell 9 does not exist'), { name: 'StoreError', code: 'not-found' });
  assert.equal(toApiError(lookAlike).code, 'internal');
  const slideLookAlike = Object.assign(new Error('gone'), { name: 'SlideError', code: 'not-found' });
  assert.equal(toApiError(slideLookAlike).code, 'internal');
});

test('every service error is a SmearlabError with its code and its own name', () => {
  const errors: Array<[SmearlabError, string, string]> = [
    [new StoreError('io', 'm'), 'StoreError', 'io'],
    [new SlideError('closed', '/p', 'm'), 'SlideError', 'closed'],
    [new SegmentError('bad-manifest', '/m.json', 'm'), 'SegmentError', 'bad-manifest'],
    [new ExtractInputError('m'), 'ExtractInputError', 'EXTRACT_BAD_INPUT'],
    [new NoProviderError([{ provider: 'cuda', reason: 'absent' }], null), 'NoProviderError', 'no-provider'],
    [new DatasetError('target-full', 'm'), 'DatasetError', 'target-full'],
    [new SplitError('m'), 'SplitError', 'bad-split'],
    [new CliUsageError('m'), 'CliUsageError', 'usage'],
    [new CliError('m'), 'CliError', 'failed'],
    [new ApiFailure('conflict', 'm'), 'ApiFailure', 'conflict'],
    [new ApiCallError('getSlide', { code: 'not-found', message: 'm', detail: null }), 'ApiCallError', 'not-found'],
  ];
  for (const [error, name, code] of errors) {
    assert.ok(error instanceof SmearlabError && error instanceof Error, name);
    assert.equal(error.name, name);
    assert.equal(error.code, code, name);
  }
});

test('anything else is internal, with the original kept for the log only', () => {
  const error = toApiError(new TypeError('x is undefined'));
  assert.equal(error.code, 'internal');
  assert.doesNotMatch(error.message, /undefined/);
  assert.match(error.detail ?? '', /TypeError: x is undefined/);
  assert.equal(toApiError('a string').code, 'internal');
  assert.equal(toApiError({ code: 'bogus', message: 'm', detail: null }).code, 'internal');
});

test('every code has an HTTP status and the results survive JSON', () => {
  for (const code of API_ERROR_CODES) assert.ok(HTTP_STATUS_OF[code] >= 400);
  const copy = JSON.parse(JSON.stringify(toApiError(new StoreError('not-found', 'gone'))));
  assert.ok(isApiError(copy));
});

// A worker's error revived in the main thread: its stack names the worker's and the app's source files.
function stackedError(): Error {
  const error = new TypeError('x is undefined');
  error.stack = [
    'TypeError: x is undefined',
    '    at Object.reviveIngestError (/home/reader/smearlab/src-main/pipeline/ingest/ingest-job.ts:32:15)',
    '    at Worker.<anonymous> (file:///opt/Smearlab/resources/app.asar/dist/main/main.mjs:68:33)',
    '    at async main (C:\\Program Files\\Smearlab\\dist\\cli.mjs:1:2)',
    '    at MessagePort.<anonymous> (node:internal/worker:268:53)',
  ].join('\n');
  return error;
}

function assertNoStack(text: string | null, what: string): void {
  assert.doesNotMatch(text ?? '', /^\s+at\s/m, what);
  assert.doesNotMatch(text ?? '', /\.(?:ts|mjs|js)\b/, what);
  assert.doesNotMatch(text ?? '', /src-main|app\.asar/, what);
}

test('no ApiError carries a stack: internal errors keep name and message, the frames stay in the log', () => {
  const error = toApiError(stackedError());
  assert.deepEqual(error, { code: 'internal', message: 'Something went wrong inside Smearlab; the log has the details', detail: 'TypeError: x is undefined' });
});

test('a stack passed along as detail or message by a handler or a worker is cut out too', () => {
  const stack = stackedError().stack!;
  const cases: unknown[] = [
    new ApiFailure('job-failed', 'Ingest of /data/scan.mrxs failed: the classical segmenter takes no model', stack),
    new ApiFailure('conflict', stack),
    { code: 'job-failed', message: 'failed', detail: stack },
    new Error(`wrapped: ${stack}`),
    stack,
  ];
  for (const thrown of cases) {
    const error = toApiError(thrown);
    assertNoStack(error.message, `${error.code} message`);
    assertNoStack(error.detail, `${error.code} detail`);
    assert.ok(isApiError(error));
  }
  const failure = toApiError(cases[0]);
  // The user's own file stays: it is what the message is about.
  assert.equal(failure.message, 'Ingest of /data/scan.mrxs failed: the classical segmenter takes no model');
  assert.equal(failure.detail, 'TypeError: x is undefined');
});

test('withoutStackFrames keeps ordinary text and the paths of scans and exports', () => {
  for (const text of [
    'There is no file at /media/usb/scan.mrxs',
    'cannot write C:\\exports\\cells\\train\\a.png: disk full',
    'at least one slide is needed',
    'bad-input: path: is empty\nforce: expected boolean, got string',
  ]) assert.equal(withoutStackFrames(text), text);
  assert.equal(withoutStackFrames('Cannot find module /app/dist/main/worker.mjs: gone'), 'Cannot find module <source>: gone');
  assert.equal(withoutStackFrames('SyntaxError: x\n    at f (node:internal/x:1:2)\n    at <anonymous>'), 'SyntaxError: x');
});
