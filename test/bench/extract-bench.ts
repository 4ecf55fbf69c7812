// Benchmark and cross-check of cell extraction against scikit-image: runs
// src-main/pipeline/extract on masks and test/bench/reference/skimage_extract.py
// on the very same masks, reports whether the candidate sets are identical
// and the speed ratio (medians of several runs), and writes JSON under
// bench-results/. Run: node --import tsx test/bench/extract-bench.ts [--runs N] [--quick]
// (--fuzz N: N small random masks instead, an exactness check; timings there mean little).
// Importable: runExtractBench(cases) for real segmentation masks.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '../../src-main/domain/random.ts';
import type { Mask } from '../../src-main/pipeline/mask.ts';
import { extractCells, resolveExtractConfig } from '../../src-main/pipeline/extract/index.ts';
import type { CellCandidate, ExtractConfig, MaskPlacement } from '../../src-main/pipeline/extract/index.ts';

const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('./reference/skimage_extract.py', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchCase {
  name: string;
  mask: Mask;
  placement: MaskPlacement;
  config?: Partial<ExtractConfig>;
}

interface ReferenceCandidate {
  box: CellCandidate['box'];
  cellBox: CellCandidate['cellBox'];
  centre: CellCandidate['centre'];
  area: number;
  perimeter: number;
  roundness: number;
  solidity: number;
  eccentricity: number;
}

export interface BenchCaseReport {
  name: string;
  maskSize: string;
  downsample: number;
  mode: string;
  erosionIterations: number;
  candidates: number;
  referenceCandidates: number;
  identical: boolean;
  differences: string[];
  maxRelativeDiff: { perimeter: number; roundness: number; solidity: number; eccentricity: number; centre: number };
  /** Medians of the runs; the minimums are steadier on a loaded machine. */
  oursMs: number;
  skimageMs: number;
  speedup: number;
  oursMinMs: number;
  skimageMinMs: number;
  speedupOfMinimums: number;
  oursRunsMs: number[];
  skimageRunsMs: number[];
}

export interface BenchReport {
  when: string;
  node: string;
  runs: number;
  allIdentical: boolean;
  cases: BenchCaseReport[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A 2-D uint8 .npy (format 1.0) holding the mask, non-zero = set. */
function npyBytes(mask: Mask): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${mask.height}, ${mask.width}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.length)]);
}

function relDiff(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

function sameBox(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

function compare(ours: CellCandidate[], ref: ReferenceCandidate[]) {
  const differences: string[] = [];
  const maxRel = { perimeter: 0, roundness: 0, solidity: 0, eccentricity: 0, centre: 0 };
  if (ours.length !== ref.length) differences.push(`count: ours ${ours.length}, skimage ${ref.length}`);
  const n = Math.min(ours.length, ref.length);
  const tolerance = 1e-9;
  for (let i = 0; i < n; i++) {
    const a = ours[i]!;
    const b = ref[i]!;
    if (!sameBox(a.box, b.box)) differences.push(`#${i} box: ours ${JSON.stringify(a.box)}, skimage ${JSON.stringify(b.box)}`);
    if (!sameBox(a.cellBox, b.cellBox)) differences.push(`#${i} cellBox: ours ${JSON.stringify(a.cellBox)}, skimage ${JSON.stringify(b.cellBox)}`);
    if (a.area !== b.area) differences.push(`#${i} area: ours ${a.area}, skimage ${b.area}`);
    maxRel.centre = Math.max(maxRel.centre, relDiff(a.centre.x, b.centre.x), relDiff(a.centre.y, b.centre.y));
    for (const key of ['perimeter', 'roundness', 'solidity'] as const) {
      const d = relDiff(a[key], b[key]);
      maxRel[key] = Math.max(maxRel[key], d);
      if (d > tolerance) differences.push(`#${i} ${key}: ours ${a[key]}, skimage ${b[key]}`);
    }
    // Eccentricity of a near-circle is a difference of nearly equal numbers: compare absolutely.
    const de = Math.abs(a.eccentricity - b.eccentricity);
    maxRel.eccentricity = Math.max(maxRel.eccentricity, de);
    if (de > 1e-6) differences.push(`#${i} eccentricity: ours ${a.eccentricity}, skimage ${b.eccentricity}`);
  }
  if (maxRel.centre > tolerance) differences.push(`centre differs by up to ${maxRel.centre} (relative)`);
  return { differences, maxRel };
}

/** Runs ours and skimage on every case (identical masks), compares, times. */
export function runExtractBench(cases: BenchCase[], options: { runs?: number; log?: (line: string) => void } = {}): BenchReport {
  const runs = options.runs ?? 7;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'extract-bench-'));
  try {
    const job = {
      runs,
      cases: cases.map((c, i) => {
        const npy = join(dir, `mask-${i}.npy`);
        writeFileSync(npy, npyBytes(c.mask));
        return { name: c.name, npy, downsample: c.mask.downsample, placement: c.placement, config: resolveExtractConfig(c.config) };
      }),
    };
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify(job));
    log(`skimage reference: ${cases.length} case(s) x ${runs} run(s) ...`);
    const py = spawnSync(PYTHON, [REFERENCE, jobPath], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (py.status !== 0) throw new Error(`skimage reference failed (exit ${py.status}): ${py.stderr || py.error?.message}`);
    const refOut = JSON.parse(py.stdout) as { cases: { name: string; candidates: ReferenceCandidate[]; times_ms: number[] }[] };

    const reports: BenchCaseReport[] = cases.map((c, i) => {
      const config = resolveExtractConfig(c.config);
      let result = extractCells(c.mask, c.placement, config);
      for (let w = 0; w < 2; w++) result = extractCells(c.mask, c.placement, config);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        result = extractCells(c.mask, c.placement, config);
        times.push(performance.now() - t0);
      }
      const ref = refOut.cases[i]!;
      const { differences, maxRel } = compare(result.candidates, ref.candidates);
      const oursMs = median(times);
      const skimageMs = median(ref.times_ms);
      return {
        name: c.name,
        maskSize: `${c.mask.width}x${c.mask.height}`,
        downsample: c.mask.downsample,
        mode: config.mode,
        erosionIterations: config.erosionIterations,
        candidates: result.candidates.length,
        referenceCandidates: ref.candidates.length,
        identical: differences.length === 0,
        differences,
        maxRelativeDiff: maxRel,
        oursMs,
        skimageMs,
        speedup: skimageMs / oursMs,
        oursMinMs: Math.min(...times),
        skimageMinMs: Math.min(...ref.times_ms),
        speedupOfMinimums: Math.min(...ref.times_ms) / Math.min(...times),
        oursRunsMs: times,
        skimageRunsMs: ref.times_ms,
      };
    });
    return { when: new Date().toISOString(), node: process.version, runs, allIdentical: reports.every((r) => r.identical), cases: reports };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- synthetic masks

interface Blob { cx: number; cy: number; r: number; stretch: number; angle: number; waves: number[]; phases: number[] }
interface Streak { x0: number; y0: number; x1: number; y1: number; halfWidth: number }

/** A smear-like scene in level-0 px: cells, touching pairs, clumps, streaks, specks. */
function makeScene(seed: number, size: number): { blobs: Blob[]; streaks: Streak[] } {
  const rand = mulberry32(seed);
  const between = (a: number, b: number) => a + (b - a) * rand();
  const blob = (cx: number, cy: number, r: number): Blob => ({
    cx, cy, r, stretch: between(0.75, 1), angle: between(0, Math.PI),
    waves: [between(0, 0.06), between(0, 0.05), between(0, 0.04), between(0, 0.03)],
    phases: [between(0, 7), between(0, 7), between(0, 7), between(0, 7)],
  });
  const blobs: Blob[] = [];
  const streaks: Streak[] = [];
  const cells = Math.round((size * size) / 110_000);
  for (let i = 0; i < cells; i++) blobs.push(blob(between(-100, size + 100), between(-100, size + 100), between(50, 180)));
  for (let i = 0; i < cells / 6; i++) {
    const r1 = between(60, 140);
    const r2 = between(60, 140);
    const a = between(0, 2 * Math.PI);
    const cx = between(0, size);
    const cy = between(0, size);
    const d = (r1 + r2) * between(0.88, 0.97);
    blobs.push(blob(cx, cy, r1), blob(cx + d * Math.cos(a), cy + d * Math.sin(a), r2));
  }
  for (let i = 0; i < Math.max(1, cells / 20); i++) {
    const cx = between(200, size - 200);
    const cy = between(200, size - 200);
    for (let j = 0; j < 7; j++) blobs.push(blob(cx + between(-220, 220), cy + between(-220, 220), between(90, 170)));
  }
  for (let i = 0; i < cells / 5; i++) {
    const x0 = between(0, size);
    const y0 = between(0, size);
    const a = between(0, 2 * Math.PI);
    const len = between(120, 500);
    streaks.push({ x0, y0, x1: x0 + len * Math.cos(a), y1: y0 + len * Math.sin(a), halfWidth: between(3, 14) });
  }
  for (let i = 0; i < cells * 2; i++) blobs.push(blob(between(0, size), between(0, size), between(3, 30)));
  return { blobs, streaks };
}

/** Rasterises a scene covering level-0 [0, size) at the given downsample. */
function rasterise(scene: ReturnType<typeof makeScene>, size: number, downsample: number): Mask {
  const w = Math.round(size / downsample);
  const data = new Uint8Array(w * w);
  for (const b of scene.blobs) {
    const reach = b.r * 1.25;
    const px0 = Math.max(0, Math.floor((b.cx - reach) / downsample));
    const px1 = Math.min(w - 1, Math.ceil((b.cx + reach) / downsample));
    const py0 = Math.max(0, Math.floor((b.cy - reach) / downsample));
    const py1 = Math.min(w - 1, Math.ceil((b.cy + reach) / downsample));
    const cos = Math.cos(b.angle);
    const sin = Math.sin(b.angle);
    for (let py = py0; py <= py1; py++) {
      for (let px = px0; px <= px1; px++) {
        const dx = (px + 0.5) * downsample - b.cx;
        const dy = (py + 0.5) * downsample - b.cy;
        const u = dx * cos + dy * sin;
        const v = (-dx * sin + dy * cos) / b.stretch;
        const t = Math.atan2(v, u);
        let edge = b.r;
        for (let h = 0; h < b.waves.length; h++) edge *= 1 + b.waves[h]! * Math.cos((h + 2) * t + b.phases[h]!);
        if (u * u + v * v <= edge * edge) data[py * w + px] = 1;
      }
    }
  }
  for (const s of scene.streaks) {
    const lx = s.x1 - s.x0;
    const ly = s.y1 - s.y0;
    const len2 = lx * lx + ly * ly;
    const px0 = Math.max(0, Math.floor((Math.min(s.x0, s.x1) - s.halfWidth) / downsample));
    const px1 = Math.min(w - 1, Math.ceil((Math.max(s.x0, s.x1) + s.halfWidth) / downsample));
    const py0 = Math.max(0, Math.floor((Math.min(s.y0, s.y1) - s.halfWidth) / downsample));
    const py1 = Math.min(w - 1, Math.ceil((Math.max(s.y0, s.y1) + s.halfWidth) / downsample));
    for (let py = py0; py <= py1; py++) {
      for (let px = px0; px <= px1; px++) {
        const x = (px + 0.5) * downsample - s.x0;
        const y = (py + 0.5) * downsample - s.y0;
        const t = Math.max(0, Math.min(1, (x * lx + y * ly) / len2));
        const ex = x - t * lx;
        const ey = y - t * ly;
        if (ex * ex + ey * ey <= s.halfWidth * s.halfWidth) data[py * w + px] = 1;
      }
    }
  }
  return { width: w, height: w, data, downsample };
}

/** Synthetic cases: 2,000 px slices at downsample 1 and 4, paper and whole-cell placements. */
export function syntheticCases(seeds: number[]): BenchCase[] {
  const size = 2000;
  const slide = { x: 0, y: 0, width: 100_000, height: 200_000 };
  const origin = { x: 36_000, y: 74_000 };
  const cases: BenchCase[] = [];
  const margin = 200;
  const inner = { x: origin.x + margin, y: origin.y + margin, width: size - 2 * margin, height: size - 2 * margin };
  const whole = { x: origin.x, y: origin.y, width: size, height: size };
  for (const seed of seeds) {
    const scene = makeScene(seed, size);
    const full = rasterise(scene, size, 1);
    const quarter = rasterise(scene, size, 4);
    cases.push(
      { name: `s${seed} 2000px ds1 paper k3`, mask: full, placement: { origin, slice: whole, slide }, config: { mode: 'paper' } },
      { name: `s${seed} 2000px ds1 whole-cell k3`, mask: full, placement: { origin, slice: inner, slide }, config: { mode: 'whole-cell' } },
      { name: `s${seed} 2000px ds1 paper k12`, mask: full, placement: { origin, slice: whole, slide }, config: { mode: 'paper', erosionIterations: 12 } },
      { name: `s${seed} 500px ds4 paper k3`, mask: quarter, placement: { origin, slice: whole, slide }, config: { mode: 'paper' } },
      { name: `s${seed} 500px ds4 whole-cell k3`, mask: quarter, placement: { origin, slice: inner, slide }, config: { mode: 'whole-cell' } },
      {
        name: `s${seed} 500px ds4 paper k2 keep-all`, mask: quarter, placement: { origin, slice: whole, slide },
        config: { mode: 'paper', erosionIterations: 2, minArea: 0, maxArea: 1e12, minRoundness: 0, maxComponentArea: 1e12 },
      },
    );
  }
  return cases;
}

/**
 * Small random masks (noise plus discs, values 1 and 255), random erosion, downsample,
 * margins, slide edges and both modes, with every threshold open: a wide exactness check.
 */
export function randomSmallCases(count: number, seed: number): BenchCase[] {
  const rand = mulberry32(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const cases: BenchCase[] = [];
  for (let t = 0; t < count; t++) {
    const w = 8 + int(60);
    const h = 8 + int(60);
    const data = new Uint8Array(w * h);
    const p = rand() * 0.7;
    for (let i = 0; i < data.length; i++) if (rand() < p) data[i] = rand() < 0.5 ? 1 : 255;
    for (let b = 0; b < 3; b++) {
      const cx = rand() * w;
      const cy = rand() * h;
      const r = (rand() * w) / 3;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) data[y * w + x] = 1;
    }
    const ds = [1, 2, 4, 3][t % 4]!;
    const origin = { x: 1000, y: 2000 };
    const slice = {
      x: origin.x + int(w / 3) * ds, y: origin.y + int(h / 3) * ds,
      width: Math.max(1, Math.floor(w / 2)) * ds, height: Math.max(1, Math.floor(h / 2)) * ds,
    };
    // Some masks end at the slide's edge, some do not.
    const slide = { x: origin.x - (t % 3 === 0 ? 0 : 50), y: origin.y - (t % 5 === 0 ? 0 : 30), width: w * ds + 80, height: h * ds + 60 };
    cases.push({
      name: `random ${seed}/${t}`,
      mask: { width: w, height: h, data, downsample: ds },
      placement: { origin, slice, slide },
      config: {
        mode: t % 2 === 1 ? 'paper' : 'whole-cell', erosionIterations: int(4), minArea: 0, maxArea: 1e12, minRoundness: 0,
        maxComponentArea: rand() < 0.5 ? 1e12 : rand() * 300 * ds * ds, padding: int(7),
      },
    });
  }
  return cases;
}

function printReport(report: BenchReport): void {
  console.log('\n                                                  median of runs (ms)          minimum of runs (ms)');
  console.log('case                                     cands  same   ours  skimage  speedup    ours  skimage  speedup');
  const f = (v: number, w: number) => v.toFixed(2).padStart(w);
  for (const c of report.cases) {
    console.log(`${c.name.padEnd(40)} ${String(c.candidates).padStart(5)}  ${(c.identical ? 'yes' : 'NO').padEnd(4)} `
      + `${f(c.oursMs, 6)} ${f(c.skimageMs, 8)} ${c.speedup.toFixed(1).padStart(7)}x  `
      + `${f(c.oursMinMs, 6)} ${f(c.skimageMinMs, 8)} ${c.speedupOfMinimums.toFixed(1).padStart(7)}x`);
    for (const d of c.differences.slice(0, 20)) console.log(`    ${d}`);
  }
  console.log(`\nall candidate sets identical: ${report.allIdentical ? 'yes' : 'NO'}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 7;
  const seeds = args.includes('--quick') ? [1] : [1, 2];
  const fuzzArg = args.indexOf('--fuzz');
  const cases = fuzzArg >= 0 ? randomSmallCases(Number(args[fuzzArg + 1] ?? 200), 99) : syntheticCases(seeds);
  const report = runExtractBench(cases, { runs: fuzzArg >= 0 ? 1 : runs });
  printReport(report);
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `extract-${report.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${file}`);
  if (!report.allIdentical) process.exitCode = 1;
}
