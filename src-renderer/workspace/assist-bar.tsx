// The reader's assistant on the open slide, one row under the toolbar: the
// model (which labels it learnt from), the slide's estimated count per class
// with its spread (own labels + the expected count among the unlabelled
// cells), "Learn from my labels", and what the last run said. Runs also start
// on their own as labels accumulate (assist-session.ts). Readers only.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import { cellClassByName } from '../../src-main/domain/cell-class.ts';
import { estimateText, modelText, slideEstimates } from '../model/assist-text.ts';
import { AssistSession, type AssistState } from '../model/assist-session.ts';
import { nextTrainingAt } from '../model/assist-schedule.ts';
import { Observable, useObservable } from '../model/observable.ts';
import type { WorkspaceController } from '../model/workspace-controller.ts';

/** Shown until the session exists (one render). */
const IDLE = new Observable<AssistState>({ summary: null, running: false, message: null });

export function AssistBar({ api, controller }: { api: SmearlabApi; controller: WorkspaceController }) {
  const [session, setSession] = useState<AssistSession | null>(null);
  useEffect(() => {
    const created = new AssistSession(api, controller);
    setSession(created);
    return () => created.dispose();
  }, [api, controller]);
  const s = useObservable(session?.state ?? IDLE);
  // Estimates add the reader's own labels, which change with every key.
  useObservable(controller.state);
  if (controller.annotator.role !== 'reader') return null;

  const model = s.summary?.model ?? null;
  const estimates = model && s.summary ? slideEstimates(controller.cells.counts.byClass, s.summary.estimated) : null;
  const labels = controller.cells.counts.labelled;
  const waiting = !model && !s.running ? `suggestions start at ${nextTrainingAt(null)} labels of 2 classes or more (${labels} so far)` : null;
  return (
    <div className="assist-bar" data-testid="assist-bar" data-model-id={model?.id ?? ''} data-running={s.running ? 'yes' : 'no'}>
      <b className="assist-title">Assist</b>
      <span data-testid="assist-model" title={model ? `${model.name} (${model.labels} of your labels on this slide)` : undefined}>{modelText(model)}</span>
      {estimates && (
        <span className="assist-estimates" data-testid="assist-estimates"
          title="Estimated cells per class on this slide: your labels plus the expected count among the cells you have not labelled (± one standard deviation)">
          est.
          {estimates.map((e) => (
            <span key={e.name} className="count-chip" data-class={e.name} data-count={e.count.toFixed(3)}>
              <span className="swatch" style={{ background: cellClassByName(e.name)!.colour }} />{e.name} <b>{estimateText(e)}</b>
            </span>
          ))}
        </span>
      )}
      {waiting && <span className="muted small">{waiting}</span>}
      <div className="spacer" />
      {s.message && <span className={s.message.tone === 'error' ? 'error small' : 'muted small'} data-testid="assist-message">{s.message.text}</span>}
      <button type="button" className="btn small" data-testid="assist-train" disabled={!session || s.running}
        onClick={(e) => { e.currentTarget.blur(); session?.train(); }}
        title="Train a classifier on your labels on this slide and suggest a class for every cell (also runs by itself as you label)">
        {s.running ? 'Learning…' : 'Learn from my labels'}
      </button>
    </div>
  );
}
