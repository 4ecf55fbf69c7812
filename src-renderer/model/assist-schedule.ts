// When the workspace asks for an assist run on its own: when a reader opens
// a slide where they have no model yet (the shipped starting model gives
// suggestions before the first label), once their labels on the slide reach
// FIRST_TRAINING_AT, then every RETRAIN_EVERY more. A run that could not
// train (labels of one class only) is tried again sooner, after RETRY_AFTER
// more labels. Pure, so the rule is tested without a server; the workspace
// calls it after each label change and never waits.

/** The assist run refuses fewer labels than this (src-main/assist/run-assist.ts MIN_LABELS). */
export const FIRST_TRAINING_AT = 20;
export const RETRAIN_EVERY = 25;
/** After a run that trained nothing (one class only), the next try comes this many labels later. */
export const RETRY_AFTER = 5;
/**
 * And a retrain never sooner than this after the last run ended: a run over 100,000 cells keeps a core busy for
 * seconds, and a fast reader (or the UI benchmark) would otherwise keep one going all the time, beside the keys.
 */
export const AUTO_RUN_GAP_MS = 30_000;

/** Where the last run was asked for: the reader's label count then, and whether it gave a model. */
export interface LastTraining {
  labels: number;
  trained: boolean;
  /** When that run ended (ms, Date.now()); absent before it has. */
  endedAt?: number;
}

/** The label count at which the next automatic run is due (a run on fewer labels than the first threshold does not move it). */
export function nextTrainingAt(last: LastTraining | null): number {
  if (!last || last.labels < FIRST_TRAINING_AT) return FIRST_TRAINING_AT;
  return last.labels + (last.trained ? RETRAIN_EVERY : RETRY_AFTER);
}

/** On opening a slide: a first run when the reader has no model here, none has run and none is going. */
export function startingRunDue(summary: { model: unknown; running: boolean; lastRun: unknown }): boolean {
  return summary.model === null && summary.lastRun === null && !summary.running;
}

/** True when a run is due now: enough labels, none going, and the last one ended long enough ago. */
export function trainingDue(labels: number, last: LastTraining | null, running: boolean, now = Date.now()): boolean {
  // The first training (at FIRST_TRAINING_AT) follows the opening run at once; retrains rest.
  const rested = last?.endedAt === undefined || last.labels < FIRST_TRAINING_AT || now - last.endedAt >= AUTO_RUN_GAP_MS;
  return !running && rested && labels >= nextTrainingAt(last);
}
