// True-scale crops and readable classes, in Chromium against browser mode on
// a slide with five hand-placed cells of known size (the tiny synthetic
// slide, 0.25 um/px): (1) gallery tiles and the panel crop show every cell at
// 0.5 um/px (measured in screenshot pixels), fitted when switched, and the
// switch survives a reload; (2) the overlay under a deuteranopia simulation
// (Machado et al. 2009, severity 1, on linear RGB): healthy and unhealthy
// collapse to the same olive, and the four classes still differ by their line
// pattern along and across each box edge; the legend and the flag pennant show.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { ARTIFACTS_DIR, buildRendererOnce, chooseAnnotator, launchBrowser, tempDir, waitForViewerReady, type Browser } from './browser-harness.ts';
import type { PageRect, PageWindow, RequestAnimationFrame } from './page-types.ts';

declare const window: PageWindow;
declare const requestAnimationFrame: RequestAnimationFrame;
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };

/** Level-0 boxes (0.25 um/px): A is 40 x 40 um, B 80 x 60 um. */
const CELLS: Array<{ name: string; box: Box; label: CellClassName | null; flagged?: boolean }> = [
  { name: 'A', box: { x: 1000, y: 1000, width: 160, height: 160 }, label: 'healthy' },
  { name: 'B', box: { x: 1300, y: 1000, width: 320, height: 240 }, label: 'rubbish' },
  { name: 'C', box: { x: 1750, y: 1000, width: 200, height: 200 }, label: 'unhealthy', flagged: true },
  { name: 'D', box: { x: 2100, y: 1000, width: 240, height: 240 }, label: 'bothcells' },
  { name: 'E', box: { x: 2500, y: 1000, width: 160, height: 160 }, label: null },
];
const STAGE_RGB = [0x2b, 0x2f, 0x35];

let dir: Awaited<ReturnType<typeof tempDir>>;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
const ids: Record<string, number> = {};

before(async () => {
  dir = await tempDir('smearlab-crops-');
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = join(dir.path, 'smearlab.db');
  const store = openStore(dbPath);
  try {
    const { slide: record } = store.upsertSlide({
      path: slide.mrxsPath, format: 'mirax', width: slide.width, height: slide.height, mppX: slide.mppX, mppY: slide.mppY,
    });
    assert.equal(record.mppX, 0.25);
    store.planSlices(record.id, [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }]);
    const [s0, s1] = store.listSlices(record.id);
    // Labelled by someone else: the reader of this test has no last cell to resume at (no focus ring over the boxes).
    // With several readers each sees only their own labels, so this test looks as an adjudicator: the decision,
    // which with the default quorum of 1 is Lab's label.
    const lab = store.ensureAnnotator('Lab').id;
    store.setAnnotatorRole(store.ensureAnnotator('Dr Scale').id, 'adjudicator');
    for (const c of CELLS) {
      const slice = c.box.x < 2000 ? s0! : s1!;
      const [cell] = store.commitSliceCells(slice.id, [{ box: c.box, centre: { x: c.box.x + c.box.width / 2, y: c.box.y + c.box.height / 2 } }]).cells;
      ids[c.name] = cell!.id;
      if (c.label) store.applyLabel(cell!.id, c.label, lab);
      if (c.flagged) store.setFlag(cell!.id, true, lab);
    }
  } finally {
    store.close();
  }
  mode = await startBrowserMode({ dbPath, rendererDir: await buildRendererOnce(), log: () => undefined });
  browser = await launchBrowser();
  page = browser.page;
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, 'Dr Scale');
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
});

after(async () => {
  await browser?.close();
  await mode?.close();
  await dir?.remove();
});

/**
 * Extent (CSS px; the page runs at device scale 1) of the crop in a frame: the
 * longest run of pixels unlike the frame's stage colour along its middle row
 * and column (a screenshot may catch a pixel row of the tile's border).
 */
async function shownExtent(frame: Locator): Promise<{ width: number; height: number }> {
  const png = await frame.screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const differs = (x: number, y: number) => {
    const k = (y * info.width + x) * 3;
    return Math.abs(data[k]! - STAGE_RGB[0]!) + Math.abs(data[k + 1]! - STAGE_RGB[1]!) + Math.abs(data[k + 2]! - STAGE_RGB[2]!) > 40;
  };
  const span = (n: number, at: (i: number) => boolean) => {
    let best = 0;
    for (let i = 0, run = 0; i < n; i++) {
      run = at(i) ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  };
  const midY = Math.floor(info.height / 2);
  const midX = Math.floor(info.width / 2);
  return { width: span(info.width, (x) => differs(x, midY)), height: span(info.height, (y) => differs(midX, y)) };
}

async function imagesLoaded(scope: Locator): Promise<void> {
  await scope.locator('img').first().waitFor();
  await page.waitForFunction((el) => [...(el as unknown as { querySelectorAll(s: string): Array<{ complete: boolean; naturalWidth: number }> })
    .querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0), await scope.elementHandle());
}

test('gallery tiles and the panel crop show cells at 0.5 um/px: a 40 um cell is 80 px, an 80 x 60 um one 160 x 120 px', async () => {
  await page.keyboard.press('g');
  const tile = (name: string) => page.locator(`.tile[data-cell-id="${ids[name]}"] .scaled-crop`);
  await imagesLoaded(tile('A'));
  await imagesLoaded(tile('B'));
  assert.equal(await tile('A').getAttribute('data-scale'), '1:1', 'true scale is the default');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'gallery-true-scale.png') });
  const b = await shownExtent(tile('B'));
  const a = await shownExtent(tile('A'));
  assert.ok(Math.abs(a.width - 80) <= 1 && Math.abs(a.height - 80) <= 1, `A shows ${a.width} x ${a.height} px`);
  assert.ok(Math.abs(b.width - 160) <= 1 && Math.abs(b.height - 120) <= 1, `B shows ${b.width} x ${b.height} px`);
  // Every tile's scale bar is 10 um long: 20 px at this scale.
  const bar = await tile('A').locator('.crop-scale-line').boundingBox();
  assert.equal(bar?.width, 20);
  assert.match(await tile('A').getByTestId('crop-scale-bar').textContent() ?? '', /^10 µm$/);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'gallery-true-scale.png') });

  // The panel: A's context (3 boxes wide: 480 px, 120 um) at the same scale, 240 px.
  await page.locator(`.tile[data-cell-id="${ids.A}"]`).click();
  const panelCrop = page.getByTestId('cell-panel').locator('.scaled-crop');
  await imagesLoaded(panelCrop);
  const p = await shownExtent(panelCrop);
  assert.ok(Math.abs(p.width - 240) <= 1 && Math.abs(p.height - 240) <= 1, `the panel shows A's context at ${p.width} x ${p.height} px`);
});

test('fit scales each crop into its tile (sizes no longer compare), and the choice survives a reload', async () => {
  await page.getByTestId('gallery').getByTestId('crop-scale-fit').click();
  const tile = (name: string) => page.locator(`.tile[data-cell-id="${ids[name]}"] .scaled-crop`);
  await page.waitForFunction(() => document.querySelector('.tile .scaled-crop')?.getAttribute('data-scale') === 'fit');
  const a = await shownExtent(tile('A'));
  const b = await shownExtent(tile('B'));
  assert.equal(a.width, 152, 'a 40 um cell fills the frame');
  assert.equal(b.width, 152, 'and so does an 80 um one');
  await page.reload();
  await waitForViewerReady(page);
  await page.keyboard.press('g');
  await tile('A').waitFor();
  assert.equal(await tile('A').getAttribute('data-scale'), 'fit');
  await page.getByTestId('gallery').getByTestId('crop-scale-true').click();
  await page.waitForFunction(() => document.querySelector('.tile .scaled-crop')?.getAttribute('data-scale') === '1:1');
  await page.keyboard.press('g');
});

/** Machado 2009 deuteranopia, severity 1.0, on linear RGB. */
const DEUTERANOPIA = [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881];

test('under a deuteranopia simulation the four classes stay apart by their line pattern', async () => {
  await waitForViewerReady(page);
  await page.keyboard.press('Escape');
  // Zoom onto the five cells (about 0.6 screen px per level-0 px).
  await page.evaluate(() => {
    const v = window.smearlabDebug!.viewer as unknown as {
      world: { getItemAt(i: number): { imageToViewportRectangle(x: number, y: number, w: number, h: number): unknown } };
      viewport: { fitBounds(r: unknown, immediately: boolean): void };
    };
    v.viewport.fitBounds(v.world.getItemAt(0).imageToViewportRectangle(950, 850, 1800, 500), true);
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await waitForViewerReady(page);
  const boxes: Record<string, PageRect> = {};
  for (const c of CELLS) boxes[c.name] = (await page.evaluate((id) => window.smearlabDebug!.cellScreenBox(id), ids[c.name]!))!;
  assert.ok(boxes.A!.width > 60, `boxes are large on screen (A: ${boxes.A!.width.toFixed(0)} px)`);

  const result = await page.evaluate(async ({ boxes: bx, matrix }) => {
    const debug = window.smearlabDebug!;
    const canvas = debug.overlayCanvas();
    const w = canvas.width;
    const h = canvas.height;
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    // The tiles alone, then with the overlay: a pixel that differs belongs to the overlay.
    debug.overlayEnabled(false);
    await frames();
    const tiles = canvas.getContext('2d')!.getImageData(0, 0, w, h).data;
    debug.overlayEnabled(true);
    await frames();
    const src = canvas.getContext('2d')!.getImageData(0, 0, w, h).data;
    const drawn = (x: number, y: number) => {
      const k = (y * w + x) * 4;
      return Math.abs(src[k]! - tiles[k]!) + Math.abs(src[k + 1]! - tiles[k + 1]!) + Math.abs(src[k + 2]! - tiles[k + 2]!) > 12;
    };
    const lin = (v: number) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    const enc = (v: number) => { const c = Math.min(1, Math.max(0, v)); return Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055)); };
    const sim = new Uint8ClampedArray(w * h * 3);
    for (let i = 0, j = 0; i < src.length; i += 4, j += 3) {
      const r = lin(src[i]!);
      const g = lin(src[i + 1]!);
      const b = lin(src[i + 2]!);
      sim[j] = enc(matrix[0]! * r + matrix[1]! * g + matrix[2]! * b);
      sim[j + 1] = enc(matrix[3]! * r + matrix[4]! * g + matrix[5]! * b);
      sim[j + 2] = enc(matrix[6]! * r + matrix[7]! * g + matrix[8]! * b);
    }
    const at = (x: number, y: number) => { const k = (y * w + x) * 3; return [sim[k]!, sim[k + 1]!, sim[k + 2]!]; };
    // Ink: the overlay's line, darker than the white casing under it and in its gaps (tiles are not ink).
    const ink = (x: number, y: number) => { const [r, g, b] = at(x, y); return drawn(x, y) && (r! + g! + b!) / 3 < 190; };
    const runs = (values: boolean[]) => {
      const out: Array<[boolean, number]> = [];
      for (const v of values) { const last = out.at(-1); if (last && last[0] === v) last[1]++; else out.push([v, 1]); }
      return out;
    };
    const signatures: Record<string, { along: string; across: number; colour: number[] }> = {};
    for (const [name, b] of Object.entries(bx)) {
      const x0 = Math.round(b.x);
      const y0 = Math.round(b.y);
      const x1 = Math.round(b.x + b.width);
      // Along the top edge, first stroke row, short of the right side's stroke; the last (cut) run left out.
      const along = runs(Array.from({ length: x1 - x0 - 4 }, (_, i) => ink(x0 + i, y0))).slice(0, -1);
      const on = [...new Set(along.filter(([v]) => v).map(([, n]) => n))].sort((p, q) => p - q);
      const off = [...new Set(along.filter(([v]) => !v).map(([, n]) => n))].sort((p, q) => p - q);
      // Across it, through the middle of the second dash (or of the edge when solid).
      let x = Math.round((x0 + x1) / 2);
      let pos = 0;
      let seen = 0;
      for (const [v, n] of along) { if (v && ++seen === 2) { x = x0 + pos + (n >> 1); break; } pos += n; }
      const across = runs(Array.from({ length: 14 }, (_, i) => ink(x, y0 - 4 + i))).filter(([v]) => v).length;
      signatures[name] = { along: `on ${on.join('/')} off ${off.join('/') || '-'}`, across, colour: at(x, y0) };
    }
    return signatures;
  }, { boxes, matrix: DEUTERANOPIA });

  const [healthy, rubbish, unhealthy, bothcells] = [result.A!, result.B!, result.C!, result.D!];
  // The simulation does what it should: healthy and unhealthy lose their red-green difference.
  assert.ok(Math.abs(healthy.colour[0]! - unhealthy.colour[0]!) < 15 && Math.abs(healthy.colour[1]! - unhealthy.colour[1]!) < 15,
    `healthy ${healthy.colour} and unhealthy ${unhealthy.colour} look alike`);
  const described = Object.fromEntries(Object.entries({ healthy, rubbish, unhealthy, bothcells }).map(([k, v]) => [k, `${v.along}, ${v.across} line(s)`]));
  assert.equal(new Set(Object.values(described)).size, 4, `four patterns: ${JSON.stringify(described)}`);
  assert.equal(unhealthy.across, 2, 'unhealthy is the double line');
  for (const v of [healthy, rubbish, bothcells]) assert.equal(v.across, 1);
  assert.equal(healthy.along, 'on 9 off 3');
  assert.equal(rubbish.along, 'on 2 off 3');
  assert.equal(bothcells.along, 'on 2/9 off 3');
  assert.equal(unhealthy.along, 'on  off -', 'solid: one run, cut at the end');

  // The flag: a pennant above C's top-right corner, in the flag's orange.
  const c = boxes.C!;
  const orange = await page.evaluate(({ x, y }) => {
    const canvas = window.smearlabDebug!.overlayCanvas();
    const d = canvas.getContext('2d')!.getImageData(Math.round(x), Math.round(y) - 20, 20, 20).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! > 220 && d[i + 1]! > 140 && d[i + 1]! < 190 && d[i + 2]! < 80) n++;
    return n;
  }, { x: c.x + c.width, y: c.y });
  assert.ok(orange >= 30, `the pennant shows (${orange} orange px)`);
  const legend = page.getByTestId('overlay-legend');
  assert.equal(await legend.locator('.legend-row[data-class]').count(), 4);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'overlay-classes.png') });
  assert.deepEqual(browser.pageErrors, []);
});
