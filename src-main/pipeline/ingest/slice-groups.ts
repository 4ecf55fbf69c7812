// Neighbouring slices read and segmented as one region. Every slice is read
// with a margin (a cell whose nucleus is in the slice may reach 60 um past
// it), so a lone 2,000 px slice reads, segments and searches 1.54x its own
// area; a 2 x 2 block of slices pays for its margin once, 1.25x. The store
// still sees slices: the candidates are split by owning slice afterwards
// (process-slice.ts) and each slice is committed on its own.
import { unionBox } from '../../domain/edit-geometry.ts';
import type { Box } from '../../domain/geometry.ts';

/** Slices per side of a group: 2 x 2 measured 20-27 % less CPU per slice than one by one; 3 x 3 added nothing more. */
export const SLICE_GROUP_SIDE = 2;

/**
 * Largest side (px at the nucleus scale, 0.5 um/px) a group's image may have: a 2 x 2 group of
 * 2,000 px slices of a 0.25 um/px scan is 2,240 px, its instance step's arrays ~20 MB each.
 * Larger slices or coarser scans (0.5 um/px: 4,240 px) stay one slice at a time, as before
 * groups: their margin is already a smaller share (1.25x at 0.5 um/px) and memory stays bounded.
 */
export const MAX_GROUP_DETAIL_SIDE = 2600;

/** SLICE_GROUP_SIDE where a group's image stays within MAX_GROUP_DETAIL_SIDE, else 1. */
export function groupSideFor(sliceSize: number, margin: number, mpp: number, detailUmPerPixel: number): number {
  const side = ((SLICE_GROUP_SIDE * sliceSize + 2 * margin) * mpp) / detailUmPerPixel;
  return side <= MAX_GROUP_DETAIL_SIDE ? SLICE_GROUP_SIDE : 1;
}

/** True when the slices cover their region exactly (grid slices never overlap, so the areas say it). */
export function tilesRegion(slices: readonly Box[]): boolean {
  if (slices.length === 0) return false;
  const region = unionBox(slices);
  return slices.reduce((sum, s) => sum + s.width * s.height, 0) === region.width * region.height;
}

function rightNeighbour(a: Box, b: Box): boolean {
  return a.y === b.y && a.height === b.height && a.x + a.width === b.x;
}

function belowNeighbour(a: Box, b: Box): boolean {
  return a.x === b.x && a.width === b.width && a.y + a.height === b.y;
}

/**
 * Groups slices of one grid (anchored at the slide origin, as slice-grid.ts plans
 * them) into aligned blocks of up to SLICE_GROUP_SIDE x SLICE_GROUP_SIDE that cover
 * their region exactly: a full block is one group; a partial one gives pairs of
 * neighbours, then single slices. Groups keep the order of their first slice.
 * `side` 1 gives one group per slice.
 */
export function planSliceGroups<T extends Box>(slices: readonly T[], side: number = SLICE_GROUP_SIDE): T[][] {
  if (side !== 1 && side !== 2) throw new RangeError(`slice groups are 1 or 2 slices a side, got ${side}`);
  if (side === 1 || slices.length === 0) return slices.map((s) => [s]);
  // The grid step: edge slices may be clipped to the slide, never larger.
  const stepX = Math.max(...slices.map((s) => s.width));
  const stepY = Math.max(...slices.map((s) => s.height));
  const blocks = new Map<string, Array<{ slice: T; index: number }>>();
  slices.forEach((slice, index) => {
    const key = `${Math.floor(slice.x / (side * stepX))},${Math.floor(slice.y / (side * stepY))}`;
    const block = blocks.get(key);
    if (block) block.push({ slice, index });
    else blocks.set(key, [{ slice, index }]);
  });
  const groups: Array<{ members: T[]; first: number }> = [];
  for (const block of blocks.values()) {
    const members = block.map((m) => m.slice);
    const first = Math.min(...block.map((m) => m.index));
    if (members.length > 1 && tilesRegion(members)) {
      groups.push({ members: [...members].sort((a, b) => a.y - b.y || a.x - b.x), first });
      continue;
    }
    // A partial block: a row pair first, then a column pair, then the slice alone.
    const left = [...block].sort((a, b) => a.slice.y - b.slice.y || a.slice.x - b.slice.x);
    while (left.length > 0) {
      const a = left.shift()!;
      const k = left.findIndex((b) => rightNeighbour(a.slice, b.slice) || belowNeighbour(a.slice, b.slice));
      const pair = k >= 0 ? left.splice(k, 1)[0]! : null;
      groups.push({ members: pair ? [a.slice, pair.slice] : [a.slice], first: Math.min(a.index, pair?.index ?? a.index) });
    }
  }
  return groups.sort((a, b) => a.first - b.first).map((g) => g.members);
}
