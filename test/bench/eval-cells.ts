// `npm run eval:cells`: cell candidates on REAL Pap fields. The CRICVA dev
// fields held out of training (models/training/cricva-heldout.json) are
// composed into MIRAX slides at 0.25 and 0.5 um/px (test/fixtures/
// cricva-slide.ts), the real ingest runs on each, and the stored cells are
// scored against the annotated nucleus points (test/fixtures/
// cell-recall-score.ts): recall only, since not every cell carries a point.
// Prints one table per block and writes bench-results/eval-cells.json.
//   --segmenter onnx|classical|both   (default both; onnx = the default model)
//   --mpp 0.25,0.5                    level-0 um/px of the composed slides
//   --all                             also the training fields, as a second "all" block
//   --model NAME|PATH                 the onnx segmenter's model (default: the default model)
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { parseIngestOptions } from '../../src-main/pipeline/ingest/ingest-options.ts';
import type { IngestResult } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../src-main/pipeline/ingest/run-ingest.ts';
import { openStore } from '../../src-main/store/index.ts';
import type { CandidateBox, CellRecallScore, FieldRect, RecallCounts, TruthPoint } from '../fixtures/cell-recall-score.ts';
import { BETHESDA_CLASSES, NILM, quantile, scoreCellRecall } from '../fixtures/cell-recall-score.ts';
import { REPO_ROOT } from '../fixtures/cric-fields.ts';
import { loadCricvaDev } from '../fixtures/cricva-dev.ts';
import type { CricvaSlide } from '../fixtures/cricva-slide.ts';
import { EVAL_SLIDE_MPPS, ensureCricvaSlide, evalCellsCacheRoot } from '../fixtures/cricva-slide.ts';

type SegmenterName = 'onnx' | 'classical';

/**
 * A real field is mostly bare background between cells, so the FOV (smear, not glass) covers
 * only part of it; a field below this share is reported as (nearly) not found.
 */
const FOV_FIELD_MIN_SHARE = 0.1;

interface Args { segmenters: SegmenterName[]; mpps: number[]; all: boolean; model: string | undefined }

function parseCliArgs(): Args {
  const { values } = parseArgs({
    options: { segmenter: { type: 'string', default: 'both' }, mpp: { type: 'string', default: EVAL_SLIDE_MPPS.join(',') }, all: { type: 'boolean', default: false }, model: { type: 'string' } },
    allowPositionals: false,
  });
  const seg = values.segmenter;
  if (seg !== 'onnx' && seg !== 'classical' && seg !== 'both') throw new Error(`--segmenter must be onnx, classical or both, got "${seg}"`);
  const mpps = values.mpp.split(',').map((m) => Number(m.trim()));
  for (const m of mpps) if (!(EVAL_SLIDE_MPPS as readonly number[]).includes(m)) throw new Error(`--mpp: each value must be one of ${EVAL_SLIDE_MPPS.join(', ')}, got "${values.mpp}"`);
  return { segmenters: seg === 'both' ? ['onnx', 'classical'] : [seg], mpps: [...new Set(mpps)].sort((a, b) => a - b), all: values.all, model: values.model };
}

interface FovCheck {
  /** FOV level-0 px per mask px; null without a mask. */
  downsample: number | null;
  /** Share of each field's area the FOV marks as smear. */
  fieldSmearShare: Record<string, number>;
  /** Fields below FOV_FIELD_MIN_SHARE. */
  fieldsNotFound: string[];
  /** Points on a mask pixel marked glass (still segmented when their slice is planned). */
  pointsOutsideMask: number;
  /** Points that no planned slice covers: lost before segmentation. */
  pointsOutsideSlices: number;
  slices: number;
}

interface SlideRun {
  segmenter: SegmenterName;
  mpp: number;
  slide: CricvaSlide;
  result: IngestResult;
  wallMs: number;
  reportedMpp: { x: number | null; y: number | null };
  fov: FovCheck;
  fovLog: string[];
  boxes: CandidateBox[];
}

function inRect(r: { x: number; y: number; width: number; height: number }, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
}

async function checkFov(slide: CricvaSlide, maskPath: string | null, slices: ReadonlyArray<{ x: number; y: number; width: number; height: number }>): Promise<FovCheck> {
  const pointsOutsideSlices = slide.points.filter((p) => !slices.some((s) => inRect(s, p.x, p.y))).length;
  if (!maskPath) {
    return { downsample: null, fieldSmearShare: {}, fieldsNotFound: slide.fields.map((f) => f.image), pointsOutsideMask: slide.points.length, pointsOutsideSlices, slices: slices.length };
  }
  const { data, info } = await sharp(await readFile(maskPath)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const ds = slide.width / info.width;
  const smear = (mx: number, my: number) => (data[my * info.width + mx] ?? 0) > 127;
  const fieldSmearShare: Record<string, number> = {};
  for (const f of slide.fields) {
    let on = 0;
    let n = 0;
    // Mask pixels whose centres fall inside the field.
    for (let my = Math.ceil(f.y / ds - 0.5); (my + 0.5) * ds < f.y + f.height && my < info.height; my++) {
      for (let mx = Math.ceil(f.x / ds - 0.5); (mx + 0.5) * ds < f.x + f.width && mx < info.width; mx++) {
        n++;
        if (smear(mx, my)) on++;
      }
    }
    fieldSmearShare[f.image] = n > 0 ? +(on / n).toFixed(3) : 0;
  }
  return {
    downsample: ds, fieldSmearShare,
    fieldsNotFound: slide.fields.filter((f) => (fieldSmearShare[f.image] ?? 0) < FOV_FIELD_MIN_SHARE).map((f) => f.image),
    pointsOutsideMask: slide.points.filter((p) => !smear(Math.floor(p.x / ds), Math.floor(p.y / ds))).length,
    pointsOutsideSlices, slices: slices.length,
  };
}

async function ingestAndRead(segmenter: SegmenterName, slide: CricvaSlide, model: string | undefined): Promise<SlideRun> {
  const runDir = join(evalCellsCacheRoot(), 'runs', `${slide.key}-${segmenter}`);
  const dbPath = join(runDir, 'smearlab.sqlite');
  const fovLog: string[] = [];
  const options = parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter, force: true, ...(segmenter === 'onnx' && model ? { model } : {}) });
  const t = performance.now();
  const result = await runIngest(options, { onLog: (m) => { if (/field of view|failed/.test(m)) fovLog.push(m); } });
  const wallMs = performance.now() - t;
  const store = openStore(dbPath);
  try {
    const record = store.getSlide(result.slideId);
    const slices = store.listSlices(result.slideId);
    // `kind` is new in the cell record: a store without it reads as plain cells.
    const boxes = store.listCells(result.slideId).map((c): CandidateBox => ({
      ...c.box, kind: (c as { kind?: string }).kind === 'cluster' ? 'cluster' : 'cell',
    }));
    const fov = await checkFov(slide, record.fovMaskPath, slices);
    return { segmenter, mpp: slide.mpp, slide, result, wallMs, reportedMpp: { x: record.mppX, y: record.mppY }, fov, fovLog, boxes };
  } finally {
    store.close();
  }
}

/** Several slides scored as one: each slide after the first shifted right past the previous ones. */
function scoreRuns(runs: readonly SlideRun[]): CellRecallScore {
  const points: TruthPoint[] = [];
  const fields: FieldRect[] = [];
  const boxes: CandidateBox[] = [];
  let dx = 0;
  for (const r of runs) {
    for (const p of r.slide.points) points.push({ x: p.x + dx, y: p.y, bethesda: p.bethesda, image: p.image });
    for (const f of r.slide.fields) fields.push({ ...f, x: f.x + dx });
    for (const b of r.boxes) boxes.push({ ...b, x: b.x + dx });
    dx += r.slide.width * 2; // boxes are clamped to their slide, so twice its width is clear of it
  }
  return scoreCellRecall({ points, fields, boxes, mpp: runs[0]!.mpp });
}

interface BlockRow {
  segmenter: SegmenterName;
  mpp: number;
  score: CellRecallScore;
  slices: number;
  /** Fields scored: 0.5 um/px slices hold 4 times the area, so s/field compares the two scales. */
  fields: number;
  cells: number;
  wallMs: number;
  secondsPerSlice: number;
  stageMsPerSlice: Record<string, number>;
}

function blockRow(runs: readonly SlideRun[]): BlockRow {
  const slices = runs.reduce((n, r) => n + r.result.slicesDone, 0);
  const wallMs = runs.reduce((n, r) => n + r.wallMs, 0);
  const stages: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.result.timings)) stages[k] = (stages[k] ?? 0) + v;
  return {
    segmenter: runs[0]!.segmenter, mpp: runs[0]!.mpp, score: scoreRuns(runs), slices, fields: runs.reduce((n, r) => n + r.slide.fields.length, 0), cells: runs.reduce((n, r) => n + r.boxes.length, 0), wallMs,
    secondsPerSlice: wallMs / 1000 / Math.max(1, slices),
    // fov runs once per slide, the other stages once per slice; all shown per slice for comparison.
    stageMsPerSlice: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, +(v / Math.max(1, slices)).toFixed(0)])),
  };
}

const pct = (v: number | null) => (v === null ? '   -' : (100 * v).toFixed(1).padStart(5));
const num = (v: number | null, digits = 0) => (v === null ? '-' : v.toFixed(digits));
const pair = (c: RecallCounts) => `${pct(c.nucleusRecall)}/${pct(c.oneBoxRecall)}`;
const SHORT: Record<string, string> = { [NILM]: 'NILM' };

function printBlock(title: string, rows: readonly BlockRow[]): void {
  const first = rows[0]?.score;
  if (!first) return;
  console.log(`\n${title}: ${first.points} nuclei (${first.abnormal.points} abnormal, ${first.nilm.points} NILM); recall in %, nucleus/one-box`);
  console.log('segmenter  mpp   nucleus one-box  abnormal      NILM          box/nuc empty  side@0.25px p10-p90    side um  APACC%  clusters  s/slice');
  for (const r of rows) {
    const s = r.score;
    const b = s.boxSide;
    console.log(`${r.segmenter.padEnd(10)} ${r.mpp.toFixed(2)}  ${pct(s.nucleusRecall)}   ${pct(s.oneBoxRecall)}   ${pair(s.abnormal)}   ${pair(s.nilm)}   `
      + `${num(s.boxesPerNucleus, 2).padStart(5)}  ${pct(s.emptyBoxShare)}  ${num(b.medianPxAtApaccMpp).padStart(5)} ${`${num(b.p10PxAtApaccMpp)}-${num(b.p90PxAtApaccMpp)}`.padEnd(10)}  `
      + `${num(b.medianUm, 1).padStart(6)}  ${pct(b.apaccRangeShare)}  ${String(s.clusterCandidates).padStart(8)}  ${r.secondsPerSlice.toFixed(2).padStart(7)}`);
  }
  console.log('per class (n), nucleus/one-box:');
  for (const r of rows) {
    const parts = BETHESDA_CLASSES.map((c) => `${SHORT[c] ?? c} (${r.score.byClass[c].points}) ${pair(r.score.byClass[c])}`);
    console.log(`  ${r.segmenter.padEnd(10)} ${r.mpp.toFixed(2)}  ${parts.join('  ')}`);
  }
  console.log('ingest: slices, cells, stage ms per slice (fov is once per slide):');
  for (const r of rows) {
    console.log(`  ${r.segmenter.padEnd(10)} ${r.mpp.toFixed(2)}  ${r.slices} slices, ${r.cells} cells, ${(r.wallMs / 1000).toFixed(1)} s (${(r.wallMs / 1000 / r.fields).toFixed(2)} s/field); `
      + Object.entries(r.stageMsPerSlice).map(([k, v]) => `${k} ${v}`).join(', '));
  }
  const deltas = mppDeltas(rows);
  if (deltas.length > 0) {
    console.log('0.5 minus 0.25 um/px, in points:');
    for (const d of deltas) {
      console.log(`  ${d.segmenter.padEnd(10)} nucleus ${signed(d.nucleus)}, one-box ${signed(d.oneBox)}, abnormal ${signed(d.abnormalNucleus)}/${signed(d.abnormalOneBox)}, `
        + `NILM ${signed(d.nilmNucleus)}/${signed(d.nilmOneBox)}`);
    }
  }
}

const signed = (v: number | null) => (v === null ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}`);
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : 100 * (a - b));

/** Recall at 0.5 um/px minus recall at 0.25, in percentage points; null where a side has no points. */
interface MppDelta {
  segmenter: SegmenterName;
  nucleus: number | null;
  oneBox: number | null;
  abnormalNucleus: number | null;
  abnormalOneBox: number | null;
  nilmNucleus: number | null;
  nilmOneBox: number | null;
}

function mppDeltas(rows: readonly BlockRow[]): MppDelta[] {
  const out: MppDelta[] = [];
  for (const seg of new Set(rows.map((r) => r.segmenter))) {
    const hi = rows.find((r) => r.segmenter === seg && r.mpp === 0.25)?.score;
    const lo = rows.find((r) => r.segmenter === seg && r.mpp === 0.5)?.score;
    if (!hi || !lo) continue;
    out.push({
      segmenter: seg,
      nucleus: diff(lo.nucleusRecall, hi.nucleusRecall), oneBox: diff(lo.oneBoxRecall, hi.oneBoxRecall),
      abnormalNucleus: diff(lo.abnormal.nucleusRecall, hi.abnormal.nucleusRecall), abnormalOneBox: diff(lo.abnormal.oneBoxRecall, hi.abnormal.oneBoxRecall),
      nilmNucleus: diff(lo.nilm.nucleusRecall, hi.nilm.nucleusRecall), nilmOneBox: diff(lo.nilm.oneBoxRecall, hi.nilm.oneBoxRecall),
    });
  }
  return out;
}

/** The scale ingest says it worked at: newer results carry it, older ones do not. */
function ingestScale(result: IngestResult): { mpp?: number; mppSource?: string; warnings?: string[] } {
  const r = result as { mpp?: number; mppSource?: string; warnings?: string[] };
  return { ...(r.mpp !== undefined ? { mpp: r.mpp } : {}), ...(r.mppSource ? { mppSource: r.mppSource } : {}), ...(r.warnings ? { warnings: r.warnings } : {}) };
}

function warnings(run: SlideRun): string[] {
  const w: string[] = [];
  const where = `${run.segmenter} ${run.mpp} ${run.slide.key}`;
  if (run.result.state !== 'done') w.push(`${where}: ingest ${run.result.state}: ${run.result.message}`);
  if (run.reportedMpp.x !== run.mpp || run.reportedMpp.y !== run.mpp) w.push(`${where}: OpenSlide reports ${run.reportedMpp.x} x ${run.reportedMpp.y} um/px, expected ${run.mpp}`);
  const used = ingestScale(run.result);
  if (used.mpp !== undefined && used.mpp !== run.mpp) w.push(`${where}: ingest worked at ${used.mpp} um/px (${used.mppSource ?? '?'}), expected ${run.mpp}`);
  for (const m of used.warnings ?? []) w.push(`${where}: ingest: ${m}`);
  if (run.fov.fieldsNotFound.length > 0) w.push(`${where}: FOV marks under ${100 * FOV_FIELD_MIN_SHARE}% of ${run.fov.fieldsNotFound.length} field(s) as smear: ${run.fov.fieldsNotFound.join(', ')}`);
  if (run.fov.pointsOutsideSlices > 0) w.push(`${where}: ${run.fov.pointsOutsideSlices} point(s) lie in no planned slice (dropped by the FOV)`);
  return w;
}

async function main(): Promise<void> {
  const args = parseCliArgs();
  const dev = await loadCricvaDev();
  const sets = [{ label: 'heldout', images: dev.filter((d) => d.heldOut) }];
  if (args.all) sets.push({ label: 'train', images: dev.filter((d) => !d.heldOut) });
  console.log(`CRICVA dev: ${dev.length} fields, ${sets.map((s) => `${s.label} ${s.images.length}`).join(', ')}; segmenters ${args.segmenters.join(', ')}; mpp ${args.mpps.join(', ')}`);

  const slides = new Map<string, CricvaSlide>();
  for (const mpp of args.mpps) {
    for (const set of sets) {
      const t = performance.now();
      const slide = await ensureCricvaSlide(set.label, set.images, mpp);
      slides.set(`${set.label}@${mpp}`, slide);
      console.log(`slide ${slide.key}: ${slide.width} x ${slide.height} px, ${slide.fields.length} fields, ${slide.points.length} points (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  }

  const runs: SlideRun[] = [];
  const warned: string[] = [];
  for (const segmenter of args.segmenters) {
    for (const mpp of args.mpps) {
      for (const set of sets) {
        const slide = slides.get(`${set.label}@${mpp}`)!;
        const run = await ingestAndRead(segmenter, slide, args.model);
        runs.push(run);
        console.log(`ingest ${segmenter} ${mpp} ${set.label}: ${run.result.state}, ${run.result.slicesDone}/${run.result.slicesTotal} slices, ${run.boxes.length} cells, `
          + `${(run.wallMs / 1000).toFixed(1)} s on ${run.result.provider}${run.result.model ? ` (${run.result.model})` : ''}`);
        const shares = Object.values(run.fov.fieldSmearShare);
        console.log(`  FOV: ${run.fov.slices} slices; field area marked smear ${pct(quantile(shares, 0))}-${pct(quantile(shares, 1))}% (median ${pct(quantile(shares, 0.5))}); `
          + `points on glass-marked FOV px ${run.fov.pointsOutsideMask}, in no slice ${run.fov.pointsOutsideSlices}`);
        for (const w of warnings(run)) { warned.push(w); console.log(`  WARNING ${w}`); }
      }
    }
  }

  const block = (labels: string[]) => args.segmenters.flatMap((seg) => args.mpps.map((mpp) =>
    blockRow(runs.filter((r) => r.segmenter === seg && r.mpp === mpp && labels.some((l) => r.slide.key === slides.get(`${l}@${mpp}`)?.key)))));
  const heldOut = block(['heldout']);
  printBlock('HELD-OUT fields', heldOut);
  const all = args.all ? block(['heldout', 'train']) : null;
  if (all) printBlock('ALL fields (held-out + training; secondary)', all);
  if (warned.length > 0) console.log(`\n${warned.length} warning(s) above.`);

  const report = {
    when: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavgAtEnd: loadavg(), args,
    note: 'Recall only: CRICVA points mark some cells, not all. Recalls are shares (0..1); deltas are percentage points.',
    slides: [...slides.values()].map((s) => ({ key: s.key, mpp: s.mpp, width: s.width, height: s.height, fields: s.fields.length, points: s.points.length, mrxsPath: s.mrxsPath })),
    runs: runs.map((r) => ({
      segmenter: r.segmenter, mpp: r.mpp, slide: r.slide.key, state: r.result.state, provider: r.result.provider, model: r.result.model,
      slicesTotal: r.result.slicesTotal, slicesDone: r.result.slicesDone, slicesFailed: r.result.slicesFailed, cells: r.boxes.length,
      wallMs: Math.round(r.wallMs), timingsMs: Object.fromEntries(Object.entries(r.result.timings).map(([k, v]) => [k, Math.round(v)])),
      reportedMpp: r.reportedMpp, ingestScale: ingestScale(r.result), fov: r.fov, log: r.fovLog, error: r.result.error,
    })),
    heldOut: heldOut.map((r) => ({ ...r, wallMs: Math.round(r.wallMs), secondsPerSlice: +r.secondsPerSlice.toFixed(3) })),
    heldOutMppDeltas: mppDeltas(heldOut),
    ...(all ? { all: all.map((r) => ({ ...r, wallMs: Math.round(r.wallMs), secondsPerSlice: +r.secondsPerSlice.toFixed(3) })), allMppDeltas: mppDeltas(all) } : {}),
    warnings: warned,
  };
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'eval-cells.json');
  writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nwritten ${file}`);
}

await main();
