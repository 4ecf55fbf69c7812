// The number format of APACC slice label files: a pixel value divided by the
// slice size, written in its shortest decimal form (`0.07175`, `0.2`, never
// `0.200000` or `2e-5`), and the way back to whole pixels.

/**
 * Shortest decimal text of px / size. JavaScript's number-to-string gives the
 * shortest text that reads back to the same double, the same rule Python's
 * repr follows, which is what wrote the public APACC files; below 1e-6 it
 * would switch to exponent form, which no APACC reader expects, so that case
 * is written out in full (it cannot occur for slices under 500,000 px).
 */
export function formatNormalised(px: number, size: number): string {
  if (!Number.isFinite(px) || !(size > 0)) throw new RangeError(`cannot normalise ${px} by ${size}`);
  // Twice the value keeps half-pixel centres exact: (2 px) / (2 size) is one correctly rounded division.
  const value = (2 * px) / (2 * size);
  const text = String(value);
  if (!text.includes('e')) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

const NUMBER = /^(?:0|[1-9][0-9]*)?(?:\.[0-9]+)?$/;

/** Parses one normalised field; null unless it is a plain decimal (no sign, exponent, NaN, spaces). */
export function parseNormalised(text: string): number | null {
  if (text.length === 0 || text === '.' || !NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Whole-pixel box (slice-local) from normalised centre and size, as an APACC reader recovers it. */
export function pixelBoxFromNormalised(cx: number, cy: number, w: number, h: number, width: number, height: number) {
  const pw = Math.round(w * width);
  const ph = Math.round(h * height);
  return { x: Math.round(cx * width - (w * width) / 2), y: Math.round(cy * height - (h * height) / 2), width: pw, height: ph };
}
