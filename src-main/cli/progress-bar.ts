// A one-line terminal progress bar for long jobs; plain lines when the output
// is not a terminal (CI logs, pipes), at most one every few seconds.
import type { JobLiveProgress } from '../api/views.ts';

const BAR_WIDTH = 28;
const PLAIN_INTERVAL_MS = 5000;

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

export function formatIngestProgress(p: JobLiveProgress): string {
  const fraction = p.slicesTotal > 0 ? (p.slicesDone + p.slicesFailed) / p.slicesTotal : 0;
  const failed = p.slicesFailed ? `, ${p.slicesFailed} failed` : '';
  return `${bar(fraction)} ${p.slicesDone}/${p.slicesTotal} slices${failed}  ${p.cells} cells  ${p.rate.toFixed(2)} slices/s  ETA ${formatDuration(p.etaSeconds)}`;
}

export function formatExportProgress(p: JobLiveProgress): string {
  const total = p.cellsTotal ?? 0;
  const mb = (n: number | null) => ((n ?? 0) / 1e6).toFixed(1);
  return `${bar(total > 0 ? p.cells / total : 0)} ${p.cells}/${total} cells  ${p.slicesDone}/${p.slicesTotal} slices  `
    + `${mb(p.bytesPerSecond)} MB/s  ${mb(p.bytesWritten)} MB  ETA ${formatDuration(p.etaSeconds)}`;
}

export interface ProgressPrinter {
  /** Draws the line; `complete` forces it out in plain mode. */
  update(line: string, complete: boolean): void;
  end(): void;
}

export function createProgressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  let last = 0;
  let drawn = false;
  return {
    update(line, complete) {
      if (stream.isTTY) {
        stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
        drawn = true;
      } else if (Date.now() - last >= PLAIN_INTERVAL_MS || complete) {
        stream.write(`${line}\n`);
        last = Date.now();
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
