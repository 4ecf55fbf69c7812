// Refuses anything that is not a regular file before OpenSlide sees it.
// OpenSlide opens and reads whatever it is given: a named pipe blocks its
// open() for good (and with it a libuv thread), a device feeds it endless
// bytes. A MIRAX slide is several files, so the files its Slidedat.ini names
// (index and data files) are checked too. Missing files are left to
// OpenSlide, whose messages already say what is missing.
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { SlideError } from './slide-error.ts';

/** OpenSlide 3.4.1 reads at most this much of Slidedat.ini; a bigger one is not a slide it opens. */
const SLIDEDAT_MAX_BYTES = 1024 * 1024;

/** What a path is when it is not a regular file ("a named pipe (FIFO)"), null for a regular file. */
export function describeNonFile(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a device (character device)';
  if (stats.isBlockDevice()) return 'a device (block device)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAScanFile(slidePath: string, path: string, what: string): SlideError {
  const message = path === slidePath
    ? `${path} is ${what}, not a scan file`
    : `${path}, part of this MIRAX slide, is ${what}, not a scan file`;
  return new SlideError('unsupported-format', slidePath, message);
}

/** stat, or null when nothing is there; other failures become a SlideError about `slidePath`. */
async function statOrNull(slidePath: string, path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new SlideError('not-found', slidePath, `${path} cannot be read: ${(err as Error).message}`);
  }
}

/**
 * Resolves when `path` is a regular file (and, for `.mrxs`, every file of its
 * data folder that exists is one too). Rejects with SlideError: 'not-found'
 * when nothing is at `path`, 'unsupported-format' naming what the thing is
 * ("/x/a.mrxs is a named pipe (FIFO), not a scan file").
 */
export async function assertScanFile(path: string): Promise<void> {
  const found = await statOrNull(path, path);
  if (!found) throw new SlideError('not-found', path, 'Slide file not found');
  const what = describeNonFile(found);
  if (what) throw notAScanFile(path, path, what);
  if (extname(path) === '.mrxs') await assertMiraxDataFiles(path);
}

/** The same check for code that must not wait (detectSlideFormat): the slide's own path only. */
export function isRegularFileSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function assertMiraxDataFiles(mrxsPath: string): Promise<void> {
  const folder = join(dirname(mrxsPath), basename(mrxsPath, '.mrxs'));
  const slidedat = join(folder, 'Slidedat.ini');
  const found = await statOrNull(mrxsPath, slidedat);
  if (!found) return;
  const what = describeNonFile(found);
  if (what) throw notAScanFile(mrxsPath, slidedat, what);
  if (found.size > SLIDEDAT_MAX_BYTES) return;
  const text = await readFile(slidedat, 'utf8');
  const problem = slidedatProblem(text);
  if (problem) throw new SlideError('unsupported-format', mrxsPath, `${slidedat}: ${problem}`);
  for (const name of miraxFileNames(text)) {
    const path = join(folder, name);
    const stats = await statOrNull(mrxsPath, path);
    const kind = stats && describeNonFile(stats);
    if (kind) throw notAScanFile(mrxsPath, path, kind);
  }
}

/** Slidedat.ini as groups of keys, read leniently: a malformed file is OpenSlide's to reject. */
export function readIni(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let group = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      group = groups.get(header[1]!) ?? new Map<string, string>();
      groups.set(header[1]!, group);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) group.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

/**
 * The index and data file names a Slidedat.ini gives ([HIERARCHICAL]
 * INDEXFILE, [DATAFILE] FILE_n).
 */
export function miraxFileNames(slidedat: string): string[] {
  const ini = readIni(slidedat);
  const names: string[] = [];
  const index = ini.get('HIERARCHICAL')?.get('INDEXFILE');
  if (index) names.push(index);
  for (const [key, value] of ini.get('DATAFILE') ?? []) if (/^FILE_\d+$/.test(key) && value !== '') names.push(value);
  return names;
}

/**
 * Counts OpenSlide allocates arrays for before reading anything: a huge one
 * makes GLib abort the whole process ("overflow allocating"), so each is
 * bounded here, far above any scanner's (a MIRAX slide has ~10 levels, a few
 * hundred data files, a few thousand camera images a side).
 */
const COUNT_LIMITS: ReadonlyArray<[group: string, key: RegExp, max: number]> = [
  ['GENERAL', /^IMAGENUMBER_[XY]$/, 100_000],
  ['GENERAL', /^CameraImageDivisionsPerSide$/, 64],
  ['HIERARCHICAL', /^HIER_COUNT$/, 64],
  ['HIERARCHICAL', /^HIER_\d+_COUNT$/, 64],
  ['HIERARCHICAL', /^NONHIER_COUNT$/, 256],
  ['HIERARCHICAL', /^NONHIER_\d+_COUNT$/, 4096],
  ['DATAFILE', /^FILE_COUNT$/, 100_000],
];

/**
 * What makes a Slidedat.ini unsafe to hand to OpenSlide, or null: a count out
 * of bounds, or a file name that leaves the slide's data folder (a MIRAX names
 * its files relative to that folder, never with a path).
 */
export function slidedatProblem(text: string): string | null {
  const ini = readIni(text);
  for (const [groupName, key, max] of COUNT_LIMITS) {
    for (const [name, value] of ini.get(groupName) ?? []) {
      if (!key.test(name)) continue;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > max) return `${name} = "${value.slice(0, 40)}" is not a count from 0 to ${max}`;
    }
  }
  for (const name of miraxFileNames(text)) {
    if (/[\\/]|^\.\.?$/.test(name) || name.includes('\0')) {
      return `"${name.slice(0, 80)}" names a file outside the slide's data folder (MIRAX files are named without a path)`;
    }
  }
  return null;
}
