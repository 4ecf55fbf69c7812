// UI benchmark (npm run bench:ui): the built renderer in headless Chromium
// against browser mode, on the demo synthetic slide (20,480 x 16,384 px)
// with 100,000 generated cells in a temporary database.
//   1. open slide -> first tile drawn (cold, then warm reopenings)
//   2. frame times (requestAnimationFrame deltas) and overlay draw times
//      during a scripted zoom in / pan / zoom out / pan over all 100,000 cells
//   3. keypress -> label committed to SQLite and the next cell focused,
//      over 200 labels (and to the next painted frame)
//   (the cells carry OTHER_READERS other readers' labels first, so the loop
//   runs with three readers' labels on every cell, as several readers do)
//   4. keypress -> cell edit committed to SQLite and shown (edit mode): X
//      rejects the focused cell, Enter finishes a split (two nuclei clicked,
//      the parts read from the scan and measured), Ctrl+Z undoes either
// Prints a table and writes bench-results/ui-<timestamp>.json. Targets:
// first tiles < 1 s, frame p95 <= 20 ms, label p95 <= 50 ms, edit p95 <= 50 ms.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { ASSIST_FEATURE_COUNT } from '../../src-main/assist/assist-features.ts';
import { FEATURE_VERSION } from '../../src-main/assist/run-assist.ts';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';
import { startBrowserMode } from '../../src-main/server/browser-mode.ts';
import { openStore } from '../../src-main/store/index.ts';
import {
  REPO_ROOT, buildRendererOnce, chooseAnnotator, launchBrowser, tempDir, waitForViewerReady,
} from '../e2e/browser/browser-harness.ts';
import { denseSlideDb } from '../e2e/browser/fixture-db.ts';
import type { PageDocument, PageWindow, RequestAnimationFrame } from '../e2e/browser/page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const document: PageDocument;
declare const requestAnimationFrame: RequestAnimationFrame;

const CELLS = Number(process.env.UI_BENCH_CELLS ?? 100_000);
const LABELS = Number(process.env.UI_BENCH_LABELS ?? 200);
const EDITS = Number(process.env.UI_BENCH_EDITS ?? 50);
const REOPENINGS = 4;
const ANNOTATOR = 'Bench';
const OTHER_READERS = Number(process.env.UI_BENCH_OTHER_READERS ?? 2);

/** Every cell labelled by each of `readers` other readers (imported readings, one transaction), so the bench reads among several readers. */
function seedOtherReaders(dbPath: string, slideId: number, readers: number): number {
  const store = openStore(dbPath);
  const ids = store.listCells(slideId).map((c) => c.id);
  const names = Array.from({ length: readers }, (_, i) => store.ensureAnnotator(`Reader ${i + 1}`).id);
  store.close();
  const db = new Database(dbPath);
  try {
    const insert = db.prepare(`INSERT INTO label_events (cell_id, kind, value, annotator_id, action, created_at, role, uid)
      VALUES (?, 'label', ?, ?, 'import', ?, 'reader', ?)`);
    const classes = ['healthy', 'rubbish', 'unhealthy', 'bothcells'];
    db.transaction(() => {
      for (const [r, annotatorId] of names.entries()) for (const [i, id] of ids.entries()) insert.run(id, classes[(i * (r + 1)) % 4], annotatorId, Date.now(), uuidv7());
    })();
    // As after an ingest in the app: every cell has its assist features, so a training run (the workspace starts
    // one on open and after 20 labels) does not read the scan while we time the keys. Values are synthetic.
    const feature = db.prepare('INSERT OR REPLACE INTO cell_features (cell_id, version, vector) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const [i, id] of ids.entries()) {
        const v = Float32Array.from({ length: ASSIST_FEATURE_COUNT }, (_, k) => Math.sin(i * 0.37 + k) + (i % 7) * 0.1);
        feature.run(id, FEATURE_VERSION, Buffer.from(v.buffer));
      }
    })();
    return ids.length * readers;
  } finally {
    db.close();
  }
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN, mean };
}

const round = (v: number) => Math.round(v * 10) / 10;

async function openSlideTimed(page: Page): Promise<{ firstTileMs: number; cellsReadyMs: number }> {
  // Page side: the click's timestamp, the first tile-drawn event, the moment the overlay has cells.
  const timing = page.evaluate(() => new Promise<{ firstTileMs: number; cellsReadyMs: number }>((resolve) => {
    let clickedAt = 0;
    let firstTileMs = NaN;
    window.addEventListener('pointerdown', () => { clickedAt = performance.now(); }, true);
    window.addEventListener('smearlab:first-tile', () => {
      firstTileMs = performance.now() - clickedAt;
      const poll = () => {
        if (window.smearlabDebug && window.smearlabDebug.overlayFrame().drawn > 0) resolve({ firstTileMs, cellsReadyMs: performance.now() - clickedAt });
        else requestAnimationFrame(poll);
      };
      poll();
    }, { once: true });
  }));
  await page.locator('button.slide-open').first().click();
  return timing;
}

async function backToLibrary(page: Page): Promise<void> {
  await page.getByText('← Library').click();
  await page.getByTestId('slide-card').first().waitFor();
}

/** Scripted zoom / pan through OpenSeadragon's own animation; rAF deltas and overlay frame costs recorded page-side. */
async function panZoomFrames(page: Page, overlayShown: boolean): Promise<{ frames: number[]; overlayMs: Record<string, number[]> }> {
  return page.evaluate(async (shown) => {
    const debug = window.smearlabDebug!;
    debug.overlayEnabled(shown);
    const vp = debug.viewer.viewport;
    const frames: number[] = [];
    const overlayMs: Record<string, number[]> = { vector: [], raster: [] };
    let last = performance.now();
    let running = true;
    const tick = (now: number) => {
      frames.push(now - last);
      last = now;
      const f = debug.overlayFrame();
      overlayMs[f.mode]?.push(f.ms);
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    vp.goHome(true);
    await sleep(300);
    for (let i = 0; i < 9; i++) { vp.zoomBy(1.45); await sleep(260); }
    for (let i = 0; i < 24; i++) { vp.panBy({ x: 0.012 * (i < 12 ? 1 : -1), y: 0.006 }); await sleep(90); }
    for (let i = 0; i < 4; i++) { vp.zoomBy(1 / 1.45); await sleep(260); }
    for (let i = 0; i < 24; i++) { vp.panBy({ x: -0.02, y: 0.01 * (i < 12 ? -1 : 1) }); await sleep(90); }
    for (let i = 0; i < 5; i++) { vp.zoomBy(1 / 1.45); await sleep(260); }
    for (let i = 0; i < 16; i++) { vp.panBy({ x: 0.03, y: -0.01 }); await sleep(90); }
    await sleep(500);
    running = false;
    debug.overlayEnabled(true);
    // The first delta spans the script's start.
    return { frames: frames.slice(1), overlayMs };
  }, overlayShown);
}

/** rAF deltas of the open page doing nothing: how much the machine itself jitters. */
async function idleFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate((duration) => new Promise<number[]>((resolve) => {
    const deltas: number[] = [];
    let last = 0;
    const end = performance.now() + duration;
    const tick = (now: number) => {
      if (last) deltas.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(deltas);
    };
    requestAnimationFrame(tick);
  }), ms);
}

/** One label per press, waiting each time: keypress -> commit -> focus event (and -> the next frame). */
async function labelLatencies(page: Page, count: number): Promise<{ focus: number[]; painted: number[] }> {
  await page.evaluate(() => {
    const bench = { keyAt: 0 };
    window.__labelBench = bench;
    window.addEventListener('keydown', (event) => { bench.keyAt = event.timeStamp; }, true);
  });
  const focus: number[] = [];
  const painted: number[] = [];
  const keys = ['1', '2', '3', '4', 'h', 'r', 'u', 'b'];
  for (let i = 0; i < count; i++) {
    const done = page.evaluate(() => new Promise<[number, number]>((resolve) => {
      window.addEventListener('smearlab:focus', () => {
        const bench = window.__labelBench as { keyAt: number };
        const focusedAt = performance.now() - bench.keyAt;
        requestAnimationFrame(() => resolve([focusedAt, performance.now() - bench.keyAt]));
      }, { once: true });
    }));
    await page.keyboard.press(keys[i % keys.length]!);
    const [f, p] = await done;
    focus.push(f);
    painted.push(p);
  }
  return { focus, painted };
}

type EditKind = 'reject' | 'split' | 'undo';

/**
 * Edit mode on the focused cell, one edit per key, waiting each time: the key's
 * timestamp -> the controller's smearlab:cells-edited (the call answered after
 * the SQLite commit, the cells swapped in the overlay). Per round: X rejects,
 * Ctrl+Z brings it back; S, two clicks on nuclei, Enter splits; Ctrl+Z undoes; N moves on.
 */
async function editLatencies(page: Page, rounds: number): Promise<Record<EditKind, number[]>> {
  await page.evaluate(() => {
    const bench = { keyAt: 0 };
    window.__editBench = bench;
    // The key that acts: Ctrl+Z is timed from the Z, not from the Control key pressed (one CDP round trip) before it.
    const modifiers = ['Control', 'Shift', 'Alt', 'Meta'];
    window.addEventListener('keydown', (event) => {
      if (!modifiers.includes(event.key ?? '')) bench.keyAt = event.timeStamp;
    }, true);
  });
  const out: Record<EditKind, number[]> = { reject: [], split: [], undo: [] };
  const timed = async (kind: EditKind, press: () => Promise<void>) => {
    const done = page.evaluate(() => new Promise<number>((resolve) => {
      window.addEventListener('smearlab:cells-edited', () => {
        resolve(performance.now() - (window.__editBench as { keyAt: number }).keyAt);
      }, { once: true });
    }));
    await press();
    out[kind].push(await done);
  };
  await page.keyboard.press('e');
  for (let i = 0; i < rounds; i++) {
    await timed('reject', () => page.keyboard.press('x'));
    await timed('undo', () => page.keyboard.press('Control+z'));
    const id = await page.evaluate(() => window.smearlabDebug!.focusedCellId());
    const box = await page.evaluate((cellId) => window.smearlabDebug!.cellScreenBox(cellId!), id);
    const host = await page.getByTestId('viewer').boundingBox();
    if (box && host && box.width > 8) {
      await page.keyboard.press('s');
      for (const fx of [0.3, 0.7]) await page.mouse.click(host.x + box.x + box.width * fx, host.y + box.y + box.height / 2);
      await timed('split', () => page.keyboard.press('Enter'));
      await timed('undo', () => page.keyboard.press('Control+z'));
    }
    await page.keyboard.press('n');
  }
  await page.keyboard.press('e');
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = await tempDir('smearlab-ui-bench-');
  const rendererDir = await buildRendererOnce();
  const slide = await ensureFixtureSlide('demo');
  const fixture = await denseSlideDb(dir.path, slide, CELLS);
  console.log(`demo slide ${slide.width} x ${slide.height}, ${fixture.cellCount.toLocaleString()} cells generated (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const seeded = seedOtherReaders(fixture.dbPath, fixture.slideId, OTHER_READERS);
  console.log(`${seeded.toLocaleString()} labels by ${OTHER_READERS} other readers on every cell (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const mode = await startBrowserMode({ dbPath: fixture.dbPath, rendererDir, log: () => undefined });
  const browser = await launchBrowser({ width: 1400, height: 900 });
  const page = browser.page;
  try {
    await page.goto(mode.appUrl);
    await chooseAnnotator(page, ANNOTATOR);
    await page.getByTestId('slide-card').first().waitFor();

    const opens: Array<{ firstTileMs: number; cellsReadyMs: number }> = [];
    for (let i = 0; i <= REOPENINGS; i++) {
      opens.push(await openSlideTimed(page));
      console.log(`  opened: first tile ${round(opens.at(-1)!.firstTileMs)} ms, cells drawn ${round(opens.at(-1)!.cellsReadyMs)} ms`);
      await waitForViewerReady(page);
      if (i < REOPENINGS) await backToLibrary(page);
    }

    const idle = await idleFrames(page, 3000);
    // A first pass unmeasured: tiles fetched and decoded once, raster levels painted, so the two
    // measured passes (with the overlay, then without) see the same warm caches.
    await panZoomFrames(page, true);
    const { frames, overlayMs } = await panZoomFrames(page, true);
    // The same script with the overlay off: what the tiles alone cost on this machine.
    const tilesOnly = (await panZoomFrames(page, false)).frames;
    console.log(`  pan/zoom: ${frames.length} frames; tiles only: ${tilesOnly.length} frames`);

    await page.keyboard.press('0');
    await page.keyboard.press('n');
    await page.keyboard.press('z');
    await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() !== null);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 600)));
    const labels = await labelLatencies(page, LABELS);
    await page.waitForFunction(() => !document.querySelector('.statusbar')?.textContent?.includes('waiting'));
    const store = openStore(fixture.dbPath);
    const annotator = store.listAnnotators().find((a) => a.name === ANNOTATOR);
    const committed = annotator ? store.classCounts(fixture.slideId, { kind: 'reader', readerId: annotator.id }).labelled : 0;
    store.close();
    if (committed !== LABELS || !annotator) throw new Error(`expected ${LABELS} labels in SQLite by ${ANNOTATOR}, found ${committed}`);
    const edits = await editLatencies(page, EDITS);
    const allEdits = [...edits.reject, ...edits.split, ...edits.undo];
    const editCheck = openStore(fixture.dbPath);
    const editEvents = editCheck.listCells(fixture.slideId).length;
    editCheck.close();
    if (editEvents !== fixture.cellCount) throw new Error(`every edit was undone, yet ${editEvents} live cells (expected ${fixture.cellCount})`);
    if (browser.pageErrors.length > 0) console.warn(`page errors: ${browser.pageErrors.join(' | ')}`);

    const result = {
      benchmark: 'ui',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, chromium: '/usr/bin/chromium (headless, --disable-gpu)' },
      slide: { width: slide.width, height: slide.height, cells: fixture.cellCount, otherReaders: OTHER_READERS, readerLabels: seeded },
      openToFirstTileMs: { cold: round(opens[0]!.firstTileMs), warm: stats(opens.slice(1).map((o) => o.firstTileMs)), target: '< 1000' },
      openToCellsDrawnMs: { cold: round(opens[0]!.cellsReadyMs), warm: stats(opens.slice(1).map((o) => o.cellsReadyMs)) },
      idleFrameMs: { ...stats(idle), over20ms: idle.filter((f) => f > 20).length, note: 'same page, nothing moving: machine noise' },
      panZoomFrameMs: { ...stats(frames), over20ms: frames.filter((f) => f > 20).length, target: 'p95 <= 20' },
      panZoomTilesOnlyFrameMs: { ...stats(tilesOnly), over20ms: tilesOnly.filter((f) => f > 20).length, note: 'same script, overlay off' },
      overlayDrawMs: { vector: stats(overlayMs.vector ?? []), raster: stats(overlayMs.raster ?? []) },
      labelToCommittedAndFocusedMs: { ...stats(labels.focus), target: 'p95 <= 50' },
      labelToNextFrameMs: stats(labels.painted),
      labelsVerifiedInSqlite: committed,
      editToCommittedMs: { ...stats(allEdits), target: 'p95 <= 50' },
      editRejectMs: stats(edits.reject),
      editSplitMs: { ...stats(edits.split), note: 'Enter after two clicks: split and measures read from the scan' },
      editUndoMs: stats(edits.undo),
    };
    const rows: Array<[string, string]> = [
      ['open -> first tile (cold)', `${round(opens[0]!.firstTileMs)} ms`],
      ['open -> first tile (warm, p50)', `${round(result.openToFirstTileMs.warm.p50)} ms`],
      ['open -> 100k cells drawn (cold)', `${round(opens[0]!.cellsReadyMs)} ms`],
      ['idle frame p50 / p95 / max', `${round(result.idleFrameMs.p50)} / ${round(result.idleFrameMs.p95)} / ${round(result.idleFrameMs.max)} ms (${idle.length} frames, ${result.idleFrameMs.over20ms} > 20 ms)`],
      ['pan/zoom frame p50 / p95 / max', `${round(result.panZoomFrameMs.p50)} / ${round(result.panZoomFrameMs.p95)} / ${round(result.panZoomFrameMs.max)} ms (${frames.length} frames, ${result.panZoomFrameMs.over20ms} > 20 ms)`],
      ['  same, overlay off p50 / p95 / max', `${round(result.panZoomTilesOnlyFrameMs.p50)} / ${round(result.panZoomTilesOnlyFrameMs.p95)} / ${round(result.panZoomTilesOnlyFrameMs.max)} ms (${tilesOnly.length} frames, ${result.panZoomTilesOnlyFrameMs.over20ms} > 20 ms)`],
      ['overlay draw vector p50 / p95', `${round(result.overlayDrawMs.vector.p50)} / ${round(result.overlayDrawMs.vector.p95)} ms (${result.overlayDrawMs.vector.n} frames)`],
      ['overlay draw raster p50 / p95', `${round(result.overlayDrawMs.raster.p50)} / ${round(result.overlayDrawMs.raster.p95)} ms (${result.overlayDrawMs.raster.n} frames)`],
      ['key -> committed + focused p50 / p95', `${round(result.labelToCommittedAndFocusedMs.p50)} / ${round(result.labelToCommittedAndFocusedMs.p95)} ms (${labels.focus.length} labels)`],
      ['key -> next frame p50 / p95', `${round(result.labelToNextFrameMs.p50)} / ${round(result.labelToNextFrameMs.p95)} ms`],
      ['key -> edit committed p50 / p95', `${round(result.editToCommittedMs.p50)} / ${round(result.editToCommittedMs.p95)} ms (${allEdits.length} edits)`],
      ['  reject (X) p50 / p95', `${round(result.editRejectMs.p50)} / ${round(result.editRejectMs.p95)} ms (${edits.reject.length})`],
      ['  split (Enter) p50 / p95', `${round(result.editSplitMs.p50)} / ${round(result.editSplitMs.p95)} ms (${edits.split.length})`],
      ['  undo (Ctrl+Z) p50 / p95', `${round(result.editUndoMs.p50)} / ${round(result.editUndoMs.p95)} ms (${edits.undo.length})`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nUI benchmark (${fixture.cellCount.toLocaleString()} cells, headless Chromium, ${cpus().length} CPUs)`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    const outDir = join(REPO_ROOT, 'bench-results');
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `ui-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  } finally {
    await browser.close();
    await mode.close();
    await dir.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
