// What the library says about work packages and moved scans: the paths typed
// one a line (checked as the contract will check them), what a written
// package holds, and what a merge brought in, per package and per slide, in
// words. Pure functions of the API's answers, so the wording is tested
// without a server.

import type { SlideListEntry, WorkMerged, WorkPackWritten } from '../../src-main/api/views.ts';
import type { MergeSlideReport } from '../../src-main/domain/work-package.ts';
import { hostPathProblem } from '../../src-main/domain/host-path.ts';

export interface PathList {
  /** The paths, trimmed, blank lines dropped, each once, in the order typed. */
  paths: string[];
  /** One sentence per line the contract would refuse ("line 2 must be an absolute path ..."). */
  problems: string[];
}

/** Paths typed one a line (packages to merge, scan folders). */
export function pathLines(text: string): PathList {
  const paths: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const path = line.trim();
    if (!path) return;
    const problem = hostPathProblem(path);
    if (problem) problems.push(`line ${i + 1} ${problem}`);
    else if (!paths.includes(path)) paths.push(path);
  });
  return { paths, problems };
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? word : many}`;
}

/** The size of a file as a person reads it (1 KB = 1000 bytes, like the CLI's MB). */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return plural(bytes, 'byte');
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** "Wrote /media/usb/day-1.smearlab-work: 1 slide, 24 cells, 3 events, 24 crops (61.2 KB)". */
export function packWrittenText(written: WorkPackWritten): string {
  return `Wrote ${written.file}: ${plural(written.slides, 'slide')}, ${plural(written.cells, 'cell')}, ${plural(written.events, 'event')}, `
    + `${plural(written.crops, 'crop')} (${fileSize(written.bytes)})`;
}

/** One package's line: "/media/usb/a.smearlab-work: 7 new events, 2 already here". */
export function mergeFileText(report: WorkMerged['reports'][number]): string {
  return `${report.file}: ${plural(report.eventsAdded, 'new event')}, ${report.eventsAlreadyHere.toLocaleString('en')} already here`;
}

/**
 * One slide's line: "smear-7 (new slide): 24 new cells, 6 labels, 1 flag,
 * 0 edits, from Ann (7 events); 2 open disagreements for the adjudicator".
 * Notes (differences left as they were) are listed apart.
 */
export function mergeSlideText(slide: MergeSlideReport): string {
  const readers = slide.readers.length === 0 ? 'from no reader'
    : `from ${slide.readers.map((r) => `${r.name} (${plural(r.events, 'event')})`).join(', ')}`;
  const open = slide.openDisagreements === 0 ? 'no open disagreement'
    : `${plural(slide.openDisagreements, 'open disagreement')} for the adjudicator`;
  return `${slide.smearId}${slide.added ? ' (new slide)' : ''}: ${plural(slide.cells, 'new cell')}, ${plural(slide.labels, 'label')}, `
    + `${plural(slide.flags, 'flag')}, ${plural(slide.edits, 'edit')}, ${readers}; ${open}`;
}

/** Where a scan was found (locateScan's answer). */
export function scanFoundText(slide: Pick<SlideListEntry, 'smearId' | 'path'>): string {
  return `The scan of ${slide.smearId} is at ${slide.path}`;
}

/** The scan folders as saved ("1 scan folder saved" / "no scan folders: moved scans are not looked for"). */
export function scanFoldersText(folders: readonly string[]): string {
  return folders.length === 0 ? 'No scan folders: a moved scan is looked for nowhere; give its path instead'
    : `${plural(folders.length, 'scan folder')} saved`;
}
