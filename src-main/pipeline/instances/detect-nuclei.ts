// Nuclei: dark hematoxylin-stained blobs. Per pixel min(OD red, OD green)
// (nuclei absorb both; eosinophilic and cyanophilic cytoplasm each spare one),
// smoothed, kept where it stands out from its local mean, opened, holes
// filled, labelled. Each nucleus also gets the share of a ring around it that
// is stained non-nuclear material: a cell's nucleus sits in cytoplasm, a
// neutrophil's lobes sit on glass or among other neutrophils.
// Pure: RGBA image at config.nucleusUmPerPixel in, nuclei in image px out.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import { OD_TABLE } from '../optical-density.ts';
import { erodeSquare, fillHoles, labelComponents, openSquare } from '../segment/mask-morphology.ts';
import { boxMean } from './box-filter.ts';
import type { CellInstanceConfig } from './instance-config.ts';
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
  /** Mean smoothed nuclear density (min(OD red, OD green)). */
  density: number;
}

export interface NucleusMap {
  width: number;
  height: number;
  /** 0 = no nucleus, else Nucleus.label. */
  labels: Int32Array;
  nuclei: Nucleus[];
}

/** Smoothed nuclear density and stain flags of an RGBA image (transparent = glass). */
function densities(image: RgbaImage, radius: number, stainDensity: number): { nuclear: Float32Array; stained: Uint8Array } {
  const { width, height, data } = image;
  const n = width * height;
  const nuclear = new Float32Array(n);
  const total = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    if (data[p + 3] === 0) continue;
    const r = OD_TABLE[data[p]!]!;
    const g = OD_TABLE[data[p + 1]!]!;
    nuclear[i] = r < g ? r : g;
    total[i] = r + g + OD_TABLE[data[p + 2]!]!;
  }
  const smooth = boxMean(boxMean(nuclear, width, height, radius), width, height, radius);
  const totalSmooth = boxMean(total, width, height, radius);
  const stained = new Uint8Array(n);
  for (let i = 0; i < n; i++) stained[i] = totalSmooth[i]! > stainDensity ? 1 : 0;
  return { nuclear: smooth, stained };
}

/**
 * Labels nucleus blobs, parting nuclei that touch through a neck: the mask is eroded by
 * `neck` px, each core left (of at least minCore px) seeds its own nucleus, and the blob's
 * pixels go to the nearest core. A blob with one core, or none, or under minBlob px, stays whole.
 */
export function labelTouchingNucleiApart(
  mask: Uint8Array, width: number, height: number, neck: number, minCore: number, minBlob: number,
): { labels: Int32Array; areas: number[] } {
  // Only blobs large enough to hold two nuclei are looked into.
  const blobs = labelComponents(mask, width, height, 1);
  const large = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) large[i] = blobs.areas[blobs.labels[i]!]! >= minBlob && mask[i] === 1 ? 1 : 0;
  const cores = labelComponents(erodeSquare(large, width, height, neck), width, height, 1);
  const keep = new Int32Array(cores.areas.length);
  let seedCount = 0;
  for (let l = 1; l < cores.areas.length; l++) if (cores.areas[l]! >= minCore) keep[l] = ++seedCount;
  const seeds = new Int32Array(mask.length);
  for (let i = 0; i < mask.length; i++) seeds[i] = keep[cores.labels[i]!]!;
  const { regions } = splitCellsBySeeds(mask, seeds, width, height, seedCount, 4 * neck + 2);
  // Blobs too thin to keep a core are nuclei of their own.
  const rest = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) rest[i] = mask[i] === 1 && regions[i] === 0 ? 1 : 0;
  const small = labelComponents(rest, width, height, 1);
  const labels = new Int32Array(mask.length);
  const areas = [0];
  for (let l = 1; l <= seedCount; l++) areas.push(0);
  for (let l = 1; l < small.areas.length; l++) areas.push(small.areas[l]!);
  for (let i = 0; i < mask.length; i++) {
    const r = regions[i]!;
    if (r !== 0) {
      labels[i] = r;
      areas[r]!++;
    } else if (small.labels[i] !== 0) {
      labels[i] = seedCount + small.labels[i]!;
    }
  }
  return { labels, areas };
}

export function detectNuclei(image: RgbaImage, config: CellInstanceConfig): NucleusMap {
  const { width, height } = image;
  const um = config.nucleusUmPerPixel;
  const px = (lengthUm: number): number => Math.max(0, Math.round(lengthUm / um));
  const { nuclear, stained } = densities(image, px(config.smoothRadiusUm), config.stainDensity);
  const local = boxMean(nuclear, width, height, px(config.backgroundRadiusUm));
  let mask: Uint8Array = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    const v = nuclear[i]!;
    mask[i] = v > config.nucleusMinDensity && v > local[i]! + config.nucleusContrast ? 1 : 0;
  }
  mask = openSquare(mask, width, height, 1);
  mask = fillHoles(mask, width, height, Math.round(config.epithelialNucleusAreaUm2 / (um * um)));
  const { labels: raw, areas } = labelTouchingNucleiApart(mask, width, height, px(config.nucleusNeckUm), config.minNucleusCoreUm2 / (um * um), config.epithelialNucleusAreaUm2 / (um * um));
  const minArea = config.minNucleusAreaUm2 / (um * um);
  // Relabel the kept blobs 1..n so every per-nucleus array is dense.
  const relabel = new Int32Array(areas.length);
  const nuclei: Nucleus[] = [];
  for (let l = 1; l < areas.length; l++) {
    if (areas[l]! < minArea) continue;
    relabel[l] = nuclei.length + 1;
    nuclei.push({ label: nuclei.length + 1, area: 0, cx: 0, cy: 0, minX: width, minY: height, maxX: -1, maxY: -1, ringCytoplasm: 0, density: 0 });
  }
  const labels = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = relabel[raw[i]!]!;
    if (l === 0) continue;
    labels[i] = l;
    const nu = nuclei[l - 1]!;
    const x = i % width;
    const y = (i - x) / width;
    nu.area++;
    nu.cx += x + 0.5;
    nu.cy += y + 0.5;
    nu.density += nuclear[i]!;
    if (x < nu.minX) nu.minX = x;
    if (x > nu.maxX) nu.maxX = x;
    if (y < nu.minY) nu.minY = y;
    if (y > nu.maxY) nu.maxY = y;
  }
  for (const nu of nuclei) {
    nu.cx /= nu.area;
    nu.cy /= nu.area;
    nu.density /= nu.area;
  }
  const [inner, outer] = [px(config.cytoplasmRingUm[0]), px(config.cytoplasmRingUm[1])];
  // Nearest nucleus of every pixel up to the ring's outer edge (a flood not bound to any mask).
  const { distance, regions: owner } = splitCellsBySeeds(null, labels, width, height, nuclei.length, outer);
  const ring = new Float64Array(nuclei.length + 1);
  const cytoplasm = new Float64Array(nuclei.length + 1);
  for (let i = 0; i < distance.length; i++) {
    const d = distance[i]!;
    if (d <= inner || d > outer) continue;
    const o = owner[i]!;
    ring[o]!++;
    if (stained[i] === 1) cytoplasm[o]!++;
  }
  for (const nu of nuclei) nu.ringCytoplasm = ring[nu.label]! > 0 ? cytoplasm[nu.label]! / ring[nu.label]! : 0;
  return { width, height, labels, nuclei };
}
