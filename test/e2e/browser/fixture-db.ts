// Databases for the browser suite and the UI benchmark. ingestedTinyDb: the
// tiny synthetic slide through the real ingest (classical segmenter), topped
// up with a few manual cells on free smear when the segmenter found fewer
// than the suite labels. denseSlideDb: a slide registered with N generated
// cells (the 100,000-cell overlay benchmark), written through the store.

import { join } from 'node:path';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore, type NewCell } from '../../../src-main/store/index.ts';
import { boxesIntersect, type Box } from '../../../src-main/domain/geometry.ts';
import { mulberry32 } from '../../../src-main/domain/random.ts';

export interface FixtureDb {
  dbPath: string;
  slide: SyntheticSlide;
  slideId: number;
  cellCount: number;
  /** Cells added by hand because the segmenter found too few. */
  manualCells: number;
}

/** `scanPath`: a copy of the tiny slide to ingest instead (a scan that will move); default the fixture itself. */
export async function ingestedTinyDb(dir: string, minCells: number, scanPath?: string): Promise<FixtureDb> {
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = join(dir, 'smearlab.db');
  const result = await runIngest(parseIngestOptions({ slidePath: scanPath ?? slide.mrxsPath, dbPath, segmenter: 'classical' }));
  if (result.state !== 'done') throw new Error(`ingest of the tiny slide ended ${result.state}`);
  const store = openStore(dbPath);
  try {
    const slideId = result.slideId;
    const taken: Box[] = store.listCells(slideId).map((c) => c.box);
    let manualCells = 0;
    // Free squares on planned slices (smear, not glass), away from every detected box.
    for (const slice of store.listSlices(slideId)) {
      for (let y = slice.y + 60; y + 140 < slice.y + slice.height && taken.length < minCells; y += 170) {
        for (let x = slice.x + 60; x + 140 < slice.x + slice.width && taken.length < minCells; x += 170) {
          const box = { x, y, width: 140, height: 140 };
          if (taken.some((t) => boxesIntersect(t, { x: x - 20, y: y - 20, width: 180, height: 180 }))) continue;
          store.addManualCell({ slideId, box });
          taken.push(box);
          manualCells++;
        }
      }
    }
    return { dbPath, slide, slideId, cellCount: taken.length, manualCells };
  } finally {
    store.close();
  }
}

/**
 * A database with one slide (the given synthetic scan) holding `count`
 * generated cells on a jittered lattice over its whole area, in slices of
 * 2,000 px like an ingest would write them. Returns the slide id.
 */
export async function denseSlideDb(dir: string, slide: SyntheticSlide, count: number, seed = 1): Promise<FixtureDb> {
  const dbPath = join(dir, 'smearlab.db');
  const store = openStore(dbPath, { synchronous: 'normal' });
  try {
    const { slide: record } = store.upsertSlide({
      path: slide.mrxsPath, format: 'mirax', width: slide.width, height: slide.height, mppX: slide.mppX, mppY: slide.mppY,
    });
    const sliceSize = 2000;
    const planned = [];
    for (let y = 0; y < slide.height; y += sliceSize) {
      for (let x = 0; x < slide.width; x += sliceSize) {
        planned.push({ x, y, width: Math.min(sliceSize, slide.width - x), height: Math.min(sliceSize, slide.height - y), tissueFraction: 1 });
      }
    }
    store.planSlices(record.id, planned);
    const pitch = Math.sqrt((slide.width * slide.height) / count);
    const columns = Math.ceil(slide.width / pitch);
    const rand = mulberry32(seed);
    const bySlice = new Map<number, NewCell[]>();
    const slices = store.listSlices(record.id);
    const sliceAt = (cx: number, cy: number) => slices.find((s) => cx >= s.x && cx < s.x + s.width && cy >= s.y && cy < s.y + s.height);
    for (let k = 0; k < count; k++) {
      const side = Math.max(8, Math.round(pitch * (0.45 + rand() * 0.4)));
      const cx = Math.min(slide.width - side / 2 - 1, Math.max(side / 2 + 1, ((k % columns) + 0.5) * pitch + (rand() - 0.5) * pitch * 0.3));
      const cy = Math.min(slide.height - side / 2 - 1, Math.max(side / 2 + 1, (Math.floor(k / columns) + 0.5) * pitch + (rand() - 0.5) * pitch * 0.3));
      const slice = sliceAt(cx, cy);
      if (!slice) continue;
      const box = { x: Math.round(cx - side / 2), y: Math.round(cy - side / 2), width: side, height: side };
      const list = bySlice.get(slice.id) ?? [];
      list.push({ box, centre: { x: box.x + side / 2, y: box.y + side / 2 }, area: side * side * 0.6, roundness: 0.8, source: 'auto', model: 'bench' });
      bySlice.set(slice.id, list);
    }
    let cellCount = 0;
    for (const [sliceId, cells] of bySlice) {
      const result = store.commitSliceCells(sliceId, cells);
      cellCount += result.cells.filter(Boolean).length;
    }
    return { dbPath, slide, slideId: record.id, cellCount, manualCells: 0 };
  } finally {
    store.close();
  }
}
