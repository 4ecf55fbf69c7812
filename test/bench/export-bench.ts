// Export benchmark: cells/s and MB/s exporting the demo slide's labelled
// cells (APACC layout: cell images + slices with label files), each in the
// same run as its reference, with the load average:
//   - a plain copy of the very files the export wrote, to the same local disk
//     (cp -r as a user would; and with an fsync per file, the export's own
//     durability), the reference for "export <= 3x a plain copy";
//   - a RAM folder (tmpfs): the target costs ~nothing, so this is our code's speed;
//   - the local disk, fsync on (the default);
//   - a slow target: writes throttled to --slow-mbps (a USB 2 stick / busy share),
//     where an export bound by the target should reach that rate;
//   - the same export again (resume: every file's checksum matches, nothing written).
// The PNG level is the export's automatic choice from the target's measured
// speed unless --png-compression N names one.
//   node --import tsx test/bench/export-bench.ts [--slow-mbps 4] [--label-share 0.8] [--concurrency 3] [--png-compression N]
// Writes bench-results/export-<timestamp>.json. The ingested, labelled demo
// database is cached in bench-results/ between runs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, open } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import { parseExportOptions, type ExportOptionsInput } from '../../src-main/dataset/export-options.ts';
import { runExport } from '../../src-main/dataset/run-export.ts';
import { runIngest } from '../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore } from '../../src-main/store/index.ts';
import { mulberry32 } from '../../src-main/domain/random.ts';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    'slow-mbps': { type: 'string', default: '4' },
    'label-share': { type: 'string', default: '0.8' },
    concurrency: { type: 'string', default: '3' },
    'png-compression': { type: 'string' },
  },
});
const pngCompression = opts['png-compression'] !== undefined ? Number(opts['png-compression']) : undefined;
const slowMbps = Number(opts['slow-mbps']);
const labelShare = Number(opts['label-share']);
const concurrency = Number(opts.concurrency);

async function labelledDemoDb(): Promise<string> {
  const slide = await ensureFixtureSlide('demo');
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, `export-bench-${slide.name}-${labelShare}.db`);
  if (existsSync(dbPath)) return dbPath;
  const tmp = `${dbPath}.tmp-${process.pid}`;
  console.log(`ingesting ${slide.mrxsPath} (classical segmenter) into ${tmp}...`);
  const r = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath: tmp, segmenter: 'classical', smearId: 'demo-1', dataDir: join(dir, 'export-bench-data') }));
  const store = openStore(tmp, { synchronous: 'normal' });
  try {
    const doctor = store.ensureAnnotator('Bench Annotator');
    const random = mulberry32(11);
    store.transaction(() => {
      for (const c of store.listCells(store.listSlides()[0]!.id)) {
        if (random() >= labelShare) continue;
        const cls = CELL_CLASSES[Math.min(3, Math.floor(random() * random() * 5))]!;
        store.applyLabel(c.id, cls.name, doctor.id);
      }
    });
    console.log(`${r.cells} cells, ${store.classCounts().labelled} labelled`);
  } finally {
    store.close();
  }
  // Closing the last connection folded the WAL into the file: it can be renamed into place alone.
  renameSync(tmp, dbPath);
  return dbPath;
}

interface Run {
  name: string;
  target: string;
  formats: string;
  fsync: boolean;
  throttleMBps: number | null;
  wallS: number;
  cpuS: number;
  cells: number;
  slices: number;
  files: number;
  filesWritten: number;
  mbWritten: number;
  cellsPerS: number;
  mbPerS: number;
  pngLevel: number | null;
  pngAdaptiveFiltering: boolean | null;
  loadavg: string;
}

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

async function run(name: string, dbPath: string, targetDir: string, input: Partial<ExportOptionsInput>, throttle: number | null = null): Promise<Run> {
  const options = parseExportOptions({ dbPath, targetDir, split: { mode: 'none' }, concurrency, ...(pngCompression !== undefined ? { pngCompression } : {}), ...input });
  const loadBefore = load();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runExport(options, throttle ? { targetThrottleBytesPerSecond: throttle * 1e6 } : {});
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const png = r.manifestPath ? (JSON.parse(readFileSync(r.manifestPath, 'utf8')) as { options: { pngCompression: number; pngAdaptiveFiltering?: boolean } }).options : null;
  const result: Run = {
    name, target: targetDir, formats: Object.entries(options.formats).filter(([, on]) => on).map(([f]) => f).join(','),
    fsync: options.fsync, throttleMBps: throttle, wallS, cpuS: (cpu.user + cpu.system) / 1e6,
    cells: r.cells, slices: r.slices, files: r.files, filesWritten: r.filesWritten, mbWritten: r.bytesWritten / 1e6,
    cellsPerS: r.cells / wallS, mbPerS: r.bytesWritten / 1e6 / wallS,
    pngLevel: png?.pngCompression ?? null,
    pngAdaptiveFiltering: png?.pngAdaptiveFiltering ?? null,
    loadavg: loadBefore,
  };
  console.log(`${name.padEnd(34)} ${wallS.toFixed(1).padStart(6)} s  ${result.cellsPerS.toFixed(1).padStart(6)} cells/s  `
    + `${result.mbPerS.toFixed(2).padStart(6)} MB/s  ${result.mbWritten.toFixed(1).padStart(6)} MB  ${r.filesWritten}/${r.files} files written  cpu ${result.cpuS.toFixed(1)} s  `
    + `PNG level ${result.pngLevel ?? '-'}${result.pngAdaptiveFiltering ? ' adaptive' : ''}  [load ${loadBefore}]`);
  return result;
}

interface CopyRun { name: string; wallS: number; mb: number; files: number; loadavg: string }

/** The reference: the same files copied to a fresh folder beside the export, by cp -r, or file by file with an fsync each. */
async function plainCopy(from: string, to: string, fsync: boolean): Promise<CopyRun> {
  const files = listTree(from);
  const loadBefore = load();
  const t0 = performance.now();
  if (!fsync) {
    const cp = spawnSync('cp', ['-r', from, to]);
    if (cp.status !== 0) throw new Error(`cp failed: ${cp.stderr}`);
  } else {
    for (const rel of files) {
      const dst = join(to, rel);
      await mkdir(dirname(dst), { recursive: true });
      await copyFile(join(from, rel), dst);
      const handle = await open(dst, 'r+');
      await handle.datasync();
      await handle.close();
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const mb = files.reduce((n, rel) => n + statSync(join(from, rel)).size, 0) / 1e6;
  const name = fsync ? 'plain copy, fsync per file' : 'plain copy (cp -r)';
  console.log(`${name.padEnd(34)} ${wallS.toFixed(1).padStart(6)} s  ${''.padStart(14)}  ${(mb / wallS).toFixed(2).padStart(6)} MB/s  ${mb.toFixed(1).padStart(6)} MB  ${files.length} files  [load ${loadBefore}]`);
  return { name, wallS, mb, files: files.length, loadavg: loadBefore };
}

function listTree(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listTree(root, path) : [path];
  });
}

function ramFolder(): { path: string; release(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'smearlab-export-bench-ram-'));
  if (process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2g', 'tmpfs', dir]).status === 0) {
    return { path: dir, release: () => { spawnSync('umount', [dir]); rmSync(dir, { recursive: true, force: true }); } };
  }
  const shm = mkdtempSync('/dev/shm/smearlab-export-bench-');
  rmSync(dir, { recursive: true, force: true });
  return { path: shm, release: () => rmSync(shm, { recursive: true, force: true }) };
}

const dbPath = await labelledDemoDb();
const ram = ramFolder();
const disk = mkdtempSync(join(tmpdir(), 'smearlab-export-bench-disk-'));
const runs: Run[] = [];
const refs: Array<CopyRun & { ratioExportToCopy: number }> = [];
try {
  console.log(`demo slide, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, concurrency ${concurrency}`);
  runs.push(await run('cells+slices -> RAM (our code)', dbPath, join(ram.path, 'full'), {}));
  runs.push(await run('cells+slices -> local disk, fsync', dbPath, join(disk, 'full'), {}));
  const exported = runs.at(-1)!;
  const copies = [await plainCopy(join(disk, 'full'), join(disk, 'copy'), false), await plainCopy(join(disk, 'full'), join(disk, 'copy-fsync'), true)];
  for (const c of copies) {
    console.log(`export to local disk = ${(exported.wallS / c.wallS).toFixed(2)}x the ${c.name} (target <= 3x)`);
  }
  refs.push(...copies.map((c) => ({ ...c, ratioExportToCopy: +(exported.wallS / c.wallS).toFixed(2) })));
  runs.push(await run('same again (resume: all match)', dbPath, join(disk, 'full'), {}));
  runs.push(await run('cells -> RAM (our code)', dbPath, join(ram.path, 'cells'), { formats: { cells: true, slices: false } }));
  runs.push(await run(`cells -> slow target ${slowMbps} MB/s`, dbPath, join(ram.path, 'slow'), { formats: { cells: true, slices: false } }, slowMbps));
  const slow = runs.at(-1)!;
  console.log(`slow target: ${slow.mbPerS.toFixed(2)} MB/s of ${slowMbps} MB/s = ${((slow.mbPerS / slowMbps) * 100).toFixed(0)}% of the target's speed`);
} finally {
  ram.release();
  rmSync(disk, { recursive: true, force: true });
}
const out = join(root, 'bench-results', `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), loadavg: loadavg(), concurrency, pngCompression: pngCompression ?? 'auto', slowMbps, labelShare, runs, plainCopies: refs }, null, 2)}\n`);
console.log(`wrote ${out}`);
