// Every thrown thing becomes a plain { code, message, detail }: the store's
// and the slide reader's typed errors by code, anything else as internal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiFailure, HTTP_STATUS_OF, API_ERROR_CODES, isApiError, toApiError } from '../../../src-main/api/errors.ts';
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
