// Parsing the provider preference from settings or --ep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PROVIDERS, parseProviderList } from '../../../../src-main/pipeline/segment/execution-providers.ts';

test('comma list is trimmed, lower-cased and de-duplicated, order kept', () => {
  assert.deepEqual(parseProviderList(' CUDA, webgpu,cpu,cuda '), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(parseProviderList(['dml', 'cpu']), ['dml', 'cpu']);
});

test('unknown or empty lists are refused with the known names', () => {
  assert.throws(() => parseProviderList('cuda,opencl'), /unknown execution provider 'opencl'.*known: cuda/);
  assert.throws(() => parseProviderList(' , '), /empty/);
});

test('the default preference ends with cpu', () => {
  assert.equal(DEFAULT_PROVIDERS.at(-1), 'cpu');
});
