// The ranked gallery's request: the workspace filter in the contract's words
// (the contract's own schema accepts it), and the pager's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellFilterSchema } from '../../../../src-main/api/contract.ts';
import { FILTER_MODES } from '../../../../src-renderer/model/cell-filter.ts';
import { pageText, RANKED_PAGE, serverFilter } from '../../../../src-renderer/gallery/gallery-query.ts';

test('every workspace filter maps to a cell filter the contract accepts', () => {
  assert.equal(serverFilter('all'), undefined);
  assert.deepEqual(serverFilter('flagged'), { flagged: true });
  assert.deepEqual(serverFilter('unlabelled'), { label: 'unlabelled' });
  assert.deepEqual(serverFilter('rubbish'), { label: 'rubbish' });
  for (const mode of FILTER_MODES) {
    const filter = serverFilter(mode);
    if (filter !== undefined) assert.equal(cellFilterSchema.safeParse(filter).success, true, mode);
  }
});

test('the pager says which tiles of how many', () => {
  assert.equal(RANKED_PAGE, 200);
  assert.equal(pageText(0, 1234), '1–200 of 1,234');
  assert.equal(pageText(6, 1234), '1,201–1,234 of 1,234');
  assert.equal(pageText(0, 0), '0 of 0');
  assert.equal(pageText(1, 30, 20), '21–30 of 30');
});
