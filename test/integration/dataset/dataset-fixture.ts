// Databases for the dataset tests: real synthetic scans, cells inserted
// through the store (fast, and they can be placed where a test needs them:
// across slice borders, into grid slices the ingest skipped), labelled and
// flagged through the store by a named annotator.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { mulberry32 } from '../../../src-main/domain/random.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { openStore, type NewCell, type Store } from '../../../src-main/store/index.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { copyMiraxSlide } from '../../fixtures/corrupt-slide.ts';

export interface SlideSpec {
  slide: SyntheticSlide;
  smearId: string;
  seed: number;
  cells: number;
  /** Class shares (default: healthy .4, rubbish .4, unhealthy .1, bothcells .1). */
  shares?: Partial<Record<CellClassName, number>>;
  /** Also plan the clipped edge strips (x or y from 4000), default false. */
  planEdges?: boolean;
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = 'smearlab-dataset-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Adds one slide per spec to the database at dbPath; returns the slide ids. */
export async function addSyntheticSlides(dbPath: string, specs: SlideSpec[]): Promise<number[]> {
  const store = openStore(dbPath);
  try {
    const annotator = store.ensureAnnotator('Dr Test');
    const ids: number[] = [];
    for (const spec of specs) ids.push(await addSlide(store, spec, annotator.id));
    return ids;
  } finally {
    store.close();
  }
}

async function addSlide(store: Store, spec: SlideSpec, annotatorId: number): Promise<number> {
  let path = spec.slide.mrxsPath;
  if (store.findSlideByPath(path)) {
    // One scan is one slide: a second smear from the same fixture gets its own copy of the files.
    const copy = await copyMiraxSlide(path);
    process.on('exit', () => rmSync(copy.root, { recursive: true, force: true }));
    path = copy.mrxsPath;
  }
  const reader = await openSlide(path);
  const info = reader.info;
  reader.close();
  const { slide } = store.upsertSlide({
    path,
    format: info.format, quickhash: info.quickhash, width: spec.slide.width, height: spec.slide.height,
    mppX: info.mppX, mppY: info.mppY, smearId: spec.smearId,
  });
  const size = 2000;
  const planned: Box[] = [];
  for (let y = 0; y < slide.height; y += size) {
    for (let x = 0; x < slide.width; x += size) {
      const box = { x, y, width: Math.min(size, slide.width - x), height: Math.min(size, slide.height - y) };
      if (spec.planEdges || (box.width === size && box.height === size)) planned.push(box);
    }
  }
  store.planSlices(slide.id, planned);
  const slices = store.listSlices(slide.id);
  const random = mulberry32(spec.seed);
  const boxes: Box[] = [];
  // Cells cut by the grid on purpose: across x = 2000, across y = 2000, over the corner, into the unplanned right strip.
  boxes.push({ x: 1850, y: 700, width: 300, height: 260 }, { x: 900, y: 1900, width: 220, height: 330 },
    { x: 1880, y: 1890, width: 250, height: 240 }, { x: 3890, y: 1200, width: 190, height: 210 });
  while (boxes.length < spec.cells) {
    const width = 150 + Math.floor(random() * 270);
    const height = 150 + Math.floor(random() * 270);
    boxes.push({ x: 16 + Math.floor(random() * (3990 - width - 16)), y: 16 + Math.floor(random() * (3990 - height - 16)), width, height });
  }
  const bySlice = new Map<number, NewCell[]>();
  for (const box of boxes.slice(0, spec.cells)) {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const owner = slices.find((s) => cx >= s.x && cx < s.x + s.width && cy >= s.y && cy < s.y + s.height);
    if (!owner) continue;
    bySlice.set(owner.id, [...(bySlice.get(owner.id) ?? []), { box, centre: { x: cx, y: cy }, model: 'fixture' }]);
  }
  for (const s of slices) store.commitSliceCells(s.id, bySlice.get(s.id) ?? []);
  const shares = { healthy: 0.4, rubbish: 0.4, unhealthy: 0.1, bothcells: 0.1, ...spec.shares };
  const names = Object.keys(shares) as CellClassName[];
  for (const cell of store.listCells(slide.id)) {
    const r = random();
    if (r < 0.1) continue; // unlabelled
    let pick = random() * names.reduce((n, c) => n + shares[c], 0);
    const label = names.find((c) => (pick -= shares[c]) < 0) ?? 'rubbish';
    store.applyLabel(cell.id, label, annotatorId);
    if (random() < 0.1) store.setFlag(cell.id, true, annotatorId);
  }
  return slide.id;
}

/** A digest of everything an export must not change: cells, label events, derived state. */
export function databaseDigest(dbPath: string): string {
  const store = openStore(dbPath);
  try {
    const hash = createHash('sha256');
    for (const slide of store.listSlides()) {
      hash.update(JSON.stringify(slide));
      for (const c of store.listCells(slide.id)) hash.update(JSON.stringify(c));
    }
    hash.update(JSON.stringify(store.listLabelEvents({ limit: 1_000_000 })));
    return hash.digest('hex');
  } finally {
    store.close();
  }
}
