// Assist runs for every shell: one worker per reader and slide at a time
// (assist/assist-job.ts); a request while one is going is remembered and run
// right after, so the labels given meanwhile are learnt too. Each end is
// pushed as an 'assist-changed' event.

import type { AssistControl, EventSink } from '../api/context.ts';
import type { AssistChangedView } from '../api/views.ts';
import { startAssistJob } from '../assist/assist-job.ts';
import type { Store } from '../store/index.ts';
import { isAbsolute, join } from 'node:path';
import { ApiFailure } from '../api/errors.ts';
import { readClassifierManifest } from '../assist/classifier-manifest.ts';
import { MODELS_DIR } from '../files/app-layout.ts';

export class AssistJobs implements AssistControl {
  readonly #store: Store;
  readonly #events: EventSink;
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #last = new Map<string, AssistChangedView>();

  readonly #startModel: string | null | undefined;

  /** startModel: the starting model's file (default: the shipped one), null for none. */
  constructor(store: Store, events: EventSink, startModel?: string | null) {
    this.#store = store;
    this.#events = events;
    this.#startModel = startModel;
  }

  start(slideId: number, annotatorId: number, classifier?: string): boolean {
    const key = `${slideId}/${annotatorId}`;
    if (this.#running.has(key)) {
      if (classifier === undefined) this.#again.add(key);
      return false;
    }
    const run = this.#run(slideId, annotatorId, classifier).finally(() => {
      this.#running.delete(key);
      if (this.#again.delete(key)) this.start(slideId, annotatorId);
    });
    this.#running.set(key, run);
    return true;
  }

  /** Features of the slide's new cells, after its ingest: the first suggestions then only train. */
  features(slideId: number): void {
    const key = `${slideId}/features`;
    if (this.#running.has(key)) return;
    const run = startAssistJob({ dbPath: this.#store.path, slideId, annotatorId: null }).result.then(() => undefined, () => undefined)
      .finally(() => this.#running.delete(key));
    this.#running.set(key, run);
  }

  running(slideId: number, annotatorId: number): boolean {
    return this.#running.has(`${slideId}/${annotatorId}`);
  }

  /** The manifest path of a classifier by name (models/classifiers/<name>.json) or path; throws naming what is wrong. */
  async classifierPath(model: string): Promise<string> {
    const path = isAbsolute(model) ? model : join(MODELS_DIR, 'classifiers', `${model}.json`);
    if (!/^[\w.-]+$/.test(model) && !isAbsolute(model)) throw new ApiFailure('bad-input', `model: "${model}" is neither a classifier name nor an absolute path`);
    try {
      await readClassifierManifest(path);
    } catch (err) {
      throw new ApiFailure('bad-input', `model: ${(err as Error).message}`);
    }
    return path;
  }

  lastRun(slideId: number, annotatorId: number): AssistChangedView | null {
    return this.#last.get(`${slideId}/${annotatorId}`) ?? null;
  }

  async close(): Promise<void> {
    this.#again.clear();
    await Promise.allSettled([...this.#running.values()]);
  }

  async #run(slideId: number, annotatorId: number, classifier: string | undefined): Promise<void> {
    let view: AssistChangedView;
    try {
      const result = await startAssistJob({
        dbPath: this.#store.path, slideId, annotatorId, ...(classifier ? { classifier } : {}),
        ...(this.#startModel !== undefined ? { startModel: this.#startModel } : {}),
      }).result;
      view = {
        slideId, annotatorId, ok: true, message: result.message, modelId: result.modelId, labels: result.labels,
        cellsSuggested: result.cellsSuggested, timings: result.timings,
      };
    } catch (err) {
      view = { slideId, annotatorId, ok: false, message: (err as Error).message, modelId: null, labels: 0, cellsSuggested: 0, timings: null };
    }
    this.#last.set(`${slideId}/${annotatorId}`, view);
    this.#events.emit('assist-changed', view);
  }
}
