// Nuclei: dark hematoxylin-stained blobs. Per pixel min(OD red, OD green)
// (nuclei absorb both; eosinophilic and cyanophilic cytoplasm each spare one),
// smoothed, kept where it stands out from its local mean, opened, holes
// filled, labelled. Each nucleus also gets the share of a ring around it that
// is stained non-nuclear material: a cell's nucleus sits in cytoplasm, a
// neutrophil's lobes sit on glass or among other neutrophils.
// Pure: RGBA image at config.nucleusUmPerPixel in, nuclei in image px out.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import { OD_TABLE } from '../optical-density.ts';
import { scratchArray } from '../scratch-arrays.ts';
import { erodeSquare, fillHoles, labelComponents } from '../segment/mask-morphology.ts';
import type { CellInstanceConfig } from './instance-config.ts';
import { addPixel, emptyBounds, runBounds } from './label-bounds.ts';
import type { LabelBounds } from './label-bounds.ts';
import { openSparse3x3, sparseNucleusMask } from './sparse-nucleus-mask.ts';
import { splitCellsBySeeds } from './split-cells.ts';

export interface Nucleus {
  /** Label in NucleusMap.labels (1-based). */
  label: number;
  /** Pixels, image px^2. */
  area: number;
  /** Centroid, continuous image px (pixel i spans [i, i + 1)). */
  cx: number;
  cy: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Share of the cytoplasm ring (config.cytoplasmRingUm) that is stained and not nuclear; 0-1. */
  ringCytoplasm: number;
}

export interface NucleusMap {
  width: number;
  height: number;
  /** 0 = no nucleus, else Nucleus.label. */
  labels: Int32Array;
  nuclei: Nucleus[];
}

/** OD per byte value with a 257th entry, 0, for transparent pixels (glass). */
const OD_OR_GLASS = Float32Array.from([...OD_TABLE, 0]);

/**
 * Nuclear density, min(OD red, OD green), of an RGBA image (transparent = glass = 0), and the
 * pixels whose density is above `floor` (aboveFloor's marks, made in the same pass). OD falls as
 * the byte value rises, so the minimum is the OD of the larger byte: one lookup in a 1 KB table
 * (a 64 K-entry table of the pair, 256 KB, missed the cache on every pixel), the same values.
 * The larger byte is taken without a branch (r - g changes sign at random from pixel to pixel).
 */
function nuclearDensity(image: RgbaImage, floor: number): { density: Float32Array; above: Uint8Array } {
  const { width, height, data } = image;
  const n = width * height;
  const density = scratchArray(Float32Array, n);
  const above = scratchArray(Uint8Array, n);
  const isAbove = Uint8Array.from(OD_OR_GLASS, (od) => (od > floor ? 1 : 0));
  if (data.byteOffset % 4 === 0) {
    // One 32-bit word per pixel (little-endian: red in the low byte, alpha in the high one).
    const words = new Int32Array(data.buffer, data.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = words[i]!;
      const red = v & 0xff;
      const difference = red - ((v >> 8) & 0xff);
      const larger = v >>> 24 === 0 ? 256 : red - (difference & (difference >> 31));
      density[i] = OD_OR_GLASS[larger]!;
      above[i] = isAbove[larger]!;
    }
  } else {
    for (let i = 0, p = 0; i < n; i++, p += 4) {
      const larger = data[p + 3] === 0 ? 256 : Math.max(data[p]!, data[p + 1]!);
      density[i] = OD_OR_GLASS[larger]!;
      above[i] = isAbove[larger]!;
    }
  }
  return { density, above };
}

/**
 * Mean summed R+G+B optical density of the 2 x 2 block at coarse (cx, cy) (transparent pixels
 * count as glass; blocks cut by the right or bottom edge hold fewer pixels): the stain measure
 * of the cytoplasm rings, asked only at ring pixels. It was a blurred full-resolution stain flag
 * counted per block; on the 31 held-out real fields (`npm run eval:cells`) the block mean moved
 * one-box recall -0.1 / -0.3 points (0.25 / 0.5 um/px), boxes per annotated nucleus 2.93 -> 2.89.
 */
function blockStain(image: RgbaImage, cx: number, cy: number): number {
  const { width, height, data } = image;
  const x1 = Math.min(width, 2 * cx + 2);
  const y1 = Math.min(height, 2 * cy + 2);
  let sum = 0;
  for (let y = 2 * cy; y < y1; y++) {
    for (let x = 2 * cx, p = (y * width + x) * 4; x < x1; x++, p += 4) {
      if (data[p + 3] !== 0) sum += OD_TABLE[data[p]!]! + OD_TABLE[data[p + 1]!]! + OD_TABLE[data[p + 2]!]!;
    }
  }
  return sum / ((x1 - 2 * cx) * (y1 - 2 * cy));
}

/**
 * Labels nucleus blobs, parting nuclei that touch through a neck: a blob of at least minBlob px
 * is eroded by `neck` px, each core left (of at least minCore px) seeds its own nucleus, and the
 * blob's pixels go to the nearest core; bits too thin to reach are nuclei of their own. A blob
 * with one core, or none, or under minBlob px, stays whole. Work is done in each large blob's
 * bounding box only: they are a few percent of the image. Each label's bounds come too (from
 * the blobs' runs, and from the box of a split blob): no pass over the whole label image.
 */
export function labelTouchingNucleiApart(
  mask: Uint8Array, width: number, height: number, neck: number, minCore: number, minBlob: number,
): { labels: Int32Array; areas: number[]; bounds: LabelBounds[] } {
  const blobs = labelComponents(mask, width, height, 1);
  const count = blobs.areas.length - 1;
  const bounds = runBounds(blobs.runs, count);
  // Every blob keeps its own label unless it is split below; parts get labels after the blobs.
  // Relabelled in place: a part's label is above every blob label, so no later blob mistakes
  // another's pixels for its own.
  const labels = blobs.labels;
  const areas = blobs.areas.slice();
  for (let l = 1; l <= count; l++) {
    if (blobs.areas[l]! < minBlob) continue;
    const { minX: x0, minY: y0 } = bounds[l]!;
    const bw = bounds[l]!.maxX - x0 + 1;
    const bh = bounds[l]!.maxY - y0 + 1;
    const sub = new Uint8Array(bw * bh);
    for (let y = 0; y < bh; y++) {
      const row = (y0 + y) * width + x0;
      for (let x = 0; x < bw; x++) sub[y * bw + x] = blobs.labels[row + x] === l ? 1 : 0;
    }
    const cores = labelComponents(erodeSquare(sub, bw, bh, neck), bw, bh, 1);
    const keep = new Int32Array(cores.areas.length);
    let seedCount = 0;
    for (let c = 1; c < cores.areas.length; c++) if (cores.areas[c]! >= minCore) keep[c] = ++seedCount;
    if (seedCount < 2) continue;
    const seeds = new Int32Array(sub.length);
    for (let i = 0; i < sub.length; i++) seeds[i] = keep[cores.labels[i]!]!;
    const { regions } = splitCellsBySeeds(sub, seeds, bw, bh, seedCount, 4 * neck + 2);
    const rest = new Uint8Array(sub.length);
    for (let i = 0; i < sub.length; i++) rest[i] = sub[i] === 1 && regions[i] === 0 ? 1 : 0;
    const thin = labelComponents(rest, bw, bh, 1);
    // The blob's label goes to its first part; the others are appended.
    const partLabel = [l];
    for (let k = 2; k <= seedCount + thin.areas.length - 1; k++) { partLabel.push(areas.length); areas.push(0); bounds.push(emptyBounds()); }
    areas[l] = 0;
    bounds[l] = emptyBounds();
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        const i = y * bw + x;
        if (sub[i] === 0) continue;
        const part = regions[i] !== 0 ? regions[i]! : seedCount + thin.labels[i]!;
        const label = partLabel[part - 1]!;
        labels[(y0 + y) * width + x0 + x] = label;
        areas[label]!++;
        addPixel(bounds[label]!, x0 + x, y0 + y);
      }
    }
  }
  return { labels, areas, bounds };
}

export function detectNuclei(image: RgbaImage, config: CellInstanceConfig): NucleusMap {
  const { width, height } = image;
  const um = config.nucleusUmPerPixel;
  const px = (lengthUm: number): number => Math.max(0, Math.round(lengthUm / um));
  const nuclear = nuclearDensity(image, config.nucleusMinDensity);
  const thresholded = sparseNucleusMask(nuclear.density, width, height, {
    smoothRadius: px(config.smoothRadiusUm), backgroundRadius: px(config.backgroundRadiusUm),
    minDensity: config.nucleusMinDensity, contrast: config.nucleusContrast,
  }, nuclear.above);
  const mask = fillHoles(openSparse3x3(thresholded, width, height), width, height, Math.round(config.epithelialNucleusAreaUm2 / (um * um)));
  const { labels: raw, areas, bounds: blobBounds } = labelTouchingNucleiApart(mask, width, height, px(config.nucleusNeckUm), config.minNucleusCoreUm2 / (um * um), config.epithelialNucleusAreaUm2 / (um * um));
  const minArea = config.minNucleusAreaUm2 / (um * um);
  // Relabel the kept blobs 1..n so every per-nucleus array is dense: in place, each blob within
  // its own box, in label order (a new label is never above the old one, so a blob relabelled
  // earlier is never taken for a later one).
  const labels = raw;
  const nuclei: Nucleus[] = [];
  for (let l = 1; l < areas.length; l++) {
    const b = blobBounds[l]!;
    if (b.area === 0) continue;
    const label = areas[l]! >= minArea ? nuclei.length + 1 : 0;
    if (label !== l) {
      for (let y = b.minY; y <= b.maxY; y++) for (let i = y * width + b.minX, end = y * width + b.maxX; i <= end; i++) if (labels[i] === l) labels[i] = label;
    }
    if (label !== 0) {
      nuclei.push({
        label, area: b.area, cx: b.sumX / b.area, cy: b.sumY / b.area,
        minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY, ringCytoplasm: 0,
      });
    }
  }
  measureCytoplasmRings(labels, image, config.stainDensity, width, height, nuclei, config.cytoplasmRingUm[0] / um, config.cytoplasmRingUm[1] / um);
  return { width, height, labels, nuclei };
}

/** Whether no pixel after (x, y) in its 2 x 2 block, in raster order, belongs to a nucleus. */
function lastNuclearPixelOfBlock(labels: Int32Array, width: number, height: number, x: number, y: number): boolean {
  if ((x & 1) === 0 && x + 1 < width && labels[y * width + x + 1] !== 0) return false;
  if ((y & 1) === 0 && y + 1 < height) {
    const below = (y + 1) * width + (x & ~1);
    if (labels[below] !== 0 || ((x | 1) < width && labels[below + 1] !== 0)) return false;
  }
  return true;
}

/**
 * Sets each nucleus's ringCytoplasm: the stained share of the pixels that lie between `inner`
 * and `outer` px (chessboard) from their nearest nucleus and belong to it. The flood runs on a
 * 2x coarser grid: the ring is several px wide either way, and it is a quarter of the work.
 */
function measureCytoplasmRings(
  labels: Int32Array, image: RgbaImage, stainDensity: number, width: number, height: number, nuclei: Nucleus[], inner: number, outer: number,
): void {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  // A coarse pixel takes the label of its block's last nucleus pixel in raster order. Walked
  // nucleus by nucleus, each in its own box (nuclei are a few percent of the image).
  const coarseLabels = scratchArray(Int32Array, cw * ch);
  for (const nu of nuclei) {
    for (let y = nu.minY; y <= nu.maxY; y++) {
      const row = (y >> 1) * cw;
      for (let x = nu.minX, i = y * width + x; x <= nu.maxX; x++, i++) {
        if (labels[i] === nu.label && lastNuclearPixelOfBlock(labels, width, height, x, y)) coarseLabels[row + (x >> 1)] = nu.label;
      }
    }
  }
  const [lo, hi] = [Math.round(inner / 2), Math.round(outer / 2)];
  // Nearest nucleus of every coarse pixel up to the ring's outer edge (a flood not bound to any mask).
  const { distance, regions: owner } = splitCellsBySeeds(null, coarseLabels, cw, ch, nuclei.length, hi);
  const ring = new Float64Array(nuclei.length + 1);
  const cytoplasm = new Float64Array(nuclei.length + 1);
  for (let c = 0; c < distance.length; c++) {
    const d = distance[c]!;
    if (d <= lo || d > hi) continue;
    const o = owner[c]!;
    ring[o]!++;
    if (blockStain(image, c % cw, (c - (c % cw)) / cw) > stainDensity) cytoplasm[o]!++;
  }
  for (const nu of nuclei) nu.ringCytoplasm = ring[nu.label]! > 0 ? cytoplasm[nu.label]! / ring[nu.label]! : 0;
}
