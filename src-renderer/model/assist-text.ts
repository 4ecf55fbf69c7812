// What the UI says about the assistant: a suggestion ("suggested: rubbish
// 0.87"), the model ("model 4 · 45 labels"), and the slide's estimated counts
// per class (the reader's own labels plus the expected count among the cells
// they have not labelled, with the spread of that sum). Pure: the overlay,
// the gallery tiles, the panel and the assist bar all word it the same way.

import { CELL_CLASSES, type CellClassName } from '../../src-main/domain/cell-class.ts';
import type { AssistModelInfo, AssistSummary } from '../../src-main/domain/assist.ts';

/** Probability as the UI shows it: two decimals, "0.87". */
export function probabilityText(p: number): string {
  return (Math.round(p * 100) / 100).toFixed(2);
}

/** "suggested: rubbish 0.87" for an APACC id; '' for none (-1). */
export function suggestionText(code: number, p: number): string {
  const cls = CELL_CLASSES[code];
  return cls ? `suggested: ${cls.name} ${probabilityText(p)}` : '';
}

/** What the overlay writes beside a suggested box: the class letter in lower case, a question mark, the probability ("r? 0.87"). */
export function suggestionMark(code: number, p: number): string {
  const cls = CELL_CLASSES[code];
  return cls ? `${cls.letterKey}? ${probabilityText(p)}` : '';
}

/** "model 4 · learnt from 45 labels"; before the first label, the starting model's; a loaded classifier: its name. */
export function modelText(model: AssistModelInfo | null): string {
  if (!model) return 'no model yet';
  if (model.kind === 'onnx') return `model ${model.id} · ${model.name}`;
  if (model.labels === 0) return `model ${model.id} · before your first label`;
  return `model ${model.id} · learnt from ${model.labels} label${model.labels === 1 ? '' : 's'}`;
}

export interface ClassEstimate {
  name: CellClassName;
  /** The reader's own labels of this class. */
  labelled: number;
  /** Expected among the cells they have not labelled. */
  expected: number;
  /** labelled + expected, and the standard deviation of the expected part. */
  count: number;
  sd: number;
}

/**
 * The slide's estimated count per class: the reader's own labels (byClass,
 * indexed by APACC id) plus the expected count over their unlabelled cells
 * (assistSummary's `estimated`, which counts only those).
 */
export function slideEstimates(byClass: readonly number[], estimated: AssistSummary['estimated']): ClassEstimate[] {
  return CELL_CLASSES.map((c) => {
    const labelled = byClass[c.apaccId] ?? 0;
    const e = estimated[c.name] ?? { count: 0, sd: 0 };
    return { name: c.name, labelled, expected: e.count, count: labelled + e.count, sd: e.sd };
  });
}

/** "812 ± 9" (whole cells; the spread at least shown as ± 0). */
export function estimateText(e: Pick<ClassEstimate, 'count' | 'sd'>): string {
  return `${Math.round(e.count).toLocaleString('en')} ± ${Math.round(e.sd).toLocaleString('en')}`;
}
