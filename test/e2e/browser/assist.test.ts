// AI assist end to end in browser mode: the real server (startBrowserMode) on
// a temporary database holding the tiny synthetic slide after a real ingest,
// the built renderer, Debian's Chromium; no API stand-ins. Opening the slide
// brings the starting model's suggestions before any label; a reader labels
// 20 cells from the keyboard with two classes (the largest third of them
// unhealthy, the rest healthy); the workspace trains a model of their own in
// the background; its suggestions appear on every other cell (overlay ring, tile
// chip, the summary's estimates), Y accepts one (the label event keeps which
// model suggested what), the most-suspicious gallery ranks by p(unhealthy) as
// the API and the suggestions table do, and a multi-selection is labelled
// with one key (Y: each tile's suggestion; a class key after Ctrl+A). Tests
// run in order and share one page. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { CELL_CLASSES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import type { CellView, GalleryPageView } from '../../../src-main/api/views.ts';
import { boxesIntersect } from '../../../src-main/domain/geometry.ts';
import { loadStartModel } from '../../../src-main/assist/run-assist.ts';
import { UNLABELLED_COLOUR } from '../../../src-renderer/viewer/overlay-style.ts';
import { ARTIFACTS_DIR, chooseAnnotator, waitForViewerReady, type Browser } from './browser-harness.ts';
import type { FixtureDb } from './fixture-db.ts';
import { openWorkstationSession, type WorkstationSession } from './workstation-session.ts';
import type { PageDocument, PageWindow, RequestAnimationFrame } from './page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const document: PageDocument;
declare const requestAnimationFrame: RequestAnimationFrame;

const READER = 'Dr Yates';
const TYPED = 20;
/** Keys for the two classes, digits and letters mixed. */
const KEYS: Record<'healthy' | 'unhealthy', readonly string[]> = { healthy: ['1', 'h'], unhealthy: ['3', 'u'] };

let fixture: FixtureDb;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
/** Live cell ids in reading order. */
let order: number[] = [];
let modelId = 0;
/** The shipped starting model is there (and fits the features): the first suggestions come before any label. */
const withStartModel = loadStartModel() !== null;

let session: WorkstationSession | undefined;

before(async () => {
  session = await openWorkstationSession('smearlab-e2e-assist-', 40);
  ({ fixture, mode, browser, page } = session);
});

after(async () => {
  await session?.close();
});

/** Read-only SQL on the workstation's database. */
function sql<T>(query: string, ...params: unknown[]): T[] {
  const db = new Database(fixture.dbPath, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The contract over HTTP, in the page's session (the reader): what the UI's own calls answer. */
async function api<T>(operation: string, input: unknown): Promise<T> {
  const response = await fetch(`${mode.server.baseUrl}api/${operation}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input),
  });
  assert.equal(response.status, 200, `${operation}: HTTP ${response.status}`);
  return await response.json() as T;
}

interface LabelEventRow { value: string | null; suggestion: string | null; suggestion_p: number | null; suggestion_model: number | null; annotator: string }

function lastLabelEvent(cellId: number): LabelEventRow | undefined {
  return sql<LabelEventRow>(`SELECT e.value, e.suggestion, e.suggestion_p, e.suggestion_model, a.name AS annotator
    FROM label_events e JOIN annotators a ON a.id = e.annotator_id WHERE e.cell_id = ? AND e.kind = 'label' ORDER BY e.id DESC LIMIT 1`, cellId)[0];
}

/** The reader's stored suggestion of each cell: every class's probability and the most probable class. */
function storedSuggestions(): Map<number, { label: CellClassName; p: number; unhealthy: number; model: number }> {
  const rows = sql<{ cell_id: number; model_id: number; p_healthy: number; p_rubbish: number; p_unhealthy: number; p_bothcells: number }>(
    `SELECT s.* FROM suggestions s JOIN annotators a ON a.id = s.annotator_id WHERE a.name = ?`, READER);
  return new Map(rows.map((r) => {
    const ps = [r.p_healthy, r.p_rubbish, r.p_unhealthy, r.p_bothcells];
    const best = ps.indexOf(Math.max(...ps));
    return [r.cell_id, { label: CELL_CLASSES[best]!.name, p: ps[best]!, unhealthy: r.p_unhealthy, model: r.model_id }];
  }));
}

/** The slide's live cells by id, from the database. */
function liveCells(): Map<number, CellView> {
  const store = openStore(fixture.dbPath);
  try {
    return new Map(store.listCells(fixture.slideId).map((c) => [c.id, c]));
  } finally {
    store.close();
  }
}

async function suggestionOf(cellId: number): Promise<{ label: string; p: number } | null> {
  return page.evaluate((id) => window.smearlabDebug!.cellSuggestion(id), cellId);
}

async function labelledCount(): Promise<number> {
  return Number(await page.getByTestId('labelled-count').textContent());
}

async function waitForLabelled(n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(count), n, { timeout: 20_000 });
  await page.waitForFunction(() => !document.querySelector('.statusbar')?.textContent?.includes('waiting'));
}

/** The gallery's tiles as laid out once it shows this order and suggested class: cell ids in gallery order. */
async function galleryIds(order: string, suggested: string): Promise<number[]> {
  await page.waitForFunction(({ order, suggested }) => {
    const d = document.querySelector('[data-testid="gallery"]')?.dataset;
    return d?.order === order && d.suggested === suggested && d.ready === 'yes';
  }, { order, suggested });
  const tiles = await page.locator('.gallery .tile').evaluateAll((els) => els.map((e) => {
    const d = (e as unknown as { dataset: Record<string, string> }).dataset;
    return { id: Number(d.cellId), at: Number(d.position) };
  }));
  tiles.sort((a, b) => a.at - b.at);
  assert.deepEqual(tiles.map((t) => t.at), tiles.map((_, k) => k), 'the first tiles, in a row');
  return tiles.map((t) => t.id);
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Pixels the overlay drew in a colour, in a band (CSS px, relative to the
 * overlay canvas): the tiles alone are read with the overlay off, and only a
 * pixel that differs with it on counts (stain may come near a class colour).
 */
async function overlayPixels(rows: [number, number], cols: [number, number], hex: string): Promise<number> {
  return page.evaluate(async ({ rows, cols, rgb }) => {
    const debug = window.smearlabDebug!;
    const canvas = debug.overlayCanvas();
    const ratio = canvas.width / canvas.clientWidth;
    const x = Math.round(cols[0] * ratio);
    const y = Math.round(rows[0] * ratio);
    const w = Math.max(1, Math.round((cols[1] - cols[0]) * ratio));
    const h = Math.max(1, Math.round((rows[1] - rows[0]) * ratio));
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    debug.overlayEnabled(false);
    await frames();
    const tiles = canvas.getContext('2d')!.getImageData(x, y, w, h).data;
    debug.overlayEnabled(true);
    await frames();
    const d = canvas.getContext('2d')!.getImageData(x, y, w, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const drawn = Math.abs(d[i]! - tiles[i]!) + Math.abs(d[i + 1]! - tiles[i + 1]!) + Math.abs(d[i + 2]! - tiles[i + 2]!) > 12;
      if (drawn && Math.abs(d[i]! - rgb[0]) < 14 && Math.abs(d[i + 1]! - rgb[1]) < 14 && Math.abs(d[i + 2]! - rgb[2]) < 14) n++;
    }
    return n;
  }, { rows, cols, rgb: hexRgb(hex) });
}

test('suggestions come before the first label; 20 labels of two classes from the keyboard then train a model of the reader\'s own in the background', { timeout: 180_000 }, async () => {
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, READER);
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
  order = await page.evaluate(() => window.smearlabDebug!.cellIds());
  assert.ok(order.length >= 30, `${order.length} cells: enough to leave some unlabelled`);

  // Opening the slide asked for a first run: with the shipped starting model, suggestions for every cell before any label.
  let startId: number | null = null;
  if (withStartModel) {
    await page.waitForFunction(() => document.querySelector('[data-testid="assist-bar"]')?.dataset.modelId !== '', undefined, { timeout: 120_000 });
    const first = sql<{ id: number; labels: number }>('SELECT id, labels FROM assist_models');
    assert.deepEqual(first.map((m) => m.labels), [0], 'the starting model, no label yet');
    startId = first[0]!.id;
    assert.equal(await page.getByTestId('assist-model').textContent(), `model ${startId} · before your first label`);
    await page.waitForFunction((id) => window.smearlabDebug!.cellSuggestion(id) !== null, order.at(-1)!);
    for (const id of order) assert.notEqual(await suggestionOf(id), null, `cell ${id} has a suggestion before any label`);
  } else {
    await page.waitForFunction(() => /suggestions start at 20 labels/.test(document.querySelector('[data-testid="assist-message"]')?.textContent ?? ''), undefined, { timeout: 120_000 });
    assert.equal(await page.getByTestId('assist-model').textContent(), 'no model yet');
  }

  // The largest third of the first 20 (by box area) unhealthy, the rest healthy.
  const cells = liveCells();
  const first = order.slice(0, TYPED);
  const bySize = [...first].sort((a, b) => cells.get(b)!.box.width * cells.get(b)!.box.height - cells.get(a)!.box.width * cells.get(a)!.box.height);
  const big = new Set(bySize.slice(0, Math.ceil(TYPED / 3)));
  await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, order[0]!);
  for (let i = 0; i < TYPED; i++) {
    const cls = big.has(first[i]!) ? 'unhealthy' : 'healthy';
    await page.keyboard.press(KEYS[cls][i % 2]!);
  }
  await waitForLabelled(TYPED);
  if (startId !== null) {
    for (const id of first) assert.equal(lastLabelEvent(id)?.suggestion_model, startId, `cell ${id}: the suggestion seen is kept with the label`);
  }

  // Nobody pressed the button: the 20th label asked for a run in the background.
  await page.waitForFunction((before) => !['', before].includes(document.querySelector('[data-testid="assist-bar"]')?.dataset.modelId ?? ''),
    String(startId ?? ''), { timeout: 120_000 });
  const models = sql<{ id: number; labels: number; annotator: string }>(
    'SELECT m.id, m.labels, a.name AS annotator FROM assist_models m JOIN annotators a ON a.id = m.annotator_id ORDER BY m.id');
  assert.equal(models.length, startId === null ? 1 : 2, JSON.stringify(models));
  assert.deepEqual([models.at(-1)!.labels, models.at(-1)!.annotator], [TYPED, READER]);
  modelId = models.at(-1)!.id;
  assert.equal(await page.getByTestId('assist-bar').getAttribute('data-model-id'), String(modelId));
  assert.equal(await page.getByTestId('assist-model').textContent(), `model ${modelId} · learnt from ${TYPED} labels`);

  // The new suggestions reach the page (cellMarkers after 'assist-changed'): every unlabelled cell, the stored class and probability.
  await page.waitForFunction((n) => window.smearlabDebug!.suggestionsVersion() >= 1 && window.smearlabDebug!.cellSuggestion(n) !== null, order[TYPED]!);
  const stored = storedSuggestions();
  assert.equal(stored.size, order.length, 'a suggestion for every live cell');
  for (const [k, id] of order.entries()) {
    const shown = await suggestionOf(id);
    if (k < TYPED) {
      assert.equal(shown, null, `cell ${id}: the reader's own label shows, not a suggestion`);
      continue;
    }
    const s = stored.get(id)!;
    assert.equal(s.model, modelId);
    assert.ok(shown && shown.label === s.label && Math.abs(shown.p - s.p) < 1e-5, `cell ${id}: shown ${JSON.stringify(shown)}, stored ${JSON.stringify(s)}`);
    if (startId === null) assert.ok(shown.label === 'healthy' || shown.label === 'unhealthy', 'only the classes the reader used');
  }

  // The slide's estimate: own labels plus the expected count among the rest adds up to every cell; unhealthy at least the reader's own.
  const chips = await page.getByTestId('assist-estimates').locator('[data-class]').evaluateAll((els) => els.map((e) => {
    const d = (e as unknown as { dataset: Record<string, string> }).dataset;
    return { name: d.class!, count: Number(d.count) };
  }));
  assert.deepEqual(chips.map((c) => c.name), CELL_CLASSES.map((c) => c.name));
  assert.ok(Math.abs(chips.reduce((n, c) => n + c.count, 0) - order.length) < 0.01, JSON.stringify(chips));
  assert.ok(chips.find((c) => c.name === 'unhealthy')!.count >= big.size - 1e-9);
  assert.ok(chips.find((c) => c.name === 'healthy')!.count >= TYPED - big.size - 1e-9);
});

test('the overlay marks a suggestion with a dotted ring in its class colour outside the grey unlabelled line, never as a label', async () => {
  // An unlabelled cell no other box comes near (their lines would cross its edges), the largest such.
  const cells = liveCells();
  const near = (a: CellView, b: CellView) => boxesIntersect({ x: a.box.x - 12, y: a.box.y - 12, width: a.box.width + 24, height: a.box.height + 24 }, b.box);
  const alone = order.slice(TYPED).filter((id) => order.every((other) => other === id || !near(cells.get(id)!, cells.get(other)!)))
    .sort((a, b) => cells.get(b)!.box.width * cells.get(b)!.box.height - cells.get(a)!.box.width * cells.get(a)!.box.height);
  assert.ok(alone.length > 0, 'an unlabelled cell on its own');
  const cellId = alone[0]!;
  // Focused after the 20th label: the first unlabelled cell; N walks on to it. Zoom there, then clear the focus (its frame would cover the ring).
  assert.equal(await page.evaluate(() => window.smearlabDebug!.focusedCellId()), order[TYPED]);
  for (let k = TYPED; k < order.indexOf(cellId); k++) await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, cellId);
  const suggestion = (await suggestionOf(cellId))!;
  await page.keyboard.press('z');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() === null);
  await page.waitForTimeout(600);
  await waitForViewerReady(page);
  const frame = await page.evaluate(() => window.smearlabDebug!.overlayFrame());
  assert.equal(frame.mode, 'vector');
  assert.ok((frame.suggested ?? 0) >= 1, `rings drawn: ${frame.suggested}`);
  const b = (await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), cellId))!;
  assert.ok(b.width >= 40, `the cell is large on screen (${b.width} px): its mark is written`);
  const colour = CELL_CLASSES.find((c) => c.name === suggestion.label)!.colour;
  // The ring: the rows just above the box, outside its casing; dotted, so a run of pixels, not every one.
  const ring = await overlayPixels([b.y - 3, b.y - 1], [b.x, b.x + b.width], colour);
  assert.ok(ring >= b.width / 5, `ring pixels in ${colour}: ${ring} along ${Math.round(b.width)} px`);
  // The box itself keeps the unlabelled grey, and no class colour: a suggestion is not a label.
  const edge: [number, number] = [b.y + b.height * 0.2, b.y + b.height * 0.8];
  assert.ok(await overlayPixels(edge, [b.x, b.x + 1], UNLABELLED_COLOUR) >= b.height * 0.3, 'the grey unlabelled line');
  for (const c of CELL_CLASSES) assert.equal(await overlayPixels(edge, [b.x, b.x + 1], c.colour), 0, `no ${c.name} line on the box`);
  await page.evaluate(() => window.smearlabDebug!.viewer.viewport.zoomBy(0.6, undefined, true));
  await waitForViewerReady(page);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'assist-overlay.png') });
});

test('Y accepts the focused cell\'s suggestion and moves on; the label event keeps the model, class and probability', async () => {
  const cellId = order[TYPED]!;
  const suggestion = (await suggestionOf(cellId))!;
  await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, cellId);
  await page.getByTestId('cell-suggested').waitFor();
  assert.match(await page.getByTestId('cell-suggested').textContent() ?? '', new RegExp(`^suggested: ${suggestion.label} \\d\\.\\d\\d$`));
  await page.keyboard.press('y');
  await waitForLabelled(TYPED + 1);
  const event = lastLabelEvent(cellId)!;
  assert.equal(event.value, suggestion.label, 'labelled the suggested class');
  assert.equal(event.annotator, READER, "stored as the reader's own label");
  assert.equal(event.suggestion, suggestion.label);
  assert.equal(event.suggestion_model, modelId, 'which model suggested it');
  assert.ok(Math.abs(event.suggestion_p! - suggestion.p) < 1e-5);
  assert.equal(await page.evaluate((id) => window.smearlabDebug!.cellLabel(id), cellId), suggestion.label);
  assert.equal(await suggestionOf(cellId), null, 'labelled now: the label shows');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, order[TYPED + 1]!);
  // The help lists Y (it is generated from the keymap).
  await page.keyboard.press('?');
  assert.match(await page.getByTestId('help').textContent() ?? '', /YAccept the suggestion/);
  await page.keyboard.press('Escape');
});

test('the most suspicious gallery puts the highest p(unhealthy) first, as the API and the stored suggestions rank them', async () => {
  await page.keyboard.press('g');
  await page.getByTestId('gallery-order').selectOption('suspicious');
  // The rows in view (the gallery is virtualised): the first tiles of the ranking.
  const shown = await galleryIds('suspicious', '');
  assert.ok(shown.length >= 12, `${shown.length} tiles in view`);
  assert.equal(await page.getByTestId('gallery-count').textContent(), `1–${order.length} of ${order.length}`);
  const ranked = await api<GalleryPageView>('gallery', { slideId: fixture.slideId, order: 'suspicious', limit: 200 });
  assert.equal(ranked.total, order.length);
  assert.deepEqual(shown, ranked.cells.slice(0, shown.length).map((c) => c.id), 'the tiles in the order the API gives');
  const p = ranked.cells.map((c) => c.suggestion!.probabilities.unhealthy);
  for (let k = 1; k < p.length; k++) assert.ok(p[k]! <= p[k - 1]! + 1e-12, `p(unhealthy) falls along the gallery: ${p[k - 1]} then ${p[k]} at ${k}`);
  assert.ok(p[0]! - p.at(-1)! > 0.05, `the ranking is not flat (${p[0]} .. ${p.at(-1)})`);
  const stored = storedSuggestions();
  assert.deepEqual(shown.map((id) => stored.get(id)!.unhealthy), [...shown.map((id) => stored.get(id)!.unhealthy)].sort((a, b) => b - a));
  // Unlabelled tiles wear their suggestion; labelled ones their label only.
  const chips = await page.locator('.gallery .tile').evaluateAll((els) => els.map((e) => {
    const d = (e as unknown as { dataset: Record<string, string>; querySelector(s: string): { textContent: string } | null });
    return { id: Number(d.dataset.cellId), label: d.dataset.label!, chip: d.querySelector('.tile-suggestion')?.textContent ?? null };
  }));
  for (const t of chips) {
    const s = stored.get(t.id)!;
    if (t.label !== 'unlabelled') assert.equal(t.chip, null, `tile ${t.id} is labelled: no suggestion chip`);
    else assert.equal(t.chip, `suggested: ${s.label} ${s.p.toFixed(2)}`);
  }
  // Every tile in view with its crop, and the panel's, before the picture.
  await page.waitForFunction(() => {
    const tiles = document.querySelectorAll('.gallery .tile').length;
    const images = document.querySelectorAll('.gallery .tile img, [data-testid="cell-crop"]').length;
    return tiles > 0 && images === tiles + 1;
  }, undefined, { timeout: 20_000 });
  await page.waitForFunction(() => Array.from((document as unknown as { images: ArrayLike<{ complete: boolean }> }).images).every((i) => i.complete),
    undefined, { timeout: 20_000 });
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'assist-gallery.png') });
});

test('a selection of tiles is labelled with one key: Shift+click then Y accepts each suggestion, Ctrl+A then a class key labels the rest', async () => {
  await page.locator('[data-filter="unlabelled"]').click();
  const unlabelled = order.filter((id, k) => k > TYPED);
  const suggested = new Map(await Promise.all(unlabelled.map(async (id) => [id, (await suggestionOf(id))!.label] as const)));
  const counts = CELL_CLASSES.map((c) => [...suggested.values()].filter((l) => l === c.name).length);
  const cls = CELL_CLASSES[counts.indexOf(Math.max(...counts))]!.name;
  assert.ok(Math.max(...counts) >= 2, `a class suggested for two cells or more (${counts})`);
  await page.getByTestId('gallery-suggested').selectOption(cls);
  const tiles = await galleryIds('suspicious', cls);
  assert.deepEqual([...tiles].sort((a, b) => a - b), unlabelled.filter((id) => suggested.get(id) === cls).sort((a, b) => a - b),
    `the unlabelled cells suggested ${cls}`);
  // Click the first, Shift+click the last: the run between them.
  await page.locator(`.tile[data-cell-id="${tiles[0]}"]`).click();
  await page.locator(`.tile[data-cell-id="${tiles.at(-1)}"]`).click({ modifiers: ['Shift'] });
  await page.waitForFunction((n) => document.querySelector('[data-testid="gallery-selection"]')?.dataset.count === String(n), tiles.length);
  assert.equal(await page.locator('.gallery .tile.selected').count(), tiles.length);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'assist-selection.png') });
  const before = await labelledCount();
  await page.keyboard.press('y');
  await waitForLabelled(before + tiles.length);
  for (const id of tiles) {
    const event = lastLabelEvent(id)!;
    assert.deepEqual([event.value, event.annotator, event.suggestion, event.suggestion_model], [cls, READER, cls, modelId], `cell ${id}`);
  }
  assert.equal(await page.getByTestId('gallery-selection').count(), 0, 'the selection is done with');

  // The rest: every unlabelled tile, whatever its suggestion, then one class key.
  await page.getByTestId('gallery-suggested').selectOption('');
  const rest = await galleryIds('suspicious', '');
  assert.deepEqual([...rest].sort((a, b) => a - b), unlabelled.filter((id) => suggested.get(id) !== cls).sort((a, b) => a - b));
  if (rest.length > 0) {
    await page.keyboard.press('Control+a');
    if (rest.length >= 2) {
      await page.waitForFunction((n) => document.querySelector('[data-testid="gallery-selection"]')?.dataset.count === String(n), rest.length);
    }
    await page.keyboard.press('2');
    await waitForLabelled(order.length);
    for (const id of rest) {
      const event = lastLabelEvent(id)!;
      assert.deepEqual([event.value, event.annotator, event.suggestion_model], ['rubbish', READER, modelId], `cell ${id}`);
    }
  }
  assert.equal(sql<{ n: number }>(`SELECT count(*) AS n FROM label_events e JOIN annotators a ON a.id = e.annotator_id
    WHERE a.name = ? AND e.kind = 'label' AND e.suggestion_model = ?`, READER, modelId)[0]!.n, order.length - TYPED,
  'every label given after the model came keeps its suggestion');
  assert.deepEqual(browser.pageErrors, []);
});
