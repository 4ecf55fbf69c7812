// How the UI words the assistant: suggestions, the model, and the slide's
// estimated counts (own labels plus the expected count among the rest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateText, modelText, probabilityText, slideEstimates, suggestionMark, suggestionText } from '../../../../src-renderer/model/assist-text.ts';

test('a suggestion reads "suggested: class p" with two decimals; on the overlay the lower-case letter and a question mark', () => {
  assert.equal(suggestionText(1, 0.8666), 'suggested: rubbish 0.87');
  assert.equal(suggestionText(2, 1), 'suggested: unhealthy 1.00');
  assert.equal(suggestionText(-1, 0.5), '', 'no suggestion, no text');
  assert.equal(suggestionMark(0, 0.504), 'h? 0.50');
  assert.equal(suggestionMark(3, 0.333), 'b? 0.33');
  assert.equal(probabilityText(0.005), '0.01');
});

test('the model names the labels it learnt from (the starting model: none yet); a loaded one its name', () => {
  assert.equal(modelText(null), 'no model yet');
  assert.equal(modelText({ id: 4, kind: 'in-app', name: 'logistic', labels: 45, createdAt: 0, report: null }), 'model 4 · learnt from 45 labels');
  assert.equal(modelText({ id: 5, kind: 'in-app', name: 'x', labels: 1, createdAt: 0, report: null }), 'model 5 · learnt from 1 label');
  assert.equal(modelText({ id: 6, kind: 'onnx', name: 'abnormality-v2', labels: 0, createdAt: 0, report: null }), 'model 6 · abnormality-v2');
  assert.equal(modelText({ id: 7, kind: 'in-app', name: 'CRIC starting model + 0 labels', labels: 0, createdAt: 0, report: null }), 'model 7 · before your first label');
});

test("estimates add the reader's own labels to the expected count among the unlabelled cells, the spread that of the expected part", () => {
  const estimated = {
    healthy: { count: 70.4, sd: 3.2 }, rubbish: { count: 20.1, sd: 2.6 }, unhealthy: { count: 9.5, sd: 2.9 }, bothcells: { count: 0, sd: 0 },
  };
  const rows = slideEstimates([12, 8, 0, 1], estimated);
  assert.deepEqual(rows.map((r) => [r.name, r.labelled, r.expected, r.count, r.sd]), [
    ['healthy', 12, 70.4, 82.4, 3.2],
    ['rubbish', 8, 20.1, 28.1, 2.6],
    ['unhealthy', 0, 9.5, 9.5, 2.9],
    ['bothcells', 1, 0, 1, 0],
  ]);
  assert.equal(estimateText(rows[0]!), '82 ± 3');
  assert.equal(estimateText({ count: 12_345.6, sd: 0.4 }), '12,346 ± 0');
});
