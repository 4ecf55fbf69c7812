// `npm run bench:pipeline`: the ingest pipeline against a bare read of the
// same slices, in one run. Prints and writes (bench-results/pipeline-<time>.json):
//  - the reference: openslide-python read_region of the planned 2,000 px
//    slices at level 0, one process, one after the other
//    (test/bench/reference/bare_read.py), timed in the same run as the jobs;
//  - the whole job end to end (worker thread, its slice lanes, SQLite) per
//    segmenter, in this process from the sources and then through the built
//    CLI in a fresh process: wall time, its ratio to the bare read (targets:
//    default model <= 2x, classical <= 1.5x), slices/s, and the stage times
//    per slice summed over the lanes (each lane runs its stages one after the
//    other, so these are what each stage cost, not waits);
//  - crop encoding per cell (on demand vs. at ingest);
//  - extraction vs. scikit-image on the same segmentation masks;
//  - the huge slide (100,352 x 220,160 px): a measured run of --huge-slices
//    slices (default 500) with the default model, then with classical, each
//    against the bare read of its slices taken before and after it (their
//    mean per slice: this VM's speed drifts), the time a 3,000-slice smear
//    takes at that rate (target < 5 min), peak RSS.
// The load average is printed with every figure: take final figures when the
// machine is otherwise idle.
// Options: --skip-huge, --huge-slices N, --skip-onnx, --lanes N (default: one per core).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';
import { openSlide } from '../../src-main/slide/openslide-reader.ts';
import { findFieldOfView } from '../../src-main/pipeline/fov.ts';
import { planSliceGrid } from '../../src-main/pipeline/slice-grid.ts';
import { loadSegmenter } from '../../src-main/pipeline/segment/load-segmenter.ts';
import { readSliceImage } from '../../src-main/pipeline/ingest/slice-image.ts';
import { startIngestJob } from '../../src-main/pipeline/ingest/ingest-job.ts';
import { planSliceGroups } from '../../src-main/pipeline/ingest/slice-groups.ts';
import type { IngestResult } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { renderCellCrop } from '../../src-main/pipeline/cell-crop.ts';
import { openStore } from '../../src-main/store/index.ts';
import { runExtractBench } from './extract-bench.ts';
import { DEFAULT_EXTRACT_CONFIG, suggestedMargin } from '../../src-main/pipeline/extract/index.ts';
import type { BenchCase } from './extract-bench.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// @ts-expect-error: build scripts are plain JavaScript without declarations
const { buildApp } = await import('../../src-main/app/build-app.mjs') as { buildApp(o: object): Promise<unknown> };
const BARE_READ = fileURLToPath(new URL('./reference/bare_read.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const args = process.argv.slice(2);
const hugeSlices = Number(args[args.indexOf('--huge-slices') + 1] ?? 500) || 500;
const lanesOption = args.includes('--lanes') ? { concurrency: Number(args[args.indexOf('--lanes') + 1]) } : {};
const MARGIN = suggestedMargin(DEFAULT_EXTRACT_CONFIG, 4);
/** The smear the issue sizes the target on: ~3,000 tissue slices in under 5 minutes. */
const TARGET_SMEAR_SLICES = 3000;

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

type SliceBox = { x: number; y: number; width: number; height: number };

/** openslide-python read_region of every box at level 0, one process, one at a time (seconds of reading). */
async function bareRead(slidePath: string, boxes: readonly SliceBox[]): Promise<{ ms: number; slices: number; load: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-bench-bare-'));
  try {
    const list = join(dir, 'boxes.json');
    writeFileSync(list, JSON.stringify(boxes.map((b) => [b.x, b.y, b.width, b.height])));
    const loadBefore = load();
    const py = spawnSync(PYTHON, [BARE_READ, slidePath, list], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (py.status !== 0) throw new Error(`bare_read.py failed: ${py.stderr}`);
    const out = JSON.parse(py.stdout) as { slices: number; seconds: number };
    return { ms: out.seconds * 1000, slices: out.slices, load: loadBefore };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timedJob(slidePath: string, segmenter: 'classical' | 'onnx', dbPath: string): Promise<{ result: IngestResult; wallMs: number; load: string }> {
  const loadBefore = load();
  const t = performance.now();
  const job = startIngestJob({ slidePath, dbPath, segmenter, ...lanesOption });
  const result = await job.result;
  return { result, wallMs: performance.now() - t, load: loadBefore };
}

/**
 * The same ingest through the bundled CLI in a fresh process, as a built app runs it: no
 * TypeScript compiled at start in the job's worker threads (the in-process job above runs the
 * sources through tsx, as a development checkout does).
 */
function builtCliIngest(slidePath: string, segmenter: 'classical' | 'onnx', dbPath: string): { wallMs: number; load: string } {
  const loadBefore = load();
  const t = performance.now();
  // The CLI takes no lane count: one lane per core, whatever --lanes says.
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'main', 'cli.mjs'), 'ingest', slidePath, '--db', dbPath, '--segmenter', segmenter],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 });
  const wallMs = performance.now() - t;
  if (run.status !== 0) throw new Error(`built CLI ingest failed: ${run.stderr}`);
  return { wallMs, load: loadBefore };
}

function perSlice(result: IngestResult): Record<string, number> {
  const n = Math.max(1, result.slicesDone);
  return Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, +(v / n).toFixed(1)]));
}

/** The slices an ingest of `slidePath` takes first until it has done `count`: its plan, in its order and groups. */
async function firstSlicesOf(slidePath: string, count: number): Promise<SliceBox[]> {
  const reader = await openSlide(slidePath);
  try {
    const level0 = reader.info.levels[0]!;
    const planned = planSliceGrid(await findFieldOfView(reader), level0.width, level0.height)
      .sort((a, b) => a.y - b.y || a.x - b.x);
    const taken: SliceBox[] = [];
    for (const group of planSliceGroups(planned)) {
      if (taken.length >= count) break;
      taken.push(...group);
    }
    return taken;
  } finally {
    reader.close();
  }
}

/** A measured run of the first `count` slices of the huge slide with `segmenter`, against their bare read. */
async function hugeRun(count: number, segmenter: 'onnx' | 'classical'): Promise<Record<string, unknown>> {
  const huge = await ensureFixtureSlide('huge');
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-bench-huge-'));
  try {
    const dbPath = join(dir, 'db.sqlite');
    // The bare read brackets the job (before: the slices the job will take, as it plans and groups
    // them; after: those it did), and the ratio uses their mean per slice: this VM's speed drifts
    // by tens of percent within a minute.
    const before = await bareRead(huge.mrxsPath, await firstSlicesOf(huge.mrxsPath, count));
    const loadBefore = load();
    const t0 = performance.now();
    const job = startIngestJob({ slidePath: huge.mrxsPath, dbPath, segmenter, ...lanesOption });
    let peakRss = process.memoryUsage().rss;
    let total = 0;
    let firstAt: number | null = null;
    job.events.on('progress', (p) => {
      total = p.slicesTotal;
      if (p.slicesDone > 0 && firstAt === null) firstAt = performance.now();
      if (p.slicesDone >= count) job.cancel();
    });
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);
    const result = await job.result;
    clearInterval(sampler);
    const wallMs = performance.now() - t0;
    const loadAfterJob = load();
    const store = openStore(dbPath);
    const done = store.listSlices(result.slideId).filter((s) => s.state === 'done');
    store.close();
    const after = await bareRead(huge.mrxsPath, done);
    const bare = { ms: ((before.ms / before.slices + after.ms / after.slices) / 2) * done.length, load: `${before.load} / ${after.load}` };
    const rate = done.length / (wallMs / 1000);
    return {
      slideWidth: huge.width, slideHeight: huge.height, slicesTotal: total, slicesDone: done.length, cells: result.cells,
      lanes: result.lanes, wallS: +(wallMs / 1000).toFixed(1), slicesPerSecond: +rate.toFixed(2), perSliceMs: perSlice(result),
      bareReadS: +(bare.ms / 1000).toFixed(1), ratioToBareRead: +(wallMs / bare.ms).toFixed(2),
      bareReadMsPerSliceBeforeAndAfter: [+(before.ms / before.slices).toFixed(1), +(after.ms / after.slices).toFixed(1)],
      // The whole job's wall (start, FOV, worker start-up included) over the slices it did.
      extrapolatedMinutesFor3000Slices: +(TARGET_SMEAR_SLICES / rate / 60).toFixed(2),
      extrapolatedMinutesForThisSlide: +(total / rate / 60).toFixed(2),
      peakRssMiB: Math.round(peakRss / 2 ** 20), loadavgBeforeJob: loadBefore, loadavgAfterJob: loadAfterJob, loadavgBareReads: bare.load,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await buildApp({ quiet: true });
  const report: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavgAtStart: loadavg() };
  const demo = await ensureFixtureSlide('demo');
  const reader = await openSlide(demo.mrxsPath);
  const fov = await findFieldOfView(reader);
  const slices = planSliceGrid(fov, demo.width, demo.height);
  const bare = await bareRead(demo.mrxsPath, slices);
  report.slices = slices.length;
  report.bareRead = { tool: 'openslide-python read_region, level 0, one process, sequential', ms: Math.round(bare.ms), perSliceMs: +(bare.ms / slices.length).toFixed(1), loadavg: bare.load };
  console.log(`demo slide ${demo.width} x ${demo.height}: ${slices.length} slices; ${cpus().length} cores`);
  console.log(`bare read (openslide-python, level 0, one process): ${(bare.ms / 1000).toFixed(1)} s (${(bare.ms / slices.length).toFixed(0)} ms/slice)  [load ${bare.load}]`);

  const jobs: Record<string, unknown> = {};
  for (const segmenter of (args.includes('--skip-onnx') ? ['classical'] : ['classical', 'onnx']) as Array<'classical' | 'onnx'>) {
    const dir = await mkdtemp(join(tmpdir(), 'smearlab-bench-'));
    try {
      const { result, wallMs, load: jobLoad } = await timedJob(demo.mrxsPath, segmenter, join(dir, 'db.sqlite'));
      jobs[segmenter] = {
        state: result.state, provider: result.provider, model: result.model, lanes: result.lanes, wallMs: Math.round(wallMs),
        slicesPerSecond: +(result.slicesDone / (wallMs / 1000)).toFixed(2), cells: result.cells,
        perSliceMs: perSlice(result), ratioToBareRead: +(wallMs / bare.ms).toFixed(2), loadavg: jobLoad,
      };
      console.log(`${segmenter.padEnd(9)} job: ${(wallMs / 1000).toFixed(1)} s = ${(wallMs / bare.ms).toFixed(2)}x the bare read, ${(result.slicesDone / (wallMs / 1000)).toFixed(2)} slices/s, `
        + `${result.cells} cells on ${result.provider}, ${result.lanes} lanes  [load ${jobLoad}]`);
      console.log(`          stage ms per slice, summed over lanes: ${JSON.stringify(perSlice(result))}`);
      const cli = builtCliIngest(demo.mrxsPath, segmenter, join(dir, 'cli.sqlite'));
      (jobs[segmenter] as Record<string, unknown>).builtCli = { wallMs: Math.round(cli.wallMs), ratioToBareRead: +(cli.wallMs / bare.ms).toFixed(2), loadavg: cli.load };
      console.log(`          the built CLI (dist/main/cli.mjs ingest, its process start included): ${(cli.wallMs / 1000).toFixed(1)} s = ${(cli.wallMs / bare.ms).toFixed(2)}x  [load ${cli.load}]`);
      if (segmenter === 'classical') {
        const store = openStore(join(dir, 'db.sqlite'));
        const cells = store.listCells(store.listSlides()[0]!.id).slice(0, 200);
        store.close();
        const t = performance.now();
        let bytes = 0;
        for (const c of cells) bytes += (await renderCellCrop(reader, c.box, 'png')).length;
        const perCrop = (performance.now() - t) / Math.max(1, cells.length);
        report.cropEncode = { crops: cells.length, pngMsPerCrop: +perCrop.toFixed(1), meanKiB: Math.round(bytes / Math.max(1, cells.length) / 1024), estimatedIngestCostPerSliceMs: +(perCrop * result.cells / Math.max(1, result.slicesDone)).toFixed(0) };
        console.log(`crop PNG render: ${perCrop.toFixed(1)} ms/crop (${cells.length} crops); writing all at ingest would add ~${(perCrop * result.cells / Math.max(1, result.slicesDone)).toFixed(0)} ms per slice, so crops are rendered on demand by default`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  report.jobs = jobs;

  // Extraction vs scikit-image on real segmentation masks of the first slices.
  const segmenter = await loadSegmenter({ segmenter: 'classical' });
  const cases: BenchCase[] = [];
  for (const s of slices.slice(0, 6)) {
    const image = await readSliceImage(reader, s, MARGIN, segmenter.downsample);
    const mask = await segmenter.segment(image.image);
    cases.push({ name: `demo ${s.x}_${s.y} classical mask`, mask, placement: { origin: image.origin, slice: s, slide: { x: 0, y: 0, width: demo.width, height: demo.height } } });
  }
  await segmenter.dispose();
  const extract = runExtractBench(cases, { runs: 5, log: () => undefined });
  const ours = extract.cases.reduce((n, c) => n + c.oursMs, 0);
  const theirs = extract.cases.reduce((n, c) => n + c.skimageMs, 0);
  report.extractVsSkimage = { cases: extract.cases.length, identical: extract.allIdentical, oursMs: +ours.toFixed(2), skimageMs: +theirs.toFixed(1), speedup: +(theirs / ours).toFixed(1) };
  console.log(`extraction vs scikit-image on ${extract.cases.length} demo masks: identical=${extract.allIdentical}, ours ${ours.toFixed(1)} ms, skimage ${theirs.toFixed(0)} ms, ${(theirs / ours).toFixed(1)}x`);
  reader.close();

  if (!args.includes('--skip-huge')) {
    for (const segmenter of (args.includes('--skip-onnx') ? ['classical'] : ['onnx', 'classical']) as Array<'classical' | 'onnx'>) {
      const huge = await hugeRun(hugeSlices, segmenter);
      report[segmenter === 'onnx' ? 'huge' : 'hugeClassical'] = huge;
      const target = segmenter === 'onnx' ? '<= 2x' : '<= 1.5x';
      console.log(`huge slide ${huge.slideWidth} x ${huge.slideHeight} (${huge.slicesTotal} slices), ${segmenter === 'onnx' ? 'default model' : 'classical'}: `
        + `${huge.slicesDone} slices in ${huge.wallS} s = ${huge.ratioToBareRead}x their bare read (${huge.bareReadS} s, `
        + `${JSON.stringify(huge.bareReadMsPerSliceBeforeAndAfter)} ms/slice before / after; target ${target}), `
        + `${huge.slicesPerSecond} slices/s on ${huge.lanes} lanes; 3,000 slices: ${huge.extrapolatedMinutesFor3000Slices} min (target < 5), `
        + `this slide: ${huge.extrapolatedMinutesForThisSlide} min; peak RSS ${huge.peakRssMiB} MiB  [load ${huge.loadavgBeforeJob} -> ${huge.loadavgAfterJob}]`);
      console.log(`          stage ms per slice, summed over lanes: ${JSON.stringify(huge.perSliceMs)}`);
    }
  }
  report.loadavgAtEnd = loadavg();
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pipeline-${String(report.when).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${file}`);
}

await main();
