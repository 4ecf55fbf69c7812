// Pixel noise for the synthetic slide: integer hashes and value noise. Noise
// is a pure function of (x, y, seed) so any region renders the same bytes
// whatever the order or tiling it is rendered in. (Scene layout draws from
// the shared PRNG in domain/random.ts.)

/** Integer hash of a lattice point, as a float in [0, 1). */
export function hash2(ix: number, iy: number, seed: number): number {
  let h = Math.imul(ix | 0, 0x27d4eb2d) ^ Math.imul(iy | 0, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise in [-1, 1] with features about `cell` px across. */
export function valueNoise(x: number, y: number, cell: number, seed: number): number {
  const fx = x / cell;
  const fy = y / cell;
  const ix = Math.floor(fx);
  const iy = Math.floor(fy);
  let tx = fx - ix;
  let ty = fy - iy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const a = hash2(ix, iy, seed);
  const b = hash2(ix + 1, iy, seed);
  const c = hash2(ix, iy + 1, seed);
  const d = hash2(ix + 1, iy + 1, seed);
  const top = a + (b - a) * tx;
  const bottom = c + (d - c) * tx;
  return (top + (bottom - top) * ty) * 2 - 1;
}

/** Two octaves of value noise at offset lattices, in about [-1, 1]: hides the lattice's square look. */
export function fractalNoise(x: number, y: number, cell: number, seed: number): number {
  return 0.62 * valueNoise(x, y, cell, seed) + 0.38 * valueNoise(x + 17.3 * cell, y - 9.1 * cell, cell * 0.41, seed ^ 0x68e31da4);
}
