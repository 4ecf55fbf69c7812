// The reader's assistant on the open slide: where their model stands
// (assistSummary), "Learn from my labels" (trainAssist), and the automatic
// runs (assist-schedule.ts): one on opening a slide where the reader has no
// model (suggestions before the first label, from the starting model), then
// as labels accumulate, asked for from the label-change listener, never
// from the keypress path and never awaited by it. When a run ends (the
// 'assist-changed' event) the new suggestions are fetched (cellMarkers) into
// the cells, which redraw the overlay, tiles and panel, and the summary is
// read again. An adjudicator has no assistant (the API refuses: it learns
// from a reader's own labels), so nothing here runs for one.

import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AssistChangedView, AssistSummaryView } from '../../src-main/api/views.ts';
import { errorText } from '../api/smearlab-api.ts';
import { startingRunDue, trainingDue, type LastTraining } from './assist-schedule.ts';
import { Observable } from './observable.ts';
import type { StatusMessage, WorkspaceController } from './workspace-controller.ts';

export interface AssistState {
  /** The reader's model, estimated counts and last run; null until read. */
  summary: AssistSummaryView | null;
  /** A run is going (asked for here, or found going). */
  running: boolean;
  /** What the last run said, or why asking failed. */
  message: StatusMessage | null;
}

/** The summary is read again this long after the last label change (estimates move with each label). */
const SUMMARY_SETTLE_MS = 1500;

export class AssistSession {
  readonly state = new Observable<AssistState>({ summary: null, running: false, message: null });
  /** Where the reader's labels stood when the last run was asked for (the schedule counts from there). */
  #last: LastTraining | null = null;
  readonly #api: SmearlabApi;
  readonly #controller: WorkspaceController;
  readonly #stops: Array<() => void> = [];
  #summaryTimer: ReturnType<typeof setTimeout> | undefined;
  #markersAsked = 0;
  #disposed = false;

  constructor(api: SmearlabApi, controller: WorkspaceController) {
    this.#api = api;
    this.#controller = controller;
    if (controller.annotator.role !== 'reader') return;
    this.#stops.push(api.on('assist-changed', (view) => this.#ended(view)));
    this.#stops.push(controller.onCellChanged(() => this.#labelsChanged()));
    void this.#readSummary().then((summary) => {
      if (!summary) return;
      const run = summary.lastRun;
      this.#last = summary.model ? { labels: summary.model.labels, trained: true }
        : run ? { labels: run.labels, trained: run.modelId !== null } : null;
      if (startingRunDue(summary)) this.train(true);
      else this.#trainIfDue();
    });
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#summaryTimer);
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** The reader's own labels on the slide (the cells hold this session's view). */
  get labels(): number {
    return this.#controller.cells.counts.labelled;
  }

  /** Asks for a run (the button, or the schedule); its end arrives as 'assist-changed'. */
  train(automatic = false): void {
    if (this.#disposed || this.#controller.annotator.role !== 'reader') return;
    const labels = this.labels;
    this.#last = { labels, trained: true };
    this.state.update({
      running: true,
      message: { text: `${automatic ? 'Learning in the background' : 'Learning'} from your ${labels} label${labels === 1 ? '' : 's'}…`, tone: 'info' },
    });
    this.#api.trainAssist({ slideId: this.#controller.slide.id }).then(
      (started) => { if (!started.started) this.#say(started.message, 'info'); },
      (error: unknown) => {
        this.state.update({ running: false });
        this.#say(`Assist: ${errorText(error)}`, 'error');
      },
    );
  }

  /** A run when one is due (asked for, not awaited). */
  #trainIfDue(): void {
    if (!this.#disposed && this.state.get().summary && trainingDue(this.labels, this.#last, this.state.get().running)) this.train(true);
  }

  /** After any label change: a run when one is due, and fresh estimates a moment later. */
  #labelsChanged(): void {
    if (this.#disposed) return;
    this.#trainIfDue();
    clearTimeout(this.#summaryTimer);
    this.#summaryTimer = setTimeout(() => { void this.#readSummary(); }, SUMMARY_SETTLE_MS);
  }

  async #ended(view: AssistChangedView): Promise<void> {
    const { slide, annotator } = this.#controller;
    if (this.#disposed || view.slideId !== slide.id || view.annotatorId !== annotator.id) return;
    this.#last = { labels: this.#last?.labels ?? view.labels, trained: view.modelId !== null, endedAt: Date.now() };
    this.#say(view.ok ? view.message : `Assist run failed: ${view.message}`, view.ok ? 'info' : 'error');
    const asked = ++this.#markersAsked;
    try {
      const markers = await this.#api.cellMarkers({ slideId: slide.id });
      // A later run's markers may have overtaken these.
      if (!this.#disposed && asked === this.#markersAsked) this.#controller.applySuggestions(markers);
    } catch (error) {
      this.#say(`New suggestions could not be read: ${errorText(error)}`, 'error');
    }
    await this.#readSummary();
    // Labels given while it ran may have made the next run due.
    this.#trainIfDue();
  }

  async #readSummary(): Promise<AssistSummaryView | null> {
    try {
      const summary = await this.#api.assistSummary({ slideId: this.#controller.slide.id });
      if (this.#disposed) return null;
      this.state.update({ summary, running: summary.running });
      return summary;
    } catch (error) {
      if (!this.#disposed) this.#say(`Assist: ${errorText(error)}`, 'error');
      return null;
    }
  }

  #say(text: string, tone: StatusMessage['tone']): void {
    this.state.update({ message: { text, tone } });
  }
}
