// The annotated slice overlay, after the public APACC rendering script: per
// box an anti-aliased rectangle in the class colour, line width about 0.2% of
// the slice size plus 1 (5 px on 2,000 px), and the class name in the same
// colour just inside the top-left corner, no label background. Built as SVG
// and composited by sharp (librsvg), off the JS thread.

import { cellClassByName } from '../domain/cell-class.ts';
import type { SliceLabelBox } from './slice-labels.ts';

export function annotationLineWidth(width: number, height: number): number {
  return Math.round(0.002 * Math.max(width, height)) + 1;
}

export function annotationSvg(boxes: readonly SliceLabelBox[], width: number, height: number): string {
  const line = annotationLineWidth(width, height);
  const fontSize = Math.max(10, Math.round(0.016 * Math.max(width, height)));
  const shapes: string[] = [];
  for (const { label, box } of boxes) {
    const colour = cellClassByName(label)?.colour ?? '#000000';
    // The stroke is kept inside the box so boxes at the slice edge stay visible.
    const inset = line / 2;
    const w = Math.max(0, box.width - line);
    const h = Math.max(0, box.height - line);
    shapes.push(`<rect x="${box.x + inset}" y="${box.y + inset}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${line}"/>`);
    shapes.push(`<text x="${box.x + line + 2}" y="${box.y + line + Math.round(fontSize * 0.85)}" fill="${colour}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}">${label}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${shapes.join('')}</svg>`;
}
