// Deep Zoom tile benchmark: our tile service (and the HTTP server on top of
// it) against OpenSlide's own Python DeepZoomGenerator, on the demo slide,
// same tiles (seeded random order), same tile size / overlap / JPEG quality,
// 1 and 2 concurrent clients, at the full-resolution DZ level and a middle
// one. Every tile is a miss: caches off, and a freshly opened slide (so
// OpenSlide's own tile cache starts cold) for every run on both sides.
//   node --import tsx test/bench/tiles-bench.ts [--tiles N] [--quality Q] [--seed S] [--slide PATH] [--no-http] [--repeat R]
// Prints a table (with --repeat, the median run of each row); writes
// bench-results/tiles-<timestamp>.json with every run.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../fixtures/prng.ts';
import { createDeepZoomGeometry, tileRegion } from '../../src-main/slide/deep-zoom.ts';
import type { DeepZoomGeometry } from '../../src-main/slide/deep-zoom.ts';
import { encodeTile } from '../../src-main/slide/tile-encoder.ts';
import { openSlide } from '../../src-main/slide/openslide-reader.ts';
import { SlideRegistry } from '../../src-main/slide/slide-registry.ts';
import { TileService } from '../../src-main/slide/tile-service.ts';
import { createServer } from '../../src-main/server/http-server.ts';
import { tileMount } from '../../src-main/server/tile-mount.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const REFERENCE = join(root, 'test/bench/reference/deepzoom_reference.py');
const TILE_SIZE = 254;
const OVERLAP = 1;

type Tile = [number, number, number];

interface RunResult {
  impl: 'reference' | 'service' | 'http';
  level: 'full' | 'middle';
  dzLevel: number;
  clients: number;
  tiles: number;
  wallS: number;
  tilesPerS: number;
  p50Ms: number;
  p95Ms: number;
  /** CPU (user + system, all threads of the process) per tile: what bounds throughput on a busy machine. */
  cpuMsPerTile: number;
  meanKb: number;
}

const { values: opts } = parseArgs({
  options: {
    tiles: { type: 'string', default: '160' },
    quality: { type: 'string', default: '80' },
    seed: { type: 'string', default: '7' },
    slide: { type: 'string' },
    'no-http': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
  },
});
const repeats = Math.max(1, Number(opts.repeat));
const tilesPerLevel = Number(opts.tiles);
const quality = Number(opts.quality);
const seed = Number(opts.seed);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

interface Measured { latencies: number[]; wallS: number; cpuS: number; bytes: number }

function summarise(base: Pick<RunResult, 'impl' | 'level' | 'dzLevel' | 'clients'>, { latencies, wallS, cpuS, bytes }: Measured): RunResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ...base, tiles: latencies.length, wallS,
    tilesPerS: latencies.length / wallS,
    p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95),
    cpuMsPerTile: (cpuS * 1000) / latencies.length,
    meanKb: bytes / latencies.length / 1024,
  };
}

/** `count` distinct tiles of `dzLevel` in seeded random order. */
function pickTiles(geometry: DeepZoomGeometry, dzLevel: number, count: number, rngSeed: number): Tile[] {
  const level = geometry.levels[dzLevel];
  if (!level) throw new Error(`no DZ level ${dzLevel}`);
  const all: Tile[] = [];
  for (let row = 0; row < level.rows; row++) for (let col = 0; col < level.cols; col++) all.push([dzLevel, col, row]);
  const rng = mulberry32(rngSeed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count);
}

/** Runs `clients` loops that share one queue of tiles; returns per-tile latencies and wall time. */
async function runClients(tiles: Tile[], clients: number, fetchTile: (t: Tile) => Promise<number>): Promise<Measured> {
  const latencies: number[] = new Array(tiles.length).fill(0);
  let next = 0;
  let bytes = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < tiles.length; i = next++) {
      const t0 = performance.now();
      const size = await fetchTile(tiles[i]!);
      bytes += size;
      latencies[i] = performance.now() - t0;
    }
  }));
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { latencies, wallS, cpuS: (cpu.user + cpu.system) / 1e6, bytes };
}

function runReference(slidePath: string, tiles: Tile[], warmTiles: Tile[], clients: number): Measured {
  const tilesFile = join(tmpdir(), `smearlab-bench-tiles-${process.pid}.json`);
  const warmFile = join(tmpdir(), `smearlab-bench-warm-${process.pid}.json`);
  writeFileSync(tilesFile, JSON.stringify(tiles));
  writeFileSync(warmFile, JSON.stringify(warmTiles));
  const result = spawnSync(PYTHON, [REFERENCE, slidePath, tilesFile, '--threads', String(clients), '--quality', String(quality),
    '--tile-size', String(TILE_SIZE), '--overlap', String(OVERLAP), '--warmup', warmFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
  rmSync(tilesFile, { force: true });
  rmSync(warmFile, { force: true });
  if (result.status !== 0) throw new Error(`reference failed (${result.status}): ${result.stderr}`);
  const out = JSON.parse(result.stdout) as { wall_s: number; cpu_s: number; latencies_ms: number[]; bytes: number };
  return { latencies: out.latencies_ms, wallS: out.wall_s, cpuS: out.cpu_s, bytes: out.bytes };
}

async function freshService(slidePath: string) {
  const registry = new SlideRegistry(openSlide);
  const service = new TileService(registry, { cacheBytes: 0, jpegQuality: quality, tileSize: TILE_SIZE, overlap: OVERLAP });
  const slide = await registry.openPath(slidePath);
  return { registry, service, slide };
}

async function runService(slidePath: string, tiles: Tile[], clients: number): Promise<Measured> {
  const { registry, service, slide } = await freshService(slidePath);
  try {
    return await runClients(tiles, clients, async ([l, c, r]) => {
      const response = await service.getTile(slide.id, l, c, r, 'jpeg');
      if (response.status !== 200) throw new Error(response.error?.message);
      return response.body.length;
    });
  } finally {
    registry.closeAll();
  }
}

async function runHttp(slidePath: string, tiles: Tile[], clients: number): Promise<Measured> {
  const { registry, service, slide } = await freshService(slidePath);
  const server = await createServer({ mounts: [tileMount(service)] });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const get = (path: string) => new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: server.port, path, agent }, (res) => {
      let n = 0;
      res.on('data', (chunk: Buffer) => { n += chunk.length; });
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode} for ${path}`))));
    }).on('error', reject).end();
  });
  try {
    return await runClients(tiles, clients, ([l, c, r]) => get(`/t/${server.token}/slides/${slide.id}_files/${l}/${c}_${r}.jpeg`));
  } finally {
    agent.destroy();
    await server.close();
    registry.closeAll();
  }
}

/** Where one tile's time goes, sequentially: native read (incl. un-premultiply) vs sharp. */
async function profile(slidePath: string, tiles: Tile[]) {
  const reader = await openSlide(slidePath);
  try {
    const geometry = createDeepZoomGeometry(reader.info.levels, (d) => reader.bestLevelForDownsample(d), { tileSize: TILE_SIZE, overlap: OVERLAP });
    let readMs = 0;
    let encodeMs = 0;
    for (const [l, c, r] of tiles) {
      const region = tileRegion(geometry, reader.info.levels, l, c, r);
      const t0 = performance.now();
      const rgba = await reader.readRegion(region.x0, region.y0, region.slideLevel, region.levelWidth, region.levelHeight);
      const t1 = performance.now();
      await encodeTile(rgba, region.tileWidth, region.tileHeight, { format: 'jpeg', quality, background: reader.info.backgroundColor });
      encodeMs += performance.now() - t1;
      readMs += t1 - t0;
    }
    return { readMs: readMs / tiles.length, encodeMs: encodeMs / tiles.length };
  } finally {
    reader.close();
  }
}

/** Reads every file of the slide once, so both sides start with it in the page cache. */
function warmPageCache(slidePath: string): void {
  readFileSync(slidePath);
  const dir = join(dirname(slidePath), basename(slidePath, '.mrxs'));
  try {
    for (const name of readdirSync(dir)) readFileSync(join(dir, name));
  } catch {
    // not a MIRAX folder layout: the single file was enough
  }
}

async function main(): Promise<void> {
  let slidePath = opts.slide;
  if (!slidePath) {
    const { ensureFixtureSlide } = await import('../fixtures/synthetic-slide.ts');
    slidePath = (await ensureFixtureSlide('demo')).mrxsPath;
  }
  const probe = await openSlide(slidePath);
  const geometry = createDeepZoomGeometry(probe.info.levels, (d) => probe.bestLevelForDownsample(d), { tileSize: TILE_SIZE, overlap: OVERLAP });
  const levelInfo = probe.info.levels.map((l) => `${l.width}x${l.height}`).join(', ');
  probe.close();
  const full = geometry.levels.length - 1;
  const middle = full - 2; // downsample 4
  const sets: Array<['full' | 'middle', number, Tile[]]> = [
    ['full', full, pickTiles(geometry, full, tilesPerLevel, seed)],
    ['middle', middle, pickTiles(geometry, middle, tilesPerLevel, seed + 1)],
  ];
  warmPageCache(slidePath);
  console.log(`slide ${slidePath} (${levelInfo}); ${geometry.levels.length} DZ levels; tile ${TILE_SIZE}+${OVERLAP}; JPEG q${quality}; seed ${seed}`);

  // Warm-up off the record: loads sharp / libvips, JIT-compiles our code
  // paths, brings back what the page-out daemon took while we were idle.
  const warmTiles = pickTiles(geometry, full - 1, 20, seed + 2);
  const warmUp = async () => {
    await runService(slidePath, pickTiles(geometry, full - 1, 160, seed + 3), 2);
    if (!opts['no-http']) await runHttp(slidePath, warmTiles, 2);
  };

  const loadBefore = loadavg()[0]!;
  const runs: RunResult[] = [];
  let breakdown: Record<'full' | 'middle', { readMs: number; encodeMs: number }> | null = null;
  const configs = sets.flatMap(([level, dzLevel, tiles]) => [1, 2].map((clients) => ({ level, dzLevel, clients, tiles })));
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Ours as one block, then the reference: running the reference in between
    // makes our next run ~2x dearer in CPU on this VM (its page-out daemon and
    // the other process's churn), which a long-running server never sees.
    // The reference gets a fresh, warmed-up process per run.
    await warmUp();
    for (const { tiles, ...base } of configs) {
      runs.push(summarise({ ...base, impl: 'service' }, await runService(slidePath, tiles, base.clients)));
      if (!opts['no-http']) runs.push(summarise({ ...base, impl: 'http' }, await runHttp(slidePath, tiles, base.clients)));
    }
    breakdown ??= { full: await profile(slidePath, sets[0]![2].slice(0, 60)), middle: await profile(slidePath, sets[1]![2].slice(0, 60)) };
    for (const { tiles, ...base } of configs) {
      runs.push(summarise({ ...base, impl: 'reference' }, runReference(slidePath, tiles, warmTiles, base.clients)));
    }
  }
  // One row per configuration: its median run by throughput.
  const results: RunResult[] = [];
  const order = ['reference', 'service', 'http'];
  const rows = runs.slice(0, runs.length / repeats)
    .sort((a, b) => a.level.localeCompare(b.level) || a.clients - b.clients || order.indexOf(a.impl) - order.indexOf(b.impl));
  for (const run of rows) {
    const same = runs.filter((r) => r.impl === run.impl && r.level === run.level && r.clients === run.clients)
      .sort((a, b) => a.tilesPerS - b.tilesPerS);
    results.push(same[Math.floor(same.length / 2)]!);
  }

  const refOf = (r: RunResult) => results.find((x) => x.impl === 'reference' && x.level === r.level && x.clients === r.clients);
  console.log('');
  console.log('level   DZ  clients  impl        tiles   tiles/s   p50 ms   p95 ms  CPU ms/tile  KB/tile  vs ref');
  for (const r of results) {
    const ratio = (r.tilesPerS / (refOf(r)?.tilesPerS ?? NaN)).toFixed(2);
    console.log(`${r.level.padEnd(6)}  ${String(r.dzLevel).padStart(2)}  ${String(r.clients).padStart(7)}  ${r.impl.padEnd(10)}  ${String(r.tiles).padStart(5)}  `
      + `${r.tilesPerS.toFixed(1).padStart(8)}  ${r.p50Ms.toFixed(1).padStart(7)}  ${r.p95Ms.toFixed(1).padStart(7)}  ${r.cpuMsPerTile.toFixed(2).padStart(11)}  `
      + `${r.meanKb.toFixed(1).padStart(7)}  ${r.impl === 'reference' ? '' : `${ratio}x`}`);
  }
  console.log(`\nload average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after, on ${availableParallelism()} CPUs: `
    + 'tiles/s and latencies move with it; CPU ms/tile much less.');
  for (const [name, b] of Object.entries(breakdown ?? {})) {
    console.log(`time per ${name}-level tile, sequential: OpenSlide read + un-premultiply ${b.readMs.toFixed(1)} ms, sharp flatten/resize/JPEG ${b.encodeMs.toFixed(1)} ms`);
  }

  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = join(outDir, `tiles-${stamp}.json`);
  writeFileSync(outFile, `${JSON.stringify({
    date: new Date().toISOString(), slide: slidePath, levels: levelInfo, tileSize: TILE_SIZE, overlap: OVERLAP, quality, seed,
    cpus: availableParallelism(), loadAverage: [loadBefore, loadavg()[0]], node: process.version, repeats, results, runs, breakdown,
  }, null, 2)}\n`);
  console.log(`\nwrote ${outFile}`);
}

await main();
