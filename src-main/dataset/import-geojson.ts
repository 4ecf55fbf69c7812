// QuPath GeoJSON onto an ingested slide: every feature's bounding box (in
// level-0 pixels, whole-pixel corners) becomes a cell, or finds the cell it
// came from (same box, or the Smearlab cell id an export wrote), and takes
// the feature's class where the name is one of ours. Labels are recorded
// under the import's own annotator, so they never enter anyone's undo
// history. Bad features are reported by index; the good ones are written in
// one transaction.

import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { cellClassByName, type CellClassName } from '../domain/cell-class.ts';
import type { Box } from '../domain/geometry.ts';
import { intersectBoxes } from '../domain/geometry.ts';
import { defaultDatabasePath, openStore, type Store } from '../store/index.ts';
import type { SlideRecord } from '../domain/slide.ts';
import { DatasetError } from './dataset-error.ts';
import { summariseImport, type ImportProblem, type ImportReport } from './import-report.ts';

export const importGeoJsonOptionsSchema = z.strictObject({
  file: z.string().min(1, 'file is empty'),
  dbPath: z.string().min(1).optional(),
  /** The slide to import onto; default: the smear named by the file (`{smear id}.geojson`) or by the features. */
  slideId: z.number().int().positive().optional(),
  smearId: z.string().min(1).max(128).optional(),
  annotator: z.string().min(1).max(64).default('QuPath import'),
});
export type ImportGeoJsonOptionsInput = z.input<typeof importGeoJsonOptionsSchema>;
export type ImportGeoJsonOptions = z.output<typeof importGeoJsonOptionsSchema>;

interface Feature {
  type?: unknown;
  geometry?: { type?: unknown; coordinates?: unknown } | null;
  properties?: Record<string, unknown> | null;
}

export async function importGeoJsonFile(input: ImportGeoJsonOptionsInput): Promise<ImportReport> {
  const parsed = importGeoJsonOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new DatasetError('bad-options', `invalid GeoJSON import options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const options = parsed.data;
  const store = openStore(options.dbPath ?? defaultDatabasePath());
  try {
    return await importGeoJsonIntoStore(store, options);
  } finally {
    store.close();
  }
}

export async function importGeoJsonIntoStore(store: Store, options: ImportGeoJsonOptions): Promise<ImportReport> {
  const path = resolve(options.file);
  const name = basename(path);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new DatasetError('bad-options', `cannot read ${path} as JSON: ${(err as Error).message}`, path);
  }
  const features = featuresOf(doc);
  if (!features) throw new DatasetError('bad-options', `${path} is not GeoJSON (a FeatureCollection, a Feature or an array of features)`, path);
  const slide = findSlide(store, options, path, features);
  const problems: ImportProblem[] = [];
  const annotator = store.ensureAnnotator(options.annotator);
  type Planned = { index: number; box: Box; label: CellClassName | null; flagged: boolean | null; cellId: number | null };
  const planned: Planned[] = [];
  features.forEach((f, i) => {
    const problem = (message: string) => problems.push({ file: name, line: i + 1, message: `feature ${i + 1}: ${message}; not imported` });
    const box = boundingBox(f.geometry);
    if (typeof box === 'string') return problem(box);
    if (box.x < 0 || box.y < 0 || box.x + box.width > slide.width || box.y + box.height > slide.height) {
      return problem(`its box (${box.x}, ${box.y}, ${box.width} x ${box.height}) reaches outside the slide (${slide.width} x ${slide.height})`);
    }
    const classification = className(f.properties);
    let label: CellClassName | null = null;
    if (classification !== null) {
      const cls = cellClassByName(classification.trim().toLowerCase());
      if (!cls) return problem(`class "${classification}" is not a cell class (healthy, rubbish, unhealthy, bothcells)`);
      label = cls.name;
    }
    const ours = (f.properties?.smearlab ?? null) as { cellId?: unknown; flagged?: unknown } | null;
    planned.push({
      index: i, box, label,
      flagged: typeof ours?.flagged === 'boolean' ? ours.flagged : null,
      cellId: typeof ours?.cellId === 'number' ? ours.cellId : null,
    });
  });
  let imported = 0;
  let created = 0;
  let relabelled = 0;
  let labelled = 0;
  store.transaction(() => {
    for (const p of planned) {
      const cellId = matchCell(store, slide, p.box, p.cellId);
      let id = cellId;
      if (id === null) {
        try {
          id = store.addManualCell({ slideId: slide.id, box: p.box }).id;
          created++;
        } catch (err) {
          problems.push({ file: name, line: p.index + 1, message: `feature ${p.index + 1}: ${(err as Error).message}; not imported` });
          continue;
        }
      }
      const state = store.cellLabelState(id);
      if (p.label !== null && state.label !== p.label) {
        store.applyLabel(id, p.label, annotator.id);
        if (cellId !== null) relabelled++;
      }
      if (p.flagged !== null && state.flagged !== p.flagged) store.setFlag(id, p.flagged, annotator.id);
      if (p.label !== null) labelled++;
      imported++;
    }
  });
  const cells = imported;
  const report = summariseImport(path, [{
    smearId: slide.smearId, slideId: slide.id, state: 'imported', slices: 0, cells, labelled,
    message: `${cells} features onto smear ${slide.smearId}: ${created} new cells, ${cells - created} existing cells (${relabelled} relabelled)`,
  }], problems);
  return { ...report, message: `${report.smears[0]?.message}${problems.length ? `; ${problems.length} problems reported` : ''}` };
}

function featuresOf(doc: unknown): Feature[] | null {
  if (Array.isArray(doc)) return doc as Feature[];
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as { type?: unknown; features?: unknown };
  if (d.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features as Feature[];
  if (d.type === 'Feature') return [doc as Feature];
  return null;
}

function findSlide(store: Store, options: ImportGeoJsonOptions, path: string, features: Feature[]): SlideRecord {
  if (options.slideId !== undefined) return store.getSlide(options.slideId);
  const fromFeatures = features.map((f) => (f.properties?.smearlab as { smearId?: unknown } | undefined)?.smearId).find((s) => typeof s === 'string');
  const candidates = [options.smearId, typeof fromFeatures === 'string' ? fromFeatures : undefined, basename(path).replace(/\.(geo)?json$/i, '')]
    .filter((s): s is string => typeof s === 'string' && s.length > 0);
  for (const smearId of candidates) {
    try {
      const slide = store.findSlideBySmearId(smearId);
      if (slide) return slide;
    } catch {
      // Not a valid smear id (e.g. a file name with odd characters): try the next source.
    }
  }
  throw new DatasetError('bad-options', `no slide to import ${path} onto: give a slide id or smear id (tried ${candidates.map((c) => `"${c}"`).join(', ')})`, path);
}

/** QuPath writes classification as { name, color } (0.4+) or { name, colorRGB } (older); plain strings are accepted too. */
function className(properties: Record<string, unknown> | null | undefined): string | null {
  const c = properties?.classification;
  if (typeof c === 'string') return c;
  if (typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string') return (c as { name: string }).name;
  return null;
}

function boundingBox(geometry: Feature['geometry']): Box | string {
  if (!geometry || typeof geometry !== 'object') return 'it has no geometry';
  const points: number[][] = [];
  const collect = (value: unknown, depth: number): boolean => {
    if (!Array.isArray(value)) return false;
    if (depth === 0) {
      if (value.length < 2 || !value.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))) return false;
      points.push(value as number[]);
      return true;
    }
    return value.every((v) => collect(v, depth - 1));
  };
  const depth = { Polygon: 2, MultiPolygon: 3, LineString: 1, MultiPoint: 1, Point: 0 }[String(geometry.type)];
  if (depth === undefined) return `geometry type "${String(geometry.type)}" is not supported (Polygon or MultiPolygon)`;
  if (!collect(geometry.coordinates, depth) || points.length === 0) return 'its coordinates are not arrays of finite numbers';
  const xs = points.map((p) => p[0] as number);
  const ys = points.map((p) => p[1] as number);
  const x = Math.floor(Math.min(...xs));
  const y = Math.floor(Math.min(...ys));
  const width = Math.ceil(Math.max(...xs)) - x;
  const height = Math.ceil(Math.max(...ys)) - y;
  if (width < 1 || height < 1) return 'its shape has no area';
  return { x, y, width, height };
}

/** The existing cell a feature stands for: the same box, or the cell id an export wrote (box still mostly the same). */
function matchCell(store: Store, slide: SlideRecord, box: Box, cellId: number | null): number | null {
  const near = store.cellsInViewport(slide.id, box);
  const same = near.find((c) => c.box.x === box.x && c.box.y === box.y && c.box.width === box.width && c.box.height === box.height);
  if (same) return same.id;
  if (cellId === null) return null;
  const byId = near.find((c) => c.id === cellId);
  if (!byId) return null;
  const overlap = intersectBoxes(byId.box, box);
  if (!overlap) return null;
  const inter = overlap.width * overlap.height;
  const iou = inter / (byId.box.width * byId.box.height + box.width * box.height - inter);
  return iou >= 0.5 ? byId.id : null;
}
