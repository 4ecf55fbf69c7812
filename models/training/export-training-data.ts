// Renders training and held-out patches for the default segmentation model
// from the synthetic slide writer (src-main/demo/slide-scene.ts): RGB plus
// the renderer's 0/1 cell-region mask at the model's downsample, written as
// .npy files for models/training/train_fcn.py. Deterministic: same options,
// same bytes. Held-out patches come from slides of other seeds.
//   node --import tsx models/training/export-training-data.ts --out .cache/training
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mixSeed, seededRng } from '../../src-main/domain/random.ts';
import { buildScene, renderRegion, type SlideScene } from '../../src-main/demo/slide-scene.ts';

export const TRAIN_SEEDS = [11, 12, 13, 14, 15, 16];
export const VAL_SEEDS = [101, 102];

/** A uint8 .npy (format 1.0) of the given shape. */
export function npyBytes(data: Uint8Array, shape: readonly number[]): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

export interface PatchSet {
  images: Uint8Array;
  masks: Uint8Array;
  count: number;
  size: number;
}

/**
 * `perSeed` patches of `size` x `size` px at `downsample` from each seed's demo
 * slide: 15 % centred on a blob (mucus-like, rare but large: the main thing a
 * colour threshold gets wrong), 60 % near a random object (cells, and the
 * inflammatory cells and debris the model must learn to leave out), 25 %
 * anywhere in the slide's object extent (mostly glass and haze).
 */
export function renderPatches(seeds: readonly number[], perSeed: number, size: number, downsample: number, log: (s: string) => void): PatchSet {
  const count = seeds.length * perSeed;
  const images = new Uint8Array(count * size * size * 3);
  const masks = new Uint8Array(count * size * size);
  const span = size * downsample;
  let k = 0;
  for (const seed of seeds) {
    const started = performance.now();
    const scene: SlideScene = buildScene({ size: 'demo', content: 'synthetic', seed });
    const rng = seededRng(mixSeed(seed, 777));
    const blobs = scene.objects.filter((o) => o.kind === 'blob');
    const xs = scene.objects.map((o) => o.centre.x);
    const ys = scene.objects.map((o) => o.centre.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (let i = 0; i < perSeed; i++) {
      let cx: number;
      let cy: number;
      const r = rng.next();
      if (r < 0.75 && scene.objects.length > 0) {
        const pool = r < 0.15 && blobs.length > 0 ? blobs : scene.objects;
        const o = pool[Math.floor(rng.next() * pool.length)]!;
        cx = o.centre.x + (rng.next() - 0.5) * span * 0.6;
        cy = o.centre.y + (rng.next() - 0.5) * span * 0.6;
      } else {
        cx = minX + rng.next() * (maxX - minX);
        cy = minY + rng.next() * (maxY - minY);
      }
      const x0 = Math.round(Math.min(scene.width - span, Math.max(0, cx - span / 2)));
      const y0 = Math.round(Math.min(scene.height - span, Math.max(0, cy - span / 2)));
      const patch = renderRegion(scene, x0, y0, size, size, downsample);
      images.set(patch.rgb, k * size * size * 3);
      masks.set(patch.mask, k * size * size);
      k++;
    }
    log(`seed ${seed}: ${perSeed} patches in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { images, masks, count, size };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: '.cache/training' },
      'train-per-seed': { type: 'string', default: '60' },
      'val-per-seed': { type: 'string', default: '30' },
      size: { type: 'string', default: '256' },
      downsample: { type: 'string', default: '4' },
    },
  });
  const out = resolve(values.out);
  const size = Number(values.size);
  const downsample = Number(values.downsample);
  const trainPer = Number(values['train-per-seed']);
  const valPer = Number(values['val-per-seed']);
  for (const [name, v] of [['size', size], ['downsample', downsample], ['train-per-seed', trainPer], ['val-per-seed', valPer]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer, got ${v}`);
  }
  mkdirSync(out, { recursive: true });
  const log = (s: string): void => console.log(`[export] ${s}`);
  for (const [split, seeds, per] of [['train', TRAIN_SEEDS, trainPer], ['val', VAL_SEEDS, valPer]] as const) {
    const set = renderPatches(seeds, per, size, downsample, log);
    writeFileSync(join(out, `${split}_images.npy`), npyBytes(set.images, [set.count, size, size, 3]));
    writeFileSync(join(out, `${split}_masks.npy`), npyBytes(set.masks, [set.count, size, size]));
    log(`${split}: ${set.count} patches of ${size}x${size} px, cell fraction ${(set.masks.reduce((a, b) => a + b, 0) / set.masks.length).toFixed(3)}`);
  }
  writeFileSync(join(out, 'meta.json'), JSON.stringify({
    generator: 'models/training/export-training-data.ts', scene: 'demo synthetic', downsample, size,
    trainSeeds: TRAIN_SEEDS, valSeeds: VAL_SEEDS, trainPerSeed: trainPer, valPerSeed: valPer,
  }, null, 2));
  log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
