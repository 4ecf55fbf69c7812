// Pixel work of cell edits for every shell: reads the scan around a drawn box
// or a clicked point (through the same scan access and read limiter as crops)
// and runs the pipeline's own steps on it (pipeline/instances/manual-cell.ts):
// the classical segmenter's cell mask, the nuclei, the instance step. The
// classical segmenter is used, not the ingest's model: it needs nothing
// loaded and takes a few milliseconds on a cell-sized region, so an edit is
// committed within the keypress budget. The regions are small (a cell and its
// surroundings at 0.5 um/px), so the work stays on this thread.

import type { CellEditPixels } from '../api/context.ts';
import type { Box } from '../domain/geometry.ts';
import { unionBox } from '../domain/edit-geometry.ts';
import type { SlideRecord } from '../domain/slide.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, type CellInstanceConfig } from '../pipeline/instances/index.ts';
import { measureBox, proposeCellAt, splitBoxAt, type CellPixels } from '../pipeline/instances/manual-cell.ts';
import { readSliceImage, shrinkImage } from '../pipeline/ingest/slice-image.ts';
import { ASSUMED_MPP, downsampleFor, umToPx } from '../pipeline/scale.ts';
import { classicalMask, DEFAULT_CLASSICAL_CONFIG } from '../pipeline/segment/classical-segmenter.ts';
import type { ReadLimiter } from '../slide/read-limiter.ts';
import type { ScanAccess } from './scan-access.ts';

interface Prepared {
  pixels: CellPixels;
  config: CellInstanceConfig;
}

/** A split measures its parts right after reading the same box: the read is kept this long for that. */
const READ_KEPT_MS = 5000;

export function createCellEditPixels(scans: ScanAccess, limiter: ReadLimiter): CellEditPixels {
  let last: { key: string; at: number; prepared: Promise<Prepared> } | null = null;
  const read = (slide: SlideRecord, area: Box, margin: number): Promise<Prepared> => {
    const key = `${slide.id}:${slide.path}:${area.x},${area.y},${area.width},${area.height}:${margin}`;
    const now = Date.now();
    if (last && last.key === key && now - last.at < READ_KEPT_MS) return last.prepared;
    const prepared = readFresh(slide, area, margin);
    last = { key, at: now, prepared };
    prepared.catch(() => { if (last?.prepared === prepared) last = null; });
    return prepared;
  };
  const readFresh = async (slide: SlideRecord, area: Box, margin: number): Promise<Prepared> => {
    const { reader } = await scans.open(slide);
    const mpp = slide.mppX ?? slide.mppY ?? ASSUMED_MPP;
    const segmenterUm = DEFAULT_CLASSICAL_CONFIG.umPerPixel;
    const factor = Math.max(1, Math.round(segmenterUm / DEFAULT_CELL_INSTANCE_CONFIG.nucleusUmPerPixel));
    const detailUm = segmenterUm / factor;
    const downsample = downsampleFor(detailUm, mpp);
    const detail = await limiter.run(() => readSliceImage(reader, area, margin, downsample, factor));
    const cellMask = classicalMask(shrinkImage(detail.image, factor), { ...DEFAULT_CLASSICAL_CONFIG, umPerPixel: segmenterUm });
    const level0 = reader.info.levels[0];
    return {
      pixels: {
        detail: detail.image, origin: detail.origin, detailDownsample: downsample, cellMask, factor, mpp,
        slide: { x: 0, y: 0, width: level0?.width ?? slide.width, height: level0?.height ?? slide.height },
      },
      config: { ...DEFAULT_CELL_INSTANCE_CONFIG, nucleusUmPerPixel: detailUm },
    };
  };
  // Nuclei are told from their surroundings over backgroundRadiusUm: read that much around a box.
  const contextMargin = (slide: SlideRecord) =>
    Math.ceil(umToPx(DEFAULT_CELL_INSTANCE_CONFIG.backgroundRadiusUm, slide.mppX ?? slide.mppY ?? ASSUMED_MPP));
  return {
    async measure(slide, boxes, within) {
      if (boxes.length === 0) return [];
      const area = within ?? unionBox(boxes);
      const { pixels, config } = await read(slide, area, contextMargin(slide));
      return boxes.map((box) => measureBox(pixels, box, config));
    },
    async propose(slide, point) {
      const mpp = slide.mppX ?? slide.mppY ?? ASSUMED_MPP;
      const c = DEFAULT_CELL_INSTANCE_CONFIG;
      const reach = Math.ceil(umToPx(c.maxCellRadiusUm + c.paddingUm, mpp));
      const area = { x: Math.round(point.x) - reach, y: Math.round(point.y) - reach, width: 2 * reach, height: 2 * reach };
      const { pixels, config } = await read(slide, area, contextMargin(slide));
      return proposeCellAt(pixels, point, config);
    },
    async split(slide, box, nuclei) {
      const { pixels, config } = await read(slide, box, contextMargin(slide));
      return splitBoxAt(pixels, box, nuclei, config);
    },
  };
}

