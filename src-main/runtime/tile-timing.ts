// Times cold tile requests through a TileService, per Deep Zoom level; used by
// `smearlab demo` to show what a viewer will feel on this machine.

import { performance } from 'node:perf_hooks';
import type { RegisteredSlide, SlideRegistry } from '../slide/slide-registry.ts';
import { TileService } from '../slide/tile-service.ts';

export interface LevelTiming {
  dzLevel: number;
  width: number;
  height: number;
  slideLevel: number;
  tiles: number;
  medianMs: number;
  maxMs: number;
  meanKb: number;
}

/** `count` tiles spread along the level's diagonal, so they come from different parts of the slide. */
function sampleTiles(cols: number, rows: number, count: number): Array<[number, number]> {
  const picks = new Map<string, [number, number]>();
  for (let i = 0; i < count; i++) {
    const f = (i + 0.5) / count;
    const col = Math.min(cols - 1, Math.floor(f * cols));
    const row = Math.min(rows - 1, Math.floor(f * rows));
    picks.set(`${col}_${row}`, [col, row]);
  }
  return [...picks.values()];
}

/**
 * Times up to `tilesPerLevel` tiles, one at a time, on the `levels` highest
 * Deep Zoom levels. The service should have its cache off so each is a miss.
 */
export async function timeTilesPerLevel(
  service: TileService,
  slide: RegisteredSlide,
  levels: number,
  tilesPerLevel: number,
): Promise<LevelTiming[]> {
  const geometry = await service.geometry(slide);
  const results: LevelTiming[] = [];
  const top = geometry.levels.length - 1;
  // First-use costs (libvips start-up, JIT) are not what a viewer sees after its first second.
  for (let dzLevel = 0; dzLevel <= Math.min(top, 8); dzLevel++) await service.getTile(slide.id, dzLevel, 0, 0, 'jpeg');
  for (let dzLevel = top; dzLevel >= 0 && dzLevel > top - levels; dzLevel--) {
    const level = geometry.levels[dzLevel];
    if (!level) break;
    const times: number[] = [];
    let bytes = 0;
    for (const [col, row] of sampleTiles(level.cols, level.rows, tilesPerLevel)) {
      const start = performance.now();
      const response = await service.getTile(slide.id, dzLevel, col, row, 'jpeg');
      times.push(performance.now() - start);
      if (response.status !== 200) throw new Error(response.error?.message ?? `tile ${dzLevel}/${col}_${row} failed`);
      bytes += response.body.length;
    }
    times.sort((a, b) => a - b);
    results.push({
      dzLevel, width: level.width, height: level.height, slideLevel: level.slideLevel, tiles: times.length,
      medianMs: times[Math.floor(times.length / 2)] ?? 0,
      maxMs: times[times.length - 1] ?? 0,
      meanKb: bytes / times.length / 1024,
    });
    if (level.cols * level.rows === 1) break;
  }
  return results;
}

export interface ColdTileTimings {
  levels: number;
  tileSize: number;
  overlap: number;
  timings: LevelTiming[];
}

/** The scan at `path` through a tile service with no cache, as a viewer's first look at each place meets it. */
export async function timeColdTiles(registry: SlideRegistry, path: string, levels: number, tilesPerLevel: number): Promise<ColdTileTimings> {
  const slide = await registry.openPath(path);
  const service = new TileService(registry, { cacheBytes: 0 });
  const geometry = await service.geometry(slide);
  return {
    levels: geometry.levels.length, tileSize: geometry.tileSize, overlap: geometry.overlap,
    timings: await timeTilesPerLevel(service, slide, levels, tilesPerLevel),
  };
}
