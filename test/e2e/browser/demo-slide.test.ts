// A new user's first minute in browser mode: an empty library, "Try the demo
// slide" clicked twice in a row -> one demo slide, one ingest, its card in the
// library with its job line. The demo folder is the tests' slide cache, where
// the demo slide is already written (test/integration/api/demo-slide.test.ts
// covers writing it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { demoSlidePath } from '../../../src-main/demo/demo-slide.ts';
import { ensureFixtureSlide, fixtureCacheRoot } from '../../fixtures/fixture-slides.ts';
import { buildRendererOnce, chooseAnnotator, launchBrowser, tempDir, type Browser } from './browser-harness.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let dbPath: string;
let mode: BrowserMode;
let browser: Browser;
let page: Page;

before(async () => {
  dir = await tempDir('smearlab-e2e-demo-');
  const [rendererDir] = await Promise.all([buildRendererOnce(), ensureFixtureSlide('demo')]);
  dbPath = join(dir.path, 'smearlab.db');
  mode = await startBrowserMode({
    dbPath, rendererDir, demoFolder: fixtureCacheRoot(), ingestDefaults: { segmenter: 'classical' }, log: () => undefined,
  });
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await mode?.close();
  await dir?.remove();
});

test('"Try the demo slide" ingests the demo slide once and shows it in the library', { timeout: 120_000 }, async () => {
  await page.goto(mode.appUrl);
  await chooseAnnotator(page, 'Dr Demo');
  await page.getByText('No slides yet').waitFor();
  const button = page.getByTestId('demo-slide');
  assert.equal(await button.textContent(), 'Try the demo slide');
  // Two clicks in a row: the first disables the button until the answer comes.
  await button.dblclick();
  const card = page.locator('[data-testid="slide-card"]', { hasText: 'synthetic-demo-s1' });
  await card.waitFor({ timeout: 60_000 });
  await card.getByTestId('job-line').waitFor();
  await page.getByTestId('library-message').filter({ hasText: /ingest of .*synthetic-demo-s1\.mrxs started/ }).waitFor();
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } | null } })
    .document.querySelector('[data-testid="demo-slide"]')?.disabled);
  assert.equal(await page.getByTestId('slide-card').count(), 1);
  const store = openStore(dbPath);
  try {
    const slide = store.findSlideByPath(demoSlidePath(fixtureCacheRoot()));
    assert.ok(slide, 'the demo slide is in the library');
    assert.deepEqual([slide.width, slide.height], [20480, 16384]);
    assert.equal(store.listJobs({ slideId: slide.id, kind: 'ingest' }).length, 1);
  } finally {
    store.close();
  }
  assert.deepEqual(browser.pageErrors, []);
});
