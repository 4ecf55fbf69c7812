// What the library says about work packages: typed path lists, a written
// package, and a merge's report per package and per slide, in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MergeSlideReport } from '../../../../src-main/domain/work-package.ts';
import { HOST_PATH_PROBLEMS } from '../../../../src-main/domain/host-path.ts';
import {
  fileSize, mergeFileText, mergeSlideText, packWrittenText, pathLines, plural, scanFoldersText, scanFoundText,
} from '../../../../src-renderer/model/work-package-text.ts';

function slide(patch: Partial<MergeSlideReport>): MergeSlideReport {
  return {
    uid: '0190f1c2-0000-7000-8000-000000000001', smearId: 'smear-7', added: false, cells: 0, labels: 0, flags: 0, edits: 0,
    readers: [], openDisagreements: 0, notes: [], ...patch,
  };
}

test('typed paths: one a line, trimmed, blank lines dropped, each once, in the order typed', () => {
  assert.deepEqual(pathLines('  /media/usb/a.smearlab-work \n\n/media/usb/b.smearlab-work\r\n/media/usb/a.smearlab-work\n   \n'), {
    paths: ['/media/usb/a.smearlab-work', '/media/usb/b.smearlab-work'],
    problems: [],
  });
  assert.deepEqual(pathLines(''), { paths: [], problems: [] });
  assert.deepEqual(pathLines('C:\\scans\n\\\\server\\share'), { paths: ['C:\\scans', '\\\\server\\share'], problems: [] });
});

test('typed paths: a line the contract would refuse is named by its number, with the contract\'s words', () => {
  const { paths, problems } = pathLines('/media/usb\nusb/day-1.smearlab-work\n\n./x');
  assert.deepEqual(paths, ['/media/usb']);
  assert.deepEqual(problems, [`line 2 ${HOST_PATH_PROBLEMS.relative}`, `line 4 ${HOST_PATH_PROBLEMS.relative}`]);
  assert.deepEqual(pathLines('/a\0b').problems, [`line 1 ${HOST_PATH_PROBLEMS.nul}`]);
});

test('plurals and file sizes', () => {
  assert.equal(plural(0, 'cell'), '0 cells');
  assert.equal(plural(1, 'cell'), '1 cell');
  assert.equal(plural(12_345, 'cell'), '12,345 cells');
  assert.equal(plural(2, 'open disagreement'), '2 open disagreements');
  assert.equal(fileSize(1), '1 byte');
  assert.equal(fileSize(999), '999 bytes');
  assert.equal(fileSize(61_234), '61.2 KB');
  assert.equal(fileSize(2_345_678), '2.35 MB');
});

test('a written package says where it is and what it holds', () => {
  assert.equal(packWrittenText({ file: '/media/usb/day-1.smearlab-work', bytes: 61_234, slides: 1, cells: 24, events: 0, crops: 24 }),
    'Wrote /media/usb/day-1.smearlab-work: 1 slide, 24 cells, 0 events, 24 crops (61.2 KB)');
  assert.equal(packWrittenText({ file: '/m/a.smearlab-work', bytes: 500, slides: 2, cells: 1, events: 1, crops: 0 }),
    'Wrote /m/a.smearlab-work: 2 slides, 1 cell, 1 event, 0 crops (500 bytes)');
});

test('a merged package says how many events were new and how many were already here', () => {
  const report = { file: '/media/usb/a.smearlab-work', from: 'db-uid', slides: [], eventsAdded: 7, eventsAlreadyHere: 0 };
  assert.equal(mergeFileText(report), '/media/usb/a.smearlab-work: 7 new events, 0 already here');
  assert.equal(mergeFileText({ ...report, eventsAdded: 1, eventsAlreadyHere: 11 }), '/media/usb/a.smearlab-work: 1 new event, 11 already here');
});

test('a merged slide says whether it is new, what came in, from which readers, and what is left open', () => {
  assert.equal(mergeSlideText(slide({ added: true, cells: 24 })),
    'smear-7 (new slide): 24 new cells, 0 labels, 0 flags, 0 edits, from no reader; no open disagreement');
  assert.equal(mergeSlideText(slide({
    labels: 6, flags: 1, edits: 2, readers: [{ name: 'Ann', events: 7 }, { name: 'Ben', events: 1 }], openDisagreements: 3,
  })), 'smear-7: 0 new cells, 6 labels, 1 flag, 2 edits, from Ann (7 events), Ben (1 event); 3 open disagreements for the adjudicator');
  assert.equal(mergeSlideText(slide({ cells: 1, labels: 1, readers: [{ name: 'Ann', events: 1 }], openDisagreements: 1 })),
    'smear-7: 1 new cell, 1 label, 0 flags, 0 edits, from Ann (1 event); 1 open disagreement for the adjudicator');
});

test('scan folders and a found scan, in words', () => {
  assert.equal(scanFoldersText(['/media/usb']), '1 scan folder saved');
  assert.equal(scanFoldersText(['/media/usb', '/mnt/share']), '2 scan folders saved');
  assert.equal(scanFoldersText([]), 'No scan folders: a moved scan is looked for nowhere; give its path instead');
  assert.equal(scanFoundText({ smearId: 'smear-7', path: '/media/usb/scans/smear-7.mrxs' }), 'The scan of smear-7 is at /media/usb/scans/smear-7.mrxs');
});
