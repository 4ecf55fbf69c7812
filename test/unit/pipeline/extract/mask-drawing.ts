// Drawing helpers for hand-made extraction test masks (not a test file).

import type { Mask } from '../../../../src-main/pipeline/mask.ts';

export function blankMask(width: number, height: number, downsample = 1): Mask {
  return { width, height, data: new Uint8Array(width * height), downsample };
}

/** Pixels with (x - cx)^2 + (y - cy)^2 <= r^2, as numpy's mgrid test in the Python snippets. */
export function drawDisc(mask: Mask, cx: number, cy: number, r: number): Mask {
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask.data[y * mask.width + x] = 1;
    }
  }
  return mask;
}

/** Clears the disc, for rings. */
export function eraseDisc(mask: Mask, cx: number, cy: number, r: number): Mask {
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask.data[y * mask.width + x] = 0;
    }
  }
  return mask;
}

/** Sets columns [x, x + w) of rows [y, y + h), like numpy's m[y:y+h, x:x+w] = 1. */
export function drawRect(mask: Mask, x: number, y: number, w: number, h: number): Mask {
  for (let j = y; j < y + h; j++) mask.data.fill(1, j * mask.width + x, j * mask.width + x + w);
  return mask;
}

/** Mask from rows of '#' (set) and '.' (clear). */
export function maskFromRows(rows: string[], downsample = 1): Mask {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const mask = blankMask(width, height, downsample);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) if (row[x] === '#') mask.data[y * width + x] = 1;
  });
  return mask;
}
