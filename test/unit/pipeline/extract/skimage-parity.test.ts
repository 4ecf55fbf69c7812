// Cross-check against scikit-image itself: random small masks through
// extractCells and through test/bench/reference/skimage_extract.py must give
// identical candidates. Skipped, with the reason, where Debian's python3 with
// skimage is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomSmallCases, runExtractBench } from '../../../bench/extract-bench.ts';

const probe = spawnSync('/usr/bin/python3', ['-c', 'import skimage, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs /usr/bin/python3 with scikit-image (${probe.error?.message ?? probe.stderr.trim()})`;

test('extractCells matches the scikit-image reference on 60 random masks', { skip }, () => {
  const report = runExtractBench(randomSmallCases(60, 7), { runs: 1, log: () => {} });
  const bad = report.cases.filter((c) => !c.identical).map((c) => `${c.name}: ${c.differences.slice(0, 3).join('; ')}`);
  assert.deepEqual(bad, []);
  assert.ok(report.cases.reduce((n, c) => n + c.candidates, 0) > 60, 'the random masks should yield candidates');
});
