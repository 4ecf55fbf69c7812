// Following a job started through the contract: its job-progress events drawn
// as a progress line, Ctrl+C turned into cancelJob (the job stops after the
// slices in hand and resumes on the next run), and waitForJob until it ends.
import type { JobLiveProgress, JobOutcome } from '../api/views.ts';
import type { CliApi } from './cli-api.ts';
import type { CliIo } from './command.ts';
import { createProgressPrinter } from './progress-bar.ts';

/** Long enough to keep calls rare, short enough for any transport's timeouts. */
const WAIT_SLICE_MS = 20_000;

export async function followJob(api: CliApi, io: CliIo, jobId: number, format: (live: JobLiveProgress) => string): Promise<JobOutcome> {
  const printer = createProgressPrinter(process.stderr);
  const stopEvents = api.on('job-progress', (job) => {
    if (job.id !== jobId || !job.live) return;
    const live = job.live;
    printer.update(format(live), live.slicesDone + live.slicesFailed >= live.slicesTotal);
  });
  const onSigint = () => {
    io.err('\ncancelling after the slices in hand (run the same command again to resume)...');
    api.call('cancelJob', { jobId }).catch((error: unknown) => io.err(`could not cancel: ${(error as Error).message}`));
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      const outcome = await api.call('waitForJob', { jobId, timeoutMs: WAIT_SLICE_MS });
      if (outcome.finished) return outcome;
    }
  } finally {
    process.off('SIGINT', onSigint);
    stopEvents();
    printer.end();
  }
}
