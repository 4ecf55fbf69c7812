// Tiled inference geometry and blending: cut an image into overlapping tiles
// a model accepts, then stitch the per-tile probabilities back with weights
// that ignore each tile's inner border (where zero padding distorts the
// output) and ramp linearly across the rest of the overlap. The ramps of two
// neighbours add up to one, so a fully convolutional model gives the same
// result tiled as on the whole image when the trimmed border exceeds its
// receptive-field radius.

export interface AxisPlan {
  /** Tile side along this axis (model input pixels). */
  tile: number;
  /** Start of each tile; a single tile may run past the image (padded). */
  starts: number[];
  /** Smallest overlap between neighbouring tiles (the blending ramp width). */
  overlap: number;
}

export interface TileGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Plans one axis. `fixedTile` set: the model's fixed side. Otherwise the tile is
 * chosen as small as possible (multiple of `multipleOf`, at most `maxTile`) so
 * that few pixels are computed twice.
 */
export function planAxis(
  length: number,
  opts: { fixedTile?: number; maxTile: number; multipleOf: number; overlap: number },
): AxisPlan {
  if (!Number.isInteger(length) || length <= 0) throw new RangeError(`axis length must be a positive integer, got ${length}`);
  const multiple = Math.max(1, opts.multipleOf);
  if (opts.fixedTile === undefined) {
    const maxTile = Math.max(multiple, Math.floor(opts.maxTile / multiple) * multiple);
    const whole = roundUp(length, multiple);
    if (whole <= maxTile) return { tile: whole, starts: [0], overlap: 0 };
    const overlap = Math.min(opts.overlap, maxTile - multiple);
    const count = Math.ceil((length - overlap) / (maxTile - overlap));
    const tile = Math.min(maxTile, roundUp(Math.ceil((length + (count - 1) * overlap) / count), multiple));
    return withOverlap(tile, spread(length, tile, count));
  }
  const tile = opts.fixedTile;
  if (length <= tile) return { tile, starts: [0], overlap: 0 };
  const overlap = Math.min(opts.overlap, tile - 1);
  const count = Math.ceil((length - overlap) / (tile - overlap));
  return withOverlap(tile, spread(length, tile, count));
}

function withOverlap(tile: number, starts: number[]): AxisPlan {
  let overlap = tile;
  for (let i = 1; i < starts.length; i++) overlap = Math.min(overlap, tile - (starts[i]! - starts[i - 1]!));
  return { tile, starts, overlap: starts.length > 1 ? overlap : 0 };
}

/** `count` tile starts from 0 to length - tile, evenly spaced. */
function spread(length: number, tile: number, count: number): number[] {
  if (count <= 1 || length <= tile) return [0];
  const last = length - tile;
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push(Math.round((i * last) / (count - 1)));
  return starts;
}

export function planTiles(xs: AxisPlan, ys: AxisPlan): TileGeometry[] {
  const tiles: TileGeometry[] = [];
  for (const y of ys.starts) for (const x of xs.starts) tiles.push({ x, y, width: xs.tile, height: ys.tile });
  return tiles;
}

/**
 * Per-pixel weight along one tile axis. Sides on the image border keep full
 * weight (there is no neighbour to hand over to); inner sides give zero weight
 * to the first overlap/4 pixels, then ramp up to 1 over the next overlap/2.
 */
export function axisWeights(tile: number, start: number, length: number, overlap: number): Float32Array {
  const w = new Float32Array(tile).fill(1);
  if (overlap <= 0) return w;
  const trim = Math.floor(overlap / 4);
  const ramp = overlap - 2 * trim;
  const rampAt = (d: number): number => Math.min(1, Math.max(0, (d + 0.5 - trim) / ramp));
  const innerLow = start > 0;
  const innerHigh = start + tile < length;
  for (let i = 0; i < tile; i++) {
    let v = 1;
    if (innerLow) v = Math.min(v, rampAt(i));
    if (innerHigh) v = Math.min(v, rampAt(tile - 1 - i));
    w[i] = v;
  }
  return w;
}

/** Accumulates weighted tile outputs into an image-sized probability map. */
export class Blender {
  readonly width: number;
  readonly height: number;
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;
  private readonly xOverlap: number;
  private readonly yOverlap: number;

  constructor(width: number, height: number, xOverlap: number, yOverlap: number) {
    this.width = width;
    this.height = height;
    this.xOverlap = xOverlap;
    this.yOverlap = yOverlap;
    this.sum = new Float32Array(width * height);
    this.weight = new Float32Array(width * height);
  }

  /** `probs` is the tile's cell probability, row-major, tile.width x tile.height. */
  add(tile: TileGeometry, probs: Float32Array): void {
    const wx = axisWeights(tile.width, tile.x, this.width, this.xOverlap);
    const wy = axisWeights(tile.height, tile.y, this.height, this.yOverlap);
    const xEnd = Math.min(this.width, tile.x + tile.width);
    const yEnd = Math.min(this.height, tile.y + tile.height);
    const cols = xEnd - tile.x;
    for (let y = tile.y; y < yEnd; y++) {
      const ty = y - tile.y;
      const rowW = wy[ty] ?? 0;
      if (rowW === 0) continue;
      const src = ty * tile.width;
      const dst = y * this.width + tile.x;
      for (let i = 0; i < cols; i++) {
        const w = rowW * (wx[i] ?? 0);
        this.sum[dst + i]! += w * (probs[src + i] ?? 0);
        this.weight[dst + i]! += w;
      }
    }
  }

  /** Weighted mean per pixel; pixels no tile reached (impossible with a valid plan) read 0. */
  result(): Float32Array {
    const out = new Float32Array(this.width * this.height);
    for (let i = 0; i < out.length; i++) {
      const w = this.weight[i]!;
      out[i] = w > 0 ? this.sum[i]! / w : 0;
    }
    return out;
  }
}
