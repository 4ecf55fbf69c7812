// Writes the demo slide in a worker thread (demo-slide-worker.ts) and
// resolves with its .mrxs path; returns at once when it is already there.
// Calls for one folder share one write, so a second click never writes twice.
import { startWorkerJob } from '../jobs/worker-job.ts';
import { demoSlidePath, demoSlideReady } from './demo-slide.ts';

const writing = new Map<string, Promise<string>>();

export function prepareDemoSlide(folder: string): Promise<string> {
  const pending = writing.get(folder);
  if (pending) return pending;
  const job = (async () => {
    if (await demoSlideReady(folder)) return demoSlidePath(folder);
    return startWorkerJob<{ folder: string }, never, string>({
      bundle: 'demo-slide-worker',
      source: new URL('./demo-slide-worker.ts', import.meta.url),
      options: { folder },
      reviveError: (error) => new Error(`Cannot write the demo slide in ${folder}: ${error.message}`),
      exitError: (code) => new Error(`The demo slide writer stopped unexpectedly (exit ${code})`),
    }).result;
  })();
  writing.set(folder, job);
  void job.then(() => writing.delete(folder), () => writing.delete(folder));
  return job;
}
