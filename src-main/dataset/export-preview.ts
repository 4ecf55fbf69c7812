// What an export would hold, without writing anything: for the export
// dialog to show the split and the counts before the user starts it.

import type { Store } from '../store/index.ts';
import { DatasetError } from './dataset-error.ts';
import { parseExportOptions, type ClassCountsWithUnlabelled, type ExportOptionsInput } from './export-options.ts';
import { planExport } from './export-plan.ts';
import { plannedFiles } from './run-export.ts';
import type { SplitName } from './smear-split.ts';

export interface ExportPreview {
  cells: number;
  slices: number;
  files: number;
  split: { mode: string; train: string[]; test: string[]; seed: number | null; distance: number | null };
  counts: Record<SplitName, ClassCountsWithUnlabelled>;
  smears: Array<{ smearId: string; slideId: number; fileId: string; split: SplitName; cells: number }>;
}

/** Same validation and plan as the export itself; targetDir may be left out. */
export function previewExport(store: Store, input: Omit<ExportOptionsInput, 'targetDir'> & { targetDir?: string }): ExportPreview {
  let options;
  try {
    options = parseExportOptions({ ...input, targetDir: input.targetDir ?? '(preview)' });
  } catch (err) {
    throw new DatasetError('bad-options', (err as Error).message);
  }
  const plan = planExport(store, options);
  return {
    cells: plan.cellsTotal,
    slices: plan.slicesTotal,
    files: plannedFiles(plan, options).length,
    split: { mode: plan.split.mode, train: plan.split.train, test: plan.split.test, seed: plan.split.seed, distance: plan.split.distance },
    counts: plan.counts,
    smears: plan.slides.map((s) => ({ smearId: s.slide.smearId, slideId: s.slide.id, fileId: s.fileId, split: s.split, cells: s.cells.length })),
  };
}
