// A one-line terminal progress bar for long jobs; plain lines when the output
// is not a terminal (CI logs, pipes), at most one every few seconds.
import type { IngestProgress } from '../pipeline/ingest/ingest-options.ts';

const BAR_WIDTH = 28;
const PLAIN_INTERVAL_MS = 5000;

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatIngestProgress(p: IngestProgress): string {
  const fraction = p.slicesTotal > 0 ? (p.slicesDone + p.slicesFailed) / p.slicesTotal : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  const failed = p.slicesFailed ? `, ${p.slicesFailed} failed` : '';
  return `[${bar}] ${p.slicesDone}/${p.slicesTotal} slices${failed}  ${p.cells} cells  ${p.rate.toFixed(2)} slices/s  ETA ${formatDuration(p.etaSeconds)}`;
}

export function createProgressPrinter(stream: NodeJS.WriteStream): { update(p: IngestProgress): void; end(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const line = formatIngestProgress(p);
      if (stream.isTTY) {
        stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
        drawn = true;
      } else if (Date.now() - last >= PLAIN_INTERVAL_MS || p.slicesDone + p.slicesFailed === p.slicesTotal) {
        stream.write(`${line}\n`);
        last = Date.now();
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
