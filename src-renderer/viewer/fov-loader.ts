// Loads the ingest's FOV mask image (same origin, so its pixels can be read)
// and traces its outline for the overlay.

import { maskOutline, type Segments } from './fov-outline.ts';

/** Loads the mask image (same origin) and traces it; null when it cannot be read. */
export async function loadFovOutline(url: string, slideWidth: number, slideHeight: number): Promise<Segments | null> {
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  try {
    await image.decode();
  } catch {
    return null;
  }
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx || canvas.width === 0) return null;
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return maskOutline(data, canvas.width, canvas.height, slideWidth, slideHeight);
}
