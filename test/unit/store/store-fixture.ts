// Shared by the store tests and the store benchmark: real database files in
// a temporary folder, a deterministic clock, and synthetic slides whose cells
// lie on a known grid so tests can predict reading order and viewport hits.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng } from '../../../src-main/domain/random.ts';
import Database from 'better-sqlite3';
import { MIGRATIONS, openStore, type Store, type StoreOptions } from '../../../src-main/store/index.ts';
import type { NewCell } from '../../../src-main/store/types.ts';
import type { SlideRecord } from '../../../src-main/domain/slide.ts';

export const SLICE_SIZE = 2000;

export interface TempStore {
  store: Store;
  dir: string;
  path: string;
  /** Closes the store and deletes the folder. */
  dispose(): void;
}

export function makeTempDir(prefix = 'smearlab-store-'): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that ticks one millisecond per call, from a fixed start. */
export function steppingClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}

export function openTempStore(options: StoreOptions = {}): TempStore {
  const temp = makeTempDir();
  const path = join(temp.dir, 'smearlab.db');
  const store = openStore(path, { now: steppingClock(), ...options });
  return {
    store,
    dir: temp.dir,
    path,
    dispose() {
      store.close();
      temp.dispose();
    },
  };
}

/** n synthetic cells inside the slice at (sliceX, sliceY), seeded; boxes 110..540 px like APACC crops. */
export function syntheticCells(sliceX: number, sliceY: number, n: number, seed: number): NewCell[] {
  const rng = seededRng(seed);
  const cells: NewCell[] = [];
  for (let i = 0; i < n; i++) {
    const width = rng.int(110, 540);
    const height = rng.int(110, 540);
    const x = sliceX + rng.int(-width / 2, SLICE_SIZE - width / 2);
    const y = sliceY + rng.int(-height / 2, SLICE_SIZE - height / 2);
    cells.push({
      box: { x: Math.round(x), y: Math.round(y), width, height },
      centre: { x: Math.round(x) + width / 2, y: Math.round(y) + height / 2 },
      area: width * height * 0.6,
      perimeter: 2 * (width + height),
      roundness: rng.range(0.5, 1),
      solidity: rng.range(0.8, 1),
      eccentricity: rng.range(0, 0.9),
      model: 'synthetic-v1',
    });
  }
  return cells;
}

export interface SeededSlide {
  slide: SlideRecord;
  sliceIds: number[];
}

/** A slide cut into cols x rows slices, each committed with cellsPerSlice synthetic cells. */
export function seedSlide(store: Store, options: { name?: string; cols: number; rows: number; cellsPerSlice: number; seed?: number }): SeededSlide {
  const name = options.name ?? 'slide-a';
  const { slide } = store.upsertSlide({
    path: `/scans/${name}.mrxs`, format: 'mirax', quickhash: `hash-${name}`,
    width: options.cols * SLICE_SIZE, height: options.rows * SLICE_SIZE, mppX: 0.25, mppY: 0.25,
  });
  const planned = [];
  for (let row = 0; row < options.rows; row++) {
    for (let col = 0; col < options.cols; col++) {
      planned.push({ x: col * SLICE_SIZE, y: row * SLICE_SIZE, width: SLICE_SIZE, height: SLICE_SIZE, tissueFraction: 0.5 });
    }
  }
  store.planSlices(slide.id, planned);
  const sliceIds: number[] = [];
  for (const slice of store.pendingSlices(slide.id)) {
    const cells = syntheticCells(slice.x, slice.y, options.cellsPerSlice, (options.seed ?? 1) * 100_003 + slice.id);
    store.commitSliceCells(slice.id, cells);
    sliceIds.push(slice.id);
  }
  return { slide, sliceIds };
}

/**
 * A database at an older schema version with one slide (4000 x height) and one 2000 px slice,
 * written with raw SQL as that version's repositories did (today's repositories need today's schema).
 */
export function oldSchemaSlide(path: string, version: number, height = 2000): { slideId: number; sliceId: number } {
  openStore(path, { migrations: MIGRATIONS.slice(0, version) }).close();
  const raw = new Database(path);
  try {
    const slideId = Number(raw.prepare(`INSERT INTO slides (path, format, quickhash, width, height, mpp_x, mpp_y, smear_id, created_at)
      VALUES ('/s.mrxs', 'mirax', NULL, 4000, ?, 0.25, 0.25, 's', 1)`).run(height).lastInsertRowid);
    const sliceId = Number(raw.prepare(`INSERT INTO slices (slide_id, x, y, width, height, tissue_fraction, updated_at)
      VALUES (?, 0, 0, 2000, 2000, 1, 1)`).run(slideId).lastInsertRowid);
    return { slideId, sliceId };
  } finally {
    raw.close();
  }
}
