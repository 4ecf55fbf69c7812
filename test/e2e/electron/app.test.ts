// The Electron shell end to end (Playwright's _electron): launch, the
// window's security settings, and one labelling round trip through the
// preload's window.smearlab into SQLite. Where the Electron binary is not
// installed (these machines: its install downloads it), every test reports
// "skipped: Electron binary not installed".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { OPERATION_NAMES } from '../../../src-main/api/operation-names.ts';
import { ELECTRON_MISSING, REPO_ROOT, electronExecutable } from './electron-binary.ts';

const executable = electronExecutable();
let dir = '';
let dbPath = '';
let slideId = 0;
let app: ElectronApplication | null = null;
let page: Page | null = null;

before(async () => {
  if (!executable) return;
  const [{ _electron }, { buildApp }] = await Promise.all([
    import('playwright-core'),
    // @ts-expect-error: build scripts are plain JavaScript without declarations
    import('../../../src-main/app/build-app.mjs') as Promise<{ buildApp(o: object): Promise<unknown> }>,
  ]);
  // The spec runs the bundled main process, as a package would.
  await buildApp({ quiet: true });
  const fixture = await ensureFixtureSlide('tiny');
  dir = await mkdtemp(join(tmpdir(), 'smearlab-electron-'));
  dbPath = join(dir, 'smearlab.db');
  slideId = (await runIngest(parseIngestOptions({ slidePath: fixture.mrxsPath, dbPath, segmenter: 'classical' }))).slideId;
  app = await _electron.launch({
    executablePath: executable,
    args: [REPO_ROOT, `--user-data-dir=${join(dir, 'user-data')}`, '--db', dbPath, '--annotator', 'Electron E2E'],
    cwd: REPO_ROOT,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

after(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the app launches one window showing the bundled renderer from its own scheme', async (t) => {
  if (!executable || !app || !page) {
    t.skip(ELECTRON_MISSING);
    return;
  }
  assert.equal(app.windows().length, 1);
  assert.match(page.url(), /^smearlab:\/\/app\//);
  assert.equal(await page.title(), 'Smearlab');
});

test('the window is sandboxed and isolated, with no Node, no new windows and no remote loads', async (t) => {
  if (!executable || !app || !page) {
    t.skip(ELECTRON_MISSING);
    return;
  }
  const preferences = await app.evaluate(() => (globalThis as { smearlabWebPreferences?: Record<string, unknown> }).smearlabWebPreferences);
  assert.equal(preferences?.contextIsolation, true);
  assert.equal(preferences?.sandbox, true);
  assert.equal(preferences?.nodeIntegration, false);
  assert.equal(preferences?.webSecurity, true);
  const seen = await page.evaluate(async () => {
    // This runs in the page; the test's own compiler knows no DOM.
    const w = globalThis as unknown as Record<string, unknown> & { open(url: string): unknown };
    let remote = 'loaded';
    try {
      await fetch('https://example.com/');
    } catch {
      remote = 'blocked';
    }
    return {
      require: typeof w.require,
      process: typeof w.process,
      ipcRenderer: typeof w.ipcRenderer,
      api: Object.keys(w.smearlab as object).sort(),
      opened: w.open('https://example.com/') === null,
      remote,
    };
  });
  assert.deepEqual(seen, {
    require: 'undefined', process: 'undefined', ipcRenderer: 'undefined',
    api: [...OPERATION_NAMES, 'on'].sort(), opened: true, remote: 'blocked',
  });
});

test('one labelling round trip through window.smearlab reaches SQLite; bad input rejects with bad-input', async (t) => {
  if (!executable || !app || !page) {
    t.skip(ELECTRON_MISSING);
    return;
  }
  const outcome = await page.evaluate(async (id) => {
    const api = (globalThis as unknown as { smearlab: Record<string, (input?: unknown) => Promise<any>> }).smearlab; // eslint-disable-line @typescript-eslint/no-explicit-any
    const session = await api.getSession!();
    const cell = await api.neighbourCell!({ slideId: id, direction: 'next' });
    const result = await api.labelCell!({ cellId: cell.id, label: 'bothcells', annotatorId: session.annotator.id });
    let error: { code?: string; message?: string } = {};
    try {
      await api.labelCell!({ cellId: 'one', label: 'bothcells', annotatorId: session.annotator.id });
    } catch (e) {
      error = e as typeof error;
    }
    return { mode: session.mode, cellId: cell.id as number, label: result.cell.label as string, error };
  }, slideId);
  assert.equal(outcome.mode, 'electron');
  assert.equal(outcome.label, 'bothcells');
  assert.equal(outcome.error.code, 'bad-input');
  assert.match(outcome.error.message ?? '', /cellId/);
  const store = openStore(dbPath);
  try {
    assert.equal(store.getCell(outcome.cellId).label, 'bothcells');
    assert.equal(store.labelHistory(outcome.cellId).at(-1)?.annotatorName, 'Electron E2E');
  } finally {
    store.close();
  }
});
