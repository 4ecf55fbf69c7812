// Several readers on one smear, end to end in browser mode: the real server
// (startBrowserMode) on a temporary database with the tiny synthetic slide
// after a real ingest, the built renderer, Debian's Chromium. An adjudicator
// turns blind reading on and sets a quorum of 2 from the library; reader A
// labels every cell from the keyboard (flagging one); reader B, switched in
// the UI, sees none of A's labels (counters, overlay, panel, queue, library,
// agreement) while reading, labels some cells differently, and sees A's
// labels once finished; the adjudicator walks the queues with Q / Shift+Q / W
// and decides with the label keys; the library says "done"; an export by
// consensus from the export dialog holds the decisions. Tests run in order
// and share one page. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { CELL_CLASSES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import type { AnnotatorRole } from '../../../src-main/domain/reading.ts';
import { ARTIFACTS_DIR, waitForViewerReady, type Browser } from './browser-harness.ts';
import type { FixtureDb } from './fixture-db.ts';
import { openWorkstationSession, type WorkstationSession } from './workstation-session.ts';
import type { PageDocument, PageWindow } from './page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const document: PageDocument;

const READER_A = 'Dr Ames';
const READER_B = 'Dr Bell';
const ADJUDICATOR = 'Dr Cruz';
/** Reader A's keys, cycled over the cells in reading order: never bothcells, so every bothcells in the export is a decision. */
const A_KEYS = ['1', '2', '3', 'h', 'r', 'u'];
/** Positions (reading order) where reader B gives another class than A. */
const B_DIFFERS_AT = [1, 4, 7];
/** Position reader A flags (both readers agree on its class: it is in the queues for the flag alone). */
const A_FLAGS_AT = 2;
/** The adjudicator's decision on every open cell. */
const DECISION_KEY = '4';
const DECISION: CellClassName = 'bothcells';

let dir: WorkstationSession['dir'];
let fixture: FixtureDb;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
/** Cell ids in reading order, and each reader's class per cell. */
let order: number[] = [];
const labelsOf: Record<string, Map<number, CellClassName>> = { [READER_A]: new Map(), [READER_B]: new Map() };

let session: WorkstationSession | undefined;

before(async () => {
  session = await openWorkstationSession('smearlab-e2e-readers-', 10);
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

function classOfKey(key: string): CellClassName {
  return CELL_CLASSES.find((c) => c.digitKey === key || c.letterKey === key)!.name;
}

/** The key of another class than `key`'s (and not the adjudicator's). */
function otherKey(key: string): string {
  const cls = classOfKey(key);
  return CELL_CLASSES.find((c) => c.name !== cls && c.name !== DECISION)!.digitKey;
}

/** The open cells (readers differ, or A flagged), in reading order. */
function openPositions(): number[] {
  return [...new Set([...B_DIFFERS_AT, A_FLAGS_AT])].sort((a, b) => a - b);
}

/** The gate with a role picked: a new name is typed, a known one clicked. */
async function enterAs(name: string, role: AnnotatorRole, screenshot?: string): Promise<void> {
  await page.getByTestId('annotator-gate').waitFor();
  await page.getByTestId(`annotator-role-${role}`).check();
  if (screenshot) await page.screenshot({ path: join(ARTIFACTS_DIR, screenshot) });
  const known = page.locator(`[data-annotator="${name}"]`);
  if (await known.count()) {
    await known.click();
  } else {
    await page.getByTestId('annotator-name').fill(name);
    await page.getByTestId('annotator-start').click();
  }
  await page.getByTestId('library').waitFor();
  assert.equal(await page.getByTestId('annotator-current').textContent(), `${name} · ${role}`, 'the header names who reads, in which role');
}

/** Back to the library, then the gate again: a switch in the running page, no reload. */
async function switchTo(name: string, role: AnnotatorRole, screenshot?: string): Promise<void> {
  if (await page.getByTestId('workspace').count()) await page.getByText('← Library').click();
  await page.getByTestId('annotator-switch').click();
  await enterAs(name, role, screenshot);
}

async function openSlide(): Promise<void> {
  await page.getByTestId('slide-card').locator('button.slide-open').click();
  await waitForViewerReady(page);
}

async function focusedCellId(): Promise<number | null> {
  return page.evaluate(() => window.smearlabDebug!.focusedCellId());
}

async function waitForIdleQueue(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.statusbar')?.textContent?.includes('waiting'));
}

async function waitForLabelled(n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelector('[data-testid="labelled-count"]')?.textContent === String(count), n);
  await waitForIdleQueue();
}

async function overlayLabels(): Promise<Array<string | null>> {
  return page.evaluate((ids) => ids.map((id) => window.smearlabDebug!.cellLabel(id)), order);
}

async function statusBadge(): Promise<string> {
  return (await page.getByTestId('reading-status').textContent()) ?? '';
}

/** Waits for the panel's readers section of the focused cell in the given state. */
async function panelReadings(cellId: number, state: string): Promise<string> {
  const section = page.locator(`[data-testid="cell-panel"][data-cell-id="${cellId}"] [data-testid="cell-readings"][data-state="${state}"]`);
  await section.waitFor({ timeout: 10_000 });
  return (await section.textContent()) ?? '';
}

test('an adjudicator turns on blind reading and a quorum of 2 from the library', async () => {
  await page.goto(mode.appUrl);
  await enterAs(ADJUDICATOR, 'adjudicator');
  assert.equal(await statusBadge(), 'not started');
  assert.equal(await page.getByTestId('blind-marker').count(), 0);
  await page.getByTestId('reading-settings').locator('summary').click();
  await page.getByTestId('setting-blind').check();
  await page.getByTestId('blind-marker').waitFor();
  await page.getByTestId('setting-quorum').selectOption('2');
  // Disabled while the call runs: enabled again, the setting is stored.
  await page.waitForFunction(() => {
    const select = document.querySelector('[data-testid="setting-quorum"]') as unknown as { value: string; disabled: boolean } | null;
    return select?.value === '2' && !select.disabled;
  });
  readDb((store) => assert.deepEqual(store.readingSettings(fixture.slideId), { blind: true, quorum: 2, rule: 'unanimous' }));
  assert.equal(readDb((s) => s.listAnnotators().find((a) => a.name === ADJUDICATOR)?.role), 'adjudicator');
});

test('reader A labels every cell from the keyboard and flags one; the library then says 1 of 2 readers finished', async () => {
  await switchTo(READER_A, 'reader');
  await openSlide();
  order = await page.evaluate(() => window.smearlabDebug!.cellIds());
  assert.equal(order.length, fixture.cellCount);
  assert.ok(order.length > Math.max(...B_DIFFERS_AT) + 1, `enough cells (${order.length}) for the disagreements`);
  await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, order[0]!);
  // Typed without waiting: the queue applies each key to the cell the previous one moved to.
  for (let i = 0; i < order.length; i++) {
    const key = A_KEYS[i % A_KEYS.length]!;
    if (i === A_FLAGS_AT) await page.keyboard.press('f');
    await page.keyboard.press(key);
    labelsOf[READER_A]!.set(order[i]!, classOfKey(key));
  }
  await waitForLabelled(order.length);
  readDb((store) => {
    const a = store.listAnnotators().find((x) => x.name === READER_A)!;
    assert.equal(a.role, 'reader');
    for (const [cellId, label] of labelsOf[READER_A]!) {
      const reader = store.cellReadings(cellId).readers.find((r) => r.name === READER_A);
      assert.equal(reader?.label, label, `A's label of cell ${cellId}`);
      assert.equal(reader?.flagged, cellId === order[A_FLAGS_AT]);
    }
  });
  await page.getByText('← Library').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="reading-status"]')?.textContent === 'reading 1/2 finished');
  assert.equal(await page.getByTestId('slide-labelled').textContent(), `${order.length} / ${order.length}`, "A's own counters");
});

test("reader B, switched in the UI, sees none of A's labels while reading blind", async () => {
  await switchTo(READER_B, 'reader', 'readers-gate.png');
  // The library hides the reading (it would tell B that others disagree) and refuses the agreement with the API's words.
  assert.equal(await statusBadge(), 'blind: status hidden until you finish');
  assert.equal(await page.getByTestId('slide-labelled').textContent(), `0 / ${order.length}`, "B's counters count B's labels");
  await page.getByTestId('agreement-open').click();
  const refused = page.getByTestId('agreement-error');
  await refused.waitFor();
  assert.match(await refused.textContent() ?? '', /^agreement between readers is hidden: synthetic-tiny-s1 is read blind/);
  await page.getByTestId('agreement-close').click();
  await page.getByTestId('reading-settings').locator('summary').click();
  // Clicked, not unchecked: the refused change must leave the box ticked.
  await page.getByTestId('setting-blind').click();
  await page.getByTestId('reading-problem').waitFor();
  assert.equal(await page.getByTestId('setting-blind').isChecked(), true);
  assert.match(await page.getByTestId('reading-problem').textContent() ?? '',
    /^the reading settings of a slide read blind are changed by an adjudicator or a reader who has finished it/);
  readDb((store) => assert.equal(store.readingSettings(fixture.slideId).blind, true, 'the refusal changed nothing'));

  await openSlide();
  assert.equal(await page.getByTestId('labelled-count').textContent(), '0');
  assert.deepEqual(await overlayLabels(), order.map(() => null), 'the overlay draws no label of A');
  await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, order[0]!);
  const panel = await panelReadings(order[0]!, 'blinded');
  assert.equal(panel, 'Readersblind reading: other readers hidden');
  assert.equal(await page.getByTestId('cell-label').textContent(), 'unlabelled');
  assert.doesNotMatch(await page.getByTestId('cell-panel').textContent() ?? '', new RegExp(READER_A), "A's name appears nowhere in the panel");
  // The queues are the adjudicator's: for a blinded reader the key shows the API's refusal.
  await page.keyboard.press('q');
  await page.getByTestId('status-text').filter({ hasText: /^the disagreement queue is hidden: synthetic-tiny-s1 is read blind/ }).waitFor();
  assert.equal(await focusedCellId(), order[0], 'the refused key left the focus');
});

test('reader B labels every cell, some differently, and sees both readers once finished', async () => {
  const last = order.length - 1;
  for (let i = 0; i < last; i++) {
    const aKey = A_KEYS[i % A_KEYS.length]!;
    const key = B_DIFFERS_AT.includes(i) ? otherKey(aKey) : aKey;
    await page.keyboard.press(key);
    labelsOf[READER_B]!.set(order[i]!, classOfKey(key));
  }
  await waitForLabelled(last);
  // One cell left: still blind. The overlay has B's labels only, the last cell none (A labelled it).
  const drawn = await overlayLabels();
  assert.deepEqual(drawn.slice(0, last), order.slice(0, last).map((id) => labelsOf[READER_B]!.get(id)), "the overlay draws B's own labels");
  assert.equal(drawn[last], null, "A's label of the last cell is not drawn");
  assert.equal(await focusedCellId(), order[last]);
  assert.equal(await panelReadings(order[last]!, 'blinded'), 'Readersblind reading: other readers hidden');

  const lastKey = A_KEYS[last % A_KEYS.length]!;
  await page.keyboard.press(lastKey);
  labelsOf[READER_B]!.set(order[last]!, classOfKey(lastKey));
  await waitForLabelled(order.length);
  // Finished: nothing unlabelled is left, the focus stays on the last cell, and the panel shows both readers' labels of it.
  assert.equal(await focusedCellId(), order[last]);
  const decided = await panelReadings(order[last]!, 'decided');
  assert.match(decided, new RegExp(`Decision ${labelsOf[READER_A]!.get(order[last]!)}: unanimous, 2 readers$`));
  const readers = page.getByTestId('cell-readings').locator('li');
  assert.deepEqual(await readers.evaluateAll((els) => els.map((e) => {
    const el = e as unknown as { dataset: { reader: string; label: string } };
    return [el.dataset.reader, el.dataset.label];
  })), [[READER_A, labelsOf[READER_A]!.get(order[last]!)], [READER_B, labelsOf[READER_B]!.get(order[last]!)]]);
  // On a cell they disagree on (the second in reading order), the panel names both classes and says it waits for the adjudicator.
  assert.equal(B_DIFFERS_AT[0], 1);
  const disputed = order[1]!;
  await page.keyboard.press('Escape');
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, disputed);
  const text = await panelReadings(disputed, 'open');
  assert.match(text, new RegExp(`${READER_A}${labelsOf[READER_A]!.get(disputed)}`));
  assert.match(text, new RegExp(`${READER_B}${labelsOf[READER_B]!.get(disputed)}`));
  assert.match(text, /Decision undecided: readers disagree, waiting for the adjudicator$/);

  await page.getByText('← Library').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="reading-status"]')?.textContent === `needs adjudication: ${n} open`,
    openPositions().length);
});

test('the adjudicator walks the queues with Q, Shift+Q and W and decides each open cell with a label key', async () => {
  await switchTo(ADJUDICATOR, 'adjudicator');
  await openSlide();
  const open = openPositions().map((i) => order[i]!);
  // Q from nothing: the first open cell in reading order; then the next; Shift+Q back.
  await page.keyboard.press('q');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, open[0]!);
  const first = await panelReadings(open[0]!, 'open');
  assert.match(first, new RegExp(`${READER_A}${labelsOf[READER_A]!.get(open[0]!)}`));
  assert.match(first, new RegExp(`${READER_B}${labelsOf[READER_B]!.get(open[0]!)}`));
  await page.keyboard.press('q');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, open[1]!);
  await page.keyboard.press('Shift+Q');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, open[0]!);
  // W: the flagged cell, the only one waiting for a second assessment.
  const flagged = order[A_FLAGS_AT]!;
  await page.keyboard.press('w');
  await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, flagged);
  assert.match(await panelReadings(flagged, 'open'), new RegExp(`${READER_A}${labelsOf[READER_A]!.get(flagged)} ⚑ flagged`));

  // Each decision moves on to the next open cell after it, wrapping to the start.
  const after = open.indexOf(flagged);
  const walk = [...open.slice(after), ...open.slice(0, after)];
  for (let k = 0; k < walk.length; k++) {
    assert.equal(await focusedCellId(), walk[k], `decision ${k + 1} is on the next open cell`);
    await page.keyboard.press(DECISION_KEY);
    if (k + 1 < walk.length) await page.waitForFunction((id) => window.smearlabDebug!.focusedCellId() === id, walk[k + 1]!);
  }
  await page.getByTestId('status-text').filter({ hasText: 'No open disagreement left on this slide' }).waitFor();
  await waitForIdleQueue();
  readDb((store) => {
    for (const cellId of open) {
      const r = store.cellReadings(cellId);
      assert.equal(r.adjudicated?.name, ADJUDICATOR, `cell ${cellId} adjudicated`);
      assert.deepEqual([r.decision, r.decidedBy], [DECISION, 'adjudicated']);
    }
  });
  // The adjudicator's overlay draws the decisions: the readers' shared class, or the adjudicated one.
  const expected = order.map((id) => (open.includes(id) ? DECISION : labelsOf[READER_A]!.get(id)!));
  assert.deepEqual(await overlayLabels(), expected);
  assert.match(await panelReadings(walk.at(-1)!, 'adjudicated'), new RegExp(`Decision ${DECISION}: adjudicated by ${ADJUDICATOR}`));
  await page.waitForFunction(() => Boolean(document.querySelector('[data-testid="cell-crop"]')?.complete));
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'readers-adjudicator-panel.png') });
  await page.keyboard.press('?');
  const help = page.getByTestId('help');
  await help.waitFor();
  for (const words of ['Next open disagreement', 'Previous open disagreement', 'Next flagged cell waiting for a second assessment']) {
    assert.ok(await help.getByText(words).count() === 1, `the help lists "${words}"`);
  }
  await page.keyboard.press('Escape');
});

test('the library says "done" and shows the agreement of the two readers', async () => {
  await page.getByText('← Library').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="reading-status"]')?.textContent === 'done');
  await page.waitForFunction(() => Boolean(document.querySelector('.slide-card img')?.complete), undefined, { timeout: 20_000 });
  await page.getByTestId('reading-settings').locator('summary').click();
  assert.deepEqual([await page.getByTestId('setting-blind').isChecked(), await page.getByTestId('setting-quorum').inputValue(),
    await page.getByTestId('setting-rule').inputValue()], [true, '2', 'unanimous'], 'the settings control shows the stored settings');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'readers-library.png') });

  await page.getByTestId('agreement-open').click();
  await page.getByTestId('agreement-view').waitFor();
  const row = page.getByTestId('agreement-pairs').locator('tbody tr');
  assert.equal(await row.count(), 1);
  const cells = await row.locator('td').allTextContents();
  const n = order.length;
  assert.deepEqual(cells.slice(0, 3), [READER_A, READER_B, String(n)]);
  assert.ok(cells[3]!.startsWith(((n - B_DIFFERS_AT.length) / n).toFixed(3)), `raw agreement ${cells[3]} is ${n - B_DIFFERS_AT.length} of ${n}`);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'readers-agreement.png') });
  await page.getByTestId('agreement-close').click();
});

test('an export by consensus from the export dialog holds the adjudicated labels', async () => {
  const target = join(dir.path, 'export');
  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await page.getByTestId('export-folder').fill(target);
  // The flagged cell was decided: export it too.
  await dialog.getByLabel('include', { exact: true }).check();
  await page.getByTestId('export-decision-consensus').check();
  assert.deepEqual(await page.getByTestId('export-decision-reader-name').locator('option').allTextContents(), [READER_A, READER_B],
    'one reader: the readers, not the adjudicator');
  await page.getByTestId('export-start').click();
  await dialog.locator('[data-job-state="done"]').waitFor({ timeout: 60_000 });
  const manifest = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')) as {
    options: { decision: string };
    counts: { all: Record<string, number> };
    unresolved: Record<string, number>;
  };
  assert.equal(manifest.options.decision, 'consensus');
  const open = new Set(openPositions().map((i) => order[i]!));
  const expected: Record<string, number> = { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0, unlabelled: 0 };
  for (const id of order) expected[open.has(id) ? DECISION : labelsOf[READER_A]!.get(id)!]!++;
  assert.equal(expected[DECISION], open.size, 'every bothcells is a decision (no reader used it)');
  assert.deepEqual(manifest.counts.all, expected);
  assert.equal(Object.values(manifest.unresolved).reduce((a, b) => a + b, 0), 0, 'nothing left undecided');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'readers-export-dialog.png') });
  // The only failed requests were the API's refusals to the blinded reader (HTTP 403).
  const unexpected = browser.pageErrors.filter((e) => !/^HTTP 403 for .*\/(cellReadings|neighbourCell|agreement|setReadingSettings)\b/.test(e));
  assert.deepEqual(unexpected, []);
});
