// Splits a cell mask into one region per nucleus: every mask pixel goes to
// the nucleus it can reach first without leaving the mask (a geodesic
// Voronoi partition, i.e. a seeded watershed on a flat landscape). Touching
// cells part half-way between their nuclei; overlapping cells each keep the
// side nearer their own nucleus, so their boxes overlap as they should.
// Pure: mask + seed labels in, region labels out, all on one pixel grid.
import { scratchArray } from '../scratch-arrays.ts';

export interface CellSplit {
  /** 0 = background or out of reach, else the seed label that claimed the pixel. */
  regions: Int32Array;
  /** Pixels per seed label (index = label). */
  areas: Int32Array;
  /** Chessboard distance along the mask from the claiming seed; 0xffff where unclaimed. */
  distance: Uint16Array;
}

/** Gives pixel t (column tx) to `label` at ring d if it is unclaimed mask; returns the ring's new size (room is there). */
function claim(
  t: number, tx: number, label: number, d: number, mask: Uint8Array | null, regions: Int32Array, areas: Int32Array,
  distance: Uint16Array, next: Int32Array, nextX: Int32Array, nextSize: number,
): number {
  if (regions[t] !== 0 || (mask !== null && mask[t] !== 1)) return nextSize;
  regions[t] = label;
  areas[label]!++;
  distance[t] = d;
  nextX[nextSize] = tx;
  next[nextSize] = t;
  return nextSize + 1;
}

/** A queue twice as long (at most `limit`), its items kept. */
function grown(queue: Int32Array<ArrayBuffer>, limit: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.min(limit, queue.length * 2));
  out.set(queue);
  return out;
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
  const regions = scratchArray(Int32Array, n);
  const areas = new Int32Array(seedCount + 1);
  const distance = scratchArray(Uint16Array, n).fill(0xffff);
  const limit = Math.min(maxDistance, 0xfffe);
  // Breadth-first by rings: every pixel of ring d is claimed before ring d + 1, so each pixel goes
  // to a seed at the least chessboard distance (ties: the first in the queue). Each queued pixel
  // carries its column, so no division is needed per pixel (a modulo per pixel cost ~20 %).
  // The rings are queues that grow as needed: sized for the whole image they would zero several
  // MB per call, while a ring is a thin band around the seeds.
  let queue = new Int32Array(1024);
  let queueX = new Int32Array(queue.length);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const s = seeds[i]!;
    if (s === 0) continue;
    if (s < 0 || s > seedCount) throw new RangeError(`splitCellsBySeeds: seed label ${s} outside 1..${seedCount}`);
    regions[i] = s;
    areas[s]!++;
    distance[i] = 0;
    if (size === queue.length) [queue, queueX] = [grown(queue, n), grown(queueX, n)];
    queueX[size] = i % width;
    queue[size++] = i;
  }
  let next = new Int32Array(queue.length);
  let nextX = new Int32Array(queue.length);
  for (let d = 1; d <= limit && size > 0; d++) {
    let nextSize = 0;
    // The 8 neighbours in raster order (the row above, left and right, the row below): that
    // order breaks ties. claim() takes and returns the ring's size: a closure over it kept it
    // in a heap context, and that was most of the flood's time.
    for (let q = 0; q < size; q++) {
      const p = queue[q]!;
      const x = queueX[q]!;
      const label = regions[p]!;
      // Room for all 8 neighbours first, so claiming never grows the ring.
      if (nextSize + 8 > next.length) [next, nextX] = [grown(next, n), grown(nextX, n)];
      if (x > 0 && x < width - 1 && p >= width && p < n - width) {
        // Away from the image's edge (nearly every pixel): the 8 neighbours written out.
        const u = p - width;
        const b = p + width;
        nextSize = claim(u - 1, x - 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(u, x, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(u + 1, x + 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(p - 1, x - 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(p + 1, x + 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(b - 1, x - 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(b, x, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        nextSize = claim(b + 1, x + 1, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        continue;
      }
      const dx0 = x > 0 ? -1 : 0;
      const dx1 = x < width - 1 ? 1 : 0;
      const dy1 = p < n - width ? 1 : 0;
      for (let dy = p >= width ? -1 : 0; dy <= dy1; dy++) {
        for (let dx = dx0; dx <= dx1; dx++) {
          if (dx !== 0 || dy !== 0) nextSize = claim(p + dy * width + dx, x + dx, label, d, mask, regions, areas, distance, next, nextX, nextSize);
        }
      }
    }
    [queue, next] = [next, queue];
    [queueX, nextX] = [nextX, queueX];
    size = nextSize;
  }
  return { regions, areas, distance };
}
