// The review workstation end to end in browser mode: the real server
// (startBrowserMode) on a temporary database holding the tiny synthetic
// slide after a real ingest, the built renderer, Debian's Chromium.
// Journeys: library -> viewer with tiles -> label 20 cells from the keyboard
// (checked in SQLite) -> undo / redo -> flag -> arrows / zoom / Esc -> slice
// grid and FOV outline -> filter -> gallery -> reload -> ingest from a path
// -> export and verify. Tests run in order and share one page. Screenshots
// go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { CELL_CLASSES, cellClassByName } from '../../../src-main/domain/cell-class.ts';
import {
  ARTIFACTS_DIR, chooseAnnotator, waitForViewerReady, type Browser,
} from './browser-harness.ts';
import type { FixtureDb } from './fixture-db.ts';
import { openWorkstationSession, type WorkstationSession } from './workstation-session.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { PageDocument, PageWindow } from './page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const document: PageDocument;

const ANNOTATOR = 'Dr Test';
const LABELS_TO_TYPE = 20;
// Digits and letters mixed, every class several times.
const LABEL_KEYS = ['1', '2', '3', '4', 'h', 'r', 'u', 'b', '1', '1', '2', '3', '2', '4', 'h', 'h', 'r', 'u', '1', 'b'];

let dir: WorkstationSession['dir'];
let fixture: FixtureDb;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
/** Cell ids in the order the keys labelled them, with the class each got. */
const typed: Array<{ cellId: number; label: string }> = [];

let session: WorkstationSession | undefined;

before(async () => {
  session = await openWorkstationSession('smearlab-e2e-', LABELS_TO_TYPE + 4);
  ({ dir, fixture, mode, browser, page } = session);
});

after(async () => {
  await session?.close();
});

function readDb<T>(fn: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(fixture.dbPath);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

async function focusedCellId(): Promise<number | null> {
  return page.evaluate(() => window.smearlabDebug!.focusedCellId());
}

async function waitForIdleQueue(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.statusbar')?.textContent?.includes('waiting'));
}

async function labelledCount(): Promise<number> {
  return Number(await page.getByTestId('labelled-count').textContent());
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * How many pixels of the middle of a cell's left edge show the colour. Classes
 * are dashed (overlay-style.ts CODE_CUES), so the whole stretch is scanned,
 * not a few points that could fall in a gap.
 */
async function edgeMatches(cellId: number, hex: string): Promise<number> {
  const box = await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), cellId);
  assert.ok(box, `cell ${cellId} has a screen box`);
  return page.evaluate(({ b, rgb }) => {
    const canvas = window.smearlabDebug!.overlayCanvas();
    const ratio = canvas.width / canvas.clientWidth;
    const x = Math.round(Math.round(b.x) * ratio);
    const y0 = Math.round((b.y + b.height * 0.2) * ratio);
    const y1 = Math.round((b.y + b.height * 0.8) * ratio);
    const d = canvas.getContext('2d')!.getImageData(x, y0, 1, Math.max(1, y1 - y0)).data;
    let matches = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 200 && Math.abs(d[i]! - rgb[0]!) < 12 && Math.abs(d[i + 1]! - rgb[1]!) < 12 && Math.abs(d[i + 2]! - rgb[2]!) < 12) matches++;
    }
    return matches;
  }, { b: box, rgb: hexRgb(hex) });
}

test('the library lists the ingested slide with its counts and thumbnail', async () => {
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, ANNOTATOR);
  const card = page.getByTestId('slide-card');
  await card.waitFor();
  assert.equal(await card.count(), 1);
  assert.match(await card.textContent() ?? '', /synthetic-tiny-s1/);
  assert.equal(await card.getByTestId('slide-labelled').textContent(), `0 / ${fixture.cellCount}`);
  // The thumbnail is rendered on demand (and lazy-loaded): wait for it to finish before reading its size.
  await page.waitForFunction(() => Boolean(document.querySelector('.slide-card img')?.complete), undefined, { timeout: 20_000 });
  const thumbWidth = await card.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
  assert.ok(thumbWidth > 0, 'the thumbnail loaded');
});

test('the viewer shows the slide tiles and the cell overlay', async () => {
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
  const stats = await page.evaluate(() => {
    const canvas = window.smearlabDebug!.viewer.drawer.canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4 * 7) {
      const grey = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
      if (data[i + 3]! === 0) continue;
      n++;
      sum += grey;
      sumSq += grey * grey;
      if (grey < 180) dark++;
    }
    const mean = sum / Math.max(1, n);
    return { painted: n, mean, std: Math.sqrt(sumSq / Math.max(1, n) - mean * mean), dark };
  });
  assert.ok(stats.painted > 10_000, `tile pixels painted: ${stats.painted}`);
  assert.ok(stats.std > 8, `tiles show structure, not a flat colour (std ${stats.std.toFixed(1)})`);
  assert.ok(stats.dark > 100, `stained cells are visible (${stats.dark} dark samples)`);
  const frame = await page.evaluate(() => window.smearlabDebug!.overlayFrame());
  assert.equal(frame.mode, 'vector');
  assert.equal(frame.drawn, fixture.cellCount, 'every cell box is drawn at whole-slide zoom');
  assert.match(await page.getByTestId('scale-bar').textContent() ?? '', /µm|mm/);
  assert.deepEqual(browser.pageErrors, [], 'no page errors (CSP violations included)');
});

test('20 cells labelled with keys only are committed to SQLite with the annotator', async () => {
  const order = await page.evaluate(() => window.smearlabDebug!.cellIds());
  const storeOrder = readDb((s) => s.listCells(fixture.slideId).map((c) => c.id));
  assert.deepEqual(order, storeOrder, "the renderer's reading order is the store's");

  await page.keyboard.press('n');
  await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() !== null);
  assert.equal(await focusedCellId(), order[0]);
  // Typed without waiting: the queue must apply each key to the cell the previous one moved to.
  for (const key of LABEL_KEYS.slice(0, LABELS_TO_TYPE)) await page.keyboard.press(key);
  await page.waitForFunction((n) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(n), LABELS_TO_TYPE);
  await waitForIdleQueue();
  for (let i = 0; i < LABELS_TO_TYPE; i++) {
    const cls = CELL_CLASSES.find((c) => c.digitKey === LABEL_KEYS[i] || c.letterKey === LABEL_KEYS[i])!;
    typed.push({ cellId: order[i]!, label: cls.name });
  }
  assert.equal(await focusedCellId(), order[LABELS_TO_TYPE], 'focus moved on to the next unlabelled cell');

  readDb((store) => {
    const annotator = store.listAnnotators().find((a) => a.name === ANNOTATOR);
    assert.ok(annotator, 'the annotator exists in the database');
    for (const { cellId, label } of typed) {
      const cell = store.getCell(cellId);
      assert.equal(cell.label, label, `cell ${cellId}`);
      assert.equal(cell.labelAnnotatorId, annotator.id);
      const history = store.labelHistory(cellId);
      assert.equal(history.length, 1);
      assert.equal(history[0]!.annotatorName, ANNOTATOR);
      assert.equal(history[0]!.action, 'do');
    }
    assert.equal(store.classCounts(fixture.slideId).labelled, LABELS_TO_TYPE);
  });
  assert.equal(await labelledCount(), LABELS_TO_TYPE);
});

test('Ctrl+Z undoes the last label as a new event, Ctrl+Shift+Z redoes it', async () => {
  const last = typed.at(-1)!;
  await page.keyboard.press('Control+z');
  await page.waitForFunction((n) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(n), LABELS_TO_TYPE - 1);
  await waitForIdleQueue();
  assert.equal(await focusedCellId(), last.cellId, 'undo focuses the cell it changed');
  readDb((store) => {
    assert.equal(store.getCell(last.cellId).label, null);
    assert.deepEqual(store.labelHistory(last.cellId).map((e) => e.action), ['do', 'undo']);
  });
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForFunction((n) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(n), LABELS_TO_TYPE);
  await waitForIdleQueue();
  readDb((store) => {
    assert.equal(store.getCell(last.cellId).label, last.label);
    assert.deepEqual(store.labelHistory(last.cellId).map((e) => e.action), ['do', 'undo', 'redo']);
  });
});

test('F flags the focused cell for second assessment', async () => {
  const cellId = (await focusedCellId())!;
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.querySelector('[data-testid="count-flagged"] b')?.textContent === '1');
  readDb((store) => assert.equal(store.getCell(cellId).flagged, true));
  // The cell panel shows the flag and the history with who did it.
  await page.getByTestId('cell-history').getByText('flagged').waitFor();
  assert.match(await page.getByTestId('cell-history').textContent() ?? '', new RegExp(ANNOTATOR));
});

test('arrows move to the nearest cell in that direction, Z zooms to it, Esc clears the focus', async () => {
  const centre = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  const moves: Array<[string, (d: { x: number; y: number }) => boolean]> = [
    ['ArrowRight', (d) => d.x > 0 && Math.abs(d.y) <= d.x],
    ['ArrowDown', (d) => d.y > 0 && Math.abs(d.x) <= d.y],
    ['ArrowLeft', (d) => d.x < 0 && Math.abs(d.y) <= -d.x],
    ['ArrowUp', (d) => d.y < 0 && Math.abs(d.x) <= -d.y],
  ];
  let moved = 0;
  for (const [key, inDirection] of moves) {
    const before = (await focusedCellId())!;
    const a = centre((await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), before))!);
    await page.keyboard.press(key);
    await waitForIdleQueue();
    const after = (await focusedCellId())!;
    if (after === before) continue; // nothing that way
    const b = centre((await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), after))!);
    assert.ok(inDirection({ x: b.x - a.x, y: b.y - a.y }), `${key} moved from cell ${before} to ${after}, which lies that way`);
    moved++;
  }
  assert.ok(moved >= 2, `arrows moved the focus ${moved} times`);
  const zoomBefore = await page.evaluate(() => window.smearlabDebug!.viewer.viewport.getZoom(true));
  await page.keyboard.press('z');
  await page.waitForFunction((z) => window.smearlabDebug!.viewer.viewport.getZoom(true) > z * 1.5, zoomBefore);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() === null);
  await page.keyboard.press('0');
});

test('the slice grid and the field-of-view outline draw on the overlay', async () => {
  await page.waitForFunction(() => window.smearlabDebug!.viewer.viewport.getZoom(true) < 1.2);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  const countColour = (rgb: [number, number, number]) => page.evaluate((c) => {
    const canvas = window.smearlabDebug!.overlayCanvas();
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 100 && Math.abs(d[i]! - c[0]!) < 20 && Math.abs(d[i + 1]! - c[1]!) < 20 && Math.abs(d[i + 2]! - c[2]!) < 20) n++;
    }
    return n;
  }, rgb);
  const grid: [number, number, number] = [0, 150, 170];
  const fov: [number, number, number] = hexRgb('#E8A33D');
  assert.equal(await countColour(grid), 0);
  assert.ok(await countColour(fov) < 50, 'no FOV outline before it is asked for');
  // By mouse here (the next key must still reach the keymap after a checkbox took the focus).
  await page.getByTestId('toggle-grid').click();
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  assert.ok(await countColour(grid) > 200, 'slice grid lines drawn');
  await page.keyboard.press('o');
  await page.waitForFunction(async (c) => {
    const canvas = window.smearlabDebug!.overlayCanvas();
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 100 && Math.abs(d[i]! - c[0]!) < 20 && Math.abs(d[i + 1]! - c[1]!) < 20 && Math.abs(d[i + 2]! - c[2]!) < 20) n++;
    return n > 200;
  }, fov);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'viewer-grid-fov.png') });
  await page.keyboard.press('l');
  await page.keyboard.press('o');
});

test('the filter limits overlay, navigation and gallery to one class', async () => {
  await page.keyboard.press('Escape');
  const healthy = typed.filter((t) => t.label === 'healthy').map((t) => t.cellId);
  await page.locator('[data-filter="healthy"]').click();
  await page.waitForFunction((n) => window.smearlabDebug!.overlayFrame().drawn === n, healthy.length);
  await page.keyboard.press('n');
  await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() !== null);
  assert.ok(healthy.includes((await focusedCellId())!), 'N goes to a cell the filter shows');
  await page.keyboard.press('g');
  const tiles = page.getByTestId('gallery').locator('.tile');
  await tiles.first().waitFor();
  assert.equal(await tiles.count(), healthy.length);
  for (const label of await tiles.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { label: string } }).dataset.label))) {
    assert.equal(label, 'healthy');
  }
  await page.locator('[data-filter="flagged"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.gallery .tile').length === 1);
  await page.locator('[data-filter="all"]').click();
});

test('the gallery labels with the same keys and shares the focus with the viewer', async () => {
  const tiles = page.getByTestId('gallery').locator('.tile');
  await page.waitForFunction((n) => document.querySelectorAll('.gallery .tile').length === n, fixture.cellCount);
  // Unlabelled first: the first tile is the first unlabelled cell.
  const first = tiles.first();
  assert.equal(await first.getAttribute('data-label'), 'unlabelled');
  const cellId = Number(await first.getAttribute('data-cell-id'));
  await first.click();
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, cellId);
  await page.keyboard.press('3');
  await page.waitForFunction((id) => document.querySelector(`.tile[data-cell-id="${id}"]`)?.dataset.label === 'unhealthy', cellId);
  readDb((store) => assert.equal(store.getCell(cellId).label, 'unhealthy'));
  typed.push({ cellId, label: 'unhealthy' });
  // Arrows move in the grid: right is the next tile of the row.
  await waitForIdleQueue();
  const layout = await tiles.evaluateAll((els) => els.map((e) => {
    const el = e as unknown as { dataset: { cellId: string }; offsetLeft: number; offsetTop: number };
    return { id: Number(el.dataset.cellId), x: el.offsetLeft, y: el.offsetTop };
  }));
  const focusedNow = (await focusedCellId())!;
  const at = layout.find((t) => t.id === focusedNow)!;
  const right = layout.filter((t) => t.y === at.y && t.x > at.x).sort((a, b) => a.x - b.x)[0];
  assert.ok(right, `the focused tile (cell ${focusedNow}) has a neighbour on its right`);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, right.id);
  // Crops are real images.
  await page.waitForFunction(() => {
    const img = document.querySelector('.tile img');
    return Boolean(img?.complete && (img.naturalWidth ?? 0) > 0);
  });
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'gallery.png') });
  await page.keyboard.press('g');
  assert.equal(await page.getByTestId('viewer').isVisible(), true);
});

test('after a reload the labels, flag and overlay colours are still there', async () => {
  await page.reload();
  await waitForViewerReady(page);
  assert.equal(await labelledCount(), typed.length);
  assert.equal(await page.locator('[data-testid="count-flagged"] b').textContent(), '1');
  await page.keyboard.press('Escape');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  for (const cls of CELL_CLASSES) {
    const candidates = typed.filter((t) => t.label === cls.name);
    assert.ok(candidates.length > 0, `a ${cls.name} cell was labelled`);
    let best = 0;
    for (const c of candidates) best = Math.max(best, await edgeMatches(c.cellId, cellClassByName(cls.name)!.colour));
    assert.ok(best >= 3, `the overlay draws a ${cls.name} cell in ${cls.colour} (best edge match ${best} px)`);
  }
  // A click on a cell focuses it (the focus ring shows in the screenshot).
  const target = typed.find((t) => readDb((s) => s.getCell(t.cellId).source) === 'auto')!;
  const box = (await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), target.cellId))!;
  const canvasAt = (await page.getByTestId('viewer').boundingBox())!;
  await page.mouse.click(canvasAt.x + box.x + box.width / 2, canvasAt.y + box.y + box.height / 2);
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, target.cellId);
  await page.getByTestId('cell-crop').waitFor();
  await page.waitForFunction(() => Boolean(document.querySelector('[data-testid="cell-crop"]')?.complete));
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'viewer-overlays.png') });
  await page.keyboard.press('?');
  await page.getByTestId('help').waitFor();
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'help.png') });
  await page.keyboard.press('Escape');
  assert.deepEqual(browser.pageErrors, []);
});

test('the library starts an ingest from a path and follows its job live', async () => {
  const second = await ensureFixtureSlide('tiny', { seed: 7 });
  await page.getByText('← Library').click();
  await page.getByTestId('ingest-path').fill(second.mrxsPath);
  // A pixel size that is not a number is caught before anything starts.
  await page.getByTestId('ingest-mpp').fill('quarter');
  await page.getByTestId('ingest-start').click();
  await page.getByTestId('library-message').filter({ hasText: /µm\/px must be a number such as 0\.25 \(got "quarter"\)/ }).waitFor();
  assert.equal(readDb((store) => store.findSlideByPath(second.mrxsPath)), null);
  // The scanner's own figure overridden: the slide is recorded (and its cells sized) at 0.3 um/px.
  await page.getByTestId('ingest-mpp').fill('0.3');
  await page.getByTestId('ingest-start').click();
  // The new slide's card appears with its job line, and the job ends done (job-progress events).
  const card = page.locator('[data-testid="slide-card"]', { hasText: 'synthetic-tiny-s7' });
  await card.waitFor({ timeout: 30_000 });
  await card.locator('[data-job-state="done"]').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('slide-card').count(), 2);
  readDb((store) => {
    const slide = store.findSlideByPath(second.mrxsPath);
    assert.ok(slide, 'the ingested slide is in the database');
    assert.equal(store.latestJob(slide.id, 'ingest')?.state, 'done');
    assert.deepEqual([slide.mppX, slide.mppY], [0.3, 0.3]);
  });
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'library.png') });
  assert.deepEqual(browser.pageErrors, []);
});

test('the export dialog writes a dataset of the labelled cells and verifies it', async () => {
  const target = join(dir.path, 'export');
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-folder').fill(target);
  await page.getByTestId('export-start').click();
  await page.getByTestId('export-dialog').locator('[data-job-state="done"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('export-verify').click();
  await page.getByTestId('export-message').filter({ hasText: /ok|sound|verified|match/i }).waitFor({ timeout: 20_000 });
  const healthy = readdirSync(join(target, 'cells'), { recursive: true }).map(String).filter((f) => f.includes('healthy') && f.endsWith('.png'));
  assert.ok(healthy.length > 0, 'healthy cell images were written');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'export-dialog.png') });
  assert.deepEqual(browser.pageErrors, []);
});
