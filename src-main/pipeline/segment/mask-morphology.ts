// Binary morphology for segmentation masks (0/1 bytes, row-major): square
// dilation/erosion in O(1) per pixel whatever the radius (separable running
// counts), hole filling, and small-component removal. Only pixels inside the
// image count, so cells cut by the slice edge are not eroded away.

function runRows(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  for (let y = 0; y < height; y++) {
    const base = y * width;
    // Count of ones in the window [x - r, x + r], clamped to the row.
    let count = 0;
    const hi0 = Math.min(width - 1, radius);
    for (let j = 0; j <= hi0; j++) count += src[base + j]!;
    for (let x = 0; x < width; x++) {
      const size = Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1;
      dst[base + x] = erode ? (count === size ? 1 : 0) : (count > 0 ? 1 : 0);
      const out = x - radius;
      if (out >= 0) count -= src[base + out]!;
      const inn = x + radius + 1;
      if (inn < width) count += src[base + inn]!;
    }
  }
}

// The vertical pass keeps one running count per column and walks rows in memory order:
// a column-by-column walk strides the whole image and is several times slower.
function runColumns(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  const count = new Int32Array(width);
  for (let y = 0; y <= Math.min(height - 1, radius); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) count[x]! += src[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const size = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    const row = y * width;
    if (erode) for (let x = 0; x < width; x++) dst[row + x] = count[x] === size ? 1 : 0;
    else for (let x = 0; x < width; x++) dst[row + x] = count[x]! > 0 ? 1 : 0;
    const out = y - radius;
    if (out >= 0) {
      const r = out * width;
      for (let x = 0; x < width; x++) count[x]! -= src[r + x]!;
    }
    const inn = y + radius + 1;
    if (inn < height) {
      const r = inn * width;
      for (let x = 0; x < width; x++) count[x]! += src[r + x]!;
    }
  }
}

function squareOp(mask: Uint8Array, width: number, height: number, radius: number, erode: boolean): Uint8Array {
  if (radius <= 0) return mask.slice();
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  runRows(mask, tmp, width, height, radius, erode);
  runColumns(tmp, out, width, height, radius, erode);
  return out;
}

/** Dilation by a (2r+1) square. */
export function dilateSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return squareOp(mask, width, height, radius, false);
}

/** Erosion by a (2r+1) square. */
export function erodeSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return squareOp(mask, width, height, radius, true);
}

export function openSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return dilateSquare(erodeSquare(mask, width, height, radius), width, height, radius);
}

export function closeSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return erodeSquare(dilateSquare(mask, width, height, radius), width, height, radius);
}

/**
 * Labels 4-connected components of pixels equal to `value`; returns the label
 * image (0 = other value) and each label's area (index = label).
 */
export function labelComponents(mask: Uint8Array, width: number, height: number, value: 0 | 1): { labels: Int32Array; areas: number[]; touchesBorder: boolean[] } {
  const labels = new Int32Array(mask.length);
  const areas = [0];
  const touchesBorder = [false];
  const stack = new Int32Array(mask.length);
  let next = 1;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== value || labels[start] !== 0) continue;
    const label = next++;
    let area = 0;
    let border = false;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const p = stack[--top]!;
      area++;
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) border = true;
      if (x > 0 && mask[p - 1] === value && labels[p - 1] === 0) { labels[p - 1] = label; stack[top++] = p - 1; }
      if (x < width - 1 && mask[p + 1] === value && labels[p + 1] === 0) { labels[p + 1] = label; stack[top++] = p + 1; }
      if (y > 0 && mask[p - width] === value && labels[p - width] === 0) { labels[p - width] = label; stack[top++] = p - width; }
      if (y < height - 1 && mask[p + width] === value && labels[p + width] === 0) { labels[p + width] = label; stack[top++] = p + width; }
    }
    areas.push(area);
    touchesBorder.push(border);
  }
  return { labels, areas, touchesBorder };
}

/** Fills background regions enclosed by foreground that are at most `maxArea` pixels. */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxArea = Infinity): Uint8Array {
  const out = mask.slice();
  const { labels, areas, touchesBorder } = labelComponents(mask, width, height, 0);
  for (let i = 0; i < out.length; i++) {
    const l = labels[i]!;
    if (l !== 0 && !touchesBorder[l] && areas[l]! <= maxArea) out[i] = 1;
  }
  return out;
}

/** Drops foreground components smaller than `minArea` pixels. */
export function removeSmallComponents(mask: Uint8Array, width: number, height: number, minArea: number): Uint8Array {
  const out = mask.slice();
  if (minArea <= 1) return out;
  const { labels, areas } = labelComponents(mask, width, height, 1);
  for (let i = 0; i < out.length; i++) {
    const l = labels[i]!;
    if (l !== 0 && areas[l]! < minArea) out[i] = 0;
  }
  return out;
}
