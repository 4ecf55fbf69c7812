// The agreement summary a terminal shows: exact text for a fixed report
// (pairs with and without shared cells, no Fleiss), then the Fleiss line,
// a report of one reader, and a report computed from ratings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agreementText } from '../../../src-main/cli/agreement-text.ts';
import type { AgreementReport } from '../../../src-main/domain/agreement.ts';
import { CELL_CLASS_NAMES } from '../../../src-main/domain/cell-class.ts';
import { computeAgreement } from '../../../src-main/readers/agreement.ts';

const EMPTY = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
const NO_INTERVAL = { estimate: null, low: null, high: null };

const REPORT: AgreementReport = {
  readers: ['ann', 'bob', 'cyrus'],
  slides: [3, 8],
  cells: 120,
  pairs: [
    { a: 'ann', b: 'bob', cells: 120, observed: { estimate: 0.9, low: 0.85, high: 0.95 }, kappa: { estimate: 0.8123, low: 0.7, high: 0.9 },
      confusion: [[40, 2, 0, 0], [3, 60, 1, 0], [0, 1, 8, 1], [0, 2, 2, 0]] },
    { a: 'ann', b: 'cyrus', cells: 0, observed: NO_INTERVAL, kappa: NO_INTERVAL, confusion: EMPTY },
    { a: 'bob', b: 'cyrus', cells: 1, observed: { estimate: 1, low: null, high: null }, kappa: NO_INTERVAL,
      confusion: [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]] },
  ],
  fleiss: null,
  perClass: [
    { label: 'healthy', kappa: null, specificAgreement: 0.93 }, { label: 'rubbish', kappa: null, specificAgreement: 0.9375 },
    { label: 'unhealthy', kappa: null, specificAgreement: 0.8 }, { label: 'bothcells', kappa: null, specificAgreement: null },
  ],
  classes: [...CELL_CLASS_NAMES],
  bootstrap: { rounds: 1000, confidence: 0.95, seed: 1 },
};

test('a report as text: readers, pairs with intervals, n/a where undefined, per class, confusion with class names', () => {
  assert.equal(agreementText(REPORT), [
    'Readers: ann, bob, cyrus',
    'Cells rated by 2 or more readers: 120, on 2 slides',
    'Intervals: 95% percentile bootstrap over cells, 1000 rounds, seed 1',
    '',
    "Pairs (agreement = share of shared cells given the same class; Cohen's kappa):",
    '  reader A  reader B  cells             agreement                 kappa',
    '  ann       bob         120  0.900 [0.850, 0.950]  0.812 [0.700, 0.900]',
    '  ann       cyrus         0                   n/a                   n/a',
    '  bob       cyrus         1                 1.000                   n/a',
    '',
    "Fleiss' kappa: n/a (needs 2 or more readers and a cell every reader rated)",
    '',
    'Per class (kappa: Fleiss 1971, cells rated by all; specific agreement: pooled over pairs):',
    '  class      kappa  specific agreement',
    '  healthy      n/a               0.930',
    '  rubbish      n/a               0.938',
    '  unhealthy    n/a               0.800',
    '  bothcells    n/a                 n/a',
    '',
    'Confusion: ann (rows) x bob (columns), 120 cells',
    '             healthy  rubbish  unhealthy  bothcells',
    '  healthy         40        2          0          0',
    '  rubbish          3       60          1          0',
    '  unhealthy        0        1          8          1',
    '  bothcells        0        2          2          0',
    '',
    'Confusion: ann (rows) x cyrus (columns), no shared cells',
    '',
    'Confusion: bob (rows) x cyrus (columns), 1 cell',
    '             healthy  rubbish  unhealthy  bothcells',
    '  healthy          1        0          0          0',
    '  rubbish          0        0          0          0',
    '  unhealthy        0        0          0          0',
    '  bothcells        0        0          0          0',
    '',
  ].join('\n'));
});

test('Fleiss with its interval and per-class kappas; one reader; no rounds', () => {
  const withFleiss = agreementText({
    ...REPORT,
    fleiss: { cells: 97, raters: 3, kappa: { estimate: 0.7012, low: 0.6, high: 0.8004 } },
    perClass: REPORT.perClass.map((c, j) => ({ ...c, kappa: [0.9, 0.85, -0.0004, null][j]! })),
    bootstrap: { rounds: 250, confidence: 0.9, seed: 7 },
  }).split('\n');
  assert.ok(withFleiss.includes("Fleiss' kappa (3 readers, 97 cells rated by all): 0.701 [0.600, 0.800]"), withFleiss.join('\n'));
  assert.ok(withFleiss.includes('Intervals: 90% percentile bootstrap over cells, 250 rounds, seed 7'));
  assert.deepEqual(withFleiss.slice(13, 18), [
    '  class      kappa  specific agreement',
    '  healthy    0.900               0.930',
    '  rubbish    0.850               0.938',
    '  unhealthy  0.000               0.800',
    '  bothcells    n/a                 n/a',
  ]);

  const single = agreementText({
    ...REPORT, readers: ['solo'], slides: [], cells: 0, pairs: [],
    perClass: REPORT.perClass.map((c) => ({ ...c, specificAgreement: null })), bootstrap: { rounds: 0, confidence: 0.95, seed: 1 },
  }).split('\n');
  assert.deepEqual(single.slice(0, 6), [
    'Readers: solo',
    'Cells rated by 2 or more readers: 0, on 0 slides',
    'Intervals: none (no bootstrap rounds)',
    '',
    "Pairs (agreement = share of shared cells given the same class; Cohen's kappa):",
    '  none: fewer than 2 readers',
  ]);
  assert.ok(!single.some((line) => line.startsWith('Confusion')));
});

test('a report computed from ratings prints its pair, Fleiss and confusion', () => {
  const ratings = [1, 2, 3, 4].flatMap((cellId) => ['x', 'y'].map((reader) => ({
    cellId, slideId: 5, reader, label: CELL_CLASS_NAMES[cellId % 2]!,
  })));
  const lines = agreementText(computeAgreement(ratings, { rounds: 10 })).split('\n');
  assert.ok(lines.includes('  x         y             4  1.000 [1.000, 1.000]  1.000 [1.000, 1.000]'), lines.join('\n'));
  assert.ok(lines.includes("Fleiss' kappa (2 readers, 4 cells rated by all): 1.000 [1.000, 1.000]"), lines.join('\n'));
  assert.ok(lines.includes('  healthy          2        0          0          0'), lines.join('\n'));
  assert.ok(lines.includes('  rubbish          0        2          0          0'), lines.join('\n'));
});
