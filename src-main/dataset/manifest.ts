// manifest.json (what the export holds and how it was made: app version,
// models and providers, annotators, split, counts, SHA-256 of every file),
// SHA256SUMS (the same checksums for `sha256sum -c`), and README.txt.

import { CELL_CLASSES } from '../domain/cell-class.ts';
import type { ExportOptions } from './export-options.ts';
import type { ExportPlan } from './export-plan.ts';
import { MANIFEST_FORMAT, type WrittenFile } from './export-target.ts';
import { READERS_CSV, cocoCategoryId } from './export-formats.ts';

export const MANIFEST_VERSION = 1;
export const SUMS_NAME = 'SHA256SUMS';
export const README_NAME = 'README.txt';

export interface ManifestSmear {
  smearId: string;
  /** The id in file names (differs from smearId only when the id had to be made safe for file systems). */
  fileId: string;
  split: 'train' | 'test';
  kind: 'scan' | 'slice-images';
  /** File name of the scan, without its folder. */
  scanFile: string | null;
  format: string;
  width: number;
  height: number;
  mppX: number | null;
  mppY: number | null;
  quickhash: string | null;
  sliceSize: number;
  slices: number;
  cells: number;
  counts: Record<string, number>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  createdAt: string;
  app: { name: 'smearlab'; version: string };
  /** pngCompression: the zlib level used (the user's, or the one chosen from the target's speed); pngAdaptiveFiltering: row filters on. */
  options: Pick<ExportOptions, 'labels' | 'flagged' | 'decision' | 'formats' | 'split' | 'pngCompression'> & { pngAdaptiveFiltering: boolean };
  classes: Array<{ apaccId: number; cocoId: number; name: string; colour: string }>;
  split: { mode: string; seed: number | null; testFraction: number | null; distance: number | null; train: string[]; test: string[] };
  smears: ManifestSmear[];
  /** Segmentation models behind the cells and the execution providers that ran them. */
  models: Array<{ model: string; providers: string[]; smears: string[] }>;
  annotators: Array<{ name: string; labels: number }>;
  counts: Record<'train' | 'test' | 'all', Record<string, number>>;
  /** Cells readers labelled that the decision left without a class, per smear: not exported. */
  unresolved: Record<string, number>;
  totals: { cells: number; slices: number; files: number; bytes: number };
  /** key: digest of the inputs an image was made from (lets a later export into this folder skip it). */
  files: Array<{ path: string; bytes: number; sha256: string; key?: string }>;
}

export function buildManifest(plan: ExportPlan, options: ExportOptions & { pngAdaptiveFiltering?: boolean }, files: readonly WrittenFile[], version: string, createdAt: Date): Manifest {
  const all = { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0, unlabelled: 0 };
  for (const split of ['train', 'test'] as const) for (const [k, v] of Object.entries(plan.counts[split])) all[k as keyof typeof all] += v;
  // Models come from the cells (what made them) and the ingest runs (which execution provider ran them).
  const models = new Map<string, { model: string; providers: Set<string>; smears: Set<string> }>();
  for (const s of plan.slides) {
    const cellModels = new Set(s.cells.map((c) => c.cell.model).filter((m): m is string => m !== null));
    for (const run of s.ingests) if (run.model !== null) cellModels.add(run.model);
    for (const model of cellModels) {
      const runs = s.ingests.filter((r) => r.model === model);
      const providers = (runs.length > 0 ? runs : s.ingests.filter((r) => r.model === null)).map((r) => r.provider)
        .filter((p): p is string => p !== null);
      const entry = models.get(model) ?? { model, providers: new Set<string>(), smears: new Set<string>() };
      for (const p of providers) entry.providers.add(p);
      entry.smears.add(s.slide.smearId);
      models.set(model, entry);
    }
  }
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    createdAt: createdAt.toISOString(),
    app: { name: 'smearlab', version },
    options: {
      labels: options.labels, flagged: options.flagged, decision: options.decision, formats: options.formats, split: options.split,
      pngCompression: options.pngCompression, pngAdaptiveFiltering: options.pngAdaptiveFiltering ?? false,
    },
    classes: CELL_CLASSES.map((c) => ({ apaccId: c.apaccId, cocoId: cocoCategoryId(c.apaccId), name: c.name, colour: c.colour })),
    split: {
      mode: plan.split.mode, seed: plan.split.seed, testFraction: plan.split.testFraction, distance: plan.split.distance,
      train: plan.split.train, test: plan.split.test,
    },
    smears: plan.slides.map((s) => {
      const counts: Record<string, number> = { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0, unlabelled: 0 };
      for (const c of s.cells) counts[c.label ?? 'unlabelled']! += 1;
      return {
        smearId: s.slide.smearId, fileId: s.fileId, split: s.split, kind: s.slide.kind,
        scanFile: s.slide.kind === 'scan' ? s.slide.path.split(/[\\/]/).pop() ?? null : null,
        format: s.slide.format, width: s.slide.width, height: s.slide.height, mppX: s.slide.mppX, mppY: s.slide.mppY,
        quickhash: s.slide.quickhash, sliceSize: s.sliceSize, slices: s.slices.filter((p) => p.parts.length > 0).length,
        cells: s.cells.length, counts,
      };
    }),
    models: [...models.values()].map((m) => ({ model: m.model, providers: [...m.providers].sort(), smears: [...m.smears].sort() })),
    annotators: plan.annotators.map((a) => ({ name: a.name, labels: a.labels })),
    counts: { train: plan.counts.train, test: plan.counts.test, all },
    unresolved: plan.unresolved,
    totals: {
      cells: plan.cellsTotal, slices: plan.slicesTotal, files: sorted.length, bytes: sorted.reduce((n, f) => n + f.bytes, 0),
    },
    files: sorted.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256, ...(f.key ? { key: f.key } : {}) })),
  };
}

/** `sha256sum -c` format: hash, two spaces, path. */
export function sha256Sums(files: readonly WrittenFile[]): string {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

export function readmeText(plan: ExportPlan, options: ExportOptions, version: string): string {
  const f = options.formats;
  const lines = [
    'Smearlab dataset export',
    '=======================',
    '',
    `Written by Smearlab ${version}; labels as of ${plan.contentDate.toISOString()} (manifest.json says when it was written).`,
    `Smears: ${plan.slides.length} (train ${plan.split.train.length}, test ${plan.split.test.length}); cells: ${plan.cellsTotal}; slices with boxes: ${plan.slicesTotal}.`,
    `Cells: ${options.labels === 'labelled' ? 'labelled cells only' : 'all cells (unlabelled ones in "unlabelled" folders)'}; flagged cells ${options.flagged === 'exclude' ? 'left out' : options.flagged === 'only' ? 'only' : 'included'}.`,
    '',
    'Layout (APACC, Kupas et al., Scientific Data 11, 2024)',
    '------------------------------------------------------',
    'Train and test are split by smear: no smear is in both.',
  ];
  if (f.cells) {
    lines.push('cells/<split>/<class>/<smear>_<slice x>-<slice y>_<cell no>_<cx>-<cy>_<date>.png',
      '    One image per cell, cropped whole from the scan even where the cell crosses a slice',
      '    border. cx-cy = crop centre in slice pixels, date = extraction date (YYYY-MM-DD).');
  }
  if (f.slices) {
    lines.push('slices/<split>/<smear>_<x>_<y>.png and .txt',
      '    Slices of the 2,000 px grid (x, y = top-left corner in level-0 pixels). The .txt has one',
      '    line per box, "id cx cy w h": centre and size divided by the slice width and height,',
      '    shortest decimal form, lines grouped by class name. A cell cut by the grid has a line in',
      '    every slice it touches, its box clipped to that slice.');
  }
  if (f.annotated) lines.push('annotated/<split>/<smear>_<x>_<y>.png', '    The slices with every box drawn in its class colour and named.');
  if (f.yolo) lines.push('yolo/images/<split>/, yolo/labels/<split>/, yolo/data.yaml', '    The slices and their label files in the YOLO layout (class ids as below).');
  if (f.coco) lines.push('coco/<split>.json', `    COCO detection JSON; images are slices/<split>/<file_name>; category id = APACC id + 1.`);
  if (f.geojson) {
    lines.push('geojson/<smear>.geojson',
      '    One GeoJSON FeatureCollection per smear for QuPath (File > Import objects): full cell boxes',
      '    in level-0 pixel coordinates of the scan, classification name and colour per cell.');
  }
  if (options.decision === 'all-readers') {
    lines.push(`${READERS_CSV}`, '    Every reader\'s label on every exported cell: cell_image, split, smear_id, cell_id, reader, label,',
      '    decision (the class the cell is filed under).');
  }
  const open = Object.values(plan.unresolved).reduce((n, v) => n + v, 0);
  lines.push('', `Classes decided by: ${options.decision}${open > 0 ? ` (${open} cells the readers labelled are undecided and left out)` : ''}.`,
    '    Per-reader labels are in the COCO attributes (readers) and GeoJSON properties (smearlab.readers).', '');
  lines.push('manifest.json', '    App version, models and execution providers, annotators, the split (and its seed),',
    '    counts per class and split, and the SHA-256 of every file.',
    `${SUMS_NAME}`, '    The same checksums for "sha256sum -c SHA256SUMS"; or run "smearlab verify <this folder>".', '',
    'Classes', '-------', 'id  name       colour   COCO id');
  for (const c of CELL_CLASSES) lines.push(`${c.apaccId}   ${c.name.padEnd(10)} ${c.colour}  ${cocoCategoryId(c.apaccId)}`);
  lines.push('', 'Note: rubbish is 1 and unhealthy is 2, as in the APACC files.');
  const renamed = plan.slides.filter((s) => s.fileId !== s.slide.smearId);
  if (renamed.length > 0) {
    lines.push('', 'Smear ids changed for file names (characters some file systems refuse, or too long):');
    for (const s of renamed) lines.push(`    ${s.slide.smearId} -> ${s.fileId}`);
  }
  return `${lines.join('\n')}\n`;
}
