// AI assist: class suggestions for every cell from a model trained on the
// reader's own labels (or a loaded ONNX classifier), and galleries ordered by
// them. A suggestion never labels a cell: the reader's key does, and the
// label event records what was suggested (domain/label.ts LabelEvent).

import type { CellClassName } from './cell-class.ts';

/** Gallery and queue orders: reading order, most suspicious (p unhealthy) first, least certain (Gini impurity) first. */
export const GALLERY_ORDERS = ['reading', 'suspicious', 'uncertain'] as const;
export type GalleryOrder = (typeof GALLERY_ORDERS)[number];

export interface CellSuggestion {
  /** The most probable class. */
  label: CellClassName;
  p: number;
  probabilities: Record<CellClassName, number>;
  modelId: number;
}

export interface AssistModelInfo {
  id: number;
  kind: 'in-app' | 'onnx';
  name: string;
  /** Labels it was trained on (0 for a loaded model). */
  labels: number;
  createdAt: number;
  /** What training measured (cross-validated AUC, times), as the trainer wrote it. */
  report: Record<string, unknown> | null;
}

/** What the suggestions expect of the cells the reader has not labelled yet (add their own labels for the slide's whole count). */
export interface AssistSummary {
  slideId: number;
  model: AssistModelInfo | null;
  /** Cells with a suggestion for this reader. */
  suggested: number;
  /** Expected count per class and its standard deviation (sum of p, sqrt of sum of p(1-p), over unlabelled suggested cells). */
  estimated: Record<CellClassName, { count: number; sd: number }>;
  /** Labels the next training would learn from (the reader's own on this slide). */
  labelsNow: number;
}
