// The work package file (`.smearlab-work`): UTF-8 JSON lines, one record per
// line, documented in README ("Several workstations"):
//   {"format":"smearlab-work-package","version":1,"from":<database uid>,"createdAt":<ISO>,"counts":{...}}
//   {"annotator":{...}} / {"slide":{...}} / {"slice":{...}} / {"cell":{...}} / {"event":{...}} / {"crop":{...}}   (any number)
//   {"end":{"lines":<records above, header included>,"sha256":<hex of every byte before this line>}}
// A package cut short has no end line; a flipped bit breaks the checksum or a
// record's shape: either way it is refused whole, before anything is merged.
// Written under a temporary name, synced and renamed, so a pulled USB stick
// leaves the old file or none, never half of one.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import { CELL_EDIT_CHANGES, CELL_EDIT_KINDS } from '../domain/cell-edit.ts';
import { CELL_KINDS, CELL_SOURCES } from '../domain/cell.ts';
import { SmearlabError } from '../domain/errors.ts';
import { LABEL_ACTIONS } from '../domain/label.ts';
import { ANNOTATOR_ROLES, CONSENSUS_RULES } from '../domain/reading.ts';
import { SLIDE_KINDS } from '../domain/slide.ts';
import type { WorkRecords } from '../domain/work-package.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

export const WORK_PACKAGE_FORMAT = 'smearlab-work-package';
export const WORK_PACKAGE_VERSION = 1;
export const WORK_PACKAGE_EXTENSION = '.smearlab-work';

export type WorkPackageErrorCode = 'damaged' | 'not-a-package' | 'newer-version' | 'io';

export class WorkPackageError extends SmearlabError<WorkPackageErrorCode> {
  constructor(code: WorkPackageErrorCode, message: string, readonly path: string) {
    super(code, `${path}: ${message}`);
    this.name = 'WorkPackageError';
  }
}

const uid = z.string().regex(/^[0-9a-f-]{32,36}$/, 'is not an id');
const count = z.number().int().min(0);
const finite = z.number().refine(Number.isFinite, 'is not finite');
const nullableFinite = finite.nullable();
const box = z.strictObject({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
const point = z.strictObject({ x: finite, y: finite });

const annotatorSchema = z.strictObject({ name: z.string().min(1).max(64), role: z.enum(ANNOTATOR_ROLES) });
const slideSchema = z.strictObject({
  uid, smearId: z.string().min(1).max(128), pathHint: z.string().min(1).max(4096), format: z.string().max(64),
  quickhash: z.string().max(128).nullable(), width: count, height: count, mppX: nullableFinite, mppY: nullableFinite,
  kind: z.enum(SLIDE_KINDS), createdAt: count,
  reading: z.strictObject({ blind: z.boolean(), quorum: z.number().int().min(1).max(20), rule: z.enum(CONSENSUS_RULES) }),
});
const sliceSchema = z.strictObject({
  slide: uid, x: count, y: count, width: z.number().int().positive(), height: z.number().int().positive(),
  tissueFraction: z.number().min(0).max(1).nullable(), state: z.enum(['pending', 'done', 'failed']),
});
const cellSchema = z.strictObject({
  uid, slide: uid, sliceX: count, sliceY: count, number: z.number().int().min(1), box, centre: point,
  area: nullableFinite, perimeter: nullableFinite, roundness: nullableFinite, solidity: nullableFinite, eccentricity: nullableFinite,
  source: z.enum(CELL_SOURCES), model: z.string().max(256).nullable(), kind: z.enum(CELL_KINDS), nucleus: point.nullable(),
  nucleusArea: nullableFinite, nuclei: z.number().int().min(0).nullable(), createdAt: count,
});
const eventSchema = z.strictObject({
  uid, cell: uid, kind: z.enum(['label', 'flag', 'edit']), value: z.string().max(32).nullable(), annotator: z.string().min(1).max(64),
  action: z.enum(LABEL_ACTIONS), role: z.enum(ANNOTATOR_ROLES), createdAt: count, reverts: uid.nullable(),
  edits: z.array(z.strictObject({ cell: uid, change: z.enum(CELL_EDIT_CHANGES) })).max(64),
}).superRefine((e, context) => {
  const ok = e.kind === 'label' ? e.value === null || (CELL_CLASS_NAMES as readonly string[]).includes(e.value)
    : e.kind === 'flag' ? e.value === '0' || e.value === '1'
      : (CELL_EDIT_KINDS as readonly string[]).includes(e.value ?? '') && e.edits.length > 0;
  if (!ok) context.addIssue({ code: 'custom', path: ['value'], message: `is not a ${e.kind} value` });
});
/** A crop is a small JPEG (the packer makes them at most 160 px a side). */
const cropSchema = z.strictObject({ cell: uid, jpeg: z.string().max(96 * 1024).regex(/^[A-Za-z0-9+/]+=*$/, 'is not base64') });
const headerSchema = z.strictObject({
  format: z.literal(WORK_PACKAGE_FORMAT), version: z.number().int().min(1), from: uid, createdAt: z.string(),
  counts: z.record(z.string(), count),
});
const endSchema = z.strictObject({ end: z.strictObject({ lines: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) }) });

/** The package as text (the same records give the same bytes, but for createdAt). */
export function workPackageText(records: WorkRecords, createdAt: Date): string {
  const counts = { annotators: records.annotators.length, slides: records.slides.length, slices: records.slices.length,
    cells: records.cells.length, events: records.events.length, crops: records.crops.length };
  const lines = [
    JSON.stringify({ format: WORK_PACKAGE_FORMAT, version: WORK_PACKAGE_VERSION, from: records.from, createdAt: createdAt.toISOString(), counts }),
    ...records.annotators.map((annotator) => JSON.stringify({ annotator })),
    ...records.slides.map((slide) => JSON.stringify({ slide })),
    ...records.slices.map((slice) => JSON.stringify({ slice })),
    ...records.cells.map((cell) => JSON.stringify({ cell })),
    ...records.events.map((event) => JSON.stringify({ event })),
    ...records.crops.map((crop) => JSON.stringify({ crop })),
  ];
  const body = `${lines.join('\n')}\n`;
  const sha256 = createHash('sha256').update(body).digest('hex');
  return `${body}${JSON.stringify({ end: { lines: lines.length, sha256 } })}\n`;
}

/** Reads, checks and parses a package; throws a WorkPackageError saying what is wrong and where. */
export function parseWorkPackage(text: string, path: string): WorkRecords {
  const damaged = (why: string) => new WorkPackageError('damaged', `${why}; the package is damaged (copy it again from its workstation): nothing was merged`, path);
  const lastBreak = text.lastIndexOf('\n', text.length - 2);
  const endLine = text.slice(lastBreak + 1).trimEnd();
  let end: z.infer<typeof endSchema>['end'];
  try {
    end = endSchema.parse(JSON.parse(endLine)).end;
  } catch {
    if (!text.startsWith(`{"format":"${WORK_PACKAGE_FORMAT}"`)) throw new WorkPackageError('not-a-package', 'is not a Smearlab work package', path);
    throw damaged('the end record is missing (the file was cut short)');
  }
  const body = text.slice(0, lastBreak + 1);
  if (createHash('sha256').update(body).digest('hex') !== end.sha256) throw damaged('its checksum does not match its contents');
  const lines = body.split('\n').slice(0, -1);
  if (lines.length !== end.lines) throw damaged(`it holds ${lines.length} records where its end record says ${end.lines}`);
  const header = headerSchema.safeParse(JSON.parse(lines[0] ?? 'null'));
  if (!header.success) throw new WorkPackageError('not-a-package', 'does not start with a work package header', path);
  if (header.data.version > WORK_PACKAGE_VERSION) {
    throw new WorkPackageError('newer-version', `was written by a newer Smearlab (format version ${header.data.version}); update this one`, path);
  }
  const records: WorkRecords = { from: header.data.from, annotators: [], slides: [], slices: [], cells: [], events: [], crops: [] };
  for (const [i, line] of lines.slice(1).entries()) {
    const where = `record ${i + 2}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw damaged(`${where} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw damaged(`${where} is not a record`);
    const [kind, ...rest] = Object.keys(value);
    if (rest.length > 0 || kind === undefined) throw damaged(`${where} is not one record`);
    const item = (value as Record<string, unknown>)[kind];
    const parsed = (schema: z.ZodType) => {
      const result = schema.safeParse(item);
      if (!result.success) throw damaged(`${where} (${kind}): ${result.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
      return result.data;
    };
    if (kind === 'annotator') records.annotators.push(parsed(annotatorSchema) as WorkRecords['annotators'][number]);
    else if (kind === 'slide') records.slides.push(parsed(slideSchema) as WorkRecords['slides'][number]);
    else if (kind === 'slice') records.slices.push(parsed(sliceSchema) as WorkRecords['slices'][number]);
    else if (kind === 'cell') records.cells.push(parsed(cellSchema) as WorkRecords['cells'][number]);
    else if (kind === 'event') records.events.push(parsed(eventSchema) as WorkRecords['events'][number]);
    else if (kind === 'crop') records.crops.push(parsed(cropSchema) as WorkRecords['crops'][number]);
    else throw damaged(`${where} is of an unknown kind "${kind}"`);
  }
  return records;
}

export async function writeWorkPackage(path: string, records: WorkRecords, createdAt = new Date()): Promise<number> {
  const text = workPackageText(records, createdAt);
  try {
    await writeFileAtomic(path, text, { fsync: true });
  } catch (err) {
    throw new WorkPackageError('io', `cannot be written: ${(err as Error).message}`, path);
  }
  return Buffer.byteLength(text);
}

/** Larger than any package of a lab's slides (100,000 cells and their events are tens of MB). */
export const WORK_PACKAGE_MAX_BYTES = 1024 * 1024 * 1024;

export async function readWorkPackage(path: string): Promise<WorkRecords> {
  let text: string;
  try {
    // A device or a folder named by mistake must not be read forever.
    const info = await stat(path);
    if (!info.isFile()) throw new WorkPackageError('io', 'is not a file', path);
    if (info.size > WORK_PACKAGE_MAX_BYTES) throw new WorkPackageError('not-a-package', `is ${info.size} bytes, more than a work package can be`, path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof WorkPackageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new WorkPackageError('io', code === 'ENOENT' ? 'no such file' : `cannot be read: ${(err as Error).message}`, path);
  }
  return parseWorkPackage(text, path);
}
