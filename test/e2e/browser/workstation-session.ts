// One workstation per browser test file: a temporary folder, the tiny slide
// ingested into its database (topped up to `minCells` cells), browser mode
// serving it with the built renderer, and Chromium on the app. Opened in
// `before`, closed in `after`; a set-up that fails half way closes what it
// had already opened.
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { ARTIFACTS_DIR, buildRendererOnce, launchBrowser, tempDir, type Browser } from './browser-harness.ts';
import { ingestedTinyDb, type FixtureDb } from './fixture-db.ts';

export interface WorkstationSession {
  dir: Awaited<ReturnType<typeof tempDir>>;
  fixture: FixtureDb;
  mode: BrowserMode;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openWorkstationSession(prefix: string, minCells: number): Promise<WorkstationSession> {
  const dir = await tempDir(prefix);
  let mode: BrowserMode | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await mode?.close();
    await dir.remove();
  };
  try {
    const rendererDir = await buildRendererOnce();
    const fixture = await ingestedTinyDb(dir.path, minCells);
    mode = await startBrowserMode({ dbPath: fixture.dbPath, rendererDir, ingestDefaults: { segmenter: 'classical' }, log: () => undefined });
    browser = await launchBrowser();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    return { dir, fixture, mode, browser, page: browser.page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
