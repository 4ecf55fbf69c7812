// Deep Zoom tile benchmark: our tile service (and the HTTP server on top of
// it) against OpenSlide's own Python DeepZoomGenerator, on the demo slide,
// same tiles (seeded random order), same tile size / overlap / JPEG quality,
// 1 and 2 concurrent clients, at the full-resolution DZ level and a middle
// one. Every tile is a miss: caches off, and a freshly opened slide (so
// OpenSlide's own tile cache starts cold) for every run on both sides.
//   node --import tsx test/bench/tiles-bench.ts [--tiles N] [--quality Q] [--seed S] [--slide PATH]
//     [--no-http] [--repeat R] [--tuned-reference] [--steady W] [--order random|viewport]
//     [--grid auto|reference] [--limit-bounds]
// --grid auto (default): our side cuts tiles as the app does, per slide (the
// stored image size with no overlap where a MIRAX's stored JPEGs line up, so
// full-resolution tiles pass through; else 254 + 1); --grid reference: our
// side on the reference's 254 + 1 grid (every tile decoded and encoded). The
// reference is always DeepZoomGenerator at 254 + 1; each side gets N tiles of
// its own grid at the same DZ level (same seed), covering the same area.
// --limit-bounds: both sides cut the image to openslide.bounds-* (the
// reference with limit_bounds=True, as openslide-python's deepzoom_server).
// --order viewport: the timed tiles are a 16-wide block taken row by row, as
// a viewer pans, instead of the issue's random order (worst case: almost no
// slide image shared between consecutive tiles).
// What each row measures:
//   reference  openslide-python DeepZoomGenerator.get_tile + PIL JPEG save, in
//              one Python process, 1 or 2 threads (no HTTP).
//   service    TileService.getTile called in this process (no HTTP).
//   http       the 127.0.0.1 server in this process, driven over keep-alive
//              HTTP by a separate Node client process; CPU ms/tile is the
//              server's alone (the client's is in the JSON).
// The HTTP client is undici (a Pool of `clients` keep-alive connections,
// one request in flight on each, no pipelining: what a browser does with
// its per-host connections), in a process of its own. What users see is a
// browser, whose network stack is native code in another process; Node's
// own http.Agent client spent ~0.3 ms of CPU per tile here, as much as the
// server, on a 2-core machine where the two compete for the same cores, so
// it measured the client as much as the server. undici costs about half.
// Warm-up (off the record, before every pass): besides the runs below, the
// HTTP path serves HTTP_WARM_UP tiles (full and middle levels) from a fresh
// server, so V8 has compiled the server's request path as it has in a
// server that has been showing slides for a minute; the first few hundred
// requests of a cold process cost 2-3x the later ones (interpreter and
// baseline code), which is start-up, not the tile path.
//   ref-tuned  (--tuned-reference) the reference under the malloc settings our
//              addon applies to itself (see native/README.md), to show how
//              much of the gap is the allocator rather than the code path.
// Steady state (default; --steady W sets the count, 0 turns it off): every
// run first makes W untimed tiles of the level above full resolution (never
// the timed ones or their neighbours, so those stay uncached) on the same
// slide handle and in the same threads, so both sides are timed warm, as a
// long-running server is. Without it, the reference's fresh worker threads
// get fresh malloc arenas and pay for growing them (OpenSlide's 32 MiB cache,
// page by page) inside their first ~200 timed tiles, at up to 2x the cost of
// later tiles (gone with GLIBC_TUNABLES=glibc.malloc.arena_max=1), which
// flatters us at a few hundred tiles. The reference gets the W tiles at the head of its
// timed list and its figures come from the tail: tiles/s = clients x N / (sum
// of the N latencies), CPU/tile = its whole run's CPU per tile (an upper
// bound), both marked "estimated" in the JSON.
// Prints a table (with --repeat, the median run of each row); writes
// bench-results/tiles-<timestamp>.json with every run.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRng } from '../../src-main/domain/random.ts';
import { createDeepZoomGeometry, tileRegion } from '../../src-main/slide/deep-zoom.ts';
import type { DeepZoomGeometry } from '../../src-main/slide/deep-zoom.ts';
import { encodeTile } from '../../src-main/slide/tile-encoder.ts';
import { loadOpenSlideBinding } from '../../src-main/slide/openslide-native.ts';
import type { NativeSlide } from '../../src-main/slide/openslide-native.ts';
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
/** Tiles served over HTTP before each pass's timed runs (see the header). */
const HTTP_WARM_UP = 3000;

type Tile = [number, number, number];

interface RunResult {
  impl: 'reference' | 'ref-tuned' | 'service' | 'http';
  /** Which pass of --repeat. */
  repeat: number;
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
  /** http only: CPU per tile of the separate client process. */
  clientCpuMsPerTile?: number;
  /** Ours only: minor page faults per tile in this process (each costs a few microseconds on this VM). */
  faultsPerTile?: number;
  /** See --steady. */
  estimated?: boolean;
  meanKb: number;
}

const { values: opts } = parseArgs({
  options: {
    tiles: { type: 'string', default: '300' }, // the issue's 300 tiles per run
    quality: { type: 'string', default: '75' },
    seed: { type: 'string', default: '7' },
    slide: { type: 'string' },
    'no-http': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    'tuned-reference': { type: 'boolean', default: false },
    steady: { type: 'string', default: '200' },
    order: { type: 'string', default: 'random' },
    grid: { type: 'string', default: 'auto' },
    'limit-bounds': { type: 'boolean', default: false },
  },
});
const repeats = Math.max(1, Number(opts.repeat));
const tilesPerLevel = Number(opts.tiles);
const quality = Number(opts.quality);
const seed = Number(opts.seed);
const steadyWarm = Math.max(0, Number(opts.steady));
if (opts.order !== 'random' && opts.order !== 'viewport') throw new Error(`--order is random or viewport, got ${opts.order}`);
const timedTiles = opts.order === 'viewport' ? viewportTiles : pickTiles;
if (opts.grid !== 'auto' && opts.grid !== 'reference') throw new Error(`--grid is auto or reference, got ${opts.grid}`);
const limitBounds = opts['limit-bounds'];
/** Our side's grid options: the app's per-slide choice, or the reference's. */
const ourGrid = opts.grid === 'auto' ? {} : { tileSize: TILE_SIZE, overlap: OVERLAP };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

interface Measured {
  latencies: number[]; wallS: number; cpuS: number; bytes: number; clientCpuS?: number; minorFaults?: number;
  /** Wall and CPU derived from the reference's per-tile figures (--steady), not measured around the timed tiles. */
  estimated?: boolean;
}

function summarise(base: Pick<RunResult, 'impl' | 'repeat' | 'level' | 'dzLevel' | 'clients'>, m: Measured): RunResult {
  const { latencies, wallS, cpuS, bytes } = m;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ...base, tiles: latencies.length, wallS,
    tilesPerS: latencies.length / wallS,
    p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95),
    cpuMsPerTile: (cpuS * 1000) / latencies.length,
    ...(m.clientCpuS === undefined ? {} : { clientCpuMsPerTile: (m.clientCpuS * 1000) / latencies.length }),
    ...(m.minorFaults === undefined ? {} : { faultsPerTile: m.minorFaults / latencies.length }),
    meanKb: bytes / latencies.length / 1024,
    ...(m.estimated ? { estimated: true } : {}),
  };
}

/**
 * `count` tiles of `dzLevel` as a viewer pans: a block of whole tile rows,
 * 16 tiles wide, around the middle of the slide (scanned on the demo slide),
 * row by row, so neighbours share slide images, which OpenSlide's cache then
 * serves. Same tiles for every seed.
 */
function viewportTiles(geometry: DeepZoomGeometry, dzLevel: number, count: number): Tile[] {
  const level = geometry.levels[dzLevel];
  if (!level) throw new Error(`no DZ level ${dzLevel}`);
  const width = Math.min(16, level.cols);
  const height = Math.min(level.rows, Math.ceil(count / width));
  const col0 = Math.floor((level.cols - width) / 2);
  const row0 = Math.floor((level.rows - height) / 2);
  const tiles: Tile[] = [];
  for (let row = row0; row < row0 + height; row++) for (let col = col0; col < col0 + width; col++) tiles.push([dzLevel, col, row]);
  return tiles.slice(0, count);
}

/** `count` distinct tiles of `dzLevel` in seeded random order. */
function pickTiles(geometry: DeepZoomGeometry, dzLevel: number, count: number, rngSeed: number): Tile[] {
  const level = geometry.levels[dzLevel];
  if (!level) throw new Error(`no DZ level ${dzLevel}`);
  const all: Tile[] = [];
  for (let row = 0; row < level.rows; row++) for (let col = 0; col < level.cols; col++) all.push([dzLevel, col, row]);
  const rng = seededRng(rngSeed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count);
}

/** The bounds the reference cuts to (--limit-bounds), as openslide-python reads them; null: the whole level 0. */
function refBounds(properties: Record<string, string>) {
  if (!limitBounds) return null;
  const n = (key: string) => Number(properties[`openslide.bounds-${key}`]);
  const bounds = { x: n('x'), y: n('y'), width: n('width'), height: n('height') };
  return Object.values(bounds).every(Number.isInteger) ? bounds : null;
}

/** Runs `clients` loops that share one queue of tiles; returns per-tile latencies and wall time. */
async function runClients(tiles: Tile[], clients: number, fetchTile: (t: Tile) => Promise<number>): Promise<Measured> {
  const latencies: number[] = new Array(tiles.length).fill(0);
  let next = 0;
  let bytes = 0;
  const cpuStart = process.cpuUsage();
  const faultsStart = process.resourceUsage().minorPageFault;
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
  const minorFaults = process.resourceUsage().minorPageFault - faultsStart;
  return { latencies, wallS, cpuS: (cpu.user + cpu.system) / 1e6, bytes, minorFaults };
}

/** `warmFirst` (steady state): untimed tiles made first by the timing threads themselves. */
async function runReference(helper: BenchHelper, slidePath: string, tiles: Tile[], warmTiles: Tile[], clients: number,
  warmFirst: Tile[], env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  const tilesFile = join(tmpdir(), `smearlab-bench-tiles-${process.pid}.json`);
  const warmFile = join(tmpdir(), `smearlab-bench-warm-${process.pid}.json`);
  writeFileSync(tilesFile, JSON.stringify([...warmFirst, ...tiles]));
  writeFileSync(warmFile, JSON.stringify(warmTiles));
  try {
    const result = await helper.spawn(PYTHON, [REFERENCE, slidePath, tilesFile, '--threads', String(clients), '--quality', String(quality),
      '--tile-size', String(TILE_SIZE), '--overlap', String(OVERLAP), '--warmup', warmFile, ...(limitBounds ? ['--limit-bounds'] : [])], env);
    if (result.status !== 0) throw new Error(`reference failed (${result.status}): ${result.stderr}`);
    const out = JSON.parse(result.stdout) as { wall_s: number; cpu_s: number; latencies_ms: number[]; bytes: number };
    if (warmFirst.length === 0) return { latencies: out.latencies_ms, wallS: out.wall_s, cpuS: out.cpu_s, bytes: out.bytes };
    const latencies = out.latencies_ms.slice(warmFirst.length);
    const share = tiles.length / out.latencies_ms.length;
    return {
      latencies,
      wallS: latencies.reduce((sum, ms) => sum + ms, 0) / 1000 / clients,
      cpuS: out.cpu_s * share,
      bytes: out.bytes * share,
      estimated: true,
    };
  } finally {
    rmSync(tilesFile, { force: true });
    rmSync(warmFile, { force: true });
  }
}

async function freshService(slidePath: string) {
  const registry = new SlideRegistry(openSlide);
  const service = new TileService(registry, { cacheBytes: 0, jpegQuality: quality, limitBounds, ...ourGrid });
  const slide = await registry.openPath(slidePath);
  return { registry, service, slide };
}

async function runService(slidePath: string, tiles: Tile[], clients: number, warmFirst: Tile[] = []): Promise<Measured> {
  const { registry, service, slide } = await freshService(slidePath);
  const fetchTile = async ([l, c, r]: Tile) => {
    const response = await service.getTile(slide.id, l, c, r, 'jpeg');
    if (response.status !== 200) throw new Error(response.error?.message);
    return response.body.length;
  };
  try {
    if (warmFirst.length > 0) await runClients(warmFirst, clients, fetchTile);
    return await runClients(tiles, clients, fetchTile);
  } finally {
    registry.closeAll();
  }
}

// A helper process, started before anything else, that runs the HTTP
// client and spawns the reference. Spawning forks the spawner, and after a
// fork every heap page costs a copy-on-write fault on its next write (~40
// faults and ~1 ms CPU per tile for the next few hundred tiles on this VM),
// which a server that never forks does not pay; so this process never forks
// once its heap is big, and runs of both sides can be interleaved.
// The HTTP client: keep-alive sockets, one per client, each client a loop of
// sequential GETs over a shared queue, in a process of its own so its CPU is
// not the server's. Per job: untimed warm-up (JIT, sockets), then "ready";
// the server starts its CPU clock and answers "go".
const HELPER = `
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const reply = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
for (let job = await lines.next(); !job.done; job = await lines.next()) {
  const message = JSON.parse(job.value);
  if (message.spawn) {
    const { command, args, env } = message.spawn;
    const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    reply({ status: result.status, stdout: result.stdout, stderr: result.stderr || String(result.error ?? '') });
    continue;
  }
  const { port, clients, paths, warmPaths } = message.http;
  const pool = new Pool('http://127.0.0.1:' + port, { connections: clients, pipelining: 1 });
  const get = async (path) => {
    const { statusCode, body } = await pool.request({ path, method: 'GET' });
    let n = 0;
    for await (const chunk of body) n += chunk.length;
    if (statusCode !== 200) throw new Error('HTTP ' + statusCode + ' for ' + path);
    return n;
  };
  const run = async (list) => {
    const latencies = new Array(list.length).fill(0);
    let next = 0;
    let bytes = 0;
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = next++; i < list.length; i = next++) {
        const t0 = performance.now();
        const size = await get(list[i]);
        latencies[i] = performance.now() - t0;
        bytes += size;
      }
    }));
    return { latencies, bytes };
  };
  await run(warmPaths);
  reply('ready');
  await lines.next();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const { latencies, bytes } = await run(paths);
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  reply({ latencies, bytes, wallS, cpuS: (cpu.user + cpu.system) / 1e6 });
}
`;

class BenchHelper {
  // Started in the repository root: the helper's `import 'undici'` resolves from there.
  readonly #child = spawn(process.execPath, ['--input-type=module', '-e', HELPER], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  readonly #lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  readonly #exited = new Promise<number | null>((resolve) => this.#child.on('exit', resolve));

  async #reply<T>(what: string): Promise<T> {
    const line = await this.#lines.next();
    if (line.done) throw new Error(`the bench helper process died ${what} (exit ${await this.#exited})`);
    return JSON.parse(line.value as string) as T;
  }

  async spawn(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
    this.#child.stdin.write(`${JSON.stringify({ spawn: { command, args, env } })}\n`);
    return this.#reply(`running ${command}`);
  }

  async http(port: number, clients: number, paths: string[], warmPaths: string[]): Promise<Measured> {
    this.#child.stdin.write(`${JSON.stringify({ http: { port, clients, paths, warmPaths } })}\n`);
    await this.#reply('while warming up');
    const cpuStart = process.cpuUsage();
    const faultsStart = process.resourceUsage().minorPageFault;
    this.#child.stdin.write('"go"\n');
    const out = await this.#reply<{ latencies: number[]; bytes: number; wallS: number; cpuS: number }>('during a run');
    const cpu = process.cpuUsage(cpuStart);
    const minorFaults = process.resourceUsage().minorPageFault - faultsStart;
    return { latencies: out.latencies, wallS: out.wallS, bytes: out.bytes, cpuS: (cpu.user + cpu.system) / 1e6, clientCpuS: out.cpuS, minorFaults };
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    await this.#exited;
  }
}

async function runHttp(helper: BenchHelper, slidePath: string, tiles: Tile[], warmTiles: Tile[], clients: number): Promise<Measured> {
  const { registry, service, slide } = await freshService(slidePath);
  const server = await createServer({ mounts: [tileMount(service)] });
  const path = ([l, c, r]: Tile) => `/t/${server.token}/slides/${slide.id}_files/${l}/${c}_${r}.jpeg`;
  try {
    return await helper.http(server.port, clients, tiles.map(path), warmTiles.map(path));
  } finally {
    await server.close();
    registry.closeAll();
  }
}

interface Breakdown {
  /** OpenSlide read + un-premultiply to straight RGBA (the sharp path's first half). */
  readRgbaMs: number;
  /** readRegionJpeg: OpenSlide read + composite + libjpeg-turbo, all native (the service's path). */
  nativeJpegMs: number;
  /** sharp's flatten / JPEG on the RGBA (the old second half; still used for WebP and shrinks). */
  sharpMs: number;
}

/**
 * Where one tile's CPU goes, sequentially (process CPU per tile, which a
 * loaded machine inflates far less than wall time). Each native pass gets a
 * freshly opened slide, warmed with `warmFirst` like the runs.
 */
async function profile(slidePath: string, tiles: Tile[], warmFirst: Tile[], background: readonly [number, number, number]): Promise<Breakdown> {
  const binding = loadOpenSlideBinding();
  const probe = await binding.open(slidePath);
  const geometry = createDeepZoomGeometry(probe.levels, (d) => probe.bestLevelForDownsample(d), { tileSize: TILE_SIZE, overlap: OVERLAP, bounds: refBounds(probe.properties) });
  const regions = tiles.map(([l, c, r]) => tileRegion(geometry, probe.levels, l, c, r));
  const warmRegions = warmFirst.map(([l, c, r]) => tileRegion(geometry, probe.levels, l, c, r));
  probe.close();
  const withSlide = async (work: (slide: NativeSlide) => Promise<void>) => {
    const slide = await binding.open(slidePath);
    try {
      for (const g of warmRegions) await slide.readRegionJpeg(g.x0, g.y0, g.slideLevel, g.levelWidth, g.levelHeight, { quality, background });
      await work(slide);
    } finally {
      slide.close();
    }
  };
  const cpuOf = async <T>(step: () => Promise<T>): Promise<[T, number]> => {
    const start = process.cpuUsage();
    const value = await step();
    const cpu = process.cpuUsage(start);
    return [value, (cpu.user + cpu.system) / 1000];
  };
  // Read and sharp steps timed apart, on the same tiles, without keeping buffers.
  let readMs = 0;
  let sharpMs = 0;
  await withSlide(async (slide) => {
    for (const g of regions) {
      const [data, read] = await cpuOf(() => slide.readRegion(g.x0, g.y0, g.slideLevel, g.levelWidth, g.levelHeight));
      const [, encode] = await cpuOf(() => encodeTile({ width: g.levelWidth, height: g.levelHeight, data }, g.tileWidth, g.tileHeight,
        { format: 'jpeg', quality, background }));
      readMs += read;
      sharpMs += encode;
    }
  });
  let nativeMs = 0;
  await withSlide(async (slide) => {
    [, nativeMs] = await cpuOf(async () => {
      for (const g of regions) await slide.readRegionJpeg(g.x0, g.y0, g.slideLevel, g.levelWidth, g.levelHeight, { quality, background });
    });
  });
  const n = regions.length;
  return { readRgbaMs: readMs / n, nativeJpegMs: nativeMs / n, sharpMs: sharpMs / n };
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
  // First, while this process's heap is small (see BenchHelper).
  const helper = new BenchHelper();
  const http = !opts['no-http'];
  let slidePath = opts.slide;
  if (!slidePath) {
    const { ensureFixtureSlide } = await import('../fixtures/fixture-slides.ts');
    slidePath = (await ensureFixtureSlide('demo')).mrxsPath;
  }
  const probe = await openSlide(slidePath);
  // The reference's grid, and ours (what the app's tile service picks for this slide).
  const geometry = createDeepZoomGeometry(probe.info.levels, (d) => probe.bestLevelForDownsample(d),
    { tileSize: TILE_SIZE, overlap: OVERLAP, bounds: refBounds(probe.info.properties) });
  const levelInfo = probe.info.levels.map((l) => `${l.width}x${l.height}`).join(', ');
  const background = probe.info.backgroundColor;
  probe.close();
  const ours = await (async () => {
    const { registry, service, slide } = await freshService(slidePath!);
    try {
      return await service.geometry(slide);
    } finally {
      registry.closeAll();
    }
  })();
  const full = geometry.levels.length - 1;
  const middle = full - 2; // downsample 4
  if (ours.levels.length !== geometry.levels.length) throw new Error('our grid and the reference\'s have different DZ level counts');
  const steadyTiles = pickTiles(geometry, full - 1, steadyWarm, seed + 6);
  const ourSteady = pickTiles(ours, full - 1, steadyWarm, seed + 6);
  // [level, DZ level, reference tiles, reference warm-up, our tiles, our warm-up]
  const sets: Array<['full' | 'middle', number, Tile[], Tile[], Tile[], Tile[]]> = [
    ['full', full, timedTiles(geometry, full, tilesPerLevel, seed), steadyTiles, timedTiles(ours, full, tilesPerLevel, seed), ourSteady],
    ['middle', middle, timedTiles(geometry, middle, tilesPerLevel, seed + 1), steadyTiles, timedTiles(ours, middle, tilesPerLevel, seed + 1), ourSteady],
  ];
  warmPageCache(slidePath);
  console.log(`slide ${slidePath} (${levelInfo}); ${geometry.levels.length} DZ levels; reference tile ${TILE_SIZE}+${OVERLAP}, `
    + `ours ${ours.tileSize}+${ours.overlap} (--grid ${opts.grid}); bounds ${limitBounds ? `(${ours.originX}, ${ours.originY}) ${ours.width}x${ours.height}` : 'off'}; `
    + `JPEG q${quality} (stored tiles: the scanner's); seed ${seed}; `
    + (steadyWarm > 0 ? `steady state: ${steadyWarm} untimed tiles first in every run` : 'cold start: fresh slide / threads per run, no warm-up in them')
    + `; ${opts.order} order`);

  // Warm-up off the record: loads sharp / libvips, JIT-compiles our code
  // paths, grows the heap to its working size.
  const warmTiles = pickTiles(geometry, full - 1, 20, seed + 2);
  const ourWarmTiles = pickTiles(ours, full - 1, 20, seed + 2);
  // The HTTP warm-up: tiles of both timed levels, interleaved (a fresh server and slide, so nothing it caches reaches the runs).
  const warmFull = pickTiles(ours, full, HTTP_WARM_UP, seed + 3);
  const warmMiddle = pickTiles(ours, middle, HTTP_WARM_UP, seed + 4);
  const httpWarm = Array.from({ length: HTTP_WARM_UP }, (_, i) => {
    const from = i % 2 === 0 ? warmFull : warmMiddle;
    return from[Math.floor(i / 2) % from.length]!;
  });
  const warmUp = async () => {
    for (const clients of [2, 1]) await runService(slidePath, pickTiles(ours, full - 1, 200, seed + 2 + clients), clients);
    if (http) await runHttp(helper, slidePath, ourWarmTiles, httpWarm, 2);
  };
  const allocator = loadOpenSlideBinding().allocatorTuning();
  // The same settings for the reference's process, as glibc tunables.
  const tunedEnv = { ...process.env, GLIBC_TUNABLES: `glibc.malloc.mmap_threshold=${allocator.mmapThreshold}`
    + `:glibc.malloc.trim_threshold=${allocator.trimThreshold}:glibc.malloc.arena_max=${allocator.arenaMax}` };
  const tunedReference = opts['tuned-reference'] && allocator.applied;

  const loadBefore = loadavg()[0]!;
  const runs: RunResult[] = [];
  let breakdown: Record<'full' | 'middle', Breakdown> | null = null;
  const configs = sets.flatMap(([level, dzLevel, tiles, warmFirst, ourTiles, ourWarmFirst]) => [1, 2].map((clients) => ({
    level, dzLevel, clients, tiles, warmFirst, ourTiles, ourWarmFirst,
  })));
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Each configuration's runs back to back, ours and the reference's, so
    // a load spike from the rest of the machine hits both sides alike. The
    // reference gets a fresh, warmed-up process per run.
    await warmUp();
    for (const { tiles, warmFirst, ourTiles, ourWarmFirst, ...config } of configs) {
      const base = { ...config, repeat };
      runs.push(summarise({ ...base, impl: 'service' }, await runService(slidePath, ourTiles, base.clients, ourWarmFirst)));
      if (http) {
        const httpWarm = ourWarmFirst.length > 0 ? ourWarmFirst : ourWarmTiles;
        runs.push(summarise({ ...base, impl: 'http' }, await runHttp(helper, slidePath, ourTiles, httpWarm, base.clients)));
      }
      runs.push(summarise({ ...base, impl: 'reference' },
        await runReference(helper, slidePath, tiles, warmTiles, base.clients, warmFirst)));
      if (tunedReference) {
        runs.push(summarise({ ...base, impl: 'ref-tuned' },
          await runReference(helper, slidePath, tiles, warmTiles, base.clients, warmFirst, tunedEnv)));
      }
    }
    breakdown ??= {
      full: await profile(slidePath, sets[0]![2].slice(0, 100), steadyTiles, background),
      middle: await profile(slidePath, sets[1]![2].slice(0, 100), steadyTiles, background),
    };
  }
  // One row per configuration: its median run by throughput.
  const results: RunResult[] = [];
  const order = ['reference', 'ref-tuned', 'service', 'http'];
  const rows = runs.slice(0, runs.length / repeats)
    .sort((a, b) => a.level.localeCompare(b.level) || a.clients - b.clients || order.indexOf(a.impl) - order.indexOf(b.impl));
  for (const run of rows) {
    const same = runs.filter((r) => r.impl === run.impl && r.level === run.level && r.clients === run.clients)
      .sort((a, b) => a.tilesPerS - b.tilesPerS);
    results.push(same[Math.floor(same.length / 2)]!);
  }

  // vs ref: the median over passes of ours / the reference's in the same
  // pass (run right after it), which a passing load spike disturbs less.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const ratioOf = (r: RunResult) => median(runs
    .filter((x) => x.impl === r.impl && x.level === r.level && x.clients === r.clients)
    .map((x) => x.tilesPerS / (runs.find((ref) => ref.impl === 'reference' && ref.repeat === x.repeat
      && ref.level === x.level && ref.clients === x.clients)?.tilesPerS ?? NaN)));
  console.log('');
  console.log('level   DZ  clients  impl        tiles   tiles/s   p50 ms   p95 ms  CPU ms/tile  faults/tile  KB/tile  vs ref');
  for (const r of results) {
    const ratio = ratioOf(r).toFixed(2);
    console.log(`${r.level.padEnd(6)}  ${String(r.dzLevel).padStart(2)}  ${String(r.clients).padStart(7)}  ${r.impl.padEnd(10)}  ${String(r.tiles).padStart(5)}  `
      + `${r.tilesPerS.toFixed(1).padStart(8)}  ${r.p50Ms.toFixed(1).padStart(7)}  ${r.p95Ms.toFixed(1).padStart(7)}  ${r.cpuMsPerTile.toFixed(2).padStart(11)}  `
      + `${(r.faultsPerTile === undefined ? '-' : r.faultsPerTile.toFixed(1)).padStart(11)}  `
      + `${r.meanKb.toFixed(1).padStart(7)}${r.estimated ? '*' : ' '} ${r.impl === 'reference' ? '' : `${ratio}x`}`);
  }
  if (results.some((r) => r.estimated)) {
    console.log('* reference in steady state: tiles/s, p50 / p95 from the timed tail; CPU and KB per tile averaged over its whole run');
  }
  console.log(`\nload average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after, on ${availableParallelism()} CPUs: `
    + 'tiles/s and latencies move with it; CPU ms/tile much less.');
  console.log(allocator.applied
    ? `malloc tuned by the addon: mmap threshold ${allocator.mmapThreshold >> 20} MiB, trim threshold ${allocator.trimThreshold >> 20} MiB, `
      + `${allocator.arenaMax} arenas`
    : `malloc not tuned by the addon (${allocator.reason})`);
  for (const [name, b] of Object.entries(breakdown ?? {})) {
    console.log(`CPU per ${name}-level tile, sequential: OpenSlide read -> RGBA ${b.readRgbaMs.toFixed(2)} ms; `
      + `native read + composite + JPEG (service path) ${b.nativeJpegMs.toFixed(2)} ms; sharp flatten + JPEG of the RGBA (old path) ${b.sharpMs.toFixed(2)} ms`);
  }

  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = join(outDir, `tiles-${stamp}.json`);
  writeFileSync(outFile, `${JSON.stringify({
    date: new Date().toISOString(), slide: slidePath, levels: levelInfo, tileSize: TILE_SIZE, overlap: OVERLAP, quality, seed,
    grid: opts.grid, ourTileSize: ours.tileSize, ourOverlap: ours.overlap, limitBounds,
    cpus: availableParallelism(), loadAverage: [loadBefore, loadavg()[0]], node: process.version, allocator, steadyWarm, order: opts.order,
    repeats, results, runs, breakdown,
  }, null, 2)}\n`);
  console.log(`\nwrote ${outFile}`);
  await helper.close();
}

await main();
