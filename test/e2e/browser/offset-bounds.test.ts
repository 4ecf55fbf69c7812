// A slide whose scanned bounds start at level-0 (1024, 1024), in browser mode
// and Chromium: the tile service cuts the DZI to those bounds, so the
// viewer's image pixel (0, 0) is level-0 (1024, 1024), and everything the
// viewer places or reads in level-0 pixels must add that origin
// (src-renderer/viewer/slide-coords.ts). The slide's pixels are
// position-coded (red counts x, green counts y: test/fixtures/offset-slide.ts),
// so the colour under a level-0 point on screen says which level-0 point the
// tiles show there. Checked: the overlay's level-0 -> screen mapping lands on
// the tile pixels of that level-0 point (whole slide, and zoomed in by the
// app's own zoom-to-cell); cell boxes sit on their cells; a click on a box
// focuses that cell; the viewport's centre after zoom-to-cell is the cell's
// centre. Without the origin every one of these is 1,024 px off, on glass
// that was never scanned.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore, type NewCell } from '../../../src-main/store/index.ts';
import { OFFSET_SLIDE, offsetSlidePixel, writeOffsetSlide, type OffsetSlide } from '../../fixtures/offset-slide.ts';
import { buildRendererOnce, chooseAnnotator, launchBrowser, tempDir, waitForViewerReady, type Browser } from './browser-harness.ts';
import type { PageWindow, RequestAnimationFrame } from './page-types.ts';

declare const window: PageWindow;
declare const requestAnimationFrame: RequestAnimationFrame;

const BOUNDS = { x: 1024, y: 1024, width: 2048, height: 1024 };
// Cells inside the scanned bounds, level-0 px; ids come from the store.
const CELL_BOXES = [
  { x: 1200, y: 1100, width: 160, height: 160 },
  { x: 1700, y: 1500, width: 200, height: 140 },
  { x: 2500, y: 1300, width: 160, height: 160 },
  { x: 2850, y: 1800, width: 120, height: 120 },
];

let dir: Awaited<ReturnType<typeof tempDir>>;
let slide: OffsetSlide;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
let cellIds: number[];

before(async () => {
  dir = await tempDir('smearlab-offset-');
  slide = await writeOffsetSlide();
  const dbPath = join(dir.path, 'smearlab.db');
  const store = openStore(dbPath);
  try {
    const width = OFFSET_SLIDE.imagesX * OFFSET_SLIDE.image;
    const height = OFFSET_SLIDE.imagesY * OFFSET_SLIDE.image;
    const slideId = store.upsertSlide({ path: slide.mrxsPath, format: 'mirax', width, height, mppX: 0.25, mppY: 0.25 }).slide.id;
    store.planSlices(slideId, [BOUNDS]);
    const [slice] = store.listSlices(slideId);
    const cells: NewCell[] = CELL_BOXES.map((box) => ({ box, centre: { x: box.x + box.width / 2, y: box.y + box.height / 2 } }));
    store.commitSliceCells(slice!.id, cells);
    const boxes = store.listCells(slideId).map((c) => ({ id: c.id, key: `${c.box.x},${c.box.y}` }));
    cellIds = CELL_BOXES.map((b) => boxes.find((c) => c.key === `${b.x},${b.y}`)!.id);
  } finally {
    store.close();
  }
  mode = await startBrowserMode({ dbPath, rendererDir: await buildRendererOnce(), log: () => undefined });
  browser = await launchBrowser();
  page = browser.page;
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, 'Dr Offset');
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
});

after(async () => {
  await browser?.close();
  await mode?.close();
  await dir?.remove();
  await slide?.dispose();
});

interface Sample { at: [number, number]; want: [number, number, number]; got: [number, number, number] | null }

/**
 * The tile pixels (overlay off) under level-0 points, placed on screen by the
 * overlay's own mapping (screenPoint), next to what the slide holds there.
 * Points where red or green wrap around (255 -> 0) are skipped: smoothing
 * across the wrap would blur the comparison, not the mapping.
 */
async function samplesAt(points: Array<[number, number]>): Promise<Sample[]> {
  const usable = points.filter(([x, y]) => {
    const want = offsetSlidePixel(x, y);
    return want !== null && want[0] > 12 && want[0] < 243 && want[1] > 12 && want[1] < 243
      && x % OFFSET_SLIDE.image > 8 && y % OFFSET_SLIDE.image > 8 && x % OFFSET_SLIDE.image < 248 && y % OFFSET_SLIDE.image < 248;
  });
  const got = await page.evaluate(async (list) => {
    const debug = window.smearlabDebug!;
    const canvas = debug.overlayCanvas();
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    debug.overlayEnabled(false);
    await frames();
    const ratio = canvas.width / canvas.clientWidth;
    const context = canvas.getContext('2d')!;
    const out = list.map(([x, y]) => {
      const p = debug.screenPoint(x, y);
      if (!p) return null;
      const px = Math.floor(p.x * ratio);
      const py = Math.floor(p.y * ratio);
      if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) return null;
      const d = context.getImageData(px, py, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!] as [number, number, number];
    });
    debug.overlayEnabled(true);
    await frames();
    return out;
  }, usable);
  return usable.map((at, i) => ({ at, want: offsetSlidePixel(at[0], at[1])!, got: got[i] ?? null }));
}

/** Largest red / green difference over the samples (red and green count level-0 x and y, one unit per pixel). */
function worstError(samples: Sample[]): number {
  let worst = 0;
  for (const { at, want, got } of samples) {
    assert.ok(got, `level-0 (${at[0]}, ${at[1]}) is on screen`);
    worst = Math.max(worst, Math.abs(got[0] - want[0]), Math.abs(got[1] - want[1]));
  }
  return worst;
}

/** A grid of level-0 points over a rectangle. */
function grid(x0: number, y0: number, width: number, height: number, step: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let y = y0 + step / 2; y < y0 + height; y += step) for (let x = x0 + step / 2; x < x0 + width; x += step) points.push([Math.round(x), Math.round(y)]);
  return points;
}

async function canvasPagePoint(p: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const host = await page.getByTestId('viewer').boundingBox();
  return { x: host!.x + p.x, y: host!.y + p.y };
}

test('the viewer gets the DZI origin: the scanned bounds\' corner', async () => {
  assert.deepEqual(await page.evaluate(() => window.smearlabDebug!.dziOrigin()), { x: BOUNDS.x, y: BOUNDS.y });
  assert.equal(await page.evaluate(() => window.smearlabDebug!.overlayFrame().drawn), CELL_BOXES.length);
});

test('at whole-slide zoom, a level-0 point on screen shows that point\'s tile pixels', async () => {
  const samples = await samplesAt(grid(BOUNDS.x, BOUNDS.y, BOUNDS.width, BOUNDS.height, 128));
  assert.ok(samples.length >= 40, `${samples.length} points sampled`);
  // About 0.5 screen px per level-0 px here: a place error of 1 screen px is ~2 units.
  const worst = worstError(samples);
  assert.ok(worst <= 16, `largest red/green error ${worst} (1,024 px off would land on unscanned glass)`);
});

test('zoom-to-cell centres the cell, its box lies on its pixels, and a click on it focuses it', async () => {
  const seen = new Set<number>();
  let previous: number | null = null;
  for (let step = 0; step < CELL_BOXES.length; step++) {
    await page.keyboard.press('n');
    await page.waitForFunction((was) => { const id = window.smearlabDebug!.focusedCellId(); return id !== null && id !== was; }, previous);
    const id = (await page.evaluate(() => window.smearlabDebug!.focusedCellId()))!;
    previous = id;
    seen.add(id);
    const box = CELL_BOXES[cellIds.indexOf(id)]!;
    await page.keyboard.press('z');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 800))); // the zoom animation
    await waitForViewerReady(page);
    const centre = (await page.evaluate(() => window.smearlabDebug!.centre()))!;
    assert.ok(Math.abs(centre.x - (box.x + box.width / 2)) < 2 && Math.abs(centre.y - (box.y + box.height / 2)) < 2,
      `cell ${id}: viewport centre (${centre.x.toFixed(1)}, ${centre.y.toFixed(1)}) is the cell's centre`);
    // Zoomed in (about 2 screen px per level-0 px): the pixels under and around the box are the box's own place.
    const samples = await samplesAt(grid(box.x - box.width / 2, box.y - box.height / 2, box.width * 2, box.height * 2, 24));
    assert.ok(samples.length >= 20, `cell ${id}: ${samples.length} points sampled`);
    const worst = worstError(samples);
    assert.ok(worst <= 8, `cell ${id}: largest red/green error ${worst}`);
    // The box on screen is where the mapping puts its corner, and a point inside reads back as the same level-0 point.
    const screen = (await page.evaluate((cell) => window.smearlabDebug!.cellScreenBox(cell), id))!;
    const corner = (await page.evaluate(({ x, y }) => window.smearlabDebug!.screenPoint(x, y), { x: box.x, y: box.y }))!;
    assert.ok(Math.abs(screen.x - corner.x) < 0.5 && Math.abs(screen.y - corner.y) < 0.5);
    const inside = { x: screen.x + screen.width * 0.3, y: screen.y + screen.height * 0.7 };
    const read = (await page.evaluate(({ x, y }) => window.smearlabDebug!.levelZeroAt(x, y), inside))!;
    assert.ok(Math.abs(read.x - (box.x + box.width * 0.3)) < 1 && Math.abs(read.y - (box.y + box.height * 0.7)) < 1,
      `cell ${id}: the point reads back as level-0 (${read.x.toFixed(1)}, ${read.y.toFixed(1)})`);
  }
  assert.equal(seen.size, CELL_BOXES.length, 'every cell was visited');
  // Back to the whole slide with another cell focused; a click on the box of the first is read in level-0 px.
  const first = CELL_BOXES[0]!;
  assert.notEqual(previous, cellIds[0]);
  await page.evaluate(() => window.smearlabDebug!.viewer.viewport.goHome(true));
  await waitForViewerReady(page);
  const target = (await page.evaluate(({ x, y }) => window.smearlabDebug!.screenPoint(x, y), { x: first.x + first.width / 2, y: first.y + first.height / 2 }))!;
  const at = await canvasPagePoint(target);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, cellIds[0]!, { timeout: 5000 });
  assert.deepEqual(browser.pageErrors, [], 'no page errors');
});
