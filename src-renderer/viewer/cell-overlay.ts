// The cell overlay, drawn into OpenSeadragon's own canvas right after its
// tiles ('update-viewport' follows the tile pass in the same frame), so
// tiles and boxes never drift apart and the page composites one layer, not
// two. Each frame takes one level-0 -> screen transform, asks the spatial
// grid for the boxes inside the visible rectangle and writes their outlines
// into a pixel buffer blended on in one drawImage; zoomed far out it blits
// the overview raster instead. No DOM element per cell, so 100,000 cells
// cost what the visible ones cost. A reader's assist suggestions on cells
// they have not labelled get a dotted ring in the suggested class's colour
// outside the grey unlabelled line (overlay-style.ts): never a label's look.

import type OpenSeadragon from 'openseadragon';
import type { CellFilterMode } from '../model/cell-filter.ts';
import type { SliceRect, SlideCells } from '../model/slide-cells.ts';
import { boxesIntersect } from '../../src-main/domain/geometry.ts';
import { hatchSegments } from './damage-hatch.ts';
import type { Segments } from './fov-outline.ts';
import { OverviewRaster } from './overview-raster.ts';
import { packColour, PixelBoxes } from './pixel-boxes.ts';
import {
  BOX_LINE_CSS, CASING_COLOUR, CASING_CSS, CLUSTER_COLOUR, CODE_COLOURS, CODE_CUES, DAMAGE_COLOUR, DAMAGE_HATCH_CSS, FLAG_COLOUR, FLAG_HEIGHT_CSS,
  FLAG_OUTLINE, FOCUS_INNER, FOCUS_OUTER, FOV_COLOUR, LETTER_FONT_CSS, LETTER_MIN_BOX_CSS, RASTER_BELOW_CSS_PX, SLICE_GRID_COLOUR,
  SUGGESTION_DASH_CSS, SUGGESTION_FONT_CSS, SUGGESTION_LINE_CSS,
} from './overlay-style.ts';
import { suggestionMark } from '../model/assist-text.ts';
import { SlideCoords } from './slide-coords.ts';

/** Level-0 -> CSS px of the viewer element: screen = offset + level0 * scale. */
export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
  /** Visible level-0 rectangle. */
  visible: SliceRect;
}

export interface OverlayOptions {
  showSliceGrid: boolean;
  showFov: boolean;
  /** Outline of the field of view: x0, y0, x1, y1 segments in level-0 px. */
  fovOutline: Segments | null;
  slices: readonly SliceRect[];
  /** Damaged scan data (level-0 boxes), always hatched. */
  damaged: readonly SliceRect[];
}

export interface OverlayFrameStats {
  mode: 'vector' | 'raster' | 'empty';
  drawn: number;
  /** Boxes drawn with a suggestion ring (vector mode). */
  suggested: number;
  /** Damaged boxes hatched in this frame. */
  damaged: number;
  ms: number;
}

const PACKED_COLOURS = CODE_COLOURS.map((c) => packColour(c));
const PACKED_CASING = packColour(CASING_COLOUR);

export class CellOverlay {
  readonly #viewer: OpenSeadragon.Viewer;
  /** The box buffer is put here, then drawn onto the viewer's canvas with alpha. */
  readonly #scratch: HTMLCanvasElement;
  readonly #scratchCtx: CanvasRenderingContext2D;
  #cells: SlideCells | null = null;
  #raster: OverviewRaster | null = null;
  #slideSize = { width: 0, height: 0 };
  #filter: CellFilterMode;
  #focused: number | null = null;
  #options: OverlayOptions = { showSliceGrid: false, showFov: false, fovOutline: null, slices: [], damaged: [] };
  #enabled = true;
  #viewerGone = false;
  #buckets: Int32Array[] = [];
  readonly #pixels = new PixelBoxes();
  lastFrame: OverlayFrameStats = { mode: 'empty', drawn: 0, suggested: 0, damaged: 0, ms: 0 };

  /** Level-0 <-> image coordinates of this slide's tiles (the DZI may start at the scanned bounds' corner). */
  readonly coords: SlideCoords;

  constructor(viewer: OpenSeadragon.Viewer, filter: CellFilterMode, coords: SlideCoords = new SlideCoords()) {
    this.#viewer = viewer;
    this.#filter = filter;
    this.coords = coords;
    if (!(viewer.drawer.canvas instanceof HTMLCanvasElement)) throw new Error('the cell overlay needs OpenSeadragon\'s canvas drawer');
    this.#scratch = document.createElement('canvas');
    const scratch = this.#scratch.getContext('2d');
    if (!scratch) throw new Error('no 2D canvas context for the cell overlay');
    this.#scratchCtx = scratch;
    viewer.addHandler('update-viewport', this.#draw);
    viewer.addOnceHandler('before-destroy', () => { this.#viewerGone = true; });
    this.invalidate();
  }

  /** The canvas the overlay draws on (OpenSeadragon's), for tests reading its pixels. */
  get canvas(): HTMLCanvasElement {
    return this.#viewer.drawer.canvas as HTMLCanvasElement;
  }

  /** Stops drawing; redraws the tiles without boxes while the viewer lives on (a closing viewer needs nothing). */
  destroy(): void {
    this.#raster?.dispose();
    this.#enabled = false;
    if (this.#viewerGone) return;
    this.#viewer.removeHandler('update-viewport', this.#draw);
    this.invalidate();
  }

  setCells(cells: SlideCells | null, slideWidth: number, slideHeight: number): void {
    this.#cells = cells;
    this.#slideSize = { width: slideWidth, height: slideHeight };
    this.#raster?.dispose();
    this.#raster = cells && cells.count > 0 ? new OverviewRaster(cells, slideWidth, slideHeight, this.#filter) : null;
    this.#raster?.prebuild();
    this.invalidate();
  }

  setFilter(filter: CellFilterMode): void {
    if (filter === this.#filter) return;
    this.#filter = filter;
    this.#raster?.setFilter(filter);
    this.invalidate();
  }

  setFocus(index: number | null): void {
    if (index === this.#focused) return;
    this.#focused = index;
    this.invalidate();
  }

  setOptions(options: Partial<OverlayOptions>): void {
    this.#options = { ...this.#options, ...options };
    this.invalidate();
  }

  /** Off: tiles only (the benchmark's baseline). */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    this.invalidate();
  }

  /** A cell's label or flag changed. */
  cellChanged(index: number): void {
    this.#raster?.redrawCell(index);
    this.invalidate();
  }

  /** Redraw in the viewer's next frame (tiles, then the overlay). */
  readonly invalidate = (): void => {
    this.#viewer.forceRedraw();
  };

  /** The current level-0 -> CSS px transform of the viewer. */
  transform(): ViewTransform | null {
    const item = this.#viewer.world.getItemAt(0);
    if (!item) return null;
    const origin = this.coords.levelZeroToElement(item, 0, 0);
    const unit = this.coords.levelZeroToElement(item, 1_000_000, 0);
    const scale = (unit.x - origin.x) / 1_000_000;
    if (!(scale > 0)) return null;
    const el = this.#viewer.canvas;
    const visible = {
      x: -origin.x / scale,
      y: -origin.y / scale,
      width: el.clientWidth / scale,
      height: el.clientHeight / scale,
    };
    return { scale, offsetX: origin.x, offsetY: origin.y, visible };
  }

  readonly #draw = (): void => {
    if (!this.#enabled) return;
    const started = performance.now();
    const canvas = this.canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const dpr = canvas.width / Math.max(1, this.#viewer.canvas.clientWidth);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    try {
      this.#drawOn(ctx, canvas.width, canvas.height, dpr, started);
    } finally {
      ctx.restore();
    }
  };

  #drawOn(ctx: CanvasRenderingContext2D, width: number, height: number, dpr: number, started: number): void {
    const t = this.transform();
    const cells = this.#cells;
    if (!t) {
      this.lastFrame = { mode: 'empty', drawn: 0, suggested: 0, damaged: 0, ms: performance.now() - started };
      return;
    }
    // Device px per level-0 px, and the offset in device px.
    const s = t.scale * dpr;
    const ox = t.offsetX * dpr;
    const oy = t.offsetY * dpr;
    let drawn = 0;
    let suggested = 0;
    let mode: OverlayFrameStats['mode'] = 'empty';
    if (cells && cells.count > 0) {
      if (cells.medianSide * t.scale < RASTER_BELOW_CSS_PX) {
        mode = 'raster';
        this.#raster ??= new OverviewRaster(cells, this.#slideSize.width, this.#slideSize.height, this.#filter);
        const level = this.#raster.levelFor(s);
        const r = level.scale;
        // Only the visible part of the level, so the blit costs what the screen holds.
        const sx0 = Math.max(0, Math.floor(t.visible.x * r));
        const sy0 = Math.max(0, Math.floor(t.visible.y * r));
        const sx1 = Math.min(level.canvas.width, Math.ceil((t.visible.x + t.visible.width) * r));
        const sy1 = Math.min(level.canvas.height, Math.ceil((t.visible.y + t.visible.height) * r));
        if (sx1 > sx0 && sy1 > sy0) {
          ctx.imageSmoothingEnabled = true;
          ctx.drawImage(level.canvas, sx0, sy0, sx1 - sx0, sy1 - sy0,
            ox + (sx0 / r) * s, oy + (sy0 / r) * s, ((sx1 - sx0) / r) * s, ((sy1 - sy0) / r) * s);
        }
        drawn = cells.count;
      } else {
        mode = 'vector';
        ({ drawn, suggested } = this.#drawBoxes(ctx, cells, t.visible, s, ox, oy, dpr, width, height));
      }
    }
    const damaged = this.#drawDamage(ctx, t.visible, s, ox, oy, dpr);
    if (this.#options.showSliceGrid) this.#drawSlices(ctx, t.visible, s, ox, oy, dpr);
    if (this.#options.showFov) this.#drawFov(ctx, s, ox, oy, dpr);
    if (cells && this.#focused !== null && this.#focused < cells.count) this.#drawFocus(ctx, cells, this.#focused, s, ox, oy, dpr);
    this.lastFrame = { mode, drawn, suggested, damaged, ms: performance.now() - started };
  }

  #drawBoxes(
    ctx: CanvasRenderingContext2D, cells: SlideCells, visible: SliceRect, s: number, ox: number, oy: number, dpr: number,
    width: number, height: number,
  ): { drawn: number; suggested: number } {
    const lw = Math.max(1, Math.round(BOX_LINE_CSS * dpr));
    const boxes = cells.boxes;
    const labels = cells.labels;
    const filter = this.#filter;
    // Visible cells bucketed by label code (one fill colour per bucket), in reused arrays.
    if (this.#buckets.length === 0 || this.#buckets[0]!.length < cells.count) {
      this.#buckets = CODE_COLOURS.map(() => new Int32Array(cells.count));
    }
    const sizes = CODE_COLOURS.map(() => 0);
    let drawn = 0;
    cells.grid.query(visible, (i) => {
      if (!cells.passes(i, filter)) return;
      const code = labels[i]! + 1;
      this.#buckets[code]![sizes[code]!++] = i;
      drawn++;
    });
    const flags = new Path2D();
    let anyFlag = false;
    // Cluster candidates get a dashed line just inside their box: the class colour stays readable.
    const clusters = new Path2D();
    let anyCluster = false;
    const casing = Math.max(1, Math.round(CASING_CSS * dpr));
    const dashes = CODE_CUES.map((cue) => cue.dash.map((d) => Math.max(1, Math.round(d * dpr))));
    const letterMin = LETTER_MIN_BOX_CSS * dpr;
    const letters: number[] = [];
    // Suggestion rings: just outside the box's casing, on their own casing.
    const suggestedCodes = cells.suggested;
    const ringLine = Math.max(1, Math.round(SUGGESTION_LINE_CSS * dpr));
    const ringOut = casing + ringLine;
    const ringDash = SUGGESTION_DASH_CSS.map((d) => Math.max(1, Math.round(d * dpr)));
    const marks: number[] = [];
    let suggested = 0;
    const flagHeight = FLAG_HEIGHT_CSS * dpr;
    this.#pixels.begin(width, height);
    // Two passes: every casing first, then every stroke, so a neighbour's casing never cuts a line.
    for (let pass = 0; pass < 2; pass++) {
      for (let code = 0; code < CODE_COLOURS.length; code++) {
        const colour = PACKED_COLOURS[code]!;
        const cue = CODE_CUES[code]!;
        const band = cue.double ? 3 * lw : lw;
        const bucket = this.#buckets[code]!;
        for (let k = 0; k < sizes[code]!; k++) {
          const i = bucket[k]!;
          const b = i * 4;
          // Whole device px: crisp lines, and pixel-exact colours for the tests.
          const x0 = Math.round(ox + boxes[b]! * s);
          const y0 = Math.round(oy + boxes[b + 1]! * s);
          const x1 = Math.max(x0 + 1, Math.round(ox + (boxes[b]! + boxes[b + 2]!) * s));
          const y1 = Math.max(y0 + 1, Math.round(oy + (boxes[b + 1]! + boxes[b + 3]!) * s));
          // Bucket 0 holds the unlabelled cells: only they show a suggestion (a reader's label wins).
          const hint = code === 0 ? suggestedCodes[i]! : -1;
          if (pass === 0) {
            this.#pixels.box(x0 - casing, y0 - casing, x1 + casing, y1 + casing, band + 2 * casing, PACKED_CASING);
            if (hint >= 0) this.#pixels.box(x0 - ringOut - casing, y0 - ringOut - casing, x1 + ringOut + casing, y1 + ringOut + casing, ringLine + 2 * casing, PACKED_CASING);
            continue;
          }
          this.#pixels.dashedBox(x0, y0, x1, y1, lw, colour, dashes[code]!);
          if (hint >= 0) {
            this.#pixels.dashedBox(x0 - ringOut, y0 - ringOut, x1 + ringOut, y1 + ringOut, ringLine, PACKED_COLOURS[hint + 1]!, ringDash);
            if (Math.min(x1 - x0, y1 - y0) >= letterMin) marks.push(i, x0 - ringOut, y0 - ringOut - casing);
            suggested++;
          }
          if (cue.double && x1 - x0 > 6 * lw && y1 - y0 > 6 * lw) this.#pixels.box(x0 + 2 * lw, y0 + 2 * lw, x1 - 2 * lw, y1 - 2 * lw, lw, colour);
          if (cue.letter && Math.min(x1 - x0, y1 - y0) >= letterMin) letters.push(code, x0, y0 - casing);
          const inset = band + casing + Math.round(2 * dpr);
          if (cells.clusters[i] && x1 - x0 > 4 * inset && y1 - y0 > 4 * inset) {
            clusters.rect(x0 + inset, y0 + inset, x1 - x0 - 2 * inset, y1 - y0 - 2 * inset);
            anyCluster = true;
          }
          if (cells.flagged[i]) {
            // A pennant on a pole above the top-right corner: the same size at any zoom, and off the cell.
            flags.moveTo(x1, y0);
            flags.lineTo(x1, y0 - flagHeight);
            flags.lineTo(x1 + flagHeight * 0.9, y0 - flagHeight * 0.75);
            flags.lineTo(x1, y0 - flagHeight * 0.5);
            anyFlag = true;
          }
        }
      }
    }
    if (this.#scratch.width !== width || this.#scratch.height !== height) {
      this.#scratch.width = width;
      this.#scratch.height = height;
    }
    this.#pixels.flush(this.#scratchCtx);
    ctx.drawImage(this.#scratch, 0, 0);
    if (anyCluster) {
      ctx.setLineDash([5 * dpr, 4 * dpr]);
      ctx.lineWidth = Math.max(1, dpr);
      ctx.strokeStyle = CLUSTER_COLOUR;
      ctx.stroke(clusters);
      ctx.setLineDash([]);
    }
    if (letters.length > 0) this.#drawLetters(ctx, letters, dpr);
    if (marks.length > 0) this.#drawSuggestionMarks(ctx, cells, marks, dpr);
    if (anyFlag) {
      ctx.fillStyle = FLAG_COLOUR;
      ctx.fill(flags);
      ctx.lineWidth = Math.max(1.5, 1.5 * dpr);
      ctx.lineJoin = 'round';
      ctx.strokeStyle = FLAG_OUTLINE;
      ctx.stroke(flags);
    }
    return { drawn, suggested };
  }

  /** "r? 0.87" above the rings of large suggested boxes (index, x, y triples): italic, in the suggested class's colour on a light halo. */
  #drawSuggestionMarks(ctx: CanvasRenderingContext2D, cells: SlideCells, marks: readonly number[], dpr: number): void {
    haloTextStyle(ctx, `italic 600 ${SUGGESTION_FONT_CSS * dpr}px system-ui, sans-serif`, dpr);
    for (let k = 0; k < marks.length; k += 3) {
      const i = marks[k]!;
      const code = cells.suggested[i]!;
      haloText(ctx, suggestionMark(code, cells.suggestedP[i]!), CODE_COLOURS[code + 1]!, marks[k + 1]!, marks[k + 2]!, dpr);
    }
  }

  /** Class letters just above the top-left corners (code, x, y triples), in the class colour on a light halo. */
  #drawLetters(ctx: CanvasRenderingContext2D, letters: readonly number[], dpr: number): void {
    haloTextStyle(ctx, `bold ${LETTER_FONT_CSS * dpr}px system-ui, sans-serif`, dpr);
    for (let k = 0; k < letters.length; k += 3) {
      const code = letters[k]!;
      haloText(ctx, CODE_CUES[code]!.letter, CODE_COLOURS[code]!, letters[k + 1]!, letters[k + 2]!, dpr);
    }
  }

  #drawFocus(ctx: CanvasRenderingContext2D, cells: SlideCells, index: number, s: number, ox: number, oy: number, dpr: number): void {
    const b = cells.box(index);
    const pad = 4 * dpr;
    const minSide = 14 * dpr;
    let x0 = ox + b.x * s - pad;
    let y0 = oy + b.y * s - pad;
    let w = b.width * s + 2 * pad;
    let h = b.height * s + 2 * pad;
    if (w < minSide) { x0 -= (minSide - w) / 2; w = minSide; }
    if (h < minSide) { y0 -= (minSide - h) / 2; h = minSide; }
    ctx.lineWidth = 5 * dpr;
    ctx.strokeStyle = FOCUS_OUTER;
    ctx.strokeRect(x0, y0, w, h);
    ctx.lineWidth = 2 * dpr;
    ctx.strokeStyle = FOCUS_INNER;
    ctx.strokeRect(x0, y0, w, h);
  }

  #drawSlices(ctx: CanvasRenderingContext2D, visible: SliceRect, s: number, ox: number, oy: number, dpr: number): void {
    const path = new Path2D();
    const labels: Array<{ text: string; x: number; y: number }> = [];
    for (const sl of this.#options.slices) {
      if (sl.x > visible.x + visible.width || sl.y > visible.y + visible.height) continue;
      if (sl.x + sl.width < visible.x || sl.y + sl.height < visible.y) continue;
      const x = ox + sl.x * s;
      const y = oy + sl.y * s;
      path.rect(x, y, sl.width * s, sl.height * s);
      if (sl.width * s > 160 * dpr) labels.push({ text: `${sl.x}-${sl.y}`, x, y });
    }
    ctx.setLineDash([6 * dpr, 4 * dpr]);
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeStyle = SLICE_GRID_COLOUR;
    ctx.stroke(path);
    ctx.setLineDash([]);
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = SLICE_GRID_COLOUR;
    for (const l of labels) ctx.fillText(l.text, l.x + 4 * dpr, l.y + 13 * dpr);
  }

  /** Hatches the visible damaged boxes, with a thin outline; returns how many. */
  #drawDamage(ctx: CanvasRenderingContext2D, visible: SliceRect, s: number, ox: number, oy: number, dpr: number): number {
    const boxes = this.#options.damaged.filter((b) => boxesIntersect(b, visible));
    if (boxes.length === 0) return 0;
    const hatch = new Path2D();
    const outline = new Path2D();
    for (const b of boxes) {
      const x = ox + b.x * s;
      const y = oy + b.y * s;
      const w = Math.max(1, b.width * s);
      const h = Math.max(1, b.height * s);
      outline.rect(x, y, w, h);
      const seg = hatchSegments(x, y, w, h, DAMAGE_HATCH_CSS * dpr);
      for (let k = 0; k < seg.length; k += 4) {
        hatch.moveTo(seg[k]!, seg[k + 1]!);
        hatch.lineTo(seg[k + 2]!, seg[k + 3]!);
      }
    }
    ctx.lineWidth = Math.max(1, 1.5 * dpr);
    ctx.strokeStyle = DAMAGE_COLOUR;
    ctx.stroke(hatch);
    ctx.stroke(outline);
    return boxes.length;
  }

  #drawFov(ctx: CanvasRenderingContext2D, s: number, ox: number, oy: number, dpr: number): void {
    const path = new Path2D();
    const seg = this.#options.fovOutline;
    if (!seg) return;
    for (let k = 0; k < seg.length; k += 4) {
      path.moveTo(ox + seg[k]! * s, oy + seg[k + 1]! * s);
      path.lineTo(ox + seg[k + 2]! * s, oy + seg[k + 3]! * s);
    }
    ctx.lineWidth = 2 * dpr;
    ctx.lineCap = 'square';
    ctx.strokeStyle = FOV_COLOUR;
    ctx.stroke(path);
  }
}

/** Text drawn above a point on a light halo (the casing colour), so it reads on any stain: the font and halo. */
function haloTextStyle(ctx: CanvasRenderingContext2D, font: string, dpr: number): void {
  ctx.font = font;
  ctx.textBaseline = 'bottom';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3 * dpr;
  ctx.strokeStyle = CASING_COLOUR;
}

/** One such text in `colour`, its bottom-left corner one device px right of and above (x, y). */
function haloText(ctx: CanvasRenderingContext2D, text: string, colour: string, x: number, y: number, dpr: number): void {
  ctx.fillStyle = colour;
  ctx.strokeText(text, x + dpr, y - dpr);
  ctx.fillText(text, x + dpr, y - dpr);
}
