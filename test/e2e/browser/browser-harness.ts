// What the browser suite and the UI benchmark share: Debian's Chromium
// through playwright-core (headless, fresh profile), the renderer build,
// temporary folders, and the first steps every journey takes in the app.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PageWindow, RequestAnimationFrame } from './page-types.ts';

// Page-side globals (this file compiles without the DOM library).
declare const window: PageWindow;
declare const requestAnimationFrame: RequestAnimationFrame;

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

/** Where the tests' renderer goes: its own folder, so dist/renderer stays a production build. */
export const TEST_RENDERER_DIR = join(REPO_ROOT, '.cache', 'renderer-with-test-hooks');

/** Builds the renderer with its test hooks (window.smearlabDebug) once per process; the server serves it. */
let built: Promise<string> | null = null;
export function buildRendererOnce(): Promise<string> {
  built ??= import(join(REPO_ROOT, 'src-renderer', 'build.mjs')).then(
    (m: { buildRenderer: (o: { quiet: boolean; testHooks: boolean; outDir: string }) => Promise<string> }) =>
      m.buildRenderer({ quiet: true, testHooks: true, outDir: TEST_RENDERER_DIR }),
  );
  return built;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors (uncaught exceptions included). */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'smearlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor: 1,
  });
  // tsx compiles this code with esbuild's keepNames, so a named arrow inside a
  // page.evaluate callback arrives wrapped in __name(...): give the page one.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors = collectPageErrors(page);
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Messages a page logs as errors (uncaught exceptions, crashes, failed requests with their URL), as they come. */
export function collectPageErrors(page: Page): string[] {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('crash', () => pageErrors.push('the page crashed'));
  page.on('console', (message) => {
    // Failed loads are reported below with their URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return pageErrors;
}

/** A temporary folder removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Passes through the annotator gate (a fresh database has no annotators). */
export async function chooseAnnotator(page: Page, name: string): Promise<void> {
  await page.getByTestId('annotator-gate').waitFor();
  const known = page.locator(`[data-annotator="${name}"]`);
  if (await known.count()) {
    await known.click();
  } else {
    await page.getByTestId('annotator-name').fill(name);
    await page.getByTestId('annotator-start').click();
  }
}

/** Waits until the viewer's tiles in view are drawn and the overlay has painted. */
export async function waitForViewerReady(page: Page): Promise<void> {
  await page.waitForFunction(() => Boolean(window.smearlabDebug?.fullyLoaded()), undefined, { timeout: 30_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
