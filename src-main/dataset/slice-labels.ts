// APACC slice label files (`{smear}_{x}_{y}.txt`): one line per box,
// `id cx cy w h`, normalised by the slice's width and height, shortest
// decimal form, lines grouped by class name in alphabetical order (as in
// every real APACC file), LF endings, one final newline.

import { CELL_CLASSES, cellClassByApaccId, type CellClass, type CellClassName } from '../domain/cell-class.ts';
import type { Box } from '../domain/geometry.ts';
import { formatNormalised, parseNormalised, pixelBoxFromNormalised } from './apacc-number.ts';

/** One box of a slice label file, in slice pixels with whole-pixel corners. */
export interface SliceLabelBox {
  label: CellClassName;
  box: Box;
}

/** Alphabetical class order of the real files: bothcells, healthy, rubbish, unhealthy (ids 3, 0, 1, 2). */
export const LINE_CLASS_ORDER: readonly CellClass[] = [...CELL_CLASSES].sort((a, b) => a.name.localeCompare(b.name, 'en'));

export function formatSliceLabelLine(label: CellClassName, box: Box, width: number, height: number): string {
  const cls = CELL_CLASSES.find((c) => c.name === label);
  if (!cls) throw new RangeError(`unknown class ${label}`);
  return [
    String(cls.apaccId),
    formatNormalised(box.x + box.width / 2, width),
    formatNormalised(box.y + box.height / 2, height),
    formatNormalised(box.width, width),
    formatNormalised(box.height, height),
  ].join(' ');
}

/** The whole file: boxes grouped by class name alphabetically, keeping the given order within a class. */
export function formatSliceLabels(boxes: readonly SliceLabelBox[], width: number, height: number): string {
  const lines: string[] = [];
  for (const cls of LINE_CLASS_ORDER) {
    for (const b of boxes) if (b.label === cls.name) lines.push(formatSliceLabelLine(b.label, b.box, width, height));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export interface SliceLabelLine {
  /** 1-based line number in the file. */
  line: number;
  label: CellClassName;
  /** The normalised fields as written. */
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Slice-local whole-pixel box recovered from them. */
  box: Box;
}

export interface SliceLabelProblem {
  line: number;
  message: string;
}

export interface ParsedSliceLabels {
  lines: SliceLabelLine[];
  problems: SliceLabelProblem[];
}

/** Parses a label file; every bad line is reported with its number, good lines are returned. */
export function parseSliceLabels(text: string, width: number, height: number): ParsedSliceLabels {
  const lines: SliceLabelLine[] = [];
  const problems: SliceLabelProblem[] = [];
  const rows = text.split('\n');
  if (rows.at(-1) === '') rows.pop();
  rows.forEach((raw, index) => {
    const line = index + 1;
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (row.trim() === '') {
      problems.push({ line, message: 'empty line' });
      return;
    }
    const fields = row.trim().split(/\s+/);
    if (fields.length !== 5) {
      problems.push({ line, message: `expected 5 fields "id cx cy w h", found ${fields.length}: "${clip(row)}"` });
      return;
    }
    const [idText, ...numberTexts] = fields as [string, string, string, string, string];
    const cls = /^[0-9]+$/.test(idText) ? cellClassByApaccId(Number(idText)) : undefined;
    if (!cls) {
      problems.push({ line, message: `unknown class id "${clip(idText)}" (0 healthy, 1 rubbish, 2 unhealthy, 3 bothcells)` });
      return;
    }
    const values = numberTexts.map(parseNormalised);
    const names = ['cx', 'cy', 'w', 'h'];
    const bad = values.findIndex((v) => v === null);
    if (bad >= 0) {
      problems.push({ line, message: `${names[bad]} "${clip(numberTexts[bad] as string)}" is not a decimal number` });
      return;
    }
    const [cx, cy, w, h] = values as [number, number, number, number];
    const outside = [cx, cy, w, h].findIndex((v) => v < 0 || v > 1);
    if (outside >= 0) {
      problems.push({ line, message: `${names[outside]} ${[cx, cy, w, h][outside]} is outside 0..1` });
      return;
    }
    if (w === 0 || h === 0) {
      problems.push({ line, message: 'the box has zero width or height' });
      return;
    }
    const box = pixelBoxFromNormalised(cx, cy, w, h, width, height);
    if (box.width < 1 || box.height < 1 || box.x < 0 || box.y < 0 || box.x + box.width > width || box.y + box.height > height) {
      problems.push({ line, message: `the box (${box.x}, ${box.y}, ${box.width} x ${box.height} px) does not lie inside the ${width} x ${height} slice` });
      return;
    }
    lines.push({ line, label: cls.name, cx, cy, w, h, box });
  });
  return { lines, problems };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
