// WCAG 2 contrast between two sRGB colours: relative luminance and the ratio
// (L1 + 0.05) / (L2 + 0.05). The UI uses it to pick badge text that reads on
// a class colour; the unit test uses it to hold every swatch, legend mark and
// overlay casing to 3:1 (non-text contrast) and badge text to 4.5:1.

/** WCAG 2.x: graphics and UI components against what is next to them. */
export const NON_TEXT_CONTRAST_MIN = 3;
/** WCAG 2.x AA for normal-size text. */
export const TEXT_CONTRAST_MIN = 4.5;

const DARK_TEXT = '#111418';
const LIGHT_TEXT = '#FFFFFF';

/** '#RRGGBB' -> [r, g, b] in 0..255. */
export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** sRGB channel 0..255 -> linear light 0..1. */
export function linearChannel(value: number): number {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map(linearChannel) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** From 1 (the same) to 21 (black on white); symmetric. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** White or near-black, whichever reads better on the background. */
export function readableTextOn(background: string): string {
  return contrastRatio(LIGHT_TEXT, background) >= contrastRatio(DARK_TEXT, background) ? LIGHT_TEXT : DARK_TEXT;
}
