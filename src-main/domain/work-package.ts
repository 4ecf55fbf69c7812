// A work package: what one workstation knows about a set of slides (the
// slides by reference, their slices and cells, every label, flag and edit
// event), without pixels, so it can be carried to another workstation and
// merged there. Everything is named by its stable id (uid) or, for people,
// by name; local row ids never leave the database. See store/work-repository.ts
// for the merge and sync/work-package-file.ts for the file.

import type { CellEditChangeKind } from './cell-edit.ts';
import type { CellKind, CellSource } from './cell.ts';
import type { LabelAction } from './label.ts';
import type { AnnotatorRole, ConsensusRule } from './reading.ts';
import type { SlideKind } from './slide.ts';

export interface WorkAnnotator { name: string; role: AnnotatorRole }

export interface WorkSlide {
  uid: string;
  smearId: string;
  /** Where the scan was on the workstation that wrote the package (a hint: scans move). */
  pathHint: string;
  format: string;
  quickhash: string | null;
  width: number;
  height: number;
  mppX: number | null;
  mppY: number | null;
  kind: SlideKind;
  createdAt: number;
  reading: { blind: boolean; quorum: number; rule: ConsensusRule };
}

export interface WorkSlice {
  slide: string;
  x: number;
  y: number;
  width: number;
  height: number;
  tissueFraction: number | null;
  state: 'pending' | 'done' | 'failed';
}

export interface WorkCell {
  uid: string;
  slide: string;
  sliceX: number;
  sliceY: number;
  number: number;
  box: { x: number; y: number; width: number; height: number };
  centre: { x: number; y: number };
  area: number | null;
  perimeter: number | null;
  roundness: number | null;
  solidity: number | null;
  eccentricity: number | null;
  source: CellSource;
  model: string | null;
  kind: CellKind;
  nucleus: { x: number; y: number } | null;
  nucleusArea: number | null;
  nuclei: number | null;
  createdAt: number;
}

export interface WorkEvent {
  uid: string;
  /** The cell it is filed under (an edit: the first cell it created, else the first it retired). */
  cell: string;
  kind: 'label' | 'flag' | 'edit';
  /** A class name or null (label), '0' / '1' (flag), the edit kind (edit). */
  value: string | null;
  annotator: string;
  action: LabelAction;
  role: AnnotatorRole;
  createdAt: number;
  /** The event an undo or redo reverts. */
  reverts: string | null;
  /** An edit's changes to each cell. */
  edits: Array<{ cell: string; change: CellEditChangeKind }>;
}

/** A small JPEG of a cell, for a workstation that does not have the scan (base64). */
export interface WorkCrop { cell: string; jpeg: string }

export interface WorkRecords {
  /** The database that wrote it. */
  from: string;
  annotators: WorkAnnotator[];
  slides: WorkSlide[];
  slices: WorkSlice[];
  cells: WorkCell[];
  events: WorkEvent[];
  /** Optional (pack --crops). */
  crops: WorkCrop[];
}

/** What a merge brought in, per slide: never silent. */
export interface MergeSlideReport {
  uid: string;
  smearId: string;
  /** A slide this database did not know: added (its scan is looked for where pathHint says). */
  added: boolean;
  cells: number;
  labels: number;
  flags: number;
  edits: number;
  /** Readers whose events came in, with how many. */
  readers: Array<{ name: string; events: number }>;
  /** Cells where readers now disagree, or flags, with no adjudicator decision yet (the disagreement queue). */
  openDisagreements: number;
  /** Differences left as they were here (smear id taken, reading settings differ): said, not resolved. */
  notes: string[];
}

export interface MergeReport {
  from: string;
  slides: MergeSlideReport[];
  /** Events already here (a package merged twice changes nothing). */
  eventsAlreadyHere: number;
  eventsAdded: number;
}
