// The viewer's edit mode (E): pointer gestures that become cell edits, and
// what they look like while in hand, drawn on the overlay's canvas right
// after the cells (same frame, same transform). Select tool: the focused
// cell shows eight handles; dragging a handle resizes it, dragging inside
// moves it (a reshape on release). Draw tool: drag a new box. Nucleus tool:
// click a nucleus. Split tool: click nuclei inside the focused cell (the
// parts are previewed), Enter commits. Merge tool: click (or Shift+click)
// cells, Enter commits. While a drag edits, OpenSeadragon does not pan.

import type OpenSeadragon from 'openseadragon';
import type { Box, Point } from '../../src-main/domain/geometry.ts';
import { splitBoxByNuclei, unionBox } from '../../src-main/domain/edit-geometry.ts';
import type { WorkspaceController } from '../model/workspace-controller.ts';
import { boxFromCorners, dragHandle, handleAt, handleCursor, handlePoints, type Handle } from './box-handles.ts';
import type { CellOverlay } from './cell-overlay.ts';

const EDIT_COLOUR = '#FFD400';
const EDIT_OUTLINE = '#111418';
const MERGE_COLOUR = '#00E5FF';
const HANDLE_CSS = 7;

type Drag =
  | { kind: 'draw'; from: Point; to: Point }
  | { kind: 'handle'; index: number; handle: Handle; from: Point; box: Box };

export class EditLayer {
  readonly #viewer: OpenSeadragon.Viewer;
  readonly #overlay: CellOverlay;
  readonly #controller: WorkspaceController;
  #drag: Drag | null = null;
  readonly #stop: Array<() => void> = [];

  constructor(viewer: OpenSeadragon.Viewer, overlay: CellOverlay, controller: WorkspaceController) {
    this.#viewer = viewer;
    this.#overlay = overlay;
    this.#controller = controller;
    const on = <E extends keyof OpenSeadragon.ViewerEventMap>(name: E, handler: OpenSeadragon.EventHandler<OpenSeadragon.ViewerEventMap[E]>) => {
      viewer.addHandler(name, handler);
      this.#stop.push(() => viewer.removeHandler(name, handler));
    };
    on('update-viewport', this.#draw);
    on('canvas-press', (e) => this.#press(e));
    on('canvas-drag', (e) => this.#dragTo(e));
    on('canvas-release', () => this.#release());
    on('canvas-click', (e) => this.#click(e));
    const element = viewer.canvas;
    const move = (e: PointerEvent) => this.#hover(e, element);
    element.addEventListener('pointermove', move);
    this.#stop.push(() => element.removeEventListener('pointermove', move));
    this.#stop.push(controller.state.subscribe(() => overlay.invalidate()));
  }

  destroy(): void {
    for (const stop of this.#stop.splice(0)) stop();
    // A closing slide destroys the viewer first: its canvas is gone then.
    const element = this.#viewer.canvas as HTMLElement | null;
    if (element) element.style.cursor = '';
  }

  /** True when a click means an edit (the viewer then leaves focusing to this layer). */
  ownsClicks(): boolean {
    const tool = this.#controller.state.get().edit.tool;
    return tool === 'draw' || tool === 'nucleus' || tool === 'split' || tool === 'merge';
  }

  #image(position: OpenSeadragon.Point): Point | null {
    const item = this.#viewer.world.getItemAt(0);
    if (!item) return null;
    return this.#overlay.coords.elementToLevelZero(item, position);
  }

  #screenBox(b: Box): Box | null {
    const t = this.#overlay.transform();
    if (!t) return null;
    return { x: t.offsetX + b.x * t.scale, y: t.offsetY + b.y * t.scale, width: b.width * t.scale, height: b.height * t.scale };
  }

  #slideSize() {
    return { width: this.#controller.slide.width, height: this.#controller.slide.height };
  }

  #focusedHandle(position: Point): { index: number; handle: Handle } | null {
    const s = this.#controller.state.get();
    if (s.edit.tool !== 'select' || s.focused === null) return null;
    const screen = this.#screenBox(this.#controller.cells.box(s.focused));
    const handle = screen ? handleAt(screen, position) : null;
    return handle ? { index: s.focused, handle } : null;
  }

  #press(e: OpenSeadragon.CanvasPressEvent): void {
    const tool = this.#controller.state.get().edit.tool;
    const p = this.#image(e.position);
    if (!p) return;
    if (tool === 'draw') {
      this.#drag = { kind: 'draw', from: p, to: p };
      return;
    }
    const hit = this.#focusedHandle({ x: e.position.x, y: e.position.y });
    if (hit) this.#drag = { kind: 'handle', ...hit, from: p, box: this.#controller.cells.box(hit.index) };
  }

  #dragTo(e: OpenSeadragon.CanvasDragEvent): void {
    if (!this.#drag) return;
    e.preventDefaultAction = true;
    const p = this.#image(e.position);
    if (!p) return;
    if (this.#drag.kind === 'draw') this.#drag.to = p;
    else this.#drag = { ...this.#drag, box: dragHandle(this.#controller.cells.box(this.#drag.index), this.#drag.handle, p.x - this.#drag.from.x, p.y - this.#drag.from.y, this.#slideSize()) };
    this.#overlay.invalidate();
  }

  #release(): void {
    const drag = this.#drag;
    this.#drag = null;
    if (!drag) return;
    if (drag.kind === 'draw') {
      const box = boxFromCorners(drag.from, drag.to, this.#slideSize());
      if (box) this.#controller.editAddBox(box);
    } else {
      const old = this.#controller.cells.box(drag.index);
      const moved = drag.box.x !== old.x || drag.box.y !== old.y || drag.box.width !== old.width || drag.box.height !== old.height;
      if (moved) this.#controller.editReshape(drag.index, drag.box);
    }
    this.#overlay.invalidate();
  }

  #click(e: OpenSeadragon.CanvasClickEvent): void {
    if (!e.quick) return;
    const s = this.#controller.state.get();
    const p = this.#image(e.position);
    if (!p) return;
    const cells = this.#controller.cells;
    const hit = () => cells.grid.at(p.x, p.y).find((i) => cells.passes(i, s.filter));
    switch (s.edit.tool) {
      case 'nucleus': return this.#controller.editAddAt(p);
      case 'split': return this.#controller.editSplitPoint(p);
      case 'merge': {
        const i = hit();
        if (i !== undefined) this.#controller.editMergeToggle(i);
        return;
      }
      case 'select': {
        // Shift+click starts a merge with the focused cell.
        const i = e.shift ? hit() : undefined;
        if (i !== undefined) {
          this.#controller.dispatch({ type: 'edit-tool', tool: 'merge' });
          if (i !== s.focused) this.#controller.editMergeToggle(i);
        }
        return;
      }
      default:
    }
  }

  #hover(e: PointerEvent, element: HTMLElement): void {
    if (this.#drag) return;
    const tool = this.#controller.state.get().edit.tool;
    if (tool === 'off') {
      if (element.style.cursor) element.style.cursor = '';
      return;
    }
    const rect = element.getBoundingClientRect();
    const hit = this.#focusedHandle({ x: e.clientX - rect.left, y: e.clientY - rect.top });
    const cursor = tool === 'select' ? handleCursor(hit?.handle ?? null) : 'crosshair';
    if (element.style.cursor !== cursor) element.style.cursor = cursor;
  }

  readonly #draw = (): void => {
    const s = this.#controller.state.get();
    if (s.edit.tool === 'off' && !this.#drag) return;
    const t = this.#overlay.transform();
    const canvas = this.#overlay.canvas;
    const ctx = canvas.getContext('2d');
    if (!t || !ctx) return;
    const dpr = canvas.width / Math.max(1, this.#viewer.canvas.clientWidth);
    const screen = (b: Box) => ({ x: (t.offsetX + b.x * t.scale) * dpr, y: (t.offsetY + b.y * t.scale) * dpr, w: b.width * t.scale * dpr, h: b.height * t.scale * dpr });
    const cells = this.#controller.cells;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const outline = (b: Box, colour: string, dashed: boolean) => {
      const r = screen(b);
      ctx.setLineDash(dashed ? [6 * dpr, 4 * dpr] : []);
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = EDIT_OUTLINE;
      ctx.strokeRect(r.x, r.y, r.w, r.h);
      ctx.lineWidth = 1.5 * dpr;
      ctx.strokeStyle = colour;
      ctx.strokeRect(r.x, r.y, r.w, r.h);
    };
    const drag = this.#drag;
    if (drag?.kind === 'draw') {
      const box = boxFromCorners(drag.from, drag.to, this.#slideSize());
      if (box) outline(box, EDIT_COLOUR, true);
    }
    const focusBox = drag?.kind === 'handle' ? drag.box : s.focused !== null ? cells.box(s.focused) : null;
    if (focusBox && (s.edit.tool === 'select' || drag?.kind === 'handle')) {
      outline(focusBox, EDIT_COLOUR, drag?.kind === 'handle');
      const side = HANDLE_CSS * dpr;
      for (const h of handlePoints(focusBox)) {
        const x = (t.offsetX + h.x * t.scale) * dpr - side / 2;
        const y = (t.offsetY + h.y * t.scale) * dpr - side / 2;
        ctx.fillStyle = EDIT_COLOUR;
        ctx.fillRect(x, y, side, side);
        ctx.lineWidth = dpr;
        ctx.strokeStyle = EDIT_OUTLINE;
        ctx.strokeRect(x, y, side, side);
      }
    }
    if (s.edit.tool === 'split' && s.focused !== null) {
      const box = cells.box(s.focused);
      if (s.edit.splitPoints.length >= 2) for (const part of splitBoxByNuclei(box, s.edit.splitPoints)) outline(part, EDIT_COLOUR, true);
      for (const p of s.edit.splitPoints) {
        const x = (t.offsetX + p.x * t.scale) * dpr;
        const y = (t.offsetY + p.y * t.scale) * dpr;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(x, y, 5 * dpr, 0, 2 * Math.PI);
        ctx.fillStyle = EDIT_COLOUR;
        ctx.fill();
        ctx.lineWidth = dpr;
        ctx.strokeStyle = EDIT_OUTLINE;
        ctx.stroke();
      }
    }
    if (s.edit.tool === 'merge' && s.edit.mergeIds.length > 0) {
      const boxes = s.edit.mergeIds.flatMap((id) => {
        const i = cells.indexOf(id);
        return i === undefined ? [] : [cells.box(i)];
      });
      for (const b of boxes) outline(b, MERGE_COLOUR, false);
      if (boxes.length >= 2) outline(unionBox(boxes), MERGE_COLOUR, true);
    }
    ctx.restore();
  };
}
