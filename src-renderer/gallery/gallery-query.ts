// What the gallery asks the server for when it is ranked by the reader's
// suggestions (most suspicious first, least certain first): the workspace's
// view filter in the contract's words, and the orders' names. Reading order
// is laid out locally (SlideCells); the ranked orders need every class's
// probability, which only the server holds.

import type { Input } from '../../src-main/api/contract.ts';
import { GALLERY_ORDERS, type GalleryOrder } from '../../src-main/domain/assist.ts';
import type { CellFilterMode } from '../model/cell-filter.ts';

export type { GalleryOrder };
export { GALLERY_ORDERS };

/** Tiles per ranked page: Ctrl+A selects them, one labelCells call labels them. */
export const RANKED_PAGE = 200;

export const ORDER_NAMES: Record<GalleryOrder, string> = {
  reading: 'reading order',
  suspicious: 'most suspicious first',
  uncertain: 'least certain first',
};

/** The workspace filter as the contract's cell filter (undefined: every cell). */
export function serverFilter(mode: CellFilterMode): Input<'gallery'>['filter'] {
  if (mode === 'all') return undefined;
  if (mode === 'flagged') return { flagged: true };
  return { label: mode };
}

/** "201–400 of 1,234" for a page (0-based) of `total` tiles. */
export function pageText(page: number, total: number, size = RANKED_PAGE): string {
  if (total === 0) return '0 of 0';
  const first = page * size + 1;
  const last = Math.min(total, (page + 1) * size);
  return `${first.toLocaleString('en')}–${last.toLocaleString('en')} of ${total.toLocaleString('en')}`;
}
