// The workstation at 1366 x 768 in Chromium, against browser mode on the tiny
// synthetic slide with cells in its first slice: forms that say at once what
// the contract would refuse (a relative slide path or export folder; a file
// that is not a scan, refused before any job starts), the header and panel
// laid out without wrapping or overflow (screenshot in test-artifacts/),
// cells of a running ingest appearing in the open viewer as its slices
// report, the navigator moved and hidden, and a reopened slide resuming at
// the reader's last label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore, type NewCell } from '../../../src-main/store/index.ts';
import type { JobView } from '../../../src-main/api/views.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { ARTIFACTS_DIR, buildRendererOnce, chooseAnnotator, launchBrowser, tempDir, waitForViewerReady, type Browser } from './browser-harness.ts';
import type { PageWindow } from './page-types.ts';

declare const window: PageWindow;
interface LayoutElement { scrollWidth: number; clientWidth: number; getBoundingClientRect(): { height: number; top: number } }
declare const document: { querySelector(selector: string): LayoutElement | null; querySelectorAll(selector: string): LayoutElement[] };

const cellsIn = (x0: number, y0: number, n: number): NewCell[] => Array.from({ length: n }, (_, k) => {
  const box = { x: x0 + 200 + (k % 4) * 400, y: y0 + 200 + Math.floor(k / 4) * 400, width: 160, height: 160 };
  return { box, centre: { x: box.x + 80, y: box.y + 80 } };
});

let dir: Awaited<ReturnType<typeof tempDir>>;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
let slideId: number;
let sliceIds: number[];

before(async () => {
  dir = await tempDir('smearlab-live-');
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = join(dir.path, 'smearlab.db');
  const store = openStore(dbPath);
  try {
    slideId = store.upsertSlide({ path: slide.mrxsPath, format: 'mirax', width: slide.width, height: slide.height, mppX: 0.25, mppY: 0.25 }).slide.id;
    store.planSlices(slideId, [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }]);
    sliceIds = store.listSlices(slideId).map((s) => s.id);
    store.commitSliceCells(sliceIds[0]!, cellsIn(0, 0, 6));
  } finally {
    store.close();
  }
  mode = await startBrowserMode({ dbPath, rendererDir: await buildRendererOnce(), log: () => undefined });
  browser = await launchBrowser({ width: 1366, height: 768 });
  page = browser.page;
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, 'Dr Layout');
});

after(async () => {
  await browser?.close();
  await mode?.close();
  await dir?.remove();
});

test('the ingest form and the export dialog refuse a relative path as it is typed; a file that is no scan is refused before any job', async () => {
  await page.getByTestId('ingest-path').fill('scans/10030_18.mrxs');
  const problem = page.getByTestId('ingest-path-problem');
  await problem.waitFor({ timeout: 2000 });
  assert.equal(await problem.textContent(), 'The slide path must be an absolute path (it is read on the machine that runs Smearlab)');
  assert.equal(await page.getByTestId('ingest-start').isDisabled(), true);
  // Absolute, but not a scan: the server's answer comes straight back, and nothing was started.
  await page.getByTestId('ingest-path').fill('/etc/hostname');
  assert.equal(await problem.count(), 0);
  await page.getByTestId('ingest-start').click();
  const message = page.getByTestId('library-message');
  await message.waitFor({ timeout: 5000 });
  assert.equal(await message.getAttribute('class'), 'error');
  assert.match(await message.textContent() ?? '', /hostname/);
  assert.equal(mode.store.listJobs({ kind: 'ingest' }).length, 0, 'no ingest job was created');
  assert.equal(mode.store.findSlideByPath('/etc/hostname'), null);

  await page.getByTestId('export-open').click();
  await page.getByTestId('export-folder').fill('exports/today');
  await page.getByTestId('export-folder-problem').waitFor({ timeout: 2000 });
  assert.match(await page.getByTestId('export-folder-problem').textContent() ?? '', /^The folder must be an absolute path/);
  assert.equal(await page.getByTestId('export-start').isDisabled(), true);
  assert.equal(await page.getByTestId('export-verify').isDisabled(), true);
  await page.getByTestId('export-folder').fill(join(dir.path, 'export'));
  assert.equal(await page.getByTestId('export-folder-problem').count(), 0);
  await page.keyboard.press('Escape');
  await page.locator('.help-backdrop').click({ position: { x: 5, y: 5 } });
});

test('at 1366 x 768 the header keeps one line, nothing wraps mid-word, and the panel fits', async () => {
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
  await page.keyboard.press('n');
  await page.waitForFunction(() => window.smearlabDebug!.focusedCellId() !== null);
  await page.getByTestId('cell-crop').waitFor();
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'layout-1366x768.png') });
  const layout = await page.evaluate(() => {
    const one = (selector: string) => document.querySelector(selector)!;
    const heights = (selector: string) => [...document.querySelectorAll(selector)].map((e) => Math.round(e.getBoundingClientRect().height));
    return {
      topbar: Math.round(one('.workspace .topbar').getBoundingClientRect().height),
      toolbar: Math.round(one('.workspace .toolbar').getBoundingClientRect().height),
      toolbarOverflow: one('.workspace .toolbar').scrollWidth - one('.workspace .toolbar').clientWidth,
      topbarOverflow: one('.workspace .topbar').scrollWidth - one('.workspace .topbar').clientWidth,
      chips: heights('.workspace .topbar .count-chip'),
      filters: heights('.toolbar .seg'),
      panelOverflow: one('.cell-panel').scrollWidth - one('.cell-panel').clientWidth,
    };
  });
  assert.ok(layout.topbar <= 48, `the header is one row (${layout.topbar} px)`);
  assert.ok(layout.toolbar <= 40, `the toolbar is one row (${layout.toolbar} px)`);
  assert.equal(layout.topbarOverflow, 0, 'the header is not cut off');
  assert.equal(layout.toolbarOverflow, 0, 'the toolbar is not cut off');
  assert.ok(layout.chips.every((h) => h <= 20), `every counter on one line: ${layout.chips}`);
  assert.ok(layout.filters.every((h) => h <= 28), `every filter on one line: ${layout.filters}`);
  assert.equal(layout.panelOverflow, 0, 'the panel needs no sideways scrolling');
});

test('cells of a running ingest appear in the open viewer as its slices report, the focus staying put', async () => {
  const focused = await page.evaluate(() => window.smearlabDebug!.focusedCellId());
  await page.keyboard.press('0');
  await page.waitForFunction(() => window.smearlabDebug!.overlayFrame().drawn === 6);
  // The ingest commits the second slice's cells and reports, as its worker would.
  const job = mode.store.startJob(mode.store.createJob({ kind: 'ingest', slideId }).id);
  mode.store.commitSliceCells(sliceIds[1]!, cellsIn(2000, 0, 5));
  mode.runtime.events.emit('job-progress', { ...job, progressDone: 1, progressTotal: 2, live: null } as JobView);
  await page.waitForFunction(() => window.smearlabDebug!.overlayFrame().drawn === 11, undefined, { timeout: 5000 });
  assert.equal(await page.getByTestId('labelled-count').textContent(), '0');
  assert.match(await page.locator('.workspace .topbar').textContent() ?? '', /0 \/ 11 labelled/);
  assert.equal(await page.evaluate(() => window.smearlabDebug!.focusedCellId()), focused, 'the focused cell is still focused');
  mode.runtime.events.emit('job-progress', { ...mode.store.finishJob(job.id, 'done'), live: null } as JobView);
});

test('V moves the navigator to the top right, then hides it, then brings it back', async () => {
  const navigator = page.locator('.navigator');
  const viewer = page.locator('.viewer');
  const bottomAt = (await navigator.boundingBox())!.y;
  await page.keyboard.press('v');
  await page.waitForFunction(() => document.querySelector('.viewer[data-navigator="top-right"]') !== null);
  await page.waitForTimeout(100);
  assert.ok((await navigator.boundingBox())!.y < bottomAt - 200, 'moved up');
  await page.keyboard.press('v');
  assert.equal(await viewer.getAttribute('data-navigator'), 'hidden');
  assert.equal(await navigator.isVisible(), false);
  await page.getByTestId('navigator-place').click();
  assert.equal(await viewer.getAttribute('data-navigator'), 'bottom-right');
  assert.equal(await navigator.isVisible(), true);
});

test('reopening the slide focuses the cell this reader labelled last', async () => {
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  const target = await page.evaluate(() => window.smearlabDebug!.focusedCellId());
  await page.keyboard.press('2');
  await page.waitForFunction(() => document.querySelector('[data-testid="labelled-count"]') !== null);
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() !== id, target);
  await page.getByText('← Library').click();
  await page.getByTestId('library').waitFor();
  await page.getByTestId('slide-card').waitFor({ timeout: 10_000 });
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, target, { timeout: 5000 });
  assert.match(await page.getByTestId('status-text').textContent() ?? '', new RegExp(`left off: cell ${target}`));
  assert.deepEqual(browser.pageErrors.filter((e) => !e.includes('/api/startIngest')), []);
});
