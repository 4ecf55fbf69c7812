// The zoomed-out picture of every cell: a small pyramid of offscreen canvases
// covering the slide (longest side 2,048 px, then halves). Far out, the
// overlay blits the visible part of the level nearest the screen scale
// instead of touching 100,000 boxes per frame, and never asks the browser to
// shrink a multi-megapixel image every frame.
// Levels are painted in bands of rows (a pixel buffer per band: typed-array
// writes, one putImageData), band after band in the browser's idle time once
// the slide is open, so zooming out finds them ready; a labelled cell
// repaints just the small region around it the same way.

import type { CellFilterMode } from '../model/cell-filter.ts';
import type { SlideCells } from '../model/slide-cells.ts';
import { CODE_COLOURS, FLAG_COLOUR, RASTER_MAX_SIDE } from './overlay-style.ts';
import { packColour, PixelBoxes } from './pixel-boxes.ts';

const SMALLEST_SIDE = 256;
/** A level is painted in this many bands (about 4,000 cells each for 100,000), one or more per idle step. */
const BANDS_PER_LEVEL = 24;
const PACKED = CODE_COLOURS.map((c) => packColour(c));
const PACKED_FLAG = packColour(FLAG_COLOUR);

interface Level {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  /** Raster px per level-0 px. */
  scale: number;
  /** Rows painted so far (top to bottom); the level is ready when it reaches the height. */
  rowsDone: number;
}

export interface RasterSource {
  canvas: HTMLCanvasElement;
  scale: number;
}

export class OverviewRaster {
  readonly #cells: SlideCells;
  readonly #levels: Level[] = [];
  readonly #pixels = new PixelBoxes();
  #filter: CellFilterMode;
  #idleHandle = 0;

  constructor(cells: SlideCells, slideWidth: number, slideHeight: number, filter: CellFilterMode) {
    this.#cells = cells;
    this.#filter = filter;
    const longest = Math.max(slideWidth, slideHeight, 1);
    for (let scale = Math.min(1, RASTER_MAX_SIDE / longest); ; scale /= 2) {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.ceil(slideWidth * scale));
      canvas.height = Math.max(1, Math.ceil(slideHeight * scale));
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D canvas context for the overview raster');
      this.#levels.push({ canvas, ctx, scale, rowsDone: 0 });
      if (longest * scale <= SMALLEST_SIDE) break;
    }
  }

  setFilter(filter: CellFilterMode): void {
    this.#filter = filter;
    for (const level of this.#levels) level.rowsDone = 0;
    this.prebuild();
  }

  /** Paints every level not finished yet in idle time, smallest first. */
  prebuild(): void {
    if (this.#idleHandle) return;
    const step = (deadline: IdleDeadline) => {
      this.#idleHandle = 0;
      for (;;) {
        const level = [...this.#levels].reverse().find((l) => l.rowsDone < l.canvas.height);
        if (!level) return;
        if (deadline.timeRemaining() < 4) break;
        this.#paintBand(level);
      }
      this.#idleHandle = requestIdleCallback(step);
    };
    this.#idleHandle = requestIdleCallback(step);
  }

  dispose(): void {
    if (this.#idleHandle) cancelIdleCallback(this.#idleHandle);
    this.#idleHandle = 0;
  }

  /**
   * The level for a screen scale (device px per level-0 px): the smallest one
   * still at least as fine. While that one is still being painted, the
   * nearest finished level stands in (a little soft for a moment) rather
   * than stalling the frame; only when none is finished is it painted now.
   */
  levelFor(screenScale: number): RasterSource {
    let chosen = this.#levels[0]!;
    for (const level of this.#levels) if (level.scale >= screenScale) chosen = level;
    if (chosen.rowsDone >= chosen.canvas.height) return chosen;
    const finished = this.#levels.filter((l) => l.rowsDone >= l.canvas.height);
    if (finished.length > 0) {
      this.prebuild();
      return finished.reduce((a, b) => (Math.abs(Math.log(b.scale / chosen.scale)) < Math.abs(Math.log(a.scale / chosen.scale)) ? b : a));
    }
    while (chosen.rowsDone < chosen.canvas.height) this.#paintBand(chosen);
    return chosen;
  }

  /** Repaints the area of one cell's box (and every cell sharing it) where it is already painted. */
  redrawCell(index: number): void {
    const b = this.#cells.box(index);
    for (const level of this.#levels) {
      const s = level.scale;
      const y0 = Math.floor(b.y * s) - 2;
      if (y0 >= level.rowsDone) continue; // its band is still to come, and will use the new label
      this.#paintRegion(level, Math.floor(b.x * s) - 2, y0, Math.ceil((b.x + b.width) * s) + 2, Math.ceil((b.y + b.height) * s) + 2);
    }
  }

  #paintBand(level: Level): void {
    const y0 = level.rowsDone;
    const y1 = Math.min(level.canvas.height, y0 + Math.max(8, Math.ceil(level.canvas.height / BANDS_PER_LEVEL)));
    this.#paintRegion(level, 0, y0, level.canvas.width, y1);
    level.rowsDone = y1;
  }

  /** Paints [x0, x1) x [y0, y1) of a level from scratch: every cell touching it, by class then index. */
  #paintRegion(level: Level, x0: number, y0: number, x1: number, y1: number): void {
    const ax = Math.max(0, x0);
    const ay = Math.max(0, y0);
    const bx = Math.min(level.canvas.width, x1);
    const by = Math.min(level.canvas.height, y1);
    if (bx <= ax || by <= ay) return;
    const cells = this.#cells;
    const s = level.scale;
    const touched: number[] = [];
    cells.grid.query({ x: ax / s - 1, y: ay / s - 1, width: (bx - ax) / s + 2, height: (by - ay) / s + 2 }, (i) => {
      if (cells.passes(i, this.#filter)) touched.push(i);
    });
    // Index order within each class (grid order is by grid square, so sort once; numbers sort fast).
    touched.sort((a, c) => a - c);
    const pixels = this.#pixels;
    pixels.begin(bx - ax, by - ay, ax, ay);
    const boxes = cells.boxes;
    const labels = cells.labels;
    for (let code = -1; code < CODE_COLOURS.length - 1; code++) {
      const colour = PACKED[code + 1]!;
      for (const i of touched) {
        if (labels[i] !== code) continue;
        const b = i * 4;
        const rx0 = Math.round(boxes[b]! * s);
        const ry0 = Math.round(boxes[b + 1]! * s);
        const rx1 = Math.max(rx0 + 1, Math.round((boxes[b]! + boxes[b + 2]!) * s));
        const ry1 = Math.max(ry0 + 1, Math.round((boxes[b + 1]! + boxes[b + 3]!) * s));
        pixels.box(rx0, ry0, rx1, ry1, 1, colour);
      }
    }
    for (const i of touched) {
      if (!cells.flagged[i]) continue;
      const b = i * 4;
      const rx1 = Math.round((boxes[b]! + boxes[b + 2]!) * s);
      const ry0 = Math.round(boxes[b + 1]! * s);
      pixels.box(rx1 - 2, ry0 - 1, rx1 + 1, ry0 + 2, 3, PACKED_FLAG);
    }
    pixels.flush(level.ctx);
  }
}
