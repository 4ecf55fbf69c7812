// Box math of the viewer's edit mode, pure so it is tested without a
// browser: which handle of a box a pointer is on (screen px), the box a
// handle drag or a drawn rectangle gives (level-0 px, whole pixels, kept on
// the slide and at least MIN_EDIT_SIDE), and where handles are drawn.

import type { Box, Point } from '../../src-main/domain/geometry.ts';

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw' | 'move';

/** Smallest side of a box a reader may draw, level-0 px (the contract's floor). */
export const MIN_EDIT_SIDE = 2;
/** How close (CSS px) the pointer must be to an edge or corner to take it. */
export const HANDLE_REACH_CSS = 8;

/** The handle of a screen box under a screen point: corners first, then edges, then the inside ('move'); null outside. */
export function handleAt(box: Box, p: Point, reach = HANDLE_REACH_CSS): Handle | null {
  const x0 = box.x;
  const y0 = box.y;
  const x1 = box.x + box.width;
  const y1 = box.y + box.height;
  if (p.x < x0 - reach || p.x > x1 + reach || p.y < y0 - reach || p.y > y1 + reach) return null;
  const nearW = Math.abs(p.x - x0) <= reach;
  const nearE = Math.abs(p.x - x1) <= reach;
  const nearN = Math.abs(p.y - y0) <= reach;
  const nearS = Math.abs(p.y - y1) <= reach;
  const v = nearN ? 'n' : nearS ? 's' : '';
  const h = nearW ? 'w' : nearE ? 'e' : '';
  if (v || h) return (v + h) as Handle;
  return p.x > x0 && p.x < x1 && p.y > y0 && p.y < y1 ? 'move' : null;
}

/** The whole-pixel box between two level-0 corners, on the slide, at least MIN_EDIT_SIDE a side; null when it would leave nothing. */
export function boxFromCorners(a: Point, b: Point, slide: { width: number; height: number }): Box | null {
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x)));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y)));
  const x1 = Math.min(slide.width, Math.ceil(Math.max(a.x, b.x)));
  const y1 = Math.min(slide.height, Math.ceil(Math.max(a.y, b.y)));
  if (x1 - x0 < MIN_EDIT_SIDE || y1 - y0 < MIN_EDIT_SIDE) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The box after dragging one of its handles by (dx, dy) level-0 px: edges follow, 'move' shifts it whole. */
export function dragHandle(box: Box, handle: Handle, dx: number, dy: number, slide: { width: number; height: number }): Box {
  let x0 = box.x;
  let y0 = box.y;
  let x1 = box.x + box.width;
  let y1 = box.y + box.height;
  if (handle === 'move') {
    const sx = Math.min(Math.max(Math.round(dx), -x0), slide.width - x1);
    const sy = Math.min(Math.max(Math.round(dy), -y0), slide.height - y1);
    return { x: x0 + sx, y: y0 + sy, width: box.width, height: box.height };
  }
  if (handle.includes('w')) x0 = Math.min(x1 - MIN_EDIT_SIDE, Math.max(0, Math.round(x0 + dx)));
  if (handle.includes('e')) x1 = Math.max(x0 + MIN_EDIT_SIDE, Math.min(slide.width, Math.round(x1 + dx)));
  if (handle.includes('n')) y0 = Math.min(y1 - MIN_EDIT_SIDE, Math.max(0, Math.round(y0 + dy)));
  if (handle.includes('s')) y1 = Math.max(y0 + MIN_EDIT_SIDE, Math.min(slide.height, Math.round(y1 + dy)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Where the eight resize handles sit (their centres), for drawing. */
export function handlePoints(box: Box): Point[] {
  const { x, y, width: w, height: h } = box;
  return [
    { x, y }, { x: x + w / 2, y }, { x: x + w, y },
    { x, y: y + h / 2 }, { x: x + w, y: y + h / 2 },
    { x, y: y + h }, { x: x + w / 2, y: y + h }, { x: x + w, y: y + h },
  ];
}

/** The CSS cursor for a handle. */
export function handleCursor(handle: Handle | null): string {
  switch (handle) {
    case 'n': case 's': return 'ns-resize';
    case 'e': case 'w': return 'ew-resize';
    case 'ne': case 'sw': return 'nesw-resize';
    case 'nw': case 'se': return 'nwse-resize';
    case 'move': return 'move';
    default: return '';
  }
}
