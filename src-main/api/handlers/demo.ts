// The demo slide from the UI: written into the data folder when missing (the
// shell's DemoSlides port runs the writer in a worker), then ingested exactly
// as startIngest does, so a new user can try Smearlab without a scan.

import type { ApiContext, DemoSlides } from '../context.ts';
import { ApiFailure } from '../errors.ts';
import type { IngestStarted } from '../views.ts';
import type { Handlers } from './handler.ts';
import { jobView } from './views.ts';

const demoOpening = new WeakMap<DemoSlides, Promise<IngestStarted>>();

async function openDemo(ctx: ApiContext, demo: DemoSlides): Promise<IngestStarted> {
  let path: string;
  try {
    path = await demo.prepare();
  } catch (error) {
    throw new ApiFailure('job-failed', 'Cannot write the demo slide', error instanceof Error ? error.message : String(error));
  }
  try {
    return await ctx.jobs.startIngest({ path });
  } catch (error) {
    // A second click while the first ingest runs: report that ingest rather than fail.
    const running = runningIngestOf(ctx, path);
    if (error instanceof ApiFailure && error.code === 'conflict' && running) return running;
    throw error;
  }
}

function runningIngestOf(ctx: ApiContext, path: string): IngestStarted | null {
  const slide = ctx.store.findSlideByPath(path);
  const job = slide ? ctx.store.latestJob(slide.id, 'ingest') : null;
  if (!slide || !job || job.state !== 'running') return null;
  return { job: jobView(ctx, job), slideId: slide.id, skipped: false, message: 'The demo slide is being ingested already' };
}

export const demoHandlers: Pick<Handlers, 'openDemoSlide'> = {
  openDemoSlide(_input, ctx) {
    const demo = ctx.demo;
    if (!demo) throw new ApiFailure('unsupported', 'This Smearlab has no data folder for the demo slide (in-memory database)');
    // Clicks while one is on its way share its answer (no second write, no conflict).
    let opening = demoOpening.get(demo);
    if (!opening) {
      opening = openDemo(ctx, demo);
      demoOpening.set(demo, opening);
      const done = () => { demoOpening.delete(demo); };
      opening.then(done, done);
    }
    return opening;
  },
};
