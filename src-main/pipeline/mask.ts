// A binary mask as the segmenters produce it and cell extraction consumes it:
// 1 = cell region, 0 = background, row-major, one byte per pixel.

export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
  /** Level-0 pixels per mask pixel (1 = full resolution; 4 = the mask is a quarter size). */
  downsample: number;
}

export function createMask(width: number, height: number, downsample = 1): Mask {
  return { width, height, data: new Uint8Array(width * height), downsample };
}
