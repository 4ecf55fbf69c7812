// What OpenSlide 3.4.1 should report for a MIRAX slide, computed from its
// Slidedat.ini and Index.dat alone (shared/docs/mirax-format.md sections 2.2
// and 2.5), so the tests do not take the writer's word for it.
import type { SlideBounds, SlideLevel } from '../../../src-main/slide/slide-reader.ts';
import { readIndexItems, readSlidedat } from '../../fixtures/corrupt-slide.ts';
import type { IndexItem } from '../../fixtures/corrupt-slide.ts';

export interface MiraxGeometry {
  imagesX: number;
  imagesY: number;
  imageWidth: number;
  imageHeight: number;
  divisions: number;
  levels: SlideLevel[];
  mpp: [number, number];
  objectivePower: number;
  /** From level 0's IMAGE_FILL_COLOR_BGR. */
  fill: [number, number, number];
  /** Bounding box of the level-0 images present in Index.dat. */
  bounds: SlideBounds;
  /** OpenSlide's names for the Scan data layer records present. */
  associated: string[];
  items: IndexItem[][];
  /** Level-0 origin of image `imageIndex` (zero overlap, regular positions). */
  origin(imageIndex: number): [number, number];
}

const associatedNames: Record<string, string> = {
  ScanDataLayer_SlideThumbnail: 'macro',
  ScanDataLayer_SlideBarcode: 'label',
  ScanDataLayer_SlidePreview: 'thumbnail',
};

function num(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n)) throw new Error(`Slidedat.ini: ${what} is ${value}`);
  return n;
}

export async function miraxGeometry(mrxsPath: string): Promise<MiraxGeometry> {
  const ini = await readSlidedat(mrxsPath);
  const general = ini['GENERAL'] ?? {};
  const hier = ini['HIERARCHICAL'] ?? {};
  const imagesX = num(general['IMAGENUMBER_X'], 'IMAGENUMBER_X');
  const imagesY = num(general['IMAGENUMBER_Y'], 'IMAGENUMBER_Y');
  const divisions = num(general['CameraImageDivisionsPerSide'] ?? '1', 'CameraImageDivisionsPerSide');
  const levelCount = num(hier['HIER_0_COUNT'], 'HIER_0_COUNT');
  const section = (k: number): Record<string, string> => ini[hier[`HIER_0_VAL_${k}_SECTION`] ?? ''] ?? {};
  const level0 = section(0);
  const W = num(level0['DIGITIZER_WIDTH'], 'DIGITIZER_WIDTH');
  const H = num(level0['DIGITIZER_HEIGHT'], 'DIGITIZER_HEIGHT');
  const overlapX = num(level0['OVERLAP_X'], 'OVERLAP_X');
  const overlapY = num(level0['OVERLAP_Y'], 'OVERLAP_Y');
  if (overlapX !== 0 || overlapY !== 0) throw new Error('miraxGeometry handles zero-overlap slides only');
  const baseW = imagesX * W - (imagesX / divisions - 1) * overlapX;
  const baseH = imagesY * H - (imagesY / divisions - 1) * overlapY;
  const levels: SlideLevel[] = [];
  let concat = 0;
  let c0 = 1;
  for (let k = 0; k < levelCount; k++) {
    concat += num(section(k)['IMAGE_CONCAT_FACTOR'], `level ${k} IMAGE_CONCAT_FACTOR`);
    const c = 2 ** concat;
    if (k === 0) c0 = c;
    levels.push({ width: Math.floor(baseW / c), height: Math.floor(baseH / c), downsample: c / c0 });
  }
  const bgr = num(level0['IMAGE_FILL_COLOR_BGR'], 'IMAGE_FILL_COLOR_BGR');
  const items = await readIndexItems(mrxsPath);
  const origin = (imageIndex: number): [number, number] => [(imageIndex % imagesX) * W, Math.floor(imageIndex / imagesX) * H];
  const corners = (items[0] ?? []).map((i) => origin(i.imageIndex));
  const x0 = Math.min(...corners.map(([x]) => x));
  const y0 = Math.min(...corners.map(([, y]) => y));
  const x1 = Math.max(...corners.map(([x]) => x + W));
  const y1 = Math.max(...corners.map(([, y]) => y + H));
  const associated: string[] = [];
  const nonhierCount = num(hier['NONHIER_COUNT'] ?? '0', 'NONHIER_COUNT');
  for (let i = 0; i < nonhierCount; i++) {
    if (hier[`NONHIER_${i}_NAME`] !== 'Scan data layer') continue;
    const values = num(hier[`NONHIER_${i}_COUNT`], `NONHIER_${i}_COUNT`);
    for (let v = 0; v < values; v++) {
      const name = associatedNames[hier[`NONHIER_${i}_VAL_${v}`] ?? ''];
      if (name) associated.push(name);
    }
  }
  return {
    imagesX, imagesY, imageWidth: W, imageHeight: H, divisions, levels,
    mpp: [num(level0['MICROMETER_PER_PIXEL_X'], 'mpp x'), num(level0['MICROMETER_PER_PIXEL_Y'], 'mpp y')],
    objectivePower: num(general['OBJECTIVE_MAGNIFICATION'], 'OBJECTIVE_MAGNIFICATION'),
    fill: [bgr & 0xff, (bgr >> 8) & 0xff, (bgr >> 16) & 0xff],
    bounds: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
    associated: associated.sort(),
    items,
    origin,
  };
}

/** Mean absolute RGB difference over opaque pixels, and how many were opaque. */
export function compareRgba(rgba: Buffer, rgb: Uint8Array): { meanAbs: number; opaque: number } {
  let sum = 0;
  let opaque = 0;
  for (let i = 0; i * 4 < rgba.length; i++) {
    if (rgba[i * 4 + 3] !== 255) continue;
    opaque++;
    for (let c = 0; c < 3; c++) sum += Math.abs((rgba[i * 4 + c] ?? 0) - (rgb[i * 3 + c] ?? 0));
  }
  return { meanAbs: opaque === 0 ? 0 : sum / (opaque * 3), opaque };
}
