// Micrometre <-> pixel conversions and the slide-scale decision (slide mpp,
// --mpp override, or an assumed 0.25 um/px with a warning naming the slide).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASSUMED_MPP, downsampleFor, px2ToUm2, resolveSlideScale, um2ToPx2, umToPx } from '../../../src-main/pipeline/scale.ts';
import { DEFAULT_EXTRACT_CONFIG, extractConfigForScale } from '../../../src-main/pipeline/extract/index.ts';

test('lengths and areas convert with the pixel size', () => {
  assert.equal(umToPx(10, 0.25), 40);
  assert.equal(umToPx(10, 0.5), 20);
  assert.equal(um2ToPx2(100, 0.25), 1600);
  assert.equal(um2ToPx2(100, 0.5), 400);
  assert.equal(px2ToUm2(400, 0.5), 100);
  assert.equal(downsampleFor(1, 0.25), 4);
  assert.equal(downsampleFor(1, 0.5), 2);
  assert.ok(Math.abs(downsampleFor(0.5, 0.2711) - 1.8443) < 1e-3);
});

test('the slide mpp is used when it is plausible', () => {
  assert.deepEqual(resolveSlideScale('/s.mrxs', 0.243, 0.243), { mpp: 0.243, source: 'slide', warning: null });
  const skewed = resolveSlideScale('/s.mrxs', 0.24, 0.26);
  assert.equal(skewed.mpp, 0.25);
  assert.match(skewed.warning ?? '', /not square \(mpp x 0.24, y 0.26\)/);
});

test('a slide without mpp gets the assumed scale and a warning that names it and the fix', () => {
  const scale = resolveSlideScale('/scans/a.tiff', null, null);
  assert.equal(scale.mpp, ASSUMED_MPP);
  assert.equal(scale.source, 'assumed');
  assert.match(scale.warning ?? '', /^\/scans\/a\.tiff gives no pixel size: assuming 0\.25 um\/px.*--mpp/);
  const silly = resolveSlideScale('/scans/b.tiff', 0, 1000);
  assert.equal(silly.source, 'assumed');
  assert.match(silly.warning ?? '', /implausible pixel size \(x 0, y 1000\)/);
});

test('an override wins over the slide and is range-checked', () => {
  assert.deepEqual(resolveSlideScale('/s.mrxs', 0.25, 0.25, 0.5), { mpp: 0.5, source: 'override', warning: null });
  assert.deepEqual(resolveSlideScale('/s.mrxs', null, null, 0.3), { mpp: 0.3, source: 'override', warning: null });
  assert.throws(() => resolveSlideScale('/s.mrxs', null, null, 0), /mpp override 0 is outside/);
  assert.throws(() => resolveSlideScale('/s.mrxs', null, null, Number.NaN), /outside/);
});

test('paper-mode extraction sizes follow the scan resolution', () => {
  const same = extractConfigForScale(0.25);
  assert.equal(same.minArea, DEFAULT_EXTRACT_CONFIG.minArea);
  assert.equal(same.padding, DEFAULT_EXTRACT_CONFIG.padding);
  const half = extractConfigForScale(0.5);
  assert.equal(half.minArea, DEFAULT_EXTRACT_CONFIG.minArea / 4);
  assert.equal(half.maxArea, DEFAULT_EXTRACT_CONFIG.maxArea / 4);
  assert.equal(half.maxComponentArea, DEFAULT_EXTRACT_CONFIG.maxComponentArea / 4);
  assert.equal(half.padding, DEFAULT_EXTRACT_CONFIG.padding / 2);
  // Erosion acts on the mask, which is at the segmenter's physical scale already.
  assert.equal(half.erosionIterations, DEFAULT_EXTRACT_CONFIG.erosionIterations);
  assert.equal(extractConfigForScale(0.5, { minArea: 800 }).minArea, 200);
});

test('the paper erosion keeps its depth in um on a coarser mask', () => {
  assert.equal(extractConfigForScale(0.25).erosionIterations, DEFAULT_EXTRACT_CONFIG.erosionIterations);
  assert.equal(extractConfigForScale(0.25, {}, 2).erosionIterations, Math.round(DEFAULT_EXTRACT_CONFIG.erosionIterations / 2));
  assert.equal(extractConfigForScale(0.25, { erosionIterations: 1 }, 4).erosionIterations, 1, 'at least once');
  assert.equal(extractConfigForScale(0.25, { erosionIterations: 0 }, 2).erosionIterations, 0);
});
