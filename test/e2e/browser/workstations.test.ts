// Two workstations and a USB folder, end to end in browser mode: two real
// servers (startBrowserMode) on two SQLite databases, the built renderer,
// Debian's Chromium with one page per workstation. The scanner PC (A)
// ingests a copy of the tiny synthetic slide and writes a work package with
// crops from the library into the "usb" folder; the scan goes onto the stick
// beside it. The reader's PC (B) merges the package from the library and reads
// its report; B's viewer says the scan is missing, the gallery shows the
// package's crops and Ben labels from the keyboard; B's scan folders are saved
// and "Find scan" finds the scan by its quickhash. A, restarted, points its
// slide at the scan on the stick with "Scan is at…" from the library card;
// Ann labels from the keyboard. Packages go both ways and are merged from the
// library: both databases end identical (canonicalDump) with every label under
// its reader. A truncated package is refused with the API's words and changes
// nothing. Tests run in order. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { CELL_CLASSES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import { HOST_PATH_PROBLEMS } from '../../../src-main/domain/host-path.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import {
  ARTIFACTS_DIR, buildRendererOnce, chooseAnnotator, collectPageErrors, launchBrowser, tempDir, waitForViewerReady, type Browser,
} from './browser-harness.ts';
import { ingestedTinyDb, type FixtureDb } from './fixture-db.ts';
import type { PageDocument, PageWindow } from './page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const document: PageDocument;

const SMEAR = 'smear-7';
const READER_A = 'Ann';
const READER_B = 'Ben';
/** Ben's keys at B, from the first cell in reading order, while the scan is missing. */
const B_KEYS = ['1', '1', '2', '3'];
/** Ann's keys at A, from the first cell in reading order; she flags the cell at A_FLAGS_AT. */
const A_KEYS = ['1', '2', '2', 'h', 'r', 'u'];
const A_FLAGS_AT = 4;
/** The package crops' longest side (runtime/work-package-files.ts PACKAGE_CROP_SIDE). */
const PACKAGE_CROP_SIDE = 160;

let dir: Awaited<ReturnType<typeof tempDir>>;
let usb: string;
let scanner: string;
/** Where the scan sits once it travelled on the stick. */
let stickScan: string;
let fixture: FixtureDb;
let bDb: string;
let rendererDir: string;
let modeA: BrowserMode;
let modeB: BrowserMode;
let browser: Browser;
let pageA: Page;
let pageB: Page;
let errorsB: string[];
/** The package A wrote first, and the packages written both ways after the reading. */
let firstPackage: string;
let fromA: string;
let fromB: string;
/** Events in the first package (the ingest's: none expected, but counted, not assumed). */
let firstEvents: number;
/** Each reader's labels by cell uid; Ann's flagged cell's uid. */
const labelsOf: Record<string, Map<string, CellClassName>> = { [READER_A]: new Map(), [READER_B]: new Map() };
let flaggedUid: string;

before(async () => {
  dir = await tempDir('smearlab-e2e-workstations-');
  scanner = join(dir.path, 'scanner');
  usb = join(dir.path, 'usb');
  await Promise.all([mkdir(scanner), mkdir(usb), mkdir(join(dir.path, 'A')), mkdir(join(dir.path, 'B')), mkdir(ARTIFACTS_DIR, { recursive: true })]);
  // The scan as it sits on the scanner PC: a MIRAX file and its folder, under the smear's name.
  const tiny = await ensureFixtureSlide('tiny');
  await cp(tiny.mrxsPath, join(scanner, `${SMEAR}.mrxs`));
  await cp(tiny.mrxsPath.replace(/\.mrxs$/, ''), join(scanner, SMEAR), { recursive: true });
  stickScan = join(usb, 'scans', 'day-1', `${SMEAR}.mrxs`);
  rendererDir = await buildRendererOnce();
  fixture = await ingestedTinyDb(join(dir.path, 'A'), 10, join(scanner, `${SMEAR}.mrxs`));
  bDb = join(dir.path, 'B', 'smearlab.db');
  modeA = await serve(fixture.dbPath);
  modeB = await serve(bDb);
  browser = await launchBrowser();
  pageA = browser.page;
  pageB = await browser.context.newPage();
  errorsB = collectPageErrors(pageB);
});

after(async () => {
  await browser?.close();
  await modeA?.close();
  await modeB?.close();
  await dir?.remove();
});

function serve(dbPath: string): Promise<BrowserMode> {
  return startBrowserMode({ dbPath, rendererDir, ingestDefaults: { segmenter: 'classical' }, log: () => undefined });
}

function readDb<T>(dbPath: string, fn: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(dbPath);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

const dump = (dbPath: string) => readDb(dbPath, (store) => store.canonicalDump());

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function classOfKey(key: string): CellClassName {
  return CELL_CLASSES.find((c) => c.digitKey === key || c.letterKey === key)!.name;
}

async function enter(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await chooseAnnotator(page, name);
  await page.getByTestId('library').waitFor();
  assert.equal(await page.getByTestId('annotator-current').textContent(), `${name} · reader`);
}

async function openSlide(page: Page): Promise<void> {
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await page.getByTestId('workspace').waitFor();
}

async function toLibrary(page: Page): Promise<void> {
  await page.getByText('← Library').click();
  await page.getByTestId('library').waitFor();
}

async function waitForLabelled(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(count), n);
  await page.waitForFunction(() => !document.querySelector('.statusbar')?.textContent?.includes('waiting'));
}

/** The focused cell as the panel shows it (the viewer's debug hooks exist only with tiles). */
async function panelCellId(page: Page): Promise<number> {
  return Number(await page.getByTestId('cell-panel').getAttribute('data-cell-id'));
}

/** The form's answer count, once it has grown past `before` (every call answers once, report or error). */
async function nextAnswer(page: Page, form: string, before: number): Promise<void> {
  await page.waitForFunction(({ testId, n }) => Number(document.querySelector(`[data-testid="${testId}"]`)?.dataset.answers) > n,
    { testId: form, n: before });
}

async function answers(page: Page, form: string): Promise<number> {
  return Number(await page.getByTestId(form).getAttribute('data-answers'));
}

/** Writes a package from the library and answers the message it then shows. */
async function writePackage(page: Page, file: string, options: { crops?: boolean; slide?: number } = {}): Promise<{ text: string; state: string }> {
  await page.getByTestId('pack-file').fill(file);
  await page.getByTestId('pack-slides').selectOption(options.slide === undefined ? 'all' : String(options.slide));
  await page.getByTestId('pack-crops').setChecked(options.crops ?? false);
  const before = await answers(page, 'pack-form');
  await page.getByTestId('pack-write').click();
  await nextAnswer(page, 'pack-form', before);
  const message = page.getByTestId('pack-message');
  return { text: (await message.textContent()) ?? '', state: (await message.getAttribute('data-state')) ?? '' };
}

/** Merges packages from the library; answers the report's lines, or the error. */
async function mergePackages(page: Page, files: string[]): Promise<{ files: string[]; slides: string[]; error: string | null }> {
  await page.getByTestId('merge-files').fill(files.join('\n'));
  const before = await answers(page, 'merge-form');
  await page.getByTestId('merge-start').click();
  await nextAnswer(page, 'merge-form', before);
  const error = page.getByTestId('merge-error');
  return {
    files: await page.getByTestId('merge-file-line').allTextContents(),
    slides: await page.getByTestId('merge-slide-line').allTextContents(),
    error: await error.count() ? await error.textContent() : null,
  };
}

/** Cells where the readers' labels differ, or Ann flagged: the adjudicator's queue once both are in one database. */
function expectedOpen(): number {
  const a = labelsOf[READER_A]!;
  const b = labelsOf[READER_B]!;
  const open = new Set([...a].filter(([uid, label]) => b.has(uid) && b.get(uid) !== label).map(([uid]) => uid));
  open.add(flaggedUid);
  return open.size;
}

test('on A, the scanner PC, a package with crops is written from the library into the USB folder', async () => {
  await enter(pageA, modeA.appUrl, READER_A);
  // The stick is not there yet: refused as the API words it, naming the file.
  const missing = join(usb, 'not-mounted', 'day-1');
  const refused = await writePackage(pageA, missing, { crops: true });
  assert.equal(refused.state, 'error');
  assert.match(refused.text, new RegExp(`^${escape(`${missing}.smearlab-work`)}: cannot be written`));
  // A relative file is refused as it is typed.
  await pageA.getByTestId('pack-file').fill('usb/day-1');
  assert.equal(await pageA.getByTestId('pack-file-problem').textContent(), `The file ${HOST_PATH_PROBLEMS.relative}`);
  assert.equal(await pageA.getByTestId('pack-write').isDisabled(), true);

  const work = readDb(fixture.dbPath, (store) => store.collectWork());
  firstEvents = work.events.length;
  firstPackage = join(usb, 'day-1.smearlab-work');
  // The one slide chosen by name (the option "every slide" is the other way).
  assert.deepEqual(await pageA.getByTestId('pack-slides').locator('option').allTextContents(), ['every slide (1)', SMEAR]);
  const written = await writePackage(pageA, join(usb, 'day-1'), { crops: true, slide: fixture.slideId });
  assert.equal(written.state, 'ok', written.text);
  const size = (await stat(firstPackage)).size;
  assert.equal(written.text, `Wrote ${firstPackage}: 1 slide, ${work.cells.length} cells, ${firstEvents} events, ${work.cells.length} crops `
    + `(${(size / 1e3).toFixed(1)} KB)`);
  assert.ok(work.cells.length >= 10, `${work.cells.length} cells to read`);
});

test('the scan goes on the stick; on B the package is merged from the library and the report says what came in', async () => {
  await mkdir(join(usb, 'scans', 'day-1'), { recursive: true });
  await rename(join(scanner, `${SMEAR}.mrxs`), stickScan);
  await rename(join(scanner, SMEAR), join(usb, 'scans', 'day-1', SMEAR));

  await enter(pageB, modeB.appUrl, READER_B);
  await pageB.getByText('No slides yet').waitFor();
  // Paths typed one a line: a relative one is named by its line before anything is sent.
  await pageB.getByTestId('merge-files').fill(`${firstPackage}\nday-1.smearlab-work`);
  assert.deepEqual(await pageB.getByTestId('merge-files-problem').allTextContents(), [`line 2 ${HOST_PATH_PROBLEMS.relative}`]);
  assert.equal(await pageB.getByTestId('merge-start').isDisabled(), true);

  const merged = await mergePackages(pageB, [firstPackage]);
  assert.equal(merged.error, null);
  assert.deepEqual(merged.files, [`${firstPackage}: ${firstEvents} new events, 0 already here`]);
  assert.deepEqual(merged.slides, [`${SMEAR} (new slide): ${fixture.cellCount} new cells, 0 labels, 0 flags, 0 edits, from no reader; no open disagreement`]);
  assert.equal(await pageB.getByTestId('merge-slide').getAttribute('data-added'), 'true');
  const card = pageB.getByTestId('slide-card');
  await card.waitFor();
  assert.match(await card.locator('.slide-name').textContent() ?? '', new RegExp(`^${SMEAR}$`));
  assert.equal(await card.getByTestId('slide-labelled').textContent(), `0 / ${fixture.cellCount}`);
  assert.equal(dump(bDb), dump(fixture.dbPath), 'B holds what A ingested');
  // The report stays until dismissed.
  await pageB.getByTestId('merge-dismiss').click();
  assert.equal(await pageB.getByTestId('merge-report').count(), 0);
});

test("on B the scan is missing: the viewer says so and offers to find it; the gallery shows the package's crops and Ben labels from the keyboard", async () => {
  // The library card has no preview and offers the same.
  const finder = pageB.getByTestId('slide-card').getByTestId('scan-finder');
  await finder.waitFor({ timeout: 20_000 });
  assert.equal(await finder.getByTestId('scan-expected').textContent(), join(scanner, `${SMEAR}.mrxs`));

  await openSlide(pageB);
  await pageB.getByTestId('viewer-unavailable').waitFor();
  assert.match(await pageB.getByTestId('tile-error').textContent() ?? '', /^The scan cannot be shown: .+\.$/);
  assert.equal(await pageB.getByTestId('viewer').count(), 0, 'no tiles to show');
  await pageB.getByTestId('counters').waitFor();

  // The gallery (G) shows the crops the package carried, small JPEGs.
  await pageB.keyboard.press('g');
  const gallery = pageB.getByTestId('gallery');
  await gallery.locator('.tile img').first().waitFor();
  await pageB.waitForFunction((n) => {
    const images = [...(document as unknown as { querySelectorAll(s: string): Iterable<{ complete: boolean; naturalWidth: number }> })
      .querySelectorAll('[data-testid="gallery"] .tile img')];
    return images.length >= n && images.every((img) => img.complete && img.naturalWidth > 0);
  }, Math.min(B_KEYS.length, fixture.cellCount), { timeout: 20_000 });
  const sides = await gallery.locator('.tile img').evaluateAll((els) => els.map((e) => {
    const img = e as unknown as { naturalWidth: number; naturalHeight: number };
    return Math.max(img.naturalWidth, img.naturalHeight);
  }));
  assert.ok(sides.every((side) => side > 0 && side <= PACKAGE_CROP_SIDE), `package crops, at most ${PACKAGE_CROP_SIDE} px: ${sides.join(', ')}`);

  // Ben labels from the first cell in reading order; each key moves to the next unlabelled cell.
  await pageB.keyboard.press('n');
  await pageB.locator('[data-testid="cell-panel"][data-cell-id]').waitFor();
  const labelled = new Map<number, CellClassName>();
  for (const key of B_KEYS) {
    const cellId = await panelCellId(pageB);
    await pageB.keyboard.press(key);
    labelled.set(cellId, classOfKey(key));
    await pageB.waitForFunction((id) => document.querySelector('[data-testid="cell-panel"]')?.dataset.cellId !== String(id), cellId);
  }
  await waitForLabelled(pageB, B_KEYS.length);
  assert.equal(labelled.size, B_KEYS.length, 'four cells, one key each');
  // The panel's crop is the package's too.
  await pageB.waitForFunction(() => Boolean(document.querySelector('[data-testid="cell-crop"]')?.complete));
  assert.ok(await pageB.getByTestId('cell-crop').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth) > 0);
  readDb(bDb, (store) => {
    for (const [cellId, label] of labelled) {
      assert.deepEqual(store.cellReadings(cellId).readers.map((r) => [r.name, r.label]), [[READER_B, label]], `Ben's label of cell ${cellId}`);
      labelsOf[READER_B]!.set(store.cellUid(cellId), label);
    }
  });

  // No scan folders yet: "Find scan" says so, as the API words it.
  await pageB.keyboard.press('g');
  await pageB.getByTestId('scan-find').click();
  assert.equal(await pageB.getByTestId('scan-problem').textContent(),
    `no scan folders are set to look for ${SMEAR} in; add one, or give the scan's path`);
  await pageB.screenshot({ path: join(ARTIFACTS_DIR, 'workstations-scan-missing.png') });
});

test("B's scan folders are saved from the library; Find scan finds the scan on the stick by its quickhash and the tiles come back", async () => {
  await toLibrary(pageB);
  const folders = pageB.getByTestId('scan-folders');
  // The library may still be rendering: wait for the field to exist, then to be enabled.
  await pageB.waitForFunction(() => {
    const field = document.querySelector('[data-testid="scan-folders"]') as unknown as { disabled: boolean } | null;
    return field !== null && !field.disabled;
  });
  assert.equal(await folders.inputValue(), '', 'none set yet');
  await folders.fill('usb');
  assert.deepEqual(await pageB.getByTestId('scan-folders-problem').allTextContents(), [`line 1 ${HOST_PATH_PROBLEMS.relative}`]);
  await folders.fill(`${usb}\n`);
  await pageB.getByTestId('scan-folders-save').click();
  await pageB.getByTestId('scan-folders-message').waitFor();
  assert.equal(await pageB.getByTestId('scan-folders-message').textContent(), '1 scan folder saved');
  readDb(bDb, (store) => assert.deepEqual(store.listScanFolders(), [usb]));

  await openSlide(pageB);
  await pageB.getByTestId('scan-find').click();
  await waitForViewerReady(pageB);
  assert.equal(await pageB.getByTestId('scan-found').textContent(), `The scan of ${SMEAR} is at ${stickScan}`);
  await waitForLabelled(pageB, B_KEYS.length);
  readDb(bDb, (store) => assert.equal(store.listSlides()[0]!.path, stickScan));
  // Back in the library the card shows its preview again, and no longer offers to find the scan.
  await toLibrary(pageB);
  await pageB.waitForFunction(() => Boolean(document.querySelector('.slide-card img')?.complete && document.querySelector('.slide-card img')?.naturalWidth),
    undefined, { timeout: 20_000 });
  assert.equal(await pageB.getByTestId('scan-finder').count(), 0);
});

test('A, restarted after its scan went on the stick, points the slide at it with "Scan is at…" from the library card; Ann labels from the keyboard', async () => {
  // A fresh server: nothing of the scan is held open from before it moved.
  await modeA.close();
  modeA = await serve(fixture.dbPath);
  await enter(pageA, modeA.appUrl, READER_A);
  const card = pageA.getByTestId('slide-card');
  const finder = card.getByTestId('scan-finder');
  await finder.waitFor({ timeout: 20_000 });
  await finder.getByTestId('scan-path').fill('usb/scans/day-1/smear-7.mrxs');
  assert.equal(await finder.getByTestId('scan-path-problem').textContent(), `The scan path ${HOST_PATH_PROBLEMS.relative}`);
  assert.equal(await finder.getByTestId('scan-path-use').isDisabled(), true);
  // Another scan (other pixels, so another quickhash) is refused: only the same scan is taken.
  const other = (await ensureFixtureSlide('tiny', { seed: 7 })).mrxsPath;
  await finder.getByTestId('scan-path').fill(other);
  await finder.getByTestId('scan-path-use').click();
  const problem = finder.getByTestId('scan-problem');
  await problem.waitFor();
  assert.match(await problem.textContent() ?? '', new RegExp(`^path: ${escape(other)} is not the scan of ${SMEAR}`));
  readDb(fixture.dbPath, (store) => assert.equal(store.listSlides()[0]!.path, join(scanner, `${SMEAR}.mrxs`), 'the refusal changed nothing'));
  await pageA.screenshot({ path: join(ARTIFACTS_DIR, 'workstations-card-scan-finder.png') });

  await finder.getByTestId('scan-path').fill(stickScan);
  await finder.getByTestId('scan-path-use').click();
  await card.getByTestId('scan-found').waitFor();
  assert.equal(await card.getByTestId('scan-found').textContent(), `The scan of ${SMEAR} is at ${stickScan}`);
  readDb(fixture.dbPath, (store) => assert.equal(store.listSlides()[0]!.path, stickScan));
  await pageA.waitForFunction(() => Boolean(document.querySelector('.slide-card img')?.complete && document.querySelector('.slide-card img')?.naturalWidth),
    undefined, { timeout: 20_000 });
  assert.equal(await card.getByTestId('scan-finder').count(), 0);

  await openSlide(pageA);
  await waitForViewerReady(pageA);
  const order = await pageA.evaluate(() => window.smearlabDebug!.cellIds());
  await pageA.keyboard.press('n');
  await pageA.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, order[0]!);
  for (let i = 0; i < A_KEYS.length; i++) {
    if (i === A_FLAGS_AT) await pageA.keyboard.press('f');
    await pageA.keyboard.press(A_KEYS[i]!);
  }
  await waitForLabelled(pageA, A_KEYS.length);
  readDb(fixture.dbPath, (store) => {
    A_KEYS.forEach((key, i) => {
      const readers = store.cellReadings(order[i]!).readers;
      assert.deepEqual(readers.map((r) => [r.name, r.label, r.flagged]), [[READER_A, classOfKey(key), i === A_FLAGS_AT]], `Ann's label of cell ${order[i]}`);
      labelsOf[READER_A]!.set(store.cellUid(order[i]!), classOfKey(key));
    });
    flaggedUid = store.cellUid(order[A_FLAGS_AT]!);
  });
  // Both read from the same first cell in the same order: they overlap, and differ somewhere.
  const overlap = [...labelsOf[READER_B]!.keys()].filter((uid) => labelsOf[READER_A]!.has(uid));
  assert.equal(overlap.length, B_KEYS.length, 'reading order is the same on both workstations');
  await toLibrary(pageA);
});

test('packages written both ways from the library and merged on the other: each report names the other reader, both databases end identical', async () => {
  fromA = join(usb, 'from-a.smearlab-work');
  fromB = join(usb, 'from-b.smearlab-work');
  const wroteA = await writePackage(pageA, join(usb, 'from-a'));
  assert.match(wroteA.text, new RegExp(`^Wrote ${escape(fromA)}: 1 slide, ${fixture.cellCount} cells, ${firstEvents + A_KEYS.length + 1} events, 0 crops \\(`));
  const wroteB = await writePackage(pageB, join(usb, 'from-b'));
  assert.match(wroteB.text, new RegExp(`^Wrote ${escape(fromB)}: 1 slide, ${fixture.cellCount} cells, ${firstEvents + B_KEYS.length} events, 0 crops \\(`));

  const open = expectedOpen();
  assert.ok(open >= 2, `${open} open: the flag and at least one disagreement`);
  const intoB = await mergePackages(pageB, [fromA]);
  assert.equal(intoB.error, null);
  assert.deepEqual(intoB.files, [`${fromA}: ${A_KEYS.length + 1} new events, ${firstEvents} already here`]);
  assert.deepEqual(intoB.slides,
    [`${SMEAR}: 0 new cells, ${A_KEYS.length} labels, 1 flag, 0 edits, from ${READER_A} (${A_KEYS.length + 1} events); ${open} open disagreements for the adjudicator`]);
  assert.equal(await pageB.getByTestId('merge-slide').getAttribute('data-added'), 'false');
  await pageB.waitForFunction(() => Boolean(document.querySelector('.slide-card img')?.complete));
  await pageB.screenshot({ path: join(ARTIFACTS_DIR, 'workstations-merge-report.png') });

  const intoA = await mergePackages(pageA, [fromB]);
  assert.equal(intoA.error, null);
  assert.deepEqual(intoA.files, [`${fromB}: ${B_KEYS.length} new events, ${firstEvents} already here`]);
  assert.deepEqual(intoA.slides,
    [`${SMEAR}: 0 new cells, ${B_KEYS.length} labels, 0 flags, 0 edits, from ${READER_B} (${B_KEYS.length} events); ${open} open disagreements for the adjudicator`]);

  assert.equal(dump(fixture.dbPath), dump(bDb), 'both workstations end identical');
  for (const dbPath of [fixture.dbPath, bDb]) {
    readDb(dbPath, (store) => {
      const cellOf = new Map(store.listCells(store.listSlides()[0]!.id).map((c) => [store.cellUid(c.id), c.id]));
      for (const reader of [READER_A, READER_B]) {
        for (const [uid, label] of labelsOf[reader]!) {
          const r = store.cellReadings(cellOf.get(uid)!).readers.find((x) => x.name === reader);
          assert.equal(r?.label, label, `${reader}'s label of ${uid} in ${dbPath}`);
        }
      }
      assert.equal(store.cellReadings(cellOf.get(flaggedUid)!).readers.find((x) => x.name === READER_A)?.flagged, true);
    });
  }
  // Merging again changes nothing.
  const again = await mergePackages(pageA, [fromB, fromA]);
  assert.deepEqual(again.files, [`${fromB}: 0 new events, ${firstEvents + B_KEYS.length} already here`,
    `${fromA}: 0 new events, ${firstEvents + A_KEYS.length + 1} already here`]);
  assert.equal(dump(fixture.dbPath), dump(bDb), 'merging twice changes nothing');
});

test('a damaged package (a truncated copy) merged from the library is refused with the API\'s words and changes nothing', async () => {
  const cut = join(usb, 'cut.smearlab-work');
  const text = await readFile(fromA, 'utf8');
  await writeFile(cut, text.slice(0, text.length - 40));
  const before = dump(bDb);
  // With a good package before it: one damaged file stops the lot.
  const refused = await mergePackages(pageB, [fromB, cut]);
  assert.ok(refused.error, 'an error, not a report');
  assert.match(refused.error, new RegExp(`^${escape(cut)}: .+; the package is damaged \\(copy it again from its workstation\\): nothing was merged$`));
  assert.equal(await pageB.getByTestId('merge-report').count(), 0, 'the last report is gone with the new attempt');
  assert.equal(dump(bDb), before, 'nothing was merged');
  await pageB.screenshot({ path: join(ARTIFACTS_DIR, 'workstations-damaged-package.png') });

  // The only failed requests were the refusals this journey asked for, and previews of the missing scans.
  const expected = /^HTTP (404 for .*\/library\/\d+\/thumbnail\.jpeg|\d{3} for .*\/api\/(packWork|locateScan|mergeWork))$/;
  assert.deepEqual(browser.pageErrors.filter((e) => !expected.test(e)), [], 'page A');
  assert.deepEqual(errorsB.filter((e) => !expected.test(e)), [], 'page B');
});
