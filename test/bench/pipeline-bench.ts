// `npm run bench:pipeline`: the ingest pipeline on the demo slide, one run.
// Prints and writes (bench-results/pipeline-<time>.json):
//  - bare OpenSlide read time of the planned slices (level 0, and at the
//    level the segmenters actually read), the reference for "within 1.5x";
//  - the whole job end to end (worker thread, SQLite) per segmenter, slices/s,
//    and its per-stage times per slice;
//  - crop encoding per cell (on demand vs. at ingest);
//  - extraction vs. scikit-image on the same segmentation masks;
//  - peak process memory while ingesting the huge slide (main + worker threads).
// Options: --skip-huge, --huge-seconds N (default 90), --skip-onnx.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';
import { openSlide } from '../../src-main/slide/openslide-reader.ts';
import type { SlideReader } from '../../src-main/slide/slide-reader.ts';
import { findFieldOfView } from '../../src-main/pipeline/fov.ts';
import { planSliceGrid } from '../../src-main/pipeline/slice-grid.ts';
import type { PlannedSlice } from '../../src-main/pipeline/slice-grid.ts';
import { loadSegmenter } from '../../src-main/pipeline/segment/load-segmenter.ts';
import { readSliceImage } from '../../src-main/pipeline/ingest/slice-image.ts';
import { startIngestJob } from '../../src-main/pipeline/ingest/ingest-job.ts';
import type { IngestResult } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { renderCellCrop } from '../../src-main/pipeline/cell-crop.ts';
import { openStore } from '../../src-main/store/index.ts';
import { runExtractBench } from './extract-bench.ts';
import { DEFAULT_EXTRACT_CONFIG, suggestedMargin } from '../../src-main/pipeline/extract/index.ts';
import type { BenchCase } from './extract-bench.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, instanceMarginUm } from '../../src-main/pipeline/instances/index.ts';
import { downsampleFor, umToPx } from '../../src-main/pipeline/scale.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const hugeSeconds = Number(args[args.indexOf('--huge-seconds') + 1] ?? 90) || 90;
const MARGIN = suggestedMargin(DEFAULT_EXTRACT_CONFIG, 4);
// What ingest reads in whole-cell mode on this 0.25 um/px slide: the slice plus the instance margin, at 0.5 um/px.
const DEMO_MPP = 0.25;
const INGEST_MARGIN = Math.ceil(umToPx(instanceMarginUm(DEFAULT_CELL_INSTANCE_CONFIG), DEMO_MPP));
const INGEST_DOWNSAMPLE = downsampleFor(DEFAULT_CELL_INSTANCE_CONFIG.nucleusUmPerPixel, DEMO_MPP);

async function timeReads(reader: SlideReader, slices: PlannedSlice[], level: number, margin: number): Promise<number> {
  const ds = reader.info.levels[level]!.downsample;
  const queue = [...slices];
  const t = performance.now();
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const w = Math.ceil((s.width + 2 * margin) / ds);
      const h = Math.ceil((s.height + 2 * margin) / ds);
      await reader.readRegion(s.x - margin, s.y - margin, level, w, h);
    }
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - t;
}

async function timedJob(slidePath: string, segmenter: 'classical' | 'onnx', dbPath: string): Promise<{ result: IngestResult; wallMs: number }> {
  const t = performance.now();
  const job = startIngestJob({ slidePath, dbPath, segmenter });
  const result = await job.result;
  return { result, wallMs: performance.now() - t };
}

function perSlice(result: IngestResult): Record<string, number> {
  const n = Math.max(1, result.slicesDone);
  return Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, +(v / n).toFixed(1)]));
}

async function hugeMemory(seconds: number): Promise<Record<string, number>> {
  const huge = await ensureFixtureSlide('huge');
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-bench-huge-'));
  try {
    const job = startIngestJob({ slidePath: huge.mrxsPath, dbPath: join(dir, 'db.sqlite'), segmenter: 'classical' });
    let peakRss = process.memoryUsage().rss;
    let slices = 0;
    let total = 0;
    job.events.on('progress', (p) => { slices = p.slicesDone; total = p.slicesTotal; });
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);
    const stop = setTimeout(() => job.cancel(), seconds * 1000);
    const result = await job.result;
    clearInterval(sampler);
    clearTimeout(stop);
    return { slideWidth: huge.width, slideHeight: huge.height, slicesTotal: total, slicesDone: slices, seconds, peakRssMiB: Math.round(peakRss / 2 ** 20), cells: result.cells };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavgAtStart: loadavg() };
  const demo = await ensureFixtureSlide('demo');
  const reader = await openSlide(demo.mrxsPath);
  const fov = await findFieldOfView(reader);
  const slices = planSliceGrid(fov, demo.width, demo.height);
  const segLevel = reader.bestLevelForDownsample(INGEST_DOWNSAMPLE);
  const read0 = await timeReads(reader, slices, 0, 0);
  const readSeg = await timeReads(reader, slices, segLevel, INGEST_MARGIN);
  report.slices = slices.length;
  report.bareRead = { level0Ms: Math.round(read0), level0PerSliceMs: +(read0 / slices.length).toFixed(1), segmenterLevel: segLevel, segmenterLevelWithMarginMs: Math.round(readSeg) };
  console.log(`demo slide ${demo.width} x ${demo.height}: ${slices.length} slices`);
  console.log(`bare OpenSlide read, 2 at a time: level 0 ${(read0 / 1000).toFixed(1)} s (${(read0 / slices.length).toFixed(0)} ms/slice); `
    + `level ${segLevel} with ${INGEST_MARGIN} px margin (what ingest reads) ${(readSeg / 1000).toFixed(1)} s`);

  const jobs: Record<string, unknown> = {};
  for (const segmenter of (args.includes('--skip-onnx') ? ['classical'] : ['classical', 'onnx']) as Array<'classical' | 'onnx'>) {
    const dir = await mkdtemp(join(tmpdir(), 'smearlab-bench-'));
    try {
      const { result, wallMs } = await timedJob(demo.mrxsPath, segmenter, join(dir, 'db.sqlite'));
      jobs[segmenter] = {
        state: result.state, provider: result.provider, model: result.model, wallMs: Math.round(wallMs),
        slicesPerSecond: +(result.slicesDone / (wallMs / 1000)).toFixed(2), cells: result.cells,
        perSliceMs: perSlice(result), ratioToBareLevel0Read: +(wallMs / read0).toFixed(2),
      };
      console.log(`${segmenter.padEnd(9)} job: ${(wallMs / 1000).toFixed(1)} s, ${(result.slicesDone / (wallMs / 1000)).toFixed(2)} slices/s, `
        + `${result.cells} cells on ${result.provider}; x${(wallMs / read0).toFixed(2)} of the bare level-0 read; per slice ms ${JSON.stringify(perSlice(result))}`);
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
    const huge = await hugeMemory(hugeSeconds);
    report.huge = huge;
    console.log(`huge slide ${huge.slideWidth} x ${huge.slideHeight}: ${huge.slicesDone}/${huge.slicesTotal} slices in ${huge.seconds} s, peak process RSS ${huge.peakRssMiB} MiB (target < 1536)`);
  }
  report.loadavgAtEnd = loadavg();
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pipeline-${String(report.when).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${file}`);
}

await main();
