// What an import reports: per smear what happened, and every problem with
// the file (and line) it was found in. Problems never stop the rest of the
// import; each smear is written in one transaction, whole or not at all.

export interface ImportProblem {
  /** Path relative to the imported folder (or the file imported). */
  file: string;
  /** 1-based line of a label file, feature index + 1 of a GeoJSON file, or null for the whole file. */
  line: number | null;
  message: string;
}

export interface ImportedSmear {
  smearId: string;
  slideId: number | null;
  state: 'imported' | 'skipped' | 'failed';
  slices: number;
  cells: number;
  labelled: number;
  message: string;
}

export interface ImportReport {
  source: string;
  smears: ImportedSmear[];
  problems: ImportProblem[];
  cells: number;
  labelled: number;
  message: string;
}

export function summariseImport(source: string, smears: ImportedSmear[], problems: ImportProblem[]): ImportReport {
  const done = smears.filter((s) => s.state === 'imported');
  const cells = done.reduce((n, s) => n + s.cells, 0);
  const labelled = done.reduce((n, s) => n + s.labelled, 0);
  const skipped = smears.filter((s) => s.state === 'skipped').length;
  const failed = smears.filter((s) => s.state === 'failed').length;
  const parts = [`${done.length} smears imported (${cells} cells, ${labelled} labelled)`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (failed) parts.push(`${failed} failed`);
  if (problems.length) parts.push(`${problems.length} problems reported`);
  return { source, smears, problems, cells, labelled, message: parts.join(', ') };
}
