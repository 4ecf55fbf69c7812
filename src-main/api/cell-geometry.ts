// Pure geometry the cell operations share with the image routes: the context
// box around a cell, the nearest cell in an arrow direction, and filters.
// Level-0 pixels throughout.

import type { Box, Point } from '../domain/geometry.ts';
import type { CellFilter, CellView } from '../domain/cell.ts';

/** Context image side: three cell boxes wide, within these bounds. */
export const CONTEXT_SIDE_MIN = 256;
export const CONTEXT_SIDE_MAX = 2048;

/** A square around the cell box's centre showing the cell with its neighbourhood. */
export function contextBoxOf(box: Box): Box {
  const side = Math.min(CONTEXT_SIDE_MAX, Math.max(CONTEXT_SIDE_MIN, 3 * Math.max(box.width, box.height)));
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: Math.round(cx - side / 2), y: Math.round(cy - side / 2), width: side, height: side };
}

export type ArrowDirection = 'up' | 'down' | 'left' | 'right';

/**
 * How far `to` is from `from` going in `direction`, or null when it does not
 * lie that way: the centre must be inside the 90-degree cone around the
 * direction; sideways offset costs double so a cell straight ahead wins.
 * The score is never less than the distance along the direction.
 */
export function directionScore(from: Point, to: Point, direction: ArrowDirection): number | null {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const [ahead, side] = direction === 'right' ? [dx, dy] : direction === 'left' ? [-dx, dy] : direction === 'down' ? [dy, dx] : [-dy, dx];
  if (ahead <= 0 || Math.abs(side) > ahead) return null;
  return ahead + 2 * Math.abs(side);
}

/** The best candidate in the direction (ties: lower id), excluding the origin cell. */
export function nearestInDirection<T extends { id: number; centre: Point }>(
  origin: { id: number; centre: Point }, candidates: readonly T[], direction: ArrowDirection,
): { cell: T; score: number } | null {
  let best: { cell: T; score: number } | null = null;
  for (const cell of candidates) {
    if (cell.id === origin.id) continue;
    const score = directionScore(origin.centre, cell.centre, direction);
    if (score === null) continue;
    if (!best || score < best.score || (score === best.score && cell.id < best.cell.id)) best = { cell, score };
  }
  return best;
}

/** The window that holds every centre with a score up to `reach` in the direction. */
export function searchWindow(from: Point, direction: ArrowDirection, reach: number): Box {
  switch (direction) {
    case 'right': return { x: from.x, y: from.y - reach, width: reach + 1, height: 2 * reach + 1 };
    case 'left': return { x: from.x - reach, y: from.y - reach, width: reach + 1, height: 2 * reach + 1 };
    case 'down': return { x: from.x - reach, y: from.y, width: 2 * reach + 1, height: reach + 1 };
    case 'up': return { x: from.x - reach, y: from.y - reach, width: 2 * reach + 1, height: reach + 1 };
  }
}

export function matchesFilter(cell: CellView, filter: CellFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.flagged !== undefined && cell.flagged !== filter.flagged) return false;
  if (filter.source !== undefined && cell.source !== filter.source) return false;
  if (filter.label === 'unlabelled') return cell.label === null;
  if (filter.label === 'labelled') return cell.label !== null;
  return filter.label === undefined || cell.label === filter.label;
}
