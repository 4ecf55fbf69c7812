// Cold start of the `smearlab` CLI: `info SLIDE` through tsx (the sources,
// as a development checkout runs them) against the bundled dist/main/cli.mjs
// (what the package runs), alternating, in fresh processes.
// Run: npm run bench:startup [-- --runs N]. Writes bench-results/cli-startup.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';

const root = new URL('../../', import.meta.url).pathname;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(3, Number(values.runs));

// @ts-expect-error: build scripts are plain JavaScript without declarations
const { buildApp } = await import('../../src-main/app/build-app.mjs') as { buildApp(o: object): Promise<unknown> };
await buildApp({ quiet: true });
const slide = (await ensureFixtureSlide('tiny')).mrxsPath;

const variants = {
  tsx: [join(root, 'src-main', 'cli', 'smearlab.mjs')],
  bundled: [join(root, 'dist', 'main', 'cli.mjs')],
};
type Variant = keyof typeof variants;

function timeOnce(variant: Variant): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...variants[variant], 'info', slide], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${variant} info failed: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const samples: Record<Variant, number[]> = { tsx: [], bundled: [] };
timeOnce('tsx'); // warm the disk cache and tsx's transform cache, as a developer's second run would be
timeOnce('bundled');
for (let i = 0; i < runs; i += 1) for (const variant of ['tsx', 'bundled'] as const) samples[variant].push(timeOnce(variant));

const report = {
  date: new Date().toISOString(), cores: availableParallelism(), loadavg: loadavg(), node: process.version, runs,
  medianMs: { tsx: median(samples.tsx), bundled: median(samples.bundled) },
  speedup: median(samples.tsx) / median(samples.bundled),
  samplesMs: samples,
};
console.log(`smearlab info, cold process, median of ${runs}: tsx ${report.medianMs.tsx.toFixed(0)} ms, bundled ${report.medianMs.bundled.toFixed(0)} ms (${report.speedup.toFixed(2)}x faster)`);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'cli-startup.json'), `${JSON.stringify(report, null, 2)}\n`);
