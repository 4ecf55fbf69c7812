// Slices through the pipeline: read (with margin) at a physical working
// scale, segment, fill small holes, then either split the cell mask into one
// candidate per nucleus ('whole-cell', the default) or run the paper's
// erosion-based extraction ('paper'). In 'whole-cell' mode a group of
// neighbouring slices (slice-groups.ts) is one read of their region, and its
// candidates are handed to the slice that owns them (nucleus centroid); the
// paper's extraction stays one slice at a time. Every size is in um,
// converted with the slide's mpp (work.mpp). Returns each slice's candidates
// as store rows plus per-stage timings; writes nothing.
import { pointInBox, unionBox } from '../../domain/edit-geometry.ts';
import type { Box } from '../../domain/geometry.ts';
import type { DamagedArea } from '../../domain/slide.ts';
import type { SlideReader } from '../../slide/slide-reader.ts';
import type { NewCell } from '../../store/index.ts';
import { extractCells, extractConfigForScale } from '../extract/index.ts';
import type { ExtractConfig } from '../extract/index.ts';
import { DEFAULT_MAX_HOLE_AREA_UM2, fillSmallHoles } from '../fill-holes.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, findCellInstances } from '../instances/index.ts';
import type { CellInstanceConfig } from '../instances/index.ts';
import type { Mask } from '../mask.ts';
import { downsampleFor, um2ToPx2 } from '../scale.ts';
import { withScratchArrays } from '../scratch-arrays.ts';
import type { ScratchArrays } from '../scratch-arrays.ts';
import type { Segmenter } from '../segment/segmenter.ts';
import { tilesRegion } from './slice-groups.ts';
import { readSliceImage, shrinkImage } from './slice-image.ts';

export interface SliceWork {
  reader: SlideReader;
  segmenter: Segmenter;
  mode: 'whole-cell' | 'paper';
  /** Level-0 px read around the slice in 'whole-cell' mode. */
  margin: number;
  /** um per level-0 px of this scan. */
  mpp: number;
  extract?: Partial<ExtractConfig>;
  instances?: Partial<CellInstanceConfig>;
  /** The lane's working arrays, reused from group to group by the instance step (new arrays without). */
  scratch?: ScratchArrays;
}

/** What the store keeps, plus the APACC crop-name centre for --save-crops. */
export interface SliceCandidate {
  cell: NewCell;
  cropCentreInSlice: { x: number; y: number };
}

export interface SliceOutcome {
  candidates: SliceCandidate[];
  cells: NewCell[];
  /** Damaged parts of the scan the slice was read around (cells are found in the rest). */
  damaged: DamagedArea[];
  timings: { read: number; segment: number; extract: number };
}

/** The detail scale nuclei are found at, and how many detail px make one segmenter px. */
function workingScales(segmenterUmPerPixel: number, nucleusUmPerPixel: number): { detailUm: number; factor: number } {
  const factor = Math.max(1, Math.round(segmenterUmPerPixel / nucleusUmPerPixel));
  return { detailUm: segmenterUmPerPixel / factor, factor };
}

function slideBox(reader: SlideReader): Box {
  const level0 = reader.info.levels[0];
  return { x: 0, y: 0, width: level0?.width ?? 0, height: level0?.height ?? 0 };
}

async function segmentMask(work: SliceWork, image: Parameters<Segmenter['segment']>[0], downsample: number): Promise<Mask> {
  const mask = await work.segmenter.segment(image);
  // The segmenter reports its reference downsample; the true one depends on this scan's mpp.
  mask.downsample = downsample;
  fillSmallHoles(mask, um2ToPx2(DEFAULT_MAX_HOLE_AREA_UM2, work.mpp));
  return mask;
}

/** A group met damaged scan data: the ingest retries its slices one by one. */
class SliceGroupDamagedError extends Error {
  constructor(areas: number) {
    super(`${areas} damaged area(s) under a group of slices: read them one by one`);
    this.name = 'SliceGroupDamagedError';
  }
}

async function processWholeCell(work: SliceWork, slices: readonly Box[]): Promise<SliceOutcome[]> {
  const config = { ...DEFAULT_CELL_INSTANCE_CONFIG, ...work.instances };
  const { detailUm, factor } = workingScales(work.segmenter.umPerPixel, config.nucleusUmPerPixel);
  const detailDs = downsampleFor(detailUm, work.mpp);
  const region = unionBox(slices);
  let t = performance.now();
  const detail = await readSliceImage(work.reader, region, work.margin, detailDs, factor);
  if (slices.length > 1 && detail.damaged.length > 0) {
    // Damage is read around one slice at a time, as without groups: a slice none of whose area
    // can be read then fails alone instead of passing as glass beside readable neighbours.
    throw new SliceGroupDamagedError(detail.damaged.length);
  }
  const read = performance.now() - t;
  t = performance.now();
  const mask = await segmentMask(work, shrinkImage(detail.image, factor), detailDs * factor);
  const segment = performance.now() - t;
  t = performance.now();
  const input = {
    detail: detail.image, origin: detail.origin, detailDownsample: detailDs, cellMask: mask.data, factor,
    slice: region, slide: slideBox(work.reader), mpp: work.mpp,
  };
  const instanceConfig = { ...config, nucleusUmPerPixel: detailUm };
  const { instances } = work.scratch
    ? withScratchArrays(work.scratch, () => findCellInstances(input, instanceConfig))
    : findCellInstances(input, instanceConfig);
  const model = work.segmenter.modelId ?? work.segmenter.name;
  // The region owns a candidate by its centre, and the slices tile the region: each has one owner.
  const owned = slices.map((): SliceCandidate[] => []);
  for (const c of instances) {
    const k = slices.findIndex((s) => pointInBox(c.centre, s));
    if (k < 0) continue;
    const slice = slices[k]!;
    owned[k]!.push({
      cell: {
        number: owned[k]!.length + 1, box: c.box, centre: c.centre, area: c.area, source: 'auto', model,
        kind: c.kind, nucleus: c.nucleus, nucleusArea: c.nucleusArea, nuclei: c.nuclei,
      },
      cropCentreInSlice: { x: c.cropCentreInSlice.x + region.x - slice.x, y: c.cropCentreInSlice.y + region.y - slice.y },
    });
  }
  const extract = performance.now() - t;
  // The group's stage times shared out evenly, so the job's sums stay what the stages cost.
  const n = slices.length;
  const timings = { read: read / n, segment: segment / n, extract: extract / n };
  return owned.map((candidates, k) => ({
    candidates, cells: candidates.map((c) => c.cell), damaged: k === 0 ? detail.damaged : [], timings,
  }));
}

async function processPaper(work: SliceWork, slice: Box): Promise<SliceOutcome> {
  const ds = downsampleFor(work.segmenter.umPerPixel, work.mpp);
  let t = performance.now();
  const sliceImage = await readSliceImage(work.reader, slice, 0, ds);
  const read = performance.now() - t;
  t = performance.now();
  const mask = await segmentMask(work, sliceImage.image, ds);
  const segment = performance.now() - t;
  t = performance.now();
  const config = extractConfigForScale(work.mpp, { ...work.extract, mode: 'paper' }, work.segmenter.umPerPixel);
  const { candidates: found } = extractCells(mask, { origin: sliceImage.origin, slice, slide: slideBox(work.reader) }, config);
  const model = work.segmenter.modelId ?? work.segmenter.name;
  const candidates = found.map((c, i): SliceCandidate => ({
    cell: {
      number: i + 1, box: c.box, centre: { x: c.centre.x, y: c.centre.y }, area: c.area, perimeter: c.perimeter,
      roundness: c.roundness, solidity: c.solidity, eccentricity: c.eccentricity, source: 'auto', model,
    },
    cropCentreInSlice: c.cropCentreInSlice,
  }));
  const extract = performance.now() - t;
  return { candidates, cells: candidates.map((c) => c.cell), damaged: sliceImage.damaged, timings: { read, segment, extract } };
}

/**
 * One outcome per slice, in order. The slices must cover their region exactly (one slice,
 * or a group from planSliceGroups); the group's damaged areas come with the first slice.
 */
export async function processSliceGroup(work: SliceWork, slices: readonly Box[]): Promise<SliceOutcome[]> {
  if (!tilesRegion(slices)) throw new RangeError(`slices ${JSON.stringify(slices)} do not cover their region exactly`);
  if (work.mode === 'whole-cell') return processWholeCell(work, slices);
  const outcomes: SliceOutcome[] = [];
  for (const slice of slices) outcomes.push(await processPaper(work, slice));
  return outcomes;
}
