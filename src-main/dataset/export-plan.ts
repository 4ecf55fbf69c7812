// Everything an export will write, decided before the first byte: which
// cells (label and flag filters), the split by smear, each cell's APACC name,
// and the slices its box touches. A cell is stored once with its full
// level-0 box; each slice it touches gets the part of the box inside it
// (whole-pixel corners), so a cell cut by the grid appears in both slices'
// label files while its image is written once, whole.

import type { CellClassName } from '../domain/cell-class.ts';
import { CELL_CLASSES } from '../domain/cell-class.ts';
import type { Box } from '../domain/geometry.ts';
import { intersectBoxes } from '../domain/geometry.ts';
import { cropCentreInSlice } from '../pipeline/cell-crop.ts';
import type { Store } from '../store/index.ts';
import { DECISION_VIEW, type LabelView } from '../domain/reading.ts';
import type { CellFilter, CellView } from '../domain/cell.ts';
import type { SliceRecord, SlideRecord } from '../domain/slide.ts';
import { apaccCellFileName, fileIdsForSmears, sliceStem } from './apacc-names.ts';
import { DatasetError } from './dataset-error.ts';
import type { ClassCountsWithUnlabelled, ExportOptions } from './export-options.ts';
import { splitSmears, type SplitDecision, type SplitName, type SmearCounts } from './smear-split.ts';

export const UNLABELLED_FOLDER = 'unlabelled';

export interface ExportCell {
  cell: CellView;
  label: CellClassName | null;
  split: SplitName;
  /** APACC cell image name. */
  imageName: string;
  /** cells/<split>/<class>/<name> */
  imagePath: string;
  /** Every reader's current label on the cell, by reader name (COCO / GeoJSON attributes, readers.csv). */
  readings: Record<string, CellClassName>;
}

export interface SlicePart {
  cell: ExportCell;
  /** The part of the cell's box inside the slice, level-0. */
  box: Box;
}

export interface PlannedSlice {
  /** The store's slice, or null for a grid slice the ingest skipped (too little smear) that a cell reaches into. */
  record: SliceRecord | null;
  x: number;
  y: number;
  width: number;
  height: number;
  stem: string;
  parts: SlicePart[];
  /** Cells whose own slice this is (their images are cut from its pixels when they lie inside it). */
  owned: ExportCell[];
}

export interface PlannedSlide {
  slide: SlideRecord;
  fileId: string;
  split: SplitName;
  sliceSize: number;
  /** Slices with parts or owned cells, reading order. */
  slices: PlannedSlice[];
  cells: ExportCell[];
  /** Every slice the store holds for the slide (pixel source of imported slides). */
  storeSlices: SliceRecord[];
  /** Ingest runs behind the cells: model and execution provider. */
  ingests: Array<{ model: string | null; provider: string | null; jobId: number }>;
}

export interface ExportPlan {
  slides: PlannedSlide[];
  split: SplitDecision;
  counts: Record<SplitName, ClassCountsWithUnlabelled>;
  cellsTotal: number;
  /** Slices with at least one box part. */
  slicesTotal: number;
  annotators: Array<{ id: number; name: string; labels: number }>;
  /** Newest label (or cell) time among the exported cells: the date of the content, stable across re-runs. */
  contentDate: Date;
  /** Whose labels decided the classes (ExportOptions.decision). */
  decision: string;
  /** Cells readers labelled that the decision leaves without a class: left out, counted per smear. */
  unresolved: Record<string, number>;
}

export function emptyClassCounts(): ClassCountsWithUnlabelled {
  return { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0, unlabelled: 0 };
}

/** The flag part of the selection; labels are chosen after reading (an undecided cell is not an unlabelled one). */
function cellFilter(options: ExportOptions): CellFilter {
  const filter: CellFilter = {};
  if (options.flagged === 'exclude') filter.flagged = false;
  if (options.flagged === 'only') filter.flagged = true;
  return filter;
}

/** The label view a decision reads (a reader by name must exist). */
export function decisionView(store: Store, decision: string): LabelView {
  if (decision === 'majority') return { kind: 'majority' };
  if (!decision.startsWith('reader:')) return DECISION_VIEW;
  const name = decision.slice('reader:'.length).normalize('NFC').trim();
  const reader = store.listAnnotators().find((a) => a.name === name);
  if (!reader) throw new DatasetError('bad-options', `no reader named "${name}" in this database (labels: ${decision})`);
  return { kind: 'reader', readerId: reader.id };
}

/** Each live cell's readings by reader name. */
function readingsOf(store: Store, slideId: number): Map<number, Record<string, CellClassName>> {
  const byCell = new Map<number, Record<string, CellClassName>>();
  for (const r of store.readerRatings([slideId])) {
    const cell = byCell.get(r.cellId) ?? {};
    cell[r.reader] = r.label;
    byCell.set(r.cellId, cell);
  }
  return byCell;
}

export function planExport(store: Store, options: ExportOptions): ExportPlan {
  const slides = options.slideIds ? options.slideIds.map((id) => store.getSlide(id)) : store.listSlides();
  const filter = cellFilter(options);
  const view = decisionView(store, options.decision);
  const unresolved: Record<string, number> = {};
  const readings = new Map<number, Record<string, CellClassName>>();
  const selected = slides
    .map((slide) => {
      const slideReadings = readingsOf(store, slide.id);
      const cells = store.listCells(slide.id, filter, view).filter((cell) => {
        if (cell.label !== null) return true;
        // Readers labelled it but the decision leaves it open: not an unlabelled cell, so never exported as one.
        if (view.kind !== 'reader' && slideReadings.has(cell.id)) {
          unresolved[slide.smearId] = (unresolved[slide.smearId] ?? 0) + 1;
          return false;
        }
        return options.labels === 'all';
      });
      for (const cell of cells) readings.set(cell.id, slideReadings.get(cell.id) ?? {});
      return { slide, cells };
    })
    .filter((s) => s.cells.length > 0);
  if (selected.length === 0) {
    const open = Object.values(unresolved).reduce((n, v) => n + v, 0);
    throw new DatasetError('nothing-to-export',
      `no cells match the selection (${slides.length} slides, labels: ${options.labels}, decision: ${options.decision}, ` +
      `flagged: ${options.flagged}${open > 0 ? `, ${open} cells undecided` : ''}); label some cells first`);
  }
  const smearCounts: SmearCounts[] = selected.map(({ slide, cells }) => {
    const counts = { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0 };
    for (const c of cells) if (c.label) counts[c.label]++;
    return { smearId: slide.smearId, counts };
  });
  let split: SplitDecision;
  try {
    split = splitSmears(smearCounts, options.split);
  } catch (err) {
    throw new DatasetError('bad-options', (err as Error).message);
  }
  const fileIds = fileIdsForSmears(selected.map((s) => s.slide.smearId));
  const counts: Record<SplitName, ClassCountsWithUnlabelled> = { train: emptyClassCounts(), test: emptyClassCounts() };
  const annotators = new Map<number, number>();
  const planned = selected.map(({ slide, cells }) => {
    const splitName = split.assignment.get(slide.smearId) ?? 'train';
    const fileId = fileIds.get(slide.smearId) as string;
    const exportCells = cells.map((cell): ExportCell => {
      const imageName = apaccCellFileName(fileId, { x: cell.sliceX, y: cell.sliceY }, cell.number,
        cropCentreInSlice(cell.box, { x: cell.sliceX, y: cell.sliceY }), new Date(cell.createdAt));
      counts[splitName][cell.label ?? 'unlabelled']++;
      if (cell.label && cell.labelAnnotatorId !== null) annotators.set(cell.labelAnnotatorId, (annotators.get(cell.labelAnnotatorId) ?? 0) + 1);
      return {
        cell, label: cell.label, split: splitName, imageName, imagePath: `cells/${splitName}/${cell.label ?? UNLABELLED_FOLDER}/${imageName}`,
        readings: readings.get(cell.id) ?? {},
      };
    });
    const storeSlices = store.listSlices(slide.id);
    const ingests = store.listJobs({ slideId: slide.id, kind: 'ingest', limit: 1000 })
      .filter((j) => j.state !== 'queued')
      .map((j) => ({ model: j.model, provider: j.provider, jobId: j.id }));
    return { slide, fileId, split: splitName, ...planSlices(slide, fileId, storeSlices, exportCells), cells: exportCells, storeSlices, ingests };
  });
  return {
    slides: planned,
    split,
    counts,
    cellsTotal: planned.reduce((n, s) => n + s.cells.length, 0),
    slicesTotal: planned.reduce((n, s) => n + s.slices.filter((p) => p.parts.length > 0).length, 0),
    decision: options.decision,
    unresolved,
    contentDate: new Date(Math.max(0, ...selected.flatMap((s) => s.cells.map((c) => c.labelledAt ?? c.createdAt)))),
    annotators: [...annotators].map(([id, labels]) => ({ id, name: store.getAnnotator(id).name, labels }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function planSlices(slide: SlideRecord, fileId: string, storeSlices: SliceRecord[], cells: ExportCell[]) {
  const sliceSize = Math.max(1, ...storeSlices.map((s) => Math.max(s.width, s.height)));
  const aligned = storeSlices.every((s) => s.x % sliceSize === 0 && s.y % sliceSize === 0);
  const byKey = new Map<string, PlannedSlice>();
  const byId = new Map<number, PlannedSlice>();
  const make = (record: SliceRecord | null, x: number, y: number, width: number, height: number): PlannedSlice => {
    const planned: PlannedSlice = { record, x, y, width, height, stem: sliceStem(fileId, { x, y }), parts: [], owned: [] };
    byKey.set(`${x},${y}`, planned);
    if (record) byId.set(record.id, planned);
    return planned;
  };
  for (const s of storeSlices) make(s, s.x, s.y, s.width, s.height);
  const used = new Set<PlannedSlice>();
  for (const cell of cells) {
    const box = cell.cell.box;
    const owner = byId.get(cell.cell.sliceId);
    if (owner) {
      owner.owned.push(cell);
      used.add(owner);
    }
    const touched: PlannedSlice[] = [];
    if (aligned) {
      for (let gy = Math.floor(box.y / sliceSize); gy * sliceSize < box.y + box.height; gy++) {
        for (let gx = Math.floor(box.x / sliceSize); gx * sliceSize < box.x + box.width; gx++) {
          const x = gx * sliceSize;
          const y = gy * sliceSize;
          let s = byKey.get(`${x},${y}`);
          // A grid slice the ingest skipped: a scan still has its pixels; imported slides have none.
          if (!s && slide.kind === 'scan' && x >= 0 && y >= 0 && x < slide.width && y < slide.height) {
            s = make(null, x, y, Math.min(sliceSize, slide.width - x), Math.min(sliceSize, slide.height - y));
          }
          if (s) touched.push(s);
        }
      }
    } else {
      for (const s of byKey.values()) if (intersectBoxes(box, s)) touched.push(s);
    }
    for (const s of touched) {
      const part = intersectBoxes(box, s);
      if (!part) continue;
      s.parts.push({ cell, box: part });
      used.add(s);
    }
  }
  const slices = [...used].sort((a, b) => a.y - b.y || a.x - b.x);
  return { sliceSize, slices };
}

/** Slice-local boxes with labels of a slice's labelled parts, for its label file and overlay. */
export function labelledParts(slice: PlannedSlice): Array<{ label: CellClassName; box: Box }> {
  return slice.parts
    .filter((p): p is SlicePart & { cell: ExportCell & { label: CellClassName } } => p.cell.label !== null)
    .map((p) => ({ label: p.cell.label, box: { x: p.box.x - slice.x, y: p.box.y - slice.y, width: p.box.width, height: p.box.height } }));
}

export const CLASS_FOLDERS: readonly string[] = [...CELL_CLASSES.map((c) => c.name), UNLABELLED_FOLDER];
