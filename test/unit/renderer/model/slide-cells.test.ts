// SlideCells' suggestion columns: taken from the first cellMarkers, replaced
// whole by later ones (by id, whatever their order), grown with added cells,
// and never shown over the reader's own label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlideCells } from '../../../../src-renderer/model/slide-cells.ts';

function cells(withSuggestions: boolean): SlideCells {
  const boxes = [10, 10, 20, 20, 100, 10, 20, 20, 200, 10, 20, 20];
  return new SlideCells({
    ids: [31, 32, 33], boxes, labels: [-1, 0, -1], flagged: [0, 0, 0],
    ...(withSuggestions ? { suggested: Int8Array.from([2, 1, -1]), suggestedP: Float32Array.from([0.75, 0.5, 0]) } : {}),
  }, 1000, 1000);
}

test('the first markers bring the suggestions; the reader\'s own label hides one', () => {
  const c = cells(true);
  assert.deepEqual([...c.suggested], [2, 1, -1]);
  assert.equal(c.suggestedP[0], 0.75);
  assert.equal(c.shownSuggestion(0), 2);
  assert.equal(c.shownSuggestion(1), -1, 'cell 32 is labelled healthy: its label wins');
  assert.equal(c.shownSuggestion(2), -1);
  c.setLabel(0, 1);
  assert.equal(c.shownSuggestion(0), -1);
  c.setLabel(0, -1);
  assert.equal(c.shownSuggestion(0), 2, 'cleared: the suggestion shows again');
  assert.deepEqual([...cells(false).suggested], [-1, -1, -1], 'no suggestions sent: none');
});

test('new suggestions replace the old ones by cell id and bump their version', () => {
  const c = cells(true);
  const before = c.suggestionsVersion;
  const n = c.applySuggestions({ ids: [33, 31, 99], suggested: [0, 3, 1], suggestedP: [0.9, 0.4, 0.5] });
  assert.equal(n, 2, 'cell 99 is not on this slide');
  assert.deepEqual([...c.suggested], [3, -1, 0]);
  assert.ok(Math.abs(c.suggestedP[2]! - 0.9) < 1e-6);
  assert.equal(c.suggestionsVersion, before + 1);
  c.applySuggestions({ ids: [31, 32, 33] });
  assert.deepEqual([...c.suggested], [-1, -1, -1], 'markers without suggestions clear them');
});

test('a cell an edit adds has no suggestion, and the columns grow with it', () => {
  const c = cells(true);
  for (let k = 0; k < 20; k++) {
    c.applyEdit([{ id: 100 + k, box: { x: 300 + k * 30, y: 300, width: 20, height: 20 }, centre: { x: 310 + k * 30, y: 310 }, sliceX: 0, sliceY: 0, label: -1, flagged: false, cluster: false }], []);
  }
  assert.equal(c.count, 23);
  assert.ok(c.suggested.length >= 23 && c.suggestedP.length >= 23);
  assert.equal(c.suggested[22], -1);
  assert.equal(c.suggested[0], 2, 'the old cells keep theirs');
  assert.equal(c.applySuggestions({ ids: [119], suggested: [1], suggestedP: [0.6] }), 1);
  assert.equal(c.shownSuggestion(c.indexOf(119)!), 1);
});
