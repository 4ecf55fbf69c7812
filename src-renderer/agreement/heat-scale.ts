// The agreement view's heatmap colours: viridis (van der Walt & Smith,
// matplotlib), a perceptually ordered scale whose lightness rises from 0 to 1
// and that stays ordered for the common colour-vision deficiencies. The
// number in each heatmap cell is written in black or white, whichever
// contrasts more: on every colour of the scale that is 4.5:1 or better
// (the unit test checks it), where the panels' near-black would fall short
// in the teal middle.

import { contrastRatio, hexToRgb } from '../viewer/swatch-contrast.ts';

/** Viridis at 0, 1/9, ..., 1 (R viridisLite::viridis(10)). */
export const VIRIDIS: readonly string[] = [
  '#440154', '#482878', '#3E4A89', '#31688E', '#26828E', '#1F9E89', '#35B779', '#6DCD59', '#B4DE2C', '#FDE725',
];

const BLACK = '#000000';
const WHITE = '#FFFFFF';

function hex(rgb: readonly number[]): string {
  return `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** The scale at t in [0, 1] (clamped), linear between neighbouring stops. */
export function heatColour(t: number): string {
  const at = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(at));
  const f = at - i;
  const a = hexToRgb(VIRIDIS[i]!);
  const b = hexToRgb(VIRIDIS[i + 1]!);
  return hex(a.map((v, k) => v + f * (b[k]! - v)));
}

/** Black or white text, whichever reads better on the background. */
export function heatTextColour(background: string): string {
  return contrastRatio(BLACK, background) >= contrastRatio(WHITE, background) ? BLACK : WHITE;
}

/** Kappa on the scale: 0 (chance) or below at the dark end, 1 (perfect) at the light end. */
export function kappaColour(kappa: number): string {
  return heatColour(kappa);
}

/** CSS gradient of the whole scale, for a legend bar. */
export function heatGradient(direction = 'to right'): string {
  return `linear-gradient(${direction}, ${VIRIDIS.join(', ')})`;
}
