// The ingest job's body: a scan in, every cell candidate in the database.
// Crash-safe by construction: each slice's cells are committed with the
// slice's 'done' state in one transaction, so a run killed at any moment
// resumes from the pending slices with no duplicate or half-written cells.
// Damaged tiles do not stop it: the FOV and every slice read around them, the
// damaged areas are stored with the slide, and a slice fails only when none of
// it can be read.
// Runs inside a worker thread (ingest-worker.ts); tests may call it directly.
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Box } from '../../domain/geometry.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { openSlide } from '../../slide/openslide-reader.ts';
import type { SlideReader } from '../../slide/slide-reader.ts';
import { defaultDatabasePath, openStore } from '../../store/index.ts';
import type { NewCell, Store } from '../../store/index.ts';
import type { DamagedArea, SliceRecord, SlideRecord } from '../../domain/slide.ts';
import { apaccCellFileName, renderCellCrop } from '../cell-crop.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, instanceMarginUm } from '../instances/index.ts';
import { resolveSlideScale, umToPx } from '../scale.ts';
import type { SlideScale } from '../scale.ts';
import { encodeFovMaskPng, findFieldOfView } from '../fov.ts';
import { loadSegmenter } from '../segment/load-segmenter.ts';
import type { Segmenter } from '../segment/segmenter.ts';
import { planSliceGrid } from '../slice-grid.ts';
import type { IngestOptions, IngestProgress, IngestResult } from './ingest-options.ts';
import type { SliceOutcome } from './process-slice.ts';
import { groupSideFor, planSliceGroups } from './slice-groups.ts';
import { LaneLostError, localLane, planLanes, startWorkerLane, workerLanesFor } from './slice-lanes.ts';
import type { LanePlan, SliceLane, SliceWorkerInit } from './slice-lanes.ts';
import { ScratchArrays } from '../scratch-arrays.ts';

export interface IngestHooks {
  onProgress?: (progress: IngestProgress) => void;
  onLog?: (message: string) => void;
  /** Checked between groups of slices (up to four, slice-groups.ts); those in hand are finished first. */
  cancel?: { cancelled: boolean };
}

export function ingestDataDir(options: IngestOptions, dbPath: string): string {
  return resolve(options.dataDir ?? join(dirname(dbPath), 'smearlab-data'));
}

export async function runIngest(options: IngestOptions, hooks: IngestHooks = {}): Promise<IngestResult> {
  const log = hooks.onLog ?? (() => undefined);
  const lanes = planLanes(options.concurrency);
  // The model is checked before anything else: a wrong model never starts a job.
  const segmenter = await loadSegmenter({
    segmenter: options.segmenter,
    model: options.model,
    ensemble: options.ensemble,
    executionProviders: options.executionProviders,
    intraOpNumThreads: lanes.intraOpThreads,
    log,
  });
  try {
    const reader = await openSlide(options.slidePath);
    try {
      const dbPath = options.dbPath ?? defaultDatabasePath();
      // synchronous=NORMAL: in WAL mode a commit then waits for no fsync (two per slice cost
      // ~10 ms of a lane's time each slice), and the database still never tears. A power cut may
      // only undo the last slices' commits, which leaves them pending for the next run to redo;
      // this connection writes no labels (the UI's own connection keeps FULL for those).
      const store = openStore(dbPath, { synchronous: 'normal' });
      const { info } = reader;
      const scale = resolveSlideScale(info.path, info.mppX, info.mppY, options.mpp);
      if (scale.warning) log(`warning: ${scale.warning}`);
      try {
        return await ingestSlide({ options, hooks, log, segmenter, reader, store, scale, lanes, dataDir: ingestDataDir(options, dbPath) });
      } finally {
        store.close();
      }
    } finally {
      reader.close();
    }
  } finally {
    await segmenter.dispose();
  }
}

interface IngestContext {
  options: IngestOptions;
  hooks: IngestHooks;
  log: (message: string) => void;
  segmenter: Segmenter;
  reader: SlideReader;
  store: Store;
  scale: SlideScale;
  lanes: LanePlan;
  dataDir: string;
}

function registerSlide(ctx: IngestContext): SlideRecord {
  const { info } = ctx.reader;
  const level0 = info.levels[0];
  if (!level0) throw new Error(`slide has no levels: ${info.path}`);
  return ctx.store.upsertSlide({
    path: info.path,
    format: info.format,
    quickhash: info.quickhash,
    width: level0.width,
    height: level0.height,
    // An override is what the user says the scan is: the viewer and exports use it too.
    mppX: ctx.scale.source === 'override' ? ctx.scale.mpp : info.mppX,
    mppY: ctx.scale.source === 'override' ? ctx.scale.mpp : info.mppY,
    ...(ctx.options.smearId ? { smearId: ctx.options.smearId } : {}),
  }).slide;
}

async function planSlides(ctx: IngestContext, slide: SlideRecord): Promise<void> {
  const fov = await findFieldOfView(ctx.reader);
  recordDamage(ctx, slide, fov.damaged, 'field of view');
  const maskPath = join(ctx.dataDir, 'fov', `${slide.id}-${slide.smearId}.png`);
  await writeFileAtomic(maskPath, await encodeFovMaskPng(fov), { makeFolder: true });
  ctx.store.updateSlide(slide.id, { fovMaskPath: maskPath });
  const planned = planSliceGrid(fov, slide.width, slide.height, {
    sliceSize: ctx.options.sliceSize,
    minTissueFraction: ctx.options.minTissueFraction,
  });
  ctx.store.planSlices(slide.id, planned);
  ctx.log(`field of view: level ${fov.level} (downsample ${fov.downsample}), ${planned.length} slices of ${ctx.options.sliceSize} px`);
}

function recordDamage(ctx: IngestContext, slide: SlideRecord, damaged: readonly DamagedArea[], where: string): void {
  if (damaged.length === 0) return;
  const added = ctx.store.recordDamagedRegions(slide.id, damaged);
  const lost = damaged.filter((d) => d.recoveredFrom === null).length;
  ctx.log(`${where}: read around ${damaged.length} damaged area(s) of the scan (${added} new${lost ? `, ${lost} unreadable at every level: background` : ''}): ${damaged[0]!.reason}`);
}

/** The result's warnings, plus one about damaged scan data when the slide has any. */
function damageWarnings(ctx: IngestContext, slide: SlideRecord, warnings: readonly string[]): string[] {
  const { regions, smearFraction } = ctx.store.damageSummary(slide.id);
  if (regions === 0) return [...warnings];
  const share = `${(smearFraction * 100).toFixed(smearFraction < 0.01 ? 2 : 1)}% of the smear`;
  return [...warnings, `the scan has ${regions} damaged region(s) (${share}): they were read around, from other levels where possible`];
}

async function saveCrops(ctx: IngestContext, slide: SlideRecord, slice: SliceRecord, outcome: SliceOutcome): Promise<void> {
  const today = new Date();
  for (let i = 0; i < outcome.cells.length; i++) {
    const cell = outcome.cells[i]!;
    const candidate = outcome.candidates[i]!;
    const name = apaccCellFileName(slide.smearId, slice, i + 1, candidate.cropCentreInSlice, today);
    const path = join(ctx.dataDir, 'crops', slide.smearId, name);
    await writeFileAtomic(path, await renderCellCrop(ctx.reader, cell.box), { makeFolder: true });
    cell.cropPath = path;
  }
}

/** Crop files of cells a re-run replaced; a missing file is fine. */
async function removeFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}

function stripNumbers(cells: NewCell[]): NewCell[] {
  // The store numbers cells after any it kept (labelled cells survive a re-ingest).
  return cells.map(({ number: _number, ...rest }) => rest);
}

async function ingestSlide(ctx: IngestContext): Promise<IngestResult> {
  const { store, options, segmenter } = ctx;
  const slide = registerSlide(ctx);
  store.markStaleJobs();
  const before = store.sliceProgress(slide.id);
  const base = {
    slideId: slide.id, smearId: slide.smearId, provider: segmenter.provider, model: segmenter.modelId,
    mpp: ctx.scale.mpp, mppSource: ctx.scale.source, warnings: ctx.scale.warning ? [ctx.scale.warning] : [],
  };
  if (!options.force && before.total > 0 && before.pending === 0 && before.failed === 0) {
    const cells = store.listSlices(slide.id).reduce((n, s) => n + (s.cellCount ?? 0), 0);
    return {
      ...base, jobId: null, state: 'skipped', slicesTotal: before.total, slicesDone: before.done, slicesFailed: 0, cells,
      lanes: 0, timings: {}, error: null, message: `already ingested (${before.done} slices, ${cells} cells); use --force to run again`,
    };
  }
  if (options.force && before.total > 0) await removeFiles(store.resetSlideForReingest(slide.id).deletedCropPaths);

  const job = store.createJob({ kind: 'ingest', slideId: slide.id, options: { ...options } });
  store.startJob(job.id);
  store.setJobProvider(job.id, segmenter.provider, segmenter.modelId);
  const timings: Record<string, number> = { fov: 0, read: 0, segment: 0, extract: 0, crops: 0, db: 0, slices: 0 };
  try {
    if (store.sliceProgress(slide.id).total === 0) {
      const t = performance.now();
      await planSlides(ctx, slide);
      timings.fov = performance.now() - t;
    }
    return await runSlices(ctx, slide, job.id, timings, base);
  } catch (err) {
    const message = (err as Error).message;
    store.finishJob(job.id, 'failed', { timings, error: message });
    throw err;
  }
}

async function runSlices(
  ctx: IngestContext, slide: SlideRecord, jobId: number, timings: Record<string, number>,
  base: Pick<IngestResult, 'slideId' | 'smearId' | 'provider' | 'model' | 'mpp' | 'mppSource' | 'warnings'>,
): Promise<IngestResult> {
  const { store, options, hooks } = ctx;
  const pending = store.pendingSlices(slide.id, { includeFailed: true });
  const total = store.sliceProgress(slide.id).total;
  let done = total - pending.length;
  let failed = 0;
  let cells = 0;
  let firstError: string | null = null;
  const started = performance.now();
  let processedThisRun = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? processedThisRun / seconds : 0;
    const left = total - done - failed;
    store.updateJobProgress(jobId, done, total, `${cells} cells`);
    hooks.onProgress?.({
      jobId, slideId: slide.id, slicesDone: done, slicesTotal: total, slicesFailed: failed, cells, rate,
      etaSeconds: rate > 0 ? left / rate : null,
    });
  };
  report();
  const margin = options.margin ?? Math.ceil(umToPx(instanceMarginUm(DEFAULT_CELL_INSTANCE_CONFIG), ctx.scale.mpp));
  // Neighbouring slices go through a lane together (one read of their region, one margin);
  // each is still committed on its own, so a crash or a cancel loses no finished slice.
  const sliceSize = Math.max(0, ...pending.map((s) => Math.max(s.width, s.height)));
  const groupSide = options.mode === 'paper' ? 1 : groupSideFor(sliceSize, margin, ctx.scale.mpp, DEFAULT_CELL_INSTANCE_CONFIG.nucleusUmPerPixel);
  const queue: SliceRecord[][] = planSliceGroups(pending, groupSide);
  const work = { reader: ctx.reader, segmenter: ctx.segmenter, mode: options.mode, margin, mpp: ctx.scale.mpp, scratch: new ScratchArrays() };
  const failSlice = (slice: SliceRecord, err: unknown) => {
    const message = `slice ${slice.x}_${slice.y}: ${(err as Error).message}`;
    firstError ??= message;
    store.failSlice(slice.id, message);
    failed++;
    ctx.log(`failed ${message}`);
    processedThisRun++;
    report();
  };
  const commit = async (slice: SliceRecord, outcome: SliceOutcome) => {
    recordDamage(ctx, slide, outcome.damaged, `slice ${slice.x}_${slice.y}`);
    timings.read! += outcome.timings.read;
    timings.segment! += outcome.timings.segment;
    timings.extract! += outcome.timings.extract;
    if (options.saveCrops) {
      const t = performance.now();
      await saveCrops(ctx, slide, slice, outcome);
      timings.crops! += performance.now() - t;
    }
    const t = performance.now();
    const committed = store.commitSliceCells(slice.id, stripNumbers(outcome.cells));
    timings.db! += performance.now() - t;
    await removeFiles(committed.deletedCropPaths);
    cells += committed.cells.filter(Boolean).length;
    done++;
    processedThisRun++;
    report();
  };
  const runner = async (lane: SliceLane) => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      if (hooks.cancel?.cancelled) return;
      let outcomes: SliceOutcome[];
      try {
        outcomes = await lane.process(group.map((s): Box => ({ x: s.x, y: s.y, width: s.width, height: s.height })));
      } catch (err) {
        if (err instanceof LaneLostError) {
          // Not the slices' fault: another lane takes them.
          queue.unshift(group);
          ctx.log(`warning: ${err.message}; the other lanes go on`);
          return;
        }
        // One bad slice must not fail its neighbours: a group that failed (or met damaged data,
        // SliceGroupDamagedError) is tried slice by slice.
        if (group.length > 1) queue.unshift(...group.map((s) => [s]));
        else failSlice(group[0]!, err);
        continue;
      }
      for (const [k, slice] of group.entries()) {
        try {
          await commit(slice, outcomes[k]!);
        } catch (err) {
          failSlice(slice, err);
        }
      }
    }
  };
  const lanes: SliceLane[] = [localLane(work)];
  const runners: Promise<void>[] = [runner(lanes[0]!)];
  const extra = workerLanesFor(ctx.lanes, queue.length);
  const init: SliceWorkerInit = {
    slidePath: ctx.reader.info.path,
    segmenter: {
      segmenter: options.segmenter, model: options.model, ensemble: options.ensemble, intraOpNumThreads: ctx.lanes.intraOpThreads,
      // Start where the ingest's own session did: providers passed over there fail here too.
      ...(options.segmenter === 'onnx' ? { executionProviders: [ctx.segmenter.provider] } : {}),
    },
    modelId: ctx.segmenter.modelId, mode: options.mode, margin, mpp: ctx.scale.mpp,
  };
  for (let i = 0; i < extra; i++) {
    // A worker joins when it is ready; the lanes already running do not wait for it.
    runners.push(startWorkerLane(init, `lane ${i + 2}`).then(
      (lane) => { lanes.push(lane); return runner(lane); },
      (err: Error) => { ctx.log(`warning: ${err.message}; ingesting with fewer lanes`); },
    ));
  }
  try {
    await Promise.all(runners);
  } finally {
    await Promise.all(lanes.map((lane) => lane.close().catch(() => undefined)));
  }
  timings.slices = performance.now() - started;

  const cancelled = Boolean(hooks.cancel?.cancelled) && done + failed < total;
  const state = cancelled ? 'cancelled' : failed > 0 ? 'failed' : 'done';
  const error = failed > 0 ? `${failed} of ${total} slices failed; first: ${firstError}` : null;
  store.finishJob(jobId, state, { timings, error });
  const message = cancelled
    ? `cancelled after ${done} of ${total} slices; run again to resume`
    : failed > 0 ? `${error}; run again to retry the failed slices` : `${done} slices, ${cells} new cells`;
  return {
    ...base, warnings: damageWarnings(ctx, slide, base.warnings),
    jobId, state, slicesTotal: total, slicesDone: done, slicesFailed: failed, cells, lanes: 1 + extra, timings, error, message,
  };
}
