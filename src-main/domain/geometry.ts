// Plain geometry shared by every layer. Coordinates are level-0 pixels unless
// a name says otherwise (levelX, sliceX, dzLevel).

/** Axis-aligned box with whole-pixel corners: [x, x + width) x [y, y + height). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export function boxesIntersect(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function intersectBoxes(a: Box, b: Box): Box | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** Area covered by the union of `boxes` (overlaps counted once): coordinate compression, fine for tens of boxes. */
export function unionArea(boxes: readonly Box[]): number {
  const xs = [...new Set(boxes.flatMap((b) => [b.x, b.x + b.width]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const left = xs[i]!;
    const right = xs[i + 1]!;
    const spans = boxes.filter((b) => b.x <= left && b.x + b.width >= right && b.width > 0 && b.height > 0)
      .map((b) => [b.y, b.y + b.height] as const).sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let top = -Infinity;
    let bottom = -Infinity;
    for (const [y0, y1] of spans) {
      if (y0 > bottom) {
        covered += bottom - top > 0 ? bottom - top : 0;
        top = y0;
        bottom = y1;
      } else if (y1 > bottom) bottom = y1;
    }
    covered += bottom - top > 0 ? bottom - top : 0;
    area += covered * (right - left);
  }
  return area;
}
