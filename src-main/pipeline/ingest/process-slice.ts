// One slice through the paper's steps: read (with margin), segment, fill
// small holes (nuclei a model left out of the cell), extract.
// Returns the candidates as store rows plus per-stage timings; writes nothing.
import type { Box } from '../../domain/geometry.ts';
import type { SlideReader } from '../../slide/slide-reader.ts';
import type { NewCell } from '../../store/index.ts';
import { extractCells } from '../extract/index.ts';
import { fillSmallHoles } from '../fill-holes.ts';
import type { CellCandidate, ExtractConfig } from '../extract/index.ts';
import type { Segmenter } from '../segment/segmenter.ts';
import { readSliceImage } from './slice-image.ts';

export interface SliceWork {
  reader: SlideReader;
  segmenter: Segmenter;
  mode: 'whole-cell' | 'paper';
  margin: number;
  extract?: Partial<ExtractConfig>;
}

export interface SliceOutcome {
  candidates: CellCandidate[];
  cells: NewCell[];
  timings: { read: number; segment: number; extract: number };
}

export async function processSlice(work: SliceWork, slice: Box): Promise<SliceOutcome> {
  const { reader, segmenter } = work;
  const margin = work.mode === 'paper' ? 0 : work.margin;
  let t = performance.now();
  const sliceImage = await readSliceImage(reader, slice, margin, segmenter.downsample);
  const read = performance.now() - t;
  t = performance.now();
  const mask = await segmenter.segment(sliceImage.image);
  const segment = performance.now() - t;
  t = performance.now();
  fillSmallHoles(mask);
  const level0 = reader.info.levels[0];
  const slideBox = { x: 0, y: 0, width: level0?.width ?? 0, height: level0?.height ?? 0 };
  const { candidates } = extractCells(mask, { origin: sliceImage.origin, slice, slide: slideBox }, { ...work.extract, mode: work.mode });
  const cells: NewCell[] = candidates.map((c, i) => ({
    number: i + 1,
    box: c.box,
    centre: { x: c.centre.x, y: c.centre.y },
    area: c.area,
    perimeter: c.perimeter,
    roundness: c.roundness,
    solidity: c.solidity,
    eccentricity: c.eccentricity,
    source: 'auto',
    model: segmenter.modelId ?? segmenter.name,
  }));
  const extract = performance.now() - t;
  return { candidates, cells, timings: { read, segment, extract } };
}
