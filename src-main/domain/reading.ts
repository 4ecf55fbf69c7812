// Several readers on one smear (APACC's protocol: independent readings, a
// council for disputed cells). Each reader's labels are their own; the
// decision per cell is the adjudicator's when there is one, else the
// consensus of the readers under the slide's rule and quorum.

import type { CellClassName } from './cell-class.ts';

/** A reader labels; an adjudicator's labels are decisions on disputed cells, not readings. */
export const ANNOTATOR_ROLES = ['reader', 'adjudicator'] as const;
export type AnnotatorRole = (typeof ANNOTATOR_ROLES)[number];

/** unanimous: every reader who labelled the cell agrees; majority: more than half of them do. */
export const CONSENSUS_RULES = ['unanimous', 'majority'] as const;
export type ConsensusRule = (typeof CONSENSUS_RULES)[number];

/** How a slide is read: blind second reading, and when readers' labels make a decision. */
export interface ReadingSettings {
  /** Readers see only their own labels until they have labelled every cell or an adjudicator has decided one. */
  blind: boolean;
  /** Readers who must have labelled a cell before their labels decide it (1: one reader decides). */
  quorum: number;
  rule: ConsensusRule;
}

export const DEFAULT_READING_SETTINGS: ReadingSettings = { blind: false, quorum: 1, rule: 'unanimous' };
export const QUORUM_MAX = 20;

/**
 * Whose labels a list, counter or overlay shows: one reader's own, the
 * decision (adjudicated, else consensus under the slide's rule and quorum),
 * or the majority (adjudicated, else more than half of the readers, whatever
 * the slide's rule: an export choice).
 */
export type LabelView = { kind: 'reader'; readerId: number } | { kind: 'decision' } | { kind: 'majority' };
export const DECISION_VIEW: LabelView = { kind: 'decision' };

/** How a cell's decided label came about. */
export const DECISION_KINDS = ['unanimous', 'majority', 'adjudicated'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const SLIDE_READING_STATUSES = ['not-started', 'reading', 'needs-adjudication', 'done'] as const;
export type SlideReadingStatus = (typeof SLIDE_READING_STATUSES)[number];

/** One reader's current label and flag on a cell. */
export interface ReaderLabel {
  annotatorId: number;
  name: string;
  label: CellClassName | null;
  flagged: boolean;
  /** Time of the reader's latest label or flag event on the cell. */
  at: number;
}

/** Every reader's label on a cell, and what they add up to. */
export interface CellReadings {
  cellId: number;
  readers: ReaderLabel[];
  adjudicated: { label: CellClassName | null; annotatorId: number; name: string; at: number } | null;
  decision: CellClassName | null;
  decidedBy: DecisionKind | null;
  /** Readers gave different labels. */
  disputed: boolean;
  /** Some reader flags it for a second assessment. */
  flagged: boolean;
}

/** A reader's progress on one slide. */
export interface ReaderProgress {
  annotatorId: number;
  name: string;
  labelled: number;
  flagged: number;
  /** Labelled every live cell of the slide. */
  finished: boolean;
}

/** Where the reading of a slide stands, for the library and the adjudicator. */
export interface SlideReading {
  slideId: number;
  settings: ReadingSettings;
  status: SlideReadingStatus;
  readers: ReaderProgress[];
  liveCells: number;
  /** Cells with a decision (adjudicated or consensus). */
  decided: number;
  /** Cells readers disagree on, or some reader flags, with no adjudicator decision yet. */
  openDisagreements: number;
  openFlags: number;
  /** Cells labelled by enough readers (quorum) that still have no decision. */
  unresolved: number;
  adjudicated: number;
}

