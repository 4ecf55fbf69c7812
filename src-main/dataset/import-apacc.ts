// Import of an APACC-layout folder (slice images + label files, and/or cell
// images named by the convention, as APACC publishes it or as Smearlab
// exports it) into the database: one 'slice-images' slide per smear, its
// slices, cells with their labels (recorded as 'import' events), and the
// slice images copied next to the database so the viewer can show them.
//
// Full boxes: a cell image gives its cell's whole box (name: slice, number,
// crop centre; PNG header: size). Label-file lines that such a cell explains
// (its box clipped to that slice) are not cells of their own. Lines left over
// become cells; lines in neighbouring slices that meet at the shared edge
// with the same extent and class are one cell cut by the grid, and are joined
// again. Bad lines and names are reported with file and line; the rest is
// imported; each smear is written in one transaction.

import { readFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { cellClassByName, type CellClassName } from '../domain/cell-class.ts';
import type { Box } from '../domain/geometry.ts';
import { intersectBoxes } from '../domain/geometry.ts';
import { copyFileAtomic } from '../files/atomic-write.ts';
import { defaultDatabasePath, openStore, type NewCell, type Store } from '../store/index.ts';
import { cellBoxFromName, fileIdForSmear, parseCellFileName, parseSliceStem, type ParsedCellName } from './apacc-names.ts';
import { DatasetError } from './dataset-error.ts';
import { UNLABELLED_FOLDER } from './export-plan.ts';
import { MANIFEST_FORMAT, MANIFEST_NAME } from './export-target.ts';
import { listFiles } from './file-tree.ts';
import { summariseImport, type ImportProblem, type ImportReport, type ImportedSmear } from './import-report.ts';
import { importedSliceImageName } from './pixel-source.ts';
import { readPngSize } from './png-size.ts';
import { parseSliceLabels } from './slice-labels.ts';

export const importApaccOptionsSchema = z.strictObject({
  folder: z.string().min(1, 'folder is empty'),
  dbPath: z.string().min(1).optional(),
  /** Where slice images are copied (default: smearlab-data next to the database). */
  dataDir: z.string().min(1).optional(),
  /** Name the imported labels are recorded under. */
  annotator: z.string().min(1).max(64).default('APACC import'),
  /** Slice size assumed where neither an image nor a manifest tells (APACC: 2000). */
  sliceSize: z.number().int().min(64).max(16384).default(2000),
});
export type ImportApaccOptionsInput = z.input<typeof importApaccOptionsSchema>;
export type ImportApaccOptions = z.output<typeof importApaccOptionsSchema>;

// Folders of an export that repeat what slices/ and cells/ hold.
const DERIVED_FOLDERS = new Set(['annotated', 'yolo', 'coco', 'geojson']);
const TEXT_FILES_IGNORED = new Set(['readme.txt', 'license.txt', 'licence.txt', 'sha256sums', 'sha256sums.txt']);

interface SliceEntry {
  x: number;
  y: number;
  width: number | null;
  height: number | null;
  imagePath: string | null;
  labelPath: string | null;
}

interface CellImage {
  path: string;
  name: ParsedCellName;
  label: CellClassName | null;
}

interface SmearFiles {
  fileId: string;
  slices: Map<string, SliceEntry>;
  cells: CellImage[];
}

interface ManifestSmearInfo {
  smearId: string;
  fileId: string;
  width: number;
  height: number;
  mppX: number | null;
  mppY: number | null;
  sliceSize: number;
}

export async function importApaccFolder(input: ImportApaccOptionsInput, hooks: { onLog?: (m: string) => void } = {}): Promise<ImportReport> {
  const parsed = importApaccOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new DatasetError('bad-options', `invalid import options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const options = parsed.data;
  const dbPath = options.dbPath ?? defaultDatabasePath();
  const store = openStore(dbPath);
  try {
    return await importIntoStore(store, options, resolve(options.dataDir ?? join(dirname(dbPath), 'smearlab-data')), hooks);
  } finally {
    store.close();
  }
}

export async function importIntoStore(store: Store, options: ImportApaccOptions, dataDir: string,
  hooks: { onLog?: (m: string) => void } = {}): Promise<ImportReport> {
  const root = resolve(options.folder);
  const problems: ImportProblem[] = [];
  let tree;
  try {
    tree = await listFiles(root);
  } catch (err) {
    return summariseImport(root, [], [{ file: root, line: null, message: `cannot read the folder: ${(err as Error).message}` }]);
  }
  const manifest = await readManifest(root, problems);
  const byFileId = new Map<string, SmearFiles>();
  const smearFiles = (fileId: string) => {
    let s = byFileId.get(fileId);
    if (!s) {
      s = { fileId, slices: new Map(), cells: [] };
      byFileId.set(fileId, s);
    }
    return s;
  };
  const sliceEntry = (s: SmearFiles, x: number, y: number) => {
    const key = `${x},${y}`;
    let e = s.slices.get(key);
    if (!e) {
      e = { x, y, width: null, height: null, imagePath: null, labelPath: null };
      s.slices.set(key, e);
    }
    return e;
  };
  for (const rel of tree.files) {
    const parts = rel.split('/');
    const name = parts.at(-1) as string;
    if (parts.length > 1 && DERIVED_FOLDERS.has(parts[0] as string)) continue;
    if (name.startsWith('.') || rel === MANIFEST_NAME) continue;
    const lower = name.toLowerCase();
    if (lower.endsWith('.txt')) {
      if (TEXT_FILES_IGNORED.has(lower)) continue;
      const stem = parseSliceStem(name.slice(0, -4));
      if (!stem) {
        problems.push({ file: rel, line: null, message: 'the name is not {smear id}_{x}_{y}.txt; file not imported' });
        continue;
      }
      const entry = sliceEntry(smearFiles(stem.smear), stem.x, stem.y);
      if (entry.labelPath) problems.push({ file: rel, line: null, message: `a second label file for the same slice (first: ${entry.labelPath}); file not imported` });
      else entry.labelPath = rel;
    } else if (lower.endsWith('.png')) {
      const folder = parts.length > 1 ? (parts.at(-2) as string) : '';
      const cls = cellClassByName(folder);
      if (cls || folder === UNLABELLED_FOLDER) {
        const parsed = parseCellFileName(name);
        if (!parsed) {
          problems.push({ file: rel, line: null, message: 'the name is not {smear}_{slice x}-{slice y}_{cell no}_{cx}-{cy}_{YYYY-MM-DD}.png; image not imported' });
          continue;
        }
        smearFiles(parsed.smear).cells.push({ path: rel, name: parsed, label: cls?.name ?? null });
        continue;
      }
      const stem = parseSliceStem(name.slice(0, -4));
      if (!stem) {
        const hint = parseCellFileName(name) ? ` (a cell image name, but its folder "${folder}" is not a class: healthy, rubbish, unhealthy, bothcells or unlabelled)` : '';
        problems.push({ file: rel, line: null, message: `not a slice image {smear id}_{x}_{y}.png nor a cell image in a class folder${hint}; image not imported` });
        continue;
      }
      const entry = sliceEntry(smearFiles(stem.smear), stem.x, stem.y);
      if (entry.imagePath) problems.push({ file: rel, line: null, message: `a second image for the same slice (first: ${entry.imagePath}); image not imported` });
      else entry.imagePath = rel;
    }
  }
  const annotator = store.ensureAnnotator(options.annotator);
  const smears: ImportedSmear[] = [];
  for (const files of [...byFileId.values()].sort((a, b) => (a.fileId < b.fileId ? -1 : 1))) {
    const info = manifest.get(files.fileId) ?? null;
    const smearId = info?.smearId ?? files.fileId;
    try {
      smears.push(await importSmear(store, root, dataDir, files, smearId, info, options, annotator.id, problems));
    } catch (err) {
      const message = (err as Error).message;
      problems.push({ file: files.fileId, line: null, message: `smear ${smearId} not imported: ${message}` });
      smears.push({ smearId, slideId: null, state: 'failed', slices: 0, cells: 0, labelled: 0, message });
    }
    hooks.onLog?.(`${smearId}: ${smears.at(-1)?.message}`);
  }
  return summariseImport(root, smears, problems);
}

async function readManifest(root: string, problems: ImportProblem[]): Promise<Map<string, ManifestSmearInfo>> {
  const out = new Map<string, ManifestSmearInfo>();
  let text: string;
  try {
    text = await readFile(join(root, MANIFEST_NAME), 'utf8');
  } catch {
    return out;
  }
  try {
    const manifest = JSON.parse(text) as { format?: string; smears?: ManifestSmearInfo[] };
    if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.smears)) return out;
    for (const s of manifest.smears) if (typeof s.fileId === 'string' && typeof s.smearId === 'string') out.set(s.fileId, s);
  } catch (err) {
    problems.push({ file: MANIFEST_NAME, line: null, message: `not valid JSON (${(err as Error).message}); smear ids taken from the file names` });
  }
  return out;
}

interface Part {
  file: string;
  line: number;
  slice: SliceEntry;
  box: Box;
  label: CellClassName;
}

interface PlannedCell {
  slice: SliceEntry;
  number: number | null;
  box: Box;
  label: CellClassName | null;
}

async function importSmear(store: Store, root: string, dataDir: string, files: SmearFiles, smearId: string,
  info: ManifestSmearInfo | null, options: ImportApaccOptions, annotatorId: number, problems: ImportProblem[]): Promise<ImportedSmear> {
  const existing = store.findSlideBySmearId(smearId);
  if (existing) {
    const message = `smear ${smearId} is already in the database (slide ${existing.id}, ${existing.path}); skipped`;
    problems.push({ file: files.fileId, line: null, message });
    return { smearId, slideId: existing.id, state: 'skipped', slices: 0, cells: 0, labelled: 0, message };
  }
  const defaultSize = info?.sliceSize ?? options.sliceSize;
  // Slices named only by cell images still need an entry.
  for (const c of files.cells) {
    const key = `${c.name.sliceX},${c.name.sliceY}`;
    if (!files.slices.has(key)) files.slices.set(key, { x: c.name.sliceX, y: c.name.sliceY, width: null, height: null, imagePath: null, labelPath: null });
  }
  for (const s of files.slices.values()) {
    if (s.imagePath) {
      try {
        const size = await readPngSize(join(root, s.imagePath));
        s.width = size.width;
        s.height = size.height;
      } catch (err) {
        problems.push({ file: s.imagePath, line: null, message: `${(err as Error).message}; image not imported` });
        s.imagePath = null;
      }
    }
    s.width ??= info ? Math.max(1, Math.min(defaultSize, info.width - s.x)) : defaultSize;
    s.height ??= info ? Math.max(1, Math.min(defaultSize, info.height - s.y)) : defaultSize;
  }
  // Cells with whole boxes, from cell images.
  const cells: PlannedCell[] = [];
  const seenNumbers = new Map<string, string>();
  for (const c of files.cells) {
    const key = `${c.name.sliceX},${c.name.sliceY},${c.name.number}`;
    const first = seenNumbers.get(key);
    if (first) {
      problems.push({ file: c.path, line: null, message: `cell ${c.name.number} of slice ${c.name.sliceX}-${c.name.sliceY} appears twice (first: ${first}); image not imported` });
      continue;
    }
    let size;
    try {
      size = await readPngSize(join(root, c.path));
    } catch (err) {
      problems.push({ file: c.path, line: null, message: `${(err as Error).message}; image not imported` });
      continue;
    }
    const box = cellBoxFromName(c.name, size.width, size.height);
    if (box.x < 0 || box.y < 0) {
      problems.push({ file: c.path, line: null, message: `the cell box (${box.x}, ${box.y}) would start before the slide's origin; image not imported` });
      continue;
    }
    seenNumbers.set(key, c.path);
    cells.push({ slice: files.slices.get(`${c.name.sliceX},${c.name.sliceY}`) as SliceEntry, number: c.name.number, box, label: c.label });
  }
  // Boxes of the label files.
  const parts: Part[] = [];
  for (const s of files.slices.values()) {
    if (!s.labelPath) continue;
    let text: string;
    try {
      text = await readFile(join(root, s.labelPath), 'utf8');
    } catch (err) {
      problems.push({ file: s.labelPath, line: null, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseSliceLabels(text, s.width as number, s.height as number);
    for (const p of parsed.problems) problems.push({ file: s.labelPath, line: p.line, message: `${p.message}; line not imported` });
    for (const l of parsed.lines) {
      parts.push({ file: s.labelPath, line: l.line, slice: s, label: l.label, box: { x: s.x + l.box.x, y: s.y + l.box.y, width: l.box.width, height: l.box.height } });
    }
  }
  const leftover = parts.filter((p) => !explainedByCell(p, cells, problems));
  cells.push(...joinCutParts(leftover, files.slices));

  // Slice images go next to the database first: if the transaction below fails, they are only orphans.
  const folder = join(dataDir, 'imported', `${fileIdForSmear(smearId)}~${createHash('sha256').update(smearId).digest('hex').slice(0, 8)}`);
  await mkdir(folder, { recursive: true });
  for (const s of files.slices.values()) {
    if (!s.imagePath) continue;
    const dest = join(folder, importedSliceImageName(s));
    try {
      await copyFileAtomic(join(root, s.imagePath), dest);
    } catch (err) {
      throw new Error(`cannot copy ${s.imagePath} to ${dest}: ${(err as Error).message}`);
    }
  }
  const slices = [...files.slices.values()].sort((a, b) => a.y - b.y || a.x - b.x);
  const width = info?.width ?? Math.max(...slices.map((s) => s.x + (s.width as number)));
  const height = info?.height ?? Math.max(...slices.map((s) => s.y + (s.height as number)));
  const bySlice = new Map<SliceEntry, NewCell[]>();
  for (const c of cells) {
    const list = bySlice.get(c.slice) ?? [];
    list.push({
      ...(c.number !== null ? { number: c.number } : {}),
      box: c.box,
      centre: { x: c.box.x + c.box.width / 2, y: c.box.y + c.box.height / 2 },
      source: 'imported',
      ...(c.label !== null ? { label: c.label } : {}),
    });
    bySlice.set(c.slice, list);
  }
  const slideId = store.transaction(() => {
    const { slide } = store.upsertSlide({
      path: folder, format: 'apacc-slices', kind: 'slice-images', width, height, smearId,
      mppX: info?.mppX ?? null, mppY: info?.mppY ?? null,
    });
    store.planSlices(slide.id, slices.map((s) => ({ x: s.x, y: s.y, width: s.width as number, height: s.height as number })));
    const records = new Map(store.listSlices(slide.id).map((r) => [`${r.x},${r.y}`, r]));
    for (const s of slices) {
      const record = records.get(`${s.x},${s.y}`);
      if (!record) throw new Error(`slice ${s.x},${s.y} was not planned`);
      // keptOverlapIou > 1: an imported cell is never dropped as a duplicate of another.
      store.commitSliceCells(record.id, bySlice.get(s) ?? [], { annotatorId, keptOverlapIou: 2 });
    }
    return slide.id;
  });
  const labelled = cells.filter((c) => c.label !== null).length;
  return {
    smearId, slideId, state: 'imported', slices: slices.length, cells: cells.length, labelled,
    message: `${slices.length} slices, ${cells.length} cells (${labelled} labelled)`,
  };
}

/** True when a cell image's box, clipped to the part's slice, is exactly this part (the line is that cell). */
function explainedByCell(part: Part, cells: PlannedCell[], problems: ImportProblem[]): boolean {
  const s = part.slice;
  for (const c of cells) {
    const clipped = intersectBoxes(c.box, { x: s.x, y: s.y, width: s.width as number, height: s.height as number });
    if (!clipped || clipped.x !== part.box.x || clipped.y !== part.box.y || clipped.width !== part.box.width || clipped.height !== part.box.height) continue;
    if (c.label !== part.label) {
      problems.push({ file: part.file, line: part.line, message: `the box is cell image ${c.number} of slice ${c.slice.x}-${c.slice.y}, labelled ${c.label ?? 'unlabelled'} there but ${part.label} here; the cell image's class is kept` });
    }
    return true;
  }
  return false;
}

/** Label-file boxes become cells; boxes meeting at a slice edge with the same extent and class are one cut cell. */
function joinCutParts(parts: Part[], slices: Map<string, SliceEntry>): PlannedCell[] {
  const parent = parts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const bySlice = new Map<SliceEntry, number[]>();
  parts.forEach((p, i) => bySlice.set(p.slice, [...(bySlice.get(p.slice) ?? []), i]));
  parts.forEach((a, i) => {
    const s = a.slice;
    const sw = s.width as number;
    const sh = s.height as number;
    if (a.box.x + a.box.width === s.x + sw) {
      const right = slices.get(`${s.x + sw},${s.y}`);
      for (const j of (right && bySlice.get(right)) || []) {
        const b = parts[j] as Part;
        if (b.label === a.label && b.box.x === s.x + sw && b.box.y === a.box.y && b.box.height === a.box.height) parent[find(j)] = find(i);
      }
    }
    if (a.box.y + a.box.height === s.y + sh) {
      const below = slices.get(`${s.x},${s.y + sh}`);
      for (const j of (below && bySlice.get(below)) || []) {
        const b = parts[j] as Part;
        if (b.label === a.label && b.box.y === s.y + sh && b.box.x === a.box.x && b.box.width === a.box.width) parent[find(j)] = find(i);
      }
    }
  });
  const groups = new Map<number, Part[]>();
  parts.forEach((p, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), p]));
  const cells: PlannedCell[] = [];
  for (const group of groups.values()) {
    const x0 = Math.min(...group.map((p) => p.box.x));
    const y0 = Math.min(...group.map((p) => p.box.y));
    const x1 = Math.max(...group.map((p) => p.box.x + p.box.width));
    const y1 = Math.max(...group.map((p) => p.box.y + p.box.height));
    const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    // The cell belongs to the slice holding its centre, as ingest does.
    const cx = Math.floor(x0 + box.width / 2);
    const cy = Math.floor(y0 + box.height / 2);
    const owner = group.find((p) => cx >= p.slice.x && cx < p.slice.x + (p.slice.width as number)
      && cy >= p.slice.y && cy < p.slice.y + (p.slice.height as number))?.slice ?? (group[0] as Part).slice;
    cells.push({ slice: owner, number: null, box, label: (group[0] as Part).label });
  }
  return cells;
}
