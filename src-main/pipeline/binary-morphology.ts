// Small binary morphology on 0/1 byte masks (3x3 square footprint, repeated),
// used to clean the coarse field-of-view mask. Only in-bounds neighbours
// count, so smear touching the image edge is not eaten away by a closing.

function dilateOnce(src: Uint8Array, dst: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    const y0 = y > 0 ? y - 1 : 0;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      let on = 0;
      for (let yy = y0; yy <= y1 && !on; yy++) {
        const row = yy * width;
        for (let xx = x0; xx <= x1; xx++) {
          if (src[row + xx]) { on = 1; break; }
        }
      }
      dst[y * width + x] = on;
    }
  }
}

function erodeOnce(src: Uint8Array, dst: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    const y0 = y > 0 ? y - 1 : 0;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      let on = 1;
      for (let yy = y0; yy <= y1 && on; yy++) {
        const row = yy * width;
        for (let xx = x0; xx <= x1; xx++) {
          if (!src[row + xx]) { on = 0; break; }
        }
      }
      dst[y * width + x] = on;
    }
  }
}

function repeat(op: typeof erodeOnce, mask: Uint8Array, width: number, height: number, times: number): Uint8Array {
  let a = mask.slice();
  let b = new Uint8Array(mask.length);
  for (let i = 0; i < times; i++) {
    op(a, b, width, height);
    [a, b] = [b, a];
  }
  return a;
}

export function dilate(mask: Uint8Array, width: number, height: number, times = 1): Uint8Array {
  return repeat(dilateOnce, mask, width, height, times);
}

export function erode(mask: Uint8Array, width: number, height: number, times = 1): Uint8Array {
  return repeat(erodeOnce, mask, width, height, times);
}

/** Opening removes specks smaller than the footprint. */
export function opening(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return radius > 0 ? dilate(erode(mask, width, height, radius), width, height, radius) : mask.slice();
}

/**
 * Closing fills gaps and holes narrower than the footprint. The mask is padded
 * with background by the radius first, so the result is the closing on an
 * unbounded plane: a wide radius cannot flood the whole image.
 */
export function closing(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  const pw = width + 2 * radius;
  const ph = height + 2 * radius;
  const padded = new Uint8Array(pw * ph);
  for (let y = 0; y < height; y++) padded.set(mask.subarray(y * width, (y + 1) * width), (y + radius) * pw + radius);
  const closed = erode(dilate(padded, pw, ph, radius), pw, ph, radius);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) out.set(closed.subarray((y + radius) * pw + radius, (y + radius) * pw + radius + width), y * width);
  return out;
}
