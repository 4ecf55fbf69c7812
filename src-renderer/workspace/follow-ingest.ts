// Cells of a running ingest appear as its slices finish: while an ingest of
// the open slide reports progress (job-progress events), the workspace asks
// for the slide's cells again, at most once per LIVE_RELOAD_MS (the last
// report in a burst is never lost), and once more as soon as the job ends.

import type { SmearlabApi } from '../../src-main/api/client-types.ts';

/** Fewest milliseconds between two reloads of a slide's cells while its ingest runs. */
export const LIVE_RELOAD_MS = 1500;

/** Calls `reload` as described above; returns the unsubscribe function. */
export function followIngest(api: Pick<SmearlabApi, 'on'>, slideId: number, reload: () => void, minGapMs = LIVE_RELOAD_MS): () => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = undefined;
    last = Date.now();
    reload();
  };
  const off = api.on('job-progress', (job) => {
    if (job.slideId !== slideId || job.kind !== 'ingest') return;
    if (job.state !== 'running' && job.state !== 'queued') {
      fire();
      return;
    }
    const wait = last + minGapMs - Date.now();
    if (wait <= 0) fire();
    else timer ??= setTimeout(fire, wait);
  });
  return () => {
    off();
    clearTimeout(timer);
  };
}
