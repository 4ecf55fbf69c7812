// The shipped crop model as assist features, with real OpenSlide and ONNX
// Runtime on the ingested tiny synthetic slide: its three log-probabilities
// follow the measures in every vector, they are probabilities, they differ
// from cell to cell; a wrong or missing crop model is refused by name, and an
// assist run that cannot open it stores no half-made vectors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSIST_FEATURE_COUNT, ASSIST_FEATURE_NAMES, CROP_MODEL_PATH, CROP_SCORE_NAMES, CropScorer } from '../../../src-main/assist/assist-features.ts';
import { CELL_FEATURE_COUNT } from '../../../src-main/assist/cell-features.ts';
import { FEATURE_VERSION, runAssist } from '../../../src-main/assist/run-assist.ts';
import type { CellView } from '../../../src-main/domain/cell.ts';
import { MODELS_DIR } from '../../../src-main/files/app-layout.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';

let dir: string;
let dbPath: string;
let slidePath: string;
let slideId: number;
let cells: CellView[];

before(async () => {
  const fixture = await ensureFixtureSlide('tiny');
  slidePath = fixture.mrxsPath;
  dir = await mkdtemp(join(tmpdir(), 'smearlab-crop-scores-'));
  dbPath = join(dir, 'smearlab.db');
  const ingest = await runIngest(parseIngestOptions({ slidePath, dbPath, segmenter: 'classical' }));
  slideId = ingest.slideId;
  const store = openStore(dbPath);
  try {
    cells = store.listCells(slideId);
  } finally {
    store.close();
  }
});
after(async () => dir && rm(dir, { recursive: true, force: true }));

const hooks = { cancel: { cancelled: false }, onProgress() {}, onLog() {}, onJobCreated() {} };

test('the crop model\'s scores fill the last three places of each vector, as log-probabilities that differ between cells', async () => {
  assert.deepEqual(ASSIST_FEATURE_NAMES.slice(CELL_FEATURE_COUNT), [...CROP_SCORE_NAMES]);
  const scorer = await CropScorer.open();
  const reader = await openSlide(slidePath);
  try {
    const some = cells.slice(0, 24);
    assert.ok(some.length >= 12, `${some.length} cells`);
    const vectors = some.map(() => new Float64Array(ASSIST_FEATURE_COUNT).fill(7));
    await scorer.score(reader, some, 0.25, vectors);
    for (const v of vectors) {
      assert.ok(v.subarray(0, CELL_FEATURE_COUNT).every((x) => x === 7), 'the measures are left alone');
      const logP = [...v.subarray(CELL_FEATURE_COUNT)];
      assert.ok(logP.every((x) => Number.isFinite(x) && x <= 0 && x >= Math.log(1e-4)), `log-probabilities: ${logP.join(', ')}`);
      assert.ok(Math.abs(logP.reduce((s, x) => s + Math.exp(x), 0) - 1) < 1e-3, 'they sum to one');
    }
    const abnormal = vectors.map((v) => v[CELL_FEATURE_COUNT]!);
    assert.ok(Math.max(...abnormal) - Math.min(...abnormal) > 0.01, 'the scores follow the crops, not a constant');
    const again = some.map(() => new Float64Array(ASSIST_FEATURE_COUNT));
    await scorer.score(reader, some, 0.25, again);
    assert.deepEqual(again.map((v) => [...v.subarray(CELL_FEATURE_COUNT)]), vectors.map((v) => [...v.subarray(CELL_FEATURE_COUNT)]), 'the same crop, the same scores');
  } finally {
    reader.close();
    await scorer.close();
  }
});

test('a missing or wrong crop model is refused with its file named', async () => {
  await assert.rejects(CropScorer.open(join(dir, 'no-such-model.json')), /no-such-model/);
  await assert.rejects(CropScorer.open(join(MODELS_DIR, 'smear-unet-tiny.json')), /smear-unet-tiny/);
  assert.ok(CROP_MODEL_PATH.endsWith('cric-crop-cnn.json'));
});

test('an assist run whose crop model cannot be opened fails by name and stores no vectors', async () => {
  await assert.rejects(runAssist({ dbPath, slideId, annotatorId: null, cropModel: join(dir, 'gone.json') }, hooks), /gone\.json/);
  const store = openStore(dbPath);
  try {
    assert.equal(store.cellsWithoutFeatures(slideId, FEATURE_VERSION).length, cells.length, 'nothing stored');
  } finally {
    store.close();
  }
  const done = await runAssist({ dbPath, slideId, annotatorId: null }, hooks);
  assert.equal(done.featuresComputed, cells.length, done.message);
  const check = openStore(dbPath);
  try {
    const rows = check.featureRows(slideId, FEATURE_VERSION);
    assert.equal(rows.vectors.length, cells.length);
    assert.ok(rows.vectors.every((v) => v.length === ASSIST_FEATURE_COUNT && v[CELL_FEATURE_COUNT + 2]! <= 0), 'every stored vector carries its crop scores');
  } finally {
    check.close();
  }
});
