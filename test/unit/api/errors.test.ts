// Every thrown thing becomes a plain { code, message, detail }: the store's
// and the slide reader's typed errors by class (instanceof) and code,
// anything else as internal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiCallError, ApiFailure, HTTP_STATUS_OF, API_ERROR_CODES, isApiError, toApiError } from '../../../src-main/api/errors.ts';
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
