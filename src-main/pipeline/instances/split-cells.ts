// Splits a cell mask into one region per nucleus: every mask pixel goes to
// the nucleus it can reach first without leaving the mask (a geodesic
// Voronoi partition, i.e. a seeded watershed on a flat landscape). Touching
// cells part half-way between their nuclei; overlapping cells each keep the
// side nearer their own nucleus, so their boxes overlap as they should.
// Pure: mask + seed labels in, region labels out, all on one pixel grid.

export interface CellSplit {
  /** 0 = background or out of reach, else the seed label that claimed the pixel. */
  regions: Int32Array;
  /** Pixels per seed label (index = label). */
  areas: Int32Array;
  /** Chessboard distance along the mask from the claiming seed; 0xffff where unclaimed. */
  distance: Uint16Array;
}

/**
 * mask: 1 = cell region, or null for everywhere (a plain nearest-seed map). seeds: 0 or a seed
 * label 1..seedCount (seed pixels count as mask). maxDistance: how far (chessboard px along the
 * mask) a region may reach from its seed.
 */
export function splitCellsBySeeds(
  mask: Uint8Array | null, seeds: Int32Array, width: number, height: number, seedCount: number, maxDistance: number,
): CellSplit {
  const n = width * height;
  if ((mask !== null && mask.length !== n) || seeds.length !== n) throw new RangeError(`splitCellsBySeeds: mask ${mask?.length ?? 'everywhere'} and seeds ${seeds.length} must both be ${width}x${height}`);
  const regions = new Int32Array(n);
  const areas = new Int32Array(seedCount + 1);
  const distance = new Uint16Array(n).fill(0xffff);
  const limit = Math.min(maxDistance, 0xfffe);
  let queue = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const s = seeds[i]!;
    if (s === 0) continue;
    if (s < 0 || s > seedCount) throw new RangeError(`splitCellsBySeeds: seed label ${s} outside 1..${seedCount}`);
    regions[i] = s;
    areas[s]!++;
    distance[i] = 0;
    queue[size++] = i;
  }
  let next = new Int32Array(n);
  // Level by level, 4-neighbours first then diagonals within a level would bias nothing that
  // matters here; plain 8-neighbour rings give chessboard distance.
  for (let d = 1; d <= limit && size > 0; d++) {
    let nextSize = 0;
    for (let q = 0; q < size; q++) {
      const p = queue[q]!;
      const label = regions[p]!;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const t = yy * width + xx;
          if (regions[t] !== 0 || (mask !== null && mask[t] !== 1)) continue;
          regions[t] = label;
          areas[label]!++;
          distance[t] = d;
          next[nextSize++] = t;
        }
      }
    }
    [queue, next] = [next, queue];
    size = nextSize;
  }
  return { regions, areas, distance };
}
