// Binary morphology for the coarse field-of-view mask, on top of the square
// operators the segmenters use (segment/mask-morphology.ts: O(1) per pixel,
// only in-bounds neighbours count). What this adds is a closing on an
// unbounded plane, so a wide radius cannot flood the whole image.
import { closeSquare, dilateSquare, erodeSquare, openSquare } from './segment/mask-morphology.ts';

export function dilate(mask: Uint8Array, width: number, height: number, times = 1): Uint8Array {
  return dilateSquare(mask, width, height, times);
}

export function erode(mask: Uint8Array, width: number, height: number, times = 1): Uint8Array {
  return erodeSquare(mask, width, height, times);
}

/** Opening removes specks smaller than the footprint. */
export function opening(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return openSquare(mask, width, height, radius);
}

/**
 * Closing fills gaps and holes narrower than the footprint. The mask is padded
 * with background by the radius first, so the result is the closing on an
 * unbounded plane.
 */
export function closing(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  const pw = width + 2 * radius;
  const ph = height + 2 * radius;
  const padded = new Uint8Array(pw * ph);
  for (let y = 0; y < height; y++) padded.set(mask.subarray(y * width, (y + 1) * width), (y + radius) * pw + radius);
  const closed = closeSquare(padded, pw, ph, radius);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) out.set(closed.subarray((y + radius) * pw + radius, (y + radius) * pw + radius + width), y * width);
  return out;
}
