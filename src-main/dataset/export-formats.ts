// The optional formats, built as text from the plan: YOLO's data.yaml (its
// images and label files are the slices'), COCO JSON per split, and one
// QuPath-compatible GeoJSON FeatureCollection per slide in level-0
// coordinates with the classification name and colour of every cell.

import { createHash } from 'node:crypto';
import { CELL_CLASSES, cellClassByName } from '../domain/cell-class.ts';
import type { ExportPlan, PlannedSlide } from './export-plan.ts';
import type { SplitName } from './smear-split.ts';

/** COCO category ids: APACC id + 1, since many detection frameworks keep 0 for the background. */
export function cocoCategoryId(apaccId: number): number {
  return apaccId + 1;
}

export function yoloDataYaml(appVersion: string, hasTest: boolean): string {
  return [
    `# YOLO dataset written by Smearlab ${appVersion}. Images and label files of one slice share a stem;`,
    '# class ids are the APACC ids. Paths are relative to this file\'s folder.',
    'train: images/train',
    `val: images/${hasTest ? 'test' : 'train'}`,
    ...(hasTest ? ['test: images/test'] : []),
    `nc: ${CELL_CLASSES.length}`,
    'names:',
    ...CELL_CLASSES.map((c) => `  ${c.apaccId}: ${c.name}`),
    '',
  ].join('\n');
}

export function cocoJson(plan: ExportPlan, split: SplitName, appVersion: string): string {
  const createdAt = plan.contentDate;
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  let imageId = 0;
  let annotationId = 0;
  for (const planned of plan.slides) {
    if (planned.split !== split) continue;
    for (const slice of planned.slices) {
      if (slice.parts.length === 0) continue;
      imageId++;
      images.push({
        id: imageId, file_name: `${slice.stem}.png`, width: slice.width, height: slice.height,
        smear_id: planned.slide.smearId, slice_x: slice.x, slice_y: slice.y,
      });
      for (const part of slice.parts) {
        if (part.cell.label === null) continue;
        const cls = cellClassByName(part.cell.label);
        if (!cls) continue;
        annotationId++;
        const x = part.box.x - slice.x;
        const y = part.box.y - slice.y;
        const { width: w, height: h } = part.box;
        const full = part.cell.cell.box;
        annotations.push({
          id: annotationId, image_id: imageId, category_id: cocoCategoryId(cls.apaccId),
          bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]],
          attributes: {
            apacc_id: cls.apaccId, cell_image: part.cell.imageName, flagged: part.cell.cell.flagged, source: part.cell.cell.source,
            full_box_level0: [full.x, full.y, full.width, full.height],
            cut_by_slice: full.width !== w || full.height !== h,
            readers: part.cell.readings,
          },
        });
      }
    }
  }
  return `${JSON.stringify({
    info: {
      description: `Smearlab APACC-layout export, ${split} split: boxes of the slice images in slices/${split}/`,
      version: appVersion, year: createdAt.getUTCFullYear(), contributor: 'Smearlab', date_created: createdAt.toISOString(), url: '',
    },
    licenses: [],
    images,
    annotations,
    categories: CELL_CLASSES.map((c) => ({ id: cocoCategoryId(c.apaccId), name: c.name, supercategory: 'cell' })),
  })}\n`;
}

function hexToRgb(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A stable UUID-shaped id per cell, so re-exports give the same feature ids. */
function featureId(smearId: string, cellId: number): string {
  const h = createHash('sha256').update(`${smearId}/${cellId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function geoJson(planned: PlannedSlide): string {
  const features = planned.cells.map((c) => {
    const { x, y, width, height } = c.cell.box;
    const cls = c.label ? cellClassByName(c.label) : undefined;
    return {
      type: 'Feature',
      id: featureId(planned.slide.smearId, c.cell.id),
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]] },
      properties: {
        objectType: 'annotation',
        ...(cls ? { classification: { name: cls.name, color: hexToRgb(cls.colour) } } : {}),
        isLocked: false,
        smearlab: {
          smearId: planned.slide.smearId, cellId: c.cell.id, sliceX: c.cell.sliceX, sliceY: c.cell.sliceY,
          number: c.cell.number, flagged: c.cell.flagged, source: c.cell.source, image: c.imageName, readers: c.readings,
        },
      },
    };
  });
  return `${JSON.stringify({ type: 'FeatureCollection', features })}\n`;
}

/** readers.csv (decision all-readers): every reader's label on every exported cell, one row each. */
export const READERS_CSV = 'readers.csv';

export function readersCsv(plan: ExportPlan): string {
  const rows = ['cell_image,split,smear_id,cell_id,reader,label,decision'];
  for (const planned of plan.slides) {
    for (const c of planned.cells) {
      for (const [reader, label] of Object.entries(c.readings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        rows.push([c.imageName, c.split, planned.slide.smearId, String(c.cell.id), reader, label, c.label ?? ''].map(csvField).join(','));
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

/** RFC 4180: quote fields holding a comma, quote or line break (reader names are free text). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
