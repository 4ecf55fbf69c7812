// Shared set-up for the API integration tests: the tiny synthetic slide
// ingested (classical segmenter) into a fresh SQLite file, a stand-in
// renderer folder, and browser mode started on them.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { startBrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { BrowserMode, BrowserModeOptions } from '../../../src-main/server/browser-mode.ts';

export interface ApiFixture {
  dir: string;
  dbPath: string;
  fixture: SyntheticSlide;
  slideId: number;
  mode: BrowserMode;
  /** POST an operation; the raw response. */
  post(operation: string, body: unknown): Promise<Response>;
  /** POST an operation and parse the JSON answer. */
  call<T = unknown>(operation: string, input?: unknown): Promise<{ status: number; body: T }>;
  dispose(): Promise<void>;
}

export const TEST_INDEX_HTML = '<!doctype html><title>Smearlab test</title><script type="module" src="app.js"></script>';

export async function startApiFixture(options: Partial<BrowserModeOptions> = {}): Promise<ApiFixture> {
  const fixture = await ensureFixtureSlide('tiny');
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-api-'));
  const dbPath = join(dir, 'smearlab.db');
  const ingest = await runIngest(parseIngestOptions({ slidePath: fixture.mrxsPath, dbPath, segmenter: 'classical' }));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), TEST_INDEX_HTML);
  await writeFile(join(rendererDir, 'app.js'), 'export {};\n');
  const mode = await startBrowserMode({
    dbPath,
    rendererDir,
    ingestDefaults: { segmenter: 'classical' },
    log: () => undefined,
    ...options,
  });
  const post = (operation: string, body: unknown) => fetch(`${mode.server.baseUrl}api/${operation}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    dir,
    dbPath,
    fixture,
    slideId: ingest.slideId,
    mode,
    post,
    async call<T>(operation: string, input: unknown = {}) {
      const response = await post(operation, input);
      return { status: response.status, body: await response.json() as T };
    },
    async dispose() {
      await mode.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reads server-sent events from a fetch response body until `until` returns true for the collected events. */
export async function readEvents(
  url: string,
  until: (events: Array<{ event: string; data: string }>) => boolean,
  started: () => Promise<void>,
): Promise<Array<{ event: string; data: string }>> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: string }> = [];
  let buffer = '';
  let triggered = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) events.push({ event, data });
      }
      // The stream is open once its first comment arrived: now make things happen.
      if (!triggered) {
        triggered = true;
        await started();
      }
      if (until(events)) return events;
    }
  } finally {
    controller.abort();
  }
}
