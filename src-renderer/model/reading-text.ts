// What the UI says about several readers on one slide: a slide's reading
// status for the library badge, how a cell's decision came about for the
// cell panel, and the export's "labels decided by" choice. Words, never
// colour alone, so each is a pure function of the API's answer.

import type { CellReadings, SlideReading, SlideReadingStatus } from '../../src-main/domain/reading.ts';

/** The library badge: "not started", "reading 1/2 finished", "needs adjudication: 3 open", "done". */
export function readingStatusText(reading: SlideReading): string {
  switch (reading.status) {
    case 'not-started': return 'not started';
    case 'reading': {
      const finished = reading.readers.filter((r) => r.finished).length;
      // Readers expected: those who started, or the quorum when fewer have.
      const expected = Math.max(reading.readers.length, reading.settings.quorum);
      return `reading ${finished}/${expected} finished`;
    }
    case 'needs-adjudication': return `needs adjudication: ${openCount(reading)} open`;
    case 'done': return 'done';
  }
}

/** Cells waiting for the adjudicator: open disagreements (flags included), else cells no rule decides. */
export function openCount(reading: SlideReading): number {
  return reading.openDisagreements > 0 ? reading.openDisagreements : reading.unresolved;
}

/** What the badge says while the slide is blind to this reader (the API hides the reading then). */
export const BLIND_STATUS_TEXT = 'blind: status hidden until you finish';

/** The status a badge's style keys on; 'blind' when the API hid the reading. */
export function readingStatusKey(reading: SlideReading | null): SlideReadingStatus | 'blind' {
  return reading === null ? 'blind' : reading.status;
}

/** The panel's line on how the cell's decision came about (or why there is none yet). */
export function decisionText(readings: CellReadings, quorum?: number): string {
  const labelled = readings.readers.filter((r) => r.label !== null);
  if (readings.adjudicated) {
    return `${readings.adjudicated.label ?? 'no class'}: adjudicated by ${readings.adjudicated.name}`;
  }
  if (readings.decision !== null) {
    const agreeing = labelled.filter((r) => r.label === readings.decision).length;
    const how = readings.decidedBy === 'majority' ? `majority, ${agreeing} of ${labelled.length} readers` : `unanimous, ${plural(labelled.length, 'reader')}`;
    return `${readings.decision}: ${how}${readings.flagged ? '; flagged for a second assessment' : ''}`;
  }
  if (labelled.length === 0) return 'undecided: no reader has labelled it';
  if (readings.disputed) return `undecided: readers disagree${readings.flagged ? ', flagged' : ''}, waiting for the adjudicator`;
  if (quorum !== undefined && labelled.length < quorum) return `undecided: ${labelled.length} of ${quorum} readers needed`;
  return `undecided${readings.flagged ? ': flagged, waiting for the adjudicator' : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The export dialog's choice of whose labels decide, as the export request's `decision`. */
export type DecisionChoice = 'consensus' | 'majority' | 'all-readers' | 'reader';

export function exportDecision(choice: DecisionChoice, readerName: string): string | null {
  if (choice !== 'reader') return choice;
  return readerName.trim() ? `reader:${readerName.trim()}` : null;
}
