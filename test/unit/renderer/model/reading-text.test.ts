// What the UI says about several readers: the library's status badge, the
// panel's line on how a cell was decided, and the export's decision value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellReadings, ReaderLabel, ReaderProgress, SlideReading } from '../../../../src-main/domain/reading.ts';
import { decisionText, exportDecision, openCount, readingStatusKey, readingStatusText } from '../../../../src-renderer/model/reading-text.ts';

function progress(name: string, labelled: number, finished: boolean): ReaderProgress {
  return { annotatorId: name.length, name, labelled, flagged: 0, finished };
}

function reading(patch: Partial<SlideReading>): SlideReading {
  return {
    slideId: 1, settings: { blind: true, quorum: 1, rule: 'unanimous' }, status: 'reading', readers: [], liveCells: 10,
    decided: 0, openDisagreements: 0, openFlags: 0, unresolved: 0, adjudicated: 0, ...patch,
  };
}

test('the status badge says each status in words', () => {
  assert.equal(readingStatusText(reading({ status: 'not-started' })), 'not started');
  assert.equal(readingStatusText(reading({ status: 'reading', readers: [progress('Ames', 10, true), progress('Bell', 4, false)] })),
    'reading 1/2 finished');
  assert.equal(readingStatusText(reading({ status: 'needs-adjudication', openDisagreements: 3, openFlags: 1, unresolved: 2 })),
    'needs adjudication: 3 open');
  assert.equal(readingStatusText(reading({ status: 'done' })), 'done');
  assert.equal(readingStatusKey(null), 'blind');
  assert.equal(readingStatusKey(reading({ status: 'done' })), 'done');
});

test('while fewer readers than the quorum have started, the badge counts the quorum', () => {
  const one = reading({ status: 'reading', settings: { blind: true, quorum: 3, rule: 'majority' }, readers: [progress('Ames', 10, true)] });
  assert.equal(readingStatusText(one), 'reading 1/3 finished');
});

test('open cells: the disagreements (flags included), else the cells no rule decides', () => {
  assert.equal(openCount(reading({ openDisagreements: 4, unresolved: 1 })), 4);
  assert.equal(openCount(reading({ openDisagreements: 0, unresolved: 2 })), 2);
});

function readerLabel(name: string, label: ReaderLabel['label'], flagged = false): ReaderLabel {
  return { annotatorId: name.length, name, label, flagged, at: 0 };
}

function readings(patch: Partial<CellReadings>): CellReadings {
  return { cellId: 7, readers: [], adjudicated: null, decision: null, decidedBy: null, disputed: false, flagged: false, ...patch };
}

test('the panel says how the decision came about', () => {
  assert.equal(decisionText(readings({
    readers: [readerLabel('Ames', 'healthy'), readerLabel('Bell', 'healthy')], decision: 'healthy', decidedBy: 'unanimous',
  })), 'healthy: unanimous, 2 readers');
  assert.equal(decisionText(readings({
    readers: [readerLabel('Ames', 'healthy'), readerLabel('Bell', 'rubbish'), readerLabel('Cruz', 'healthy')],
    decision: 'healthy', decidedBy: 'majority', disputed: true,
  })), 'healthy: majority, 2 of 3 readers');
  assert.equal(decisionText(readings({
    readers: [readerLabel('Ames', 'healthy'), readerLabel('Bell', 'rubbish')], disputed: true,
    adjudicated: { label: 'bothcells', annotatorId: 9, name: 'Dr Cruz', at: 0 }, decision: 'bothcells', decidedBy: 'adjudicated',
  })), 'bothcells: adjudicated by Dr Cruz');
  assert.equal(decisionText(readings({ readers: [readerLabel('Ames', 'healthy', true)], decision: 'healthy', decidedBy: 'unanimous', flagged: true })),
    'healthy: unanimous, 1 reader; flagged for a second assessment');
});

test('the panel says why a cell has no decision yet', () => {
  assert.equal(decisionText(readings({})), 'undecided: no reader has labelled it');
  assert.equal(decisionText(readings({ readers: [readerLabel('Ames', 'healthy'), readerLabel('Bell', 'rubbish', true)], disputed: true, flagged: true })),
    'undecided: readers disagree, flagged, waiting for the adjudicator');
  assert.equal(decisionText(readings({ readers: [readerLabel('Ames', 'healthy')] }), 2), 'undecided: 1 of 2 readers needed');
});

test("the export's decision: the choice itself, or reader:NAME (none without a name)", () => {
  assert.equal(exportDecision('consensus', 'Ames'), 'consensus');
  assert.equal(exportDecision('all-readers', ''), 'all-readers');
  assert.equal(exportDecision('reader', ' Dr Ames '), 'reader:Dr Ames');
  assert.equal(exportDecision('reader', '  '), null);
});
