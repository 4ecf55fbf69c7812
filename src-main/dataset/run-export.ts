// The export job's body: plan from the store, then write every file through
// ExportTarget (temporary name, fsync, rename; skipped when an earlier run
// already wrote it with a matching checksum), then the text formats, the
// checksums and, last, manifest.json. Slices are read once and their PNG,
// annotated PNG and the images of the cells inside them are cut from that
// one read. Runs in a worker thread (export-worker.ts); tests may call it
// directly. The database is only read, apart from the job's own row.

import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Box } from '../domain/geometry.ts';
import { defaultDatabasePath, openStore, type Store } from '../store/index.ts';
import { annotationSvg } from './annotate.ts';
import { READERS_CSV, cocoJson, geoJson, readersCsv, yoloDataYaml } from './export-formats.ts';
import type { ExportOptions, ExportProgress, ExportResult } from './export-options.ts';
import { labelledParts, planExport, type ExportCell, type ExportPlan, type PlannedSlice, type PlannedSlide } from './export-plan.ts';
import { ExportTarget, MANIFEST_NAME, type WrittenFile } from './export-target.ts';
import { sha256Buffer } from './file-tree.ts';
import { APP_VERSION } from '../files/app-layout.ts';
import { buildManifest, README_NAME, readmeText, sha256Sums, SUMS_NAME } from './manifest.ts';
import { encodePng, openPixelSource, pixelIdentity, type PixelRegion, type PixelSource, type PngOptions } from './pixel-source.ts';
import { FALLBACK_PNG_SETTING, pngSettingForLevel, pngSettingForSpeed, type PngSetting } from './png-level.ts';
import { ReadLimiter } from '../slide/read-limiter.ts';
import { formatSliceLabels } from './slice-labels.ts';

/**
 * Bump when the pixels of an image for the same inputs change: forces a re-render on resume.
 * (The PNG level is not part of an image's key: the same pixels at another level are kept.)
 */
const IMAGE_RECIPE = 2;
const PROGRESS_INTERVAL_MS = 250;
const JOB_PROGRESS_INTERVAL_MS = 1000;
/** PNG encoders at once: one per core (sharp.concurrency() is 1 on glibc Linux: one thread per image), at most 3. */
const ENCODERS = Math.max(1, Math.min(availableParallelism(), 3));
/**
 * Files being written at once. Each is a few libuv pool tasks, and an fsync holds its pool thread
 * while the device works, so one file at a time leaves the device and the CPU waiting on each other;
 * on the development machine's local disk 2, 4 and 6 files in flight each made the fsync'd export faster.
 */
const WRITES = 6;
const TEXT_UNITS = 10_000;

export interface ExportHooks {
  onProgress?: (progress: ExportProgress) => void;
  onLog?: (message: string) => void;
  /** Checked between slices; the ones in hand are finished first. */
  cancel?: { cancelled: boolean };
  /** The job row exists (before planning): the id callers track the export by. */
  onJobCreated?: (jobId: number) => void;
  /** App version for the manifest (default: package.json). */
  appVersion?: string;
  /** Benchmarks only: a target that writes this many bytes per second (see ExportTarget). */
  targetThrottleBytesPerSecond?: number;
  /** Called after each slice group is written (tests: kill points). */
  afterGroup?: (done: number) => void | Promise<void>;
}

export async function runExport(options: ExportOptions, hooks: ExportHooks = {}): Promise<ExportResult> {
  const store = openStore(options.dbPath ?? defaultDatabasePath());
  try {
    return await exportFromStore(store, options, hooks);
  } finally {
    store.close();
  }
}

interface Counters {
  filesDone: number;
  filesSkipped: number;
  filesWritten: number;
  bytesWritten: number;
  cellsDone: number;
  slicesDone: number;
  unitsDone: number;
  currentFile: string | null;
}

export async function exportFromStore(store: Store, options: ExportOptions, hooks: ExportHooks = {}): Promise<ExportResult> {
  const started = performance.now();
  const timings: Record<string, number> = { plan: 0, probe: 0, images: 0, text: 0 };
  store.markStaleJobs();
  const job = store.createJob({ kind: 'export', options: { ...options } });
  store.startJob(job.id);
  hooks.onJobCreated?.(job.id);
  let target: ExportTarget | null = null;
  try {
    const t0 = performance.now();
    const plan = planExport(store, options);
    timings.plan = performance.now() - t0;
    target = await ExportTarget.open(options.targetDir, {
      fsync: options.fsync,
      ...(hooks.targetThrottleBytesPerSecond ? { throttleBytesPerSecond: hooks.targetThrottleBytesPerSecond } : {}),
    });
    const png = await pngSetting(target, options, imagePixels(plan, options), hooks, timings);
    const run = new ExportRun(store, job.id, { ...options, pngCompression: png.level, pngAdaptiveFiltering: png.adaptiveFiltering }, plan, target, hooks, started);
    const result = await run.execute(timings);
    await target.close(result.state === 'done');
    store.finishJob(job.id, result.state, { timings });
    return result;
  } catch (err) {
    await target?.close(false).catch(() => undefined);
    const message = (err as Error).message ?? String(err);
    try {
      store.finishJob(job.id, 'failed', { timings, error: message });
    } catch {
      // The job row is bookkeeping; the export's own error matters more.
    }
    throw err;
  }
}

/** The user's PNG level, or a setting chosen from the target's measured write speed (png-level.ts). */
async function pngSetting(target: ExportTarget, options: ExportOptions, pixels: number, hooks: ExportHooks, timings: Record<string, number>): Promise<PngSetting> {
  if (options.pngCompression !== undefined) return pngSettingForLevel(options.pngCompression);
  const t = performance.now();
  let speed: number | null;
  try {
    speed = await target.measureWriteSpeed();
  } catch (err) {
    // A target too full (or otherwise unwilling) for the probe: the files' own writes will say so, naming each.
    hooks.onLog?.(`could not measure the target's write speed (${(err as Error).message}): ${describePng(FALLBACK_PNG_SETTING)}`);
    return FALLBACK_PNG_SETTING;
  } finally {
    timings.probe = performance.now() - t;
  }
  const setting = pngSettingForSpeed(speed, availableParallelism(), { pixels, freeBytes: await target.freeBytes() });
  hooks.onLog?.(`the target writes ${(speed / 1e6).toFixed(0)} MB/s: ${describePng(setting)}`);
  return setting;
}

function describePng(setting: PngSetting): string {
  return `PNG level ${setting.level}${setting.adaptiveFiltering ? ' with adaptive filtering' : ''}`;
}

interface PlannedFile {
  path: string;
  units: number;
}

class ExportRun {
  readonly #counters: Counters = {
    filesDone: 0, filesSkipped: 0, filesWritten: 0, bytesWritten: 0, cellsDone: 0, slicesDone: 0, unitsDone: 0, currentFile: null,
  };
  readonly #written = new Map<string, WrittenFile>();
  readonly #planned: PlannedFile[];
  readonly #unitsTotal: number;
  readonly #version: string;
  readonly #createdAt = new Date();
  /** Encodes in flight over all slices: one per core keeps them busy (sharp runs each on the libuv pool, one thread each). */
  readonly #encoders = new ReadLimiter(ENCODERS);
  /** Images encoding, encoded or being written: bounds the PNGs held in memory when the target is slower than the encoders. */
  readonly #pending = new ReadLimiter(ENCODERS + WRITES);
  /** Files being written (open, write, fsync, rename: each a libuv pool task, and an fsync holds its thread while the device works). */
  readonly #writers = new ReadLimiter(WRITES);
  #lastProgress = 0;
  #lastJobProgress = 0;
  #phase: ExportProgress['phase'] = 'planning';

  constructor(
    readonly store: Store, readonly jobId: number, readonly options: ExportOptions & { pngCompression: number; pngAdaptiveFiltering: boolean }, readonly plan: ExportPlan,
    readonly target: ExportTarget, readonly hooks: ExportHooks, readonly started: number,
  ) {
    this.#version = hooks.appVersion ?? APP_VERSION;
    this.#planned = plannedFiles(plan, options);
    this.#unitsTotal = this.#planned.reduce((n, f) => n + f.units, 0);
  }

  async execute(timings: Record<string, number>): Promise<ExportResult> {
    const f = this.options.formats;
    // Files an earlier export into this folder wrote that this one would not: remove them first (frees space too).
    const keep = new Set([...this.#planned.map((p) => p.path), MANIFEST_NAME]);
    let removed = 0;
    for (const rel of [...this.target.previous.keys()]) {
      if (!keep.has(rel)) {
        await this.target.remove(rel);
        removed++;
      }
    }
    if (removed > 0) this.hooks.onLog?.(`removed ${removed} files of the earlier export that this one does not hold`);
    this.#phase = 'writing';
    this.#report(true);

    const t1 = performance.now();
    const groups = this.plan.slides.flatMap((s) => s.slices.map((slice) => ({ slide: s, slice })));
    // One pixel source per slide, opened on first use and closed after its last slice.
    const pending = new Map<PlannedSlide, number>();
    for (const g of groups) pending.set(g.slide, (pending.get(g.slide) ?? 0) + 1);
    const opened = new Map<PlannedSlide, Promise<PixelSource>>();
    const sourceFor = (slide: PlannedSlide) => {
      let p = opened.get(slide);
      if (!p) {
        p = openPixelSource(slide.slide, slide.storeSlices);
        opened.set(slide, p);
      }
      return p;
    };
    const release = async (slide: PlannedSlide) => {
      const left = (pending.get(slide) ?? 1) - 1;
      pending.set(slide, left);
      if (left === 0) (await opened.get(slide)?.catch(() => null))?.close();
    };
    let next = 0;
    let failure: unknown = null;
    let groupsDone = 0;
    const worker = async () => {
      while (failure === null && !this.hooks.cancel?.cancelled) {
        const group = groups[next++];
        if (!group) return;
        try {
          await this.#writeGroup(group.slide, group.slice, () => sourceFor(group.slide));
          groupsDone++;
          await this.hooks.afterGroup?.(groupsDone);
        } catch (err) {
          failure ??= err;
        } finally {
          await release(group.slide).catch(() => undefined);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, Math.max(1, groups.length)) }, worker));
    } finally {
      for (const [slide, p] of opened) if ((pending.get(slide) ?? 0) > 0) (await p.catch(() => null))?.close();
    }
    if (failure !== null) throw failure;
    timings.images = performance.now() - t1;
    if (this.hooks.cancel?.cancelled && groupsDone < groups.length) {
      await this.target.flushJournal();
      this.#report(true);
      return this.#result('cancelled', null, removed, timings,
        `cancelled after ${this.#counters.slicesDone} of ${this.plan.slicesTotal} slices; run the same export again to resume`);
    }

    this.#phase = 'finishing';
    const t2 = performance.now();
    const hasTest = this.plan.split.test.length > 0;
    if (f.yolo) await this.#writeText('yolo/data.yaml', yoloDataYaml(this.#version, hasTest));
    if (f.coco) {
      for (const split of ['train', 'test'] as const) {
        if (split === 'test' && !hasTest) continue;
        await this.#writeText(`coco/${split}.json`, cocoJson(this.plan, split, this.#version));
      }
    }
    if (f.geojson) for (const s of this.plan.slides) await this.#writeText(`geojson/${s.fileId}.geojson`, geoJson(s));
    if (this.options.decision === 'all-readers') await this.#writeText(READERS_CSV, readersCsv(this.plan));
    await this.#writeText(README_NAME, readmeText(this.plan, this.options, this.#version));
    await this.#writeText(SUMS_NAME, sha256Sums([...this.#written.values()]));
    const manifest = buildManifest(this.plan, this.options, [...this.#written.values()], this.#version, this.#createdAt);
    await this.target.flushJournal();
    const written = await this.target.write(MANIFEST_NAME, `${JSON.stringify(manifest, null, 1)}\n`, null);
    this.#counters.filesDone++;
    this.#counters.filesWritten++;
    this.#counters.bytesWritten += written.bytes;
    timings.text = performance.now() - t2;
    this.#report(true);
    const c = this.#counters;
    return this.#result('done', this.target.abs(MANIFEST_NAME), removed, timings,
      `${this.plan.cellsTotal} cells, ${this.plan.slicesTotal} slices, ${c.filesDone} files (${c.filesWritten} written, ${c.filesSkipped} unchanged) in ${this.target.root}`);
  }

  #result(state: ExportResult['state'], manifestPath: string | null, removed: number, timings: Record<string, number>, message: string): ExportResult {
    const c = this.#counters;
    timings.total = performance.now() - this.started;
    return {
      jobId: this.jobId, state, targetDir: this.target.root, manifestPath,
      files: c.filesDone, filesWritten: c.filesWritten, filesSkipped: c.filesSkipped, filesRemoved: removed,
      bytesWritten: c.bytesWritten, cells: this.plan.cellsTotal, slices: this.plan.slicesTotal,
      split: {
        mode: this.plan.split.mode, train: this.plan.split.train, test: this.plan.split.test,
        seed: this.plan.split.seed, distance: this.plan.split.distance,
      },
      counts: this.plan.counts, timings, message,
    };
  }

  async #writeGroup(slide: PlannedSlide, slice: PlannedSlice, source: () => Promise<PixelSource>): Promise<void> {
    const f = this.options.formats;
    const split = slide.split;
    const hasParts = slice.parts.length > 0;
    const box: Box = { x: slice.x, y: slice.y, width: slice.width, height: slice.height };
    const parts = labelledParts(slice);
    if (hasParts && (f.slices || f.yolo)) {
      const txt = formatSliceLabels(parts, slice.width, slice.height);
      if (f.slices) await this.#writeText(`slices/${split}/${slice.stem}.txt`, txt);
      if (f.yolo) await this.#writeText(`yolo/labels/${split}/${slice.stem}.txt`, txt);
    }
    // Images of the slice itself: which are missing or stale? (The pixels are opened only to make some.)
    const identity = pixelIdentity(slide.slide);
    const sliceKey = imageKey('slice', identity, box);
    const overlay = f.annotated && hasParts ? annotationSvg(parts, slice.width, slice.height) : null;
    const annotatedKey = overlay ? imageKey('annotated', identity, box, overlay) : '';
    const slicePaths = hasParts ? [
      ...(f.slices ? [`slices/${split}/${slice.stem}.png`] : []),
      ...(f.yolo ? [`yolo/images/${split}/${slice.stem}.png`] : []),
    ] : [];
    const sliceTodo: string[] = [];
    for (const path of slicePaths) if (!(await this.#skip(path, sliceKey, slice.width * slice.height))) sliceTodo.push(path);
    const annotatedPath = overlay ? `annotated/${split}/${slice.stem}.png` : null;
    const annotatedTodo = annotatedPath !== null && !(await this.#skip(annotatedPath, annotatedKey, slice.width * slice.height));
    const cellTodo: Array<{ cell: ExportCell; key: string }> = [];
    if (f.cells) {
      for (const cell of slice.owned) {
        const key = imageKey('cell', identity, cell.cell.box);
        if (!(await this.#skip(cell.imagePath, key, area(cell.cell.box)))) cellTodo.push({ cell, key });
        else this.#counters.cellsDone++;
      }
    } else {
      this.#counters.cellsDone += slice.owned.length;
    }
    if (sliceTodo.length === 0 && !annotatedTodo && cellTodo.length === 0) {
      if (hasParts) this.#counters.slicesDone++;
      this.#report(false);
      return;
    }
    const px = await source();
    const png: PngOptions = { compression: this.options.pngCompression, adaptiveFiltering: this.options.pngAdaptiveFiltering };
    const jobs: Promise<void>[] = [];
    // One read serves the slice's own images and every due cell inside it: those cells are cut from it.
    // Other cells are read one by one: measured on the demo slide, reading the box around a slice's
    // crossing cells with it, or (cells only) around all its cells, costs more CPU than reading each
    // (OpenSlide's tile cache already spares the tiles neighbouring reads share).
    let image: PixelRegion | null = null;
    if (sliceTodo.length > 0 || annotatedTodo) {
      image = await px.readRegion(box);
      const slicePixels = image;
      if (sliceTodo.length > 0) {
        // slices/ and yolo/images/ hold the same bytes: encoded once.
        jobs.push(this.#encodeTo(sliceTodo, slicePixels, px.background, png, sliceKey, slice.width * slice.height));
      }
      if (annotatedTodo && annotatedPath && overlay) {
        jobs.push(this.#encodeTo([annotatedPath], slicePixels, px.background, { ...png, overlaySvg: overlay }, annotatedKey, slice.width * slice.height));
      }
    }
    for (const { cell, key } of cellTodo) {
      const b = cell.cell.box;
      const inside = image !== null && contains(box, b);
      const crop = { x: b.x - box.x, y: b.y - box.y, width: b.width, height: b.height };
      jobs.push((inside && image
        ? this.#encodeTo([cell.imagePath], image, px.background, { ...png, crop }, key, area(b))
        : px.readRegion(b).then((pixels) => this.#encodeTo([cell.imagePath], pixels, px.background, png, key, area(b))))
        .then(() => { this.#counters.cellsDone++; }));
    }
    // Every image of the slice is encoded side by side (bounded by #encoders across slices); the first failure is the group's.
    const settled = await Promise.allSettled(jobs);
    const failedJob = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedJob) throw failedJob.reason;
    if (hasParts) this.#counters.slicesDone++;
    this.#report(false);
  }

  async #skip(path: string, key: string, units: number): Promise<boolean> {
    const same = await this.target.unchanged(path, { key });
    if (!same) return false;
    this.#done(same, units, true);
    return true;
  }

  /**
   * Encodes one PNG (holding an encoder slot) and writes it under each path (outside the slot, so
   * the encoders go on while the target syncs). Files encoded but not yet written are bounded by
   * #writers: a slow target holds back the encoders instead of filling memory with PNGs.
   */
  async #encodeTo(paths: readonly string[], image: PixelRegion, background: readonly [number, number, number], options: PngOptions, key: string, units: number): Promise<void> {
    await this.#pending.run(async () => {
      const data = await this.#encoders.run(() => encodePng(image, background, options));
      await this.#writers.run(async () => {
        for (const path of paths) this.#done(await this.target.write(path, data, key), units, false);
      });
    });
  }

  async #writeText(path: string, text: string): Promise<void> {
    const sha256 = sha256Buffer(text);
    const same = await this.target.unchanged(path, { sha256 });
    this.#done(same ?? await this.target.write(path, text, null), TEXT_UNITS, same !== null);
  }

  #done(file: WrittenFile, units: number, skipped: boolean): void {
    const c = this.#counters;
    this.#written.set(file.path, file);
    c.filesDone++;
    c.unitsDone += units;
    c.currentFile = file.path;
    if (skipped) c.filesSkipped++;
    else {
      c.filesWritten++;
      c.bytesWritten += file.bytes;
    }
    this.#report(false);
  }

  #report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastProgress < PROGRESS_INTERVAL_MS) return;
    this.#lastProgress = now;
    const c = this.#counters;
    const seconds = (now - this.started) / 1000;
    const unitRate = seconds > 0 ? c.unitsDone / seconds : 0;
    const progress: ExportProgress = {
      jobId: this.jobId, phase: this.#phase,
      filesDone: c.filesDone, filesTotal: this.#planned.length, filesSkipped: c.filesSkipped,
      cellsDone: c.cellsDone, cellsTotal: this.plan.cellsTotal, slicesDone: c.slicesDone, slicesTotal: this.plan.slicesTotal,
      bytesWritten: c.bytesWritten,
      cellsPerSecond: seconds > 0 ? c.cellsDone / seconds : 0,
      bytesPerSecond: seconds > 0 ? c.bytesWritten / seconds : 0,
      etaSeconds: unitRate > 0 ? Math.max(0, this.#unitsTotal - c.unitsDone) / unitRate : null,
      currentFile: c.currentFile,
    };
    this.hooks.onProgress?.(progress);
    if (force || now - this.#lastJobProgress >= JOB_PROGRESS_INTERVAL_MS) {
      this.#lastJobProgress = now;
      try {
        this.store.updateJobProgress(this.jobId, c.filesDone, this.#planned.length, `${c.cellsDone}/${this.plan.cellsTotal} cells`);
      } catch {
        // A busy database must not stop the files; the next update catches up.
      }
    }
  }
}

function area(b: Box): number {
  return b.width * b.height;
}

function contains(outer: Box, b: Box): boolean {
  return b.x >= outer.x && b.y >= outer.y && b.x + b.width <= outer.x + outer.width && b.y + b.height <= outer.y + outer.height;
}


function imageKey(kind: string, identity: string, box: Box, overlay = ''): string {
  return createHash('sha256')
    .update(JSON.stringify([IMAGE_RECIPE, kind, identity, box.x, box.y, box.width, box.height]))
    .update(overlay)
    .digest('hex').slice(0, 32);
}

/** Pixels of every image the export will hold (what the PNG setting's size estimate is for). */
function imagePixels(plan: ExportPlan, options: ExportOptions): number {
  return plannedFiles(plan, options).reduce((n, f) => n + (f.path.endsWith('.png') ? f.units : 0), 0);
}

/** Every file the export will hold, with a cost estimate (pixels to encode) for the ETA. */
export function plannedFiles(plan: ExportPlan, options: ExportOptions): PlannedFile[] {
  const f = options.formats;
  const files: PlannedFile[] = [];
  for (const s of plan.slides) {
    for (const slice of s.slices) {
      const px = slice.width * slice.height;
      if (slice.parts.length > 0) {
        if (f.slices) files.push({ path: `slices/${s.split}/${slice.stem}.png`, units: px }, { path: `slices/${s.split}/${slice.stem}.txt`, units: TEXT_UNITS });
        if (f.yolo) files.push({ path: `yolo/images/${s.split}/${slice.stem}.png`, units: px }, { path: `yolo/labels/${s.split}/${slice.stem}.txt`, units: TEXT_UNITS });
        if (f.annotated) files.push({ path: `annotated/${s.split}/${slice.stem}.png`, units: px });
      }
      if (f.cells) for (const c of slice.owned) files.push({ path: c.imagePath, units: area(c.cell.box) });
    }
    if (f.geojson) files.push({ path: `geojson/${s.fileId}.geojson`, units: TEXT_UNITS });
  }
  if (f.yolo) files.push({ path: 'yolo/data.yaml', units: TEXT_UNITS });
  if (f.coco) {
    files.push({ path: 'coco/train.json', units: TEXT_UNITS });
    if (plan.split.test.length > 0) files.push({ path: 'coco/test.json', units: TEXT_UNITS });
  }
  if (options.decision === 'all-readers') files.push({ path: READERS_CSV, units: TEXT_UNITS });
  files.push({ path: README_NAME, units: TEXT_UNITS }, { path: SUMS_NAME, units: TEXT_UNITS }, { path: MANIFEST_NAME, units: TEXT_UNITS });
  return files;
}
