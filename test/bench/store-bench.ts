// Store benchmark (not a test: it prints figures and writes
// bench-results/store-bench.json). Run: node --import tsx test/unit/store/store-bench.ts
// Measures: 100,000 cells inserted slice by slice (one transaction each, as
// the pipeline does) and in one transaction; label commit latency with
// synchronous=FULL and NORMAL; viewport, reading-order, gallery and counter
// queries on a 100,000-cell slide.

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRng } from '../../src-main/domain/random.ts';
import { openStore, type Store } from '../../src-main/store/index.ts';
import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import { SLICE_SIZE, makeTempDir, syntheticCells } from '../unit/store/store-fixture.ts';

const COLS = 40;
const ROWS = 50;
const CELLS_PER_SLICE = 50; // 40 x 50 slices x 50 = 100,000 cells
const LABEL_SAMPLES = 300;
const QUERY_SAMPLES = 200;

interface Stats { p50: number; p95: number; mean: number; n: number }

function stats(ms: number[]): Stats {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(ms.reduce((a, b) => a + b, 0) / ms.length), n: ms.length };
}
const round = (x: number) => Math.round(x * 1000) / 1000;

function timeEach(n: number, fn: (i: number) => void): Stats {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

function fillSlide(store: Store, name: string, oneTransaction: boolean): { slideId: number; seconds: number; cellIds: number[] } {
  const { slide } = store.upsertSlide({ path: `/bench/${name}.mrxs`, format: 'mirax', width: COLS * SLICE_SIZE, height: ROWS * SLICE_SIZE });
  const planned = [];
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) planned.push({ x: c * SLICE_SIZE, y: r * SLICE_SIZE, width: SLICE_SIZE, height: SLICE_SIZE });
  store.planSlices(slide.id, planned);
  const slices = store.pendingSlices(slide.id);
  const batches = slices.map((s) => ({ id: s.id, cells: syntheticCells(s.x, s.y, CELLS_PER_SLICE, s.id) }));
  const cellIds: number[] = [];
  const t = performance.now();
  const run = () => {
    for (const b of batches) for (const c of store.commitSliceCells(b.id, b.cells).cells) if (c) cellIds.push(c.id);
  };
  if (oneTransaction) store.transaction(run);
  else run();
  return { slideId: slide.id, seconds: round((performance.now() - t) / 1000), cellIds };
}

function labelLatency(store: Store, cellIds: number[], annotatorId: number, seed: number): Stats {
  const rng = seededRng(seed);
  return timeEach(LABEL_SAMPLES, () => {
    store.applyLabel(rng.pick(cellIds), rng.pick(CELL_CLASSES).name, annotatorId);
  });
}

function main(): void {
  const temp = makeTempDir('smearlab-store-bench-');
  const results: Record<string, unknown> = { cells: COLS * ROWS * CELLS_PER_SLICE, slices: COLS * ROWS, node: process.version };
  try {
    const path = join(temp.dir, 'bench.db');
    let store = openStore(path);
    const perSlice = fillSlide(store, 'per-slice', false);
    results.insertPerSliceTransactions = { seconds: perSlice.seconds, cellsPerSecond: Math.round(COLS * ROWS * CELLS_PER_SLICE / perSlice.seconds) };
    const bulk = fillSlide(store, 'one-transaction', true);
    results.insertOneTransaction = { seconds: bulk.seconds, cellsPerSecond: Math.round(COLS * ROWS * CELLS_PER_SLICE / bulk.seconds) };
    store.close();

    // Reopen so 'PRAGMA optimize' at close has written planner statistics, as in the app after its first session.
    store = openStore(path, { synchronous: 'full' });
    const anna = store.ensureAnnotator('Bench Full');
    results.labelCommitFullMs = labelLatency(store, perSlice.cellIds, anna.id, 1);
    store.close();
    store = openStore(path, { synchronous: 'normal' });
    const bob = store.ensureAnnotator('Bench Normal');
    results.labelCommitNormalMs = labelLatency(store, perSlice.cellIds, bob.id, 2);
    store.close();

    store = openStore(path);
    const slideId = perSlice.slideId;
    const rng = seededRng(3);
    let hits = 0;
    results.viewport2000Ms = timeEach(QUERY_SAMPLES, () => {
      hits += store.cellsInViewport(slideId, { x: rng.int(0, (COLS - 1) * SLICE_SIZE), y: rng.int(0, (ROWS - 1) * SLICE_SIZE), width: 2000, height: 2000 }).length;
    });
    results.viewport2000MeanCells = Math.round(hits / QUERY_SAMPLES);
    hits = 0;
    results.viewport10000Ms = timeEach(50, () => {
      hits += store.cellsInViewport(slideId, { x: rng.int(0, (COLS - 5) * SLICE_SIZE), y: rng.int(0, (ROWS - 5) * SLICE_SIZE), width: 10000, height: 10000 }).length;
    });
    results.viewport10000MeanCells = Math.round(hits / 50);
    results.listAllCellsMs = timeEach(5, () => store.listCells(slideId));
    results.cellMarkersAllMs = timeEach(5, () => store.cellMarkers(slideId));
    results.cellMarkersViewport10000Ms = timeEach(50, () => store.cellMarkers(slideId,
      { x: rng.int(0, (COLS - 5) * SLICE_SIZE), y: rng.int(0, (ROWS - 5) * SLICE_SIZE), width: 10000, height: 10000 }));
    results.nextCellMs = timeEach(QUERY_SAMPLES, () => store.nextCell(rng.pick(perSlice.cellIds)));
    results.nextUnlabelledCellMs = timeEach(QUERY_SAMPLES, () => store.nextCell(rng.pick(perSlice.cellIds), { label: 'unlabelled' }));
    results.classCountsMs = timeEach(20, () => store.classCounts(slideId));
    results.galleryUnhealthyPageMs = timeEach(20, () => store.galleryPage({ slideId, filter: { label: 'unhealthy' }, limit: 100 }));
    results.galleryUnlabelledDeepPageMs = timeEach(20, () => store.galleryPage({ slideId, filter: { label: 'unlabelled' }, offset: 50_000, limit: 100 }));
    results.slideSummariesMs = timeEach(10, () => store.slideSummaries());
    results.undoRedoMs = timeEach(100, (i) => (i % 2 === 0 ? store.undo(anna.id) : store.redo(anna.id)));
    // Several readers: one reader's own view (their labels only) over the same 100,000 cells.
    const own = { kind: 'reader', readerId: anna.id } as const;
    results.readerNextUnlabelledMs = timeEach(QUERY_SAMPLES, () => store.nextCell(rng.pick(perSlice.cellIds), { label: 'unlabelled' }, own));
    results.readerClassCountsMs = timeEach(20, () => store.classCounts(slideId, own));
    results.readerCellMarkersAllMs = timeEach(5, () => store.cellMarkers(slideId, undefined, own));
    results.disagreementQueueNextMs = timeEach(QUERY_SAMPLES, () => store.nextCell(rng.pick(perSlice.cellIds), { queue: 'disagreements' }));
    results.slideReadingMs = timeEach(10, () => store.slideReading(slideId));
    results.rebuildCellStateMs = timeEach(3, () => store.rebuildCellState());
    store.close();
    results.databaseMiB = round(statSync(path).size / 2 ** 20);
  } finally {
    temp.dispose();
  }
  console.log(JSON.stringify(results, null, 2));
  const outDir = join(process.cwd(), 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'store-bench.json'), `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`);
}

main();
