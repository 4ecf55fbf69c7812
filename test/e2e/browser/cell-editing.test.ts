// Cell editing end to end in browser mode: the real server on a temporary
// database holding the tiny synthetic slide after a real ingest, the built
// renderer, Debian's Chromium. Each edit kind from mouse and keyboard (add
// by drag, add by a click on a nucleus, resize by a handle, split, merge,
// reject), each undone (Ctrl+Z) and redone (Ctrl+Shift+Z), checked in
// SQLite after every step; then an export holds the edited cells (source
// manual) and none of the retired ones. Tests run in order on one page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { CellView } from '../../../src-main/domain/cell.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import {
  ARTIFACTS_DIR, chooseAnnotator, waitForViewerReady,
} from './browser-harness.ts';
import type { FixtureDb } from './fixture-db.ts';
import { openWorkstationSession, type WorkstationSession } from './workstation-session.ts';
import type { PageWindow } from './page-types.ts';

declare const window: PageWindow;

const ANNOTATOR = 'Dr Edit';

interface EditDetail { kind: string; action: string; created: number[]; retired: number[] }

let dir: WorkstationSession['dir'];
let fixture: FixtureDb;
let mode: BrowserMode;
let page: Page;

let session: WorkstationSession | undefined;

before(async () => {
  session = await openWorkstationSession('smearlab-e2e-edit-', 12);
  ({ dir, fixture, mode, page } = session);
});

after(async () => {
  await session?.close();
});

function readCell(id: number): CellView {
  const store = openStore(fixture.dbPath);
  try {
    return store.getCell(id);
  } finally {
    store.close();
  }
}

function liveIds(): number[] {
  const store = openStore(fixture.dbPath);
  try {
    return store.listCells(fixture.slideId).map((c) => c.id);
  } finally {
    store.close();
  }
}

/** Runs act and answers with the edit the page committed (the controller's smearlab:cells-edited). */
async function nextEdit(act: () => Promise<void>): Promise<EditDetail> {
  const before = await page.evaluate(() => (window.__edits as unknown[]).length);
  await act();
  await page.waitForFunction((n) => (window.__edits as unknown[]).length > n, before, { timeout: 15_000 });
  return page.evaluate((n) => (window.__edits as EditDetail[])[n]!, before);
}

/** Ctrl+Z, then Ctrl+Shift+Z: the edit is reverted and re-applied as new events, checked in SQLite each time. */
async function undoAndRedo(edit: EditDetail): Promise<void> {
  const undone = await nextEdit(() => page.keyboard.press('Control+z'));
  assert.deepEqual([undone.kind, undone.action], [edit.kind, 'undo']);
  for (const id of edit.created) assert.equal(readCell(id).retired, true, `undo retires cell ${id}`);
  for (const id of edit.retired) assert.equal(readCell(id).retired, false, `undo restores cell ${id}`);
  const redone = await nextEdit(() => page.keyboard.press('Control+Shift+z'));
  assert.deepEqual([redone.kind, redone.action], [edit.kind, 'redo']);
  for (const id of edit.created) assert.equal(readCell(id).retired, false, `redo restores cell ${id}`);
  for (const id of edit.retired) assert.equal(readCell(id).retired, true, `redo retires cell ${id}`);
  const live = await page.evaluate(() => window.smearlabDebug!.cellIds());
  assert.deepEqual([...live].sort((a, b) => a - b), liveIds().sort((a, b) => a - b), 'the overlay holds exactly the live cells');
}

async function screenBox(cellId: number): Promise<Box> {
  const b = await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), cellId);
  assert.ok(b, `cell ${cellId} is on screen`);
  const host = await page.getByTestId('viewer').boundingBox();
  return { x: host!.x + b.x, y: host!.y + b.y, width: b.width, height: b.height };
}

async function screenPoint(x: number, y: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(({ px, py }) => window.smearlabDebug!.screenPoint(px, py), { px: x, py: y });
  const host = await page.getByTestId('viewer').boundingBox();
  return { x: host!.x + p!.x, y: host!.y + p!.y };
}

async function focused(): Promise<number> {
  const id = await page.evaluate(() => window.smearlabDebug!.focusedCellId());
  assert.ok(id !== null, 'a cell is focused');
  return id;
}

async function zoomToFocused(): Promise<void> {
  await page.keyboard.press('z');
  await page.waitForTimeout(700);
  await waitForViewerReady(page);
}

test('E turns edit mode on, with handles and a status line of what the keys do', async () => {
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, ANNOTATOR);
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
  await page.evaluate(() => {
    window.__edits = [];
    window.addEventListener('smearlab:cells-edited', (e) => { (window.__edits as unknown[]).push(e.detail); });
  });
  // The reader starts on a cell: N focuses the first one, Z zooms to it.
  await page.keyboard.press('n');
  await zoomToFocused();
  await page.keyboard.press('e');
  await page.getByTestId('edit-status').waitFor();
  assert.equal(await page.getByTestId('edit-status').getAttribute('data-tool'), 'select');
  assert.match(await page.getByTestId('edit-status').textContent() ?? '', /drag a handle/);
});

let drawnId = 0;

test('A then a drag adds a cell (source manual, measured from the scan); undone and redone', async () => {
  const anchor = readCell(await focused());
  await page.keyboard.press('a');
  assert.equal(await page.evaluate(() => window.smearlabDebug!.editTool()), 'draw');
  const from = await screenPoint(anchor.box.x - 40, anchor.box.y - 40);
  const to = await screenPoint(anchor.box.x + anchor.box.width + 40, anchor.box.y + anchor.box.height + 40);
  const edit = await nextEdit(async () => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
  });
  assert.deepEqual([edit.kind, edit.action, edit.created.length, edit.retired.length], ['add', 'do', 1, 0]);
  drawnId = edit.created[0]!;
  const cell = readCell(drawnId);
  assert.equal(cell.source, 'manual');
  assert.ok(Math.abs(cell.box.x - (anchor.box.x - 40)) <= 3 && Math.abs(cell.box.width - (anchor.box.width + 80)) <= 6, `drawn box ${JSON.stringify(cell.box)}`);
  assert.ok(cell.area !== null && cell.area > 0, `stained area measured: ${cell.area}`);
  assert.ok((cell.nuclei ?? 0) >= 1, 'the nucleus of the cell inside is counted');
  assert.equal(await focused(), drawnId, 'the new cell has the focus');
  assert.equal(await page.evaluate(() => window.smearlabDebug!.editTool()), 'select');
  await undoAndRedo(edit);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'edit-add-drag.png') });
});

test('C then a click on a nucleus adds the cell the instance step proposes around it; undone and redone', async () => {
  const store = openStore(fixture.dbPath);
  const target = store.listCells(fixture.slideId).find((c) => c.source === 'auto' && c.nucleus !== null && c.id !== drawnId);
  store.close();
  assert.ok(target?.nucleus, 'a detected cell with a nucleus');
  await page.keyboard.press('c');
  const p = await screenPoint(target.nucleus.x, target.nucleus.y);
  const edit = await nextEdit(() => page.mouse.click(p.x, p.y));
  assert.deepEqual([edit.kind, edit.created.length], ['add', 1]);
  const cell = readCell(edit.created[0]!);
  const b = cell.box;
  assert.ok(target.nucleus.x >= b.x && target.nucleus.x < b.x + b.width && target.nucleus.y >= b.y && target.nucleus.y < b.y + b.height, 'the box holds the click');
  assert.ok(cell.nucleus !== null && Math.hypot(cell.nucleus.x - target.nucleus.x, cell.nucleus.y - target.nucleus.y) < 20, 'its nucleus is the one clicked');
  // The same instance step as the ingest: the proposal matches the detected box.
  const overlap = Math.max(0, Math.min(b.x + b.width, target.box.x + target.box.width) - Math.max(b.x, target.box.x))
    * Math.max(0, Math.min(b.y + b.height, target.box.y + target.box.height) - Math.max(b.y, target.box.y));
  assert.ok(overlap / (b.width * b.height + target.box.width * target.box.height - overlap) > 0.5, 'proposal IoU with the detected cell > 0.5');
  await undoAndRedo(edit);
});

let reshapedId = 0;

test('dragging a handle of the focused cell resizes it (a new cell, the old one retired); undone and redone', async () => {
  // Focus the drawn cell again (the proposal took the focus) by clicking in select mode.
  const drawn = await screenBox(drawnId);
  await page.keyboard.press('Escape'); // back to select (from the nucleus tool, now select already)
  if (await page.evaluate(() => window.smearlabDebug!.editTool()) === 'off') await page.keyboard.press('e');
  await page.mouse.click(drawn.x + 3, drawn.y + drawn.height - 3);
  if (await focused() !== drawnId) await page.mouse.click(drawn.x + drawn.width - 3, drawn.y + 3);
  assert.equal(await focused(), drawnId);
  const before = readCell(drawnId).box;
  const corner = { x: drawn.x + drawn.width, y: drawn.y + drawn.height };
  const edit = await nextEdit(async () => {
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(corner.x + 15, corner.y + 10, { steps: 3 });
    await page.mouse.move(corner.x + 30, corner.y + 20, { steps: 3 });
    await page.mouse.up();
  });
  assert.deepEqual([edit.kind, edit.retired], ['reshape', [drawnId]]);
  reshapedId = edit.created[0]!;
  const after = readCell(reshapedId).box;
  assert.deepEqual([after.x, after.y], [before.x, before.y], 'the top-left corner stays');
  assert.ok(after.width > before.width && after.height > before.height, `grown: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  assert.equal(readCell(drawnId).retired, true);
  await undoAndRedo(edit);
});

let partIds: number[] = [];

test('S, clicks on two nuclei, Enter split the focused cell in two; undone and redone', async () => {
  assert.equal(await focused(), reshapedId);
  const b = readCell(reshapedId).box;
  await page.keyboard.press('s');
  assert.equal(await page.evaluate(() => window.smearlabDebug!.editTool()), 'split');
  for (const fx of [0.25, 0.75]) {
    const p = await screenPoint(b.x + b.width * fx, b.y + b.height / 2);
    await page.mouse.click(p.x, p.y);
  }
  const edit = await nextEdit(() => page.keyboard.press('Enter'));
  assert.deepEqual([edit.kind, edit.created.length, edit.retired], ['split', 2, [reshapedId]]);
  partIds = edit.created;
  const parts = partIds.map((id) => readCell(id));
  for (const part of parts) {
    assert.equal(part.source, 'manual');
    assert.ok(part.box.x >= b.x && part.box.x + part.box.width <= b.x + b.width, 'each part inside the old box');
  }
  assert.ok(parts[0]!.centre.x < parts[1]!.centre.x, 'one part per clicked nucleus, left and right');
  await undoAndRedo(edit);
});

let mergedId = 0;

test('M, a click on the other part, Enter merge the two parts back into one; undone and redone', async () => {
  const first = await focused();
  assert.ok(partIds.includes(first));
  const other = partIds.find((id) => id !== first)!;
  await page.keyboard.press('m');
  const o = readCell(other);
  const p = await screenPoint(o.nucleus?.x ?? o.centre.x, o.centre.y);
  await page.mouse.click(p.x, p.y);
  const edit = await nextEdit(() => page.keyboard.press('Enter'));
  assert.equal(edit.kind, 'merge');
  assert.deepEqual([...edit.retired].sort((a, c) => a - c), [...partIds].sort((a, c) => a - c));
  mergedId = edit.created[0]!;
  await undoAndRedo(edit);
  assert.equal(await focused(), mergedId);
});

test('X rejects the focused cell (not a cell): it leaves the overlay, stays in SQLite; undone and redone', async () => {
  // Label it first: a rejected cell keeps its label history.
  await page.keyboard.press('1');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() !== id, mergedId);
  assert.equal(readCell(mergedId).label, 'healthy');
  // Back to it (the label moved the focus on), then reject.
  const m = await screenBox(mergedId);
  await page.mouse.click(m.x + 2, m.y + m.height / 2);
  assert.equal(await focused(), mergedId);
  const edit = await nextEdit(() => page.keyboard.press('x'));
  assert.deepEqual([edit.kind, edit.created, edit.retired], ['reject', [], [mergedId]]);
  const cell = readCell(mergedId);
  assert.deepEqual([cell.retired, cell.label], [true, 'healthy']);
  assert.ok(!(await page.evaluate(() => window.smearlabDebug!.cellIds())).includes(mergedId));
  await undoAndRedo(edit);
  // History of the rejected cell: created by the merge, labelled, rejected, restored, rejected again.
  const store = openStore(fixture.dbPath);
  try {
    const history = store.labelHistory(mergedId).map((h) => `${h.kind}:${h.action}${h.kind === 'edit' ? `:${h.value}:${h.change}` : ''}`);
    assert.deepEqual(history.slice(-4), ['label:do', 'edit:do:reject:retire', 'edit:undo:reject:restore', 'edit:redo:reject:retire']);
  } finally {
    store.close();
  }
  // Nothing was deleted: every cell any edit touched is still a row.
  const raw = new Database(fixture.dbPath, { readonly: true });
  try {
    const missing = raw.prepare('SELECT count(*) FROM edit_cells x LEFT JOIN cells c ON c.id = x.cell_id WHERE c.id IS NULL').pluck().get();
    assert.equal(missing, 0);
  } finally {
    raw.close();
  }
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'edit-after-journeys.png') });
});

test('an export holds the edited cells with source manual and none of the retired ones', async () => {
  // Keep one manual cell live and labelled: undo the reject, label the merged cell again.
  await nextEdit(() => page.keyboard.press('Control+z'));
  const target = join(dir.path, 'export');
  const started = await mode.runtime.invoke('startExport', { targetDir: target, labels: 'all', formats: { cells: true, slices: true, yolo: true, coco: true, geojson: true }, split: { mode: 'none' } });
  assert.ok(started.ok, JSON.stringify(started));
  const jobId = (started.value as { job: { id: number } }).job.id;
  const outcome = await mode.runtime.invoke('waitForJob', { jobId, timeoutMs: 60_000 });
  assert.ok(outcome.ok && (outcome.value as { job: { state: string } }).job.state === 'done', JSON.stringify(outcome));
  const live = new Set(liveIds());
  const geoFiles = (await readdir(join(target, 'geojson'))).filter((f) => f.endsWith('.geojson') || f.endsWith('.json'));
  const features = (JSON.parse(await readFile(join(target, 'geojson', geoFiles[0]!), 'utf8')) as {
    features: Array<{ properties: { smearlab: { cellId: number; source: string } } }>;
  }).features.map((f) => f.properties.smearlab);
  assert.deepEqual(new Set(features.map((f) => f.cellId)), live, 'geojson: exactly the live cells');
  assert.equal(features.find((f) => f.cellId === mergedId)?.source, 'manual');
  for (const retired of [drawnId, reshapedId, ...partIds]) assert.ok(!features.some((f) => f.cellId === retired), `retired cell ${retired} not exported`);
  const coco = JSON.parse(await readFile(join(target, 'coco', (await readdir(join(target, 'coco')))[0]!), 'utf8')) as {
    annotations: Array<{ attributes: { source: string; full_box_level0: number[] } }>;
  };
  const merged = readCell(mergedId).box;
  assert.ok(coco.annotations.some((a) => a.attributes.source === 'manual'
    && a.attributes.full_box_level0.join() === [merged.x, merged.y, merged.width, merged.height].join()), 'coco: the labelled manual cell');
  // YOLO and APACC slices share the slice label files: the labelled manual cell is a line of its slice's file.
  assert.match(await readFile(join(target, 'yolo', 'data.yaml'), 'utf8'), /names:/);
  const sliceTexts = (await readdir(join(target, 'slices'), { recursive: true })).map(String).filter((f) => f.endsWith('.txt'));
  const lines = (await Promise.all(sliceTexts.map((f) => readFile(join(target, 'slices', f), 'utf8')))).join('').trim().split('\n');
  assert.ok(lines.some((l) => l.startsWith('0 ')), 'a healthy (id 0) box in the slice label files');
});
