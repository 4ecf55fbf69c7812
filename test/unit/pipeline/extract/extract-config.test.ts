import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EXTRACT_CONFIG, resolveExtractConfig, suggestedMargin } from '../../../../src-main/pipeline/extract/extract-config.ts';
import type { ExtractConfig } from '../../../../src-main/pipeline/extract/extract-config.ts';
import { ExtractInputError } from '../../../../src-main/pipeline/extract/extract-error.ts';

test('defaults are whole-cell mode, 8-connectivity, and pass their own validation', () => {
  const c = resolveExtractConfig();
  assert.deepEqual(c, { ...DEFAULT_EXTRACT_CONFIG });
  assert.equal(c.mode, 'whole-cell');
  assert.equal(c.connectivity, 8);
  assert.ok(Object.isFrozen(DEFAULT_EXTRACT_CONFIG));
});

test('overrides replace only the named fields', () => {
  const c = resolveExtractConfig({ mode: 'paper', padding: 0 });
  assert.equal(c.mode, 'paper');
  assert.equal(c.padding, 0);
  assert.equal(c.minArea, DEFAULT_EXTRACT_CONFIG.minArea);
});

test('negative, NaN and out-of-range thresholds are refused, naming the field and value', () => {
  const bad: [Partial<ExtractConfig>, RegExp][] = [
    [{ minArea: -1 }, /minArea must be a finite number >= 0 \(got -1\)/],
    [{ maxArea: Number.NaN }, /maxArea must be a finite number >= 0 \(got NaN\)/],
    [{ maxComponentArea: Infinity }, /maxComponentArea must be a finite number/],
    [{ minRoundness: -0.1 }, /minRoundness/],
    [{ padding: -5 }, /padding must be a finite number >= 0 \(got -5\)/],
    [{ erosionIterations: -1 }, /erosionIterations must be a finite number >= 0/],
    [{ erosionIterations: 1.5 }, /erosionIterations must be a whole number \(got 1.5\)/],
    [{ minSolidity: 1.5 }, /minSolidity must be a finite number in \[0, 1\] \(got 1.5\)/],
    [{ maxEccentricity: -1 }, /maxEccentricity must be a finite number in \[0, 1\]/],
    [{ minArea: 10, maxArea: 5 }, /minArea \(10\) must not exceed maxArea \(5\)/],
    [{ mode: 'tiles' as ExtractConfig['mode'] }, /mode must be 'whole-cell' or 'paper' \(got tiles\)/],
    [{ connectivity: 4 as 8 }, /connectivity must be 8 \(got 4\)/],
    [{ minArea: '5' as unknown as number }, /minArea must be a finite number >= 0 \(got 5\)/],
  ];
  for (const [overrides, message] of bad) {
    assert.throws(() => resolveExtractConfig(overrides), (e: unknown) =>
      e instanceof ExtractInputError && message.test(e.message), JSON.stringify(overrides));
  }
});

test('suggestedMargin covers a disc of maxArea and the erosion, in level-0 px', () => {
  assert.equal(suggestedMargin(resolveExtractConfig(), 4), 458); // 2 * sqrt(150000 / pi) = 437.0, + 5 * 4
  assert.equal(suggestedMargin(resolveExtractConfig({ maxArea: Math.PI * 100 ** 2, erosionIterations: 0 }), 1), 200);
});
