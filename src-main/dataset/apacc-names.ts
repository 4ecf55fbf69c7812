// File names of the APACC layout: slice stems `{smear}_{x}_{y}`, cell images
// `{smear}_{slice x}-{slice y}_{cell no}_{cx}-{cy}_{date}.png`, and the file
// id a smear gets in those names. Names are parsed from the right, because
// smear ids may themselves contain `_` and `-`.

import { createHash } from 'node:crypto';
import { apaccCellFileName } from '../pipeline/cell-crop.ts';
import type { Point } from '../domain/geometry.ts';

export { apaccCellFileName };

/** UTF-8 bytes a smear's file id may take; leaves room for the rest of a cell name within 255 bytes. */
export const FILE_ID_MAX_BYTES = 96;
// Refused by FAT / exFAT / NTFS / SMB, or path separators anywhere.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f/\\:*?"<>|]/g;
// Windows refuses these as a file's stem whatever the extension (a GeoJSON file is `{id}.geojson`).
const RESERVED_STEMS = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * The id a smear carries in file names. The smear id itself whenever every
 * target file system takes it (the store already refuses / \ : * ? " < > |
 * and control characters); otherwise unsafe characters become `_`, a
 * leading or trailing dot or space is dropped, an over-long id is cut at
 * FILE_ID_MAX_BYTES, and `~` plus 8 hex digits of the id's SHA-256 keeps
 * the result unique. The manifest records every id that changed.
 */
export function fileIdForSmear(smearId: string): string {
  const id = smearId.normalize('NFC');
  let safe = id.replace(UNSAFE_CHARACTERS, '_').replace(/^[ .]+|[ .]+$/g, '');
  const changed = safe !== id || RESERVED_STEMS.test(safe) || safe.length === 0 || Buffer.byteLength(safe) > FILE_ID_MAX_BYTES;
  if (!changed) return id;
  safe = truncateUtf8(safe, FILE_ID_MAX_BYTES - 9);
  return `${safe}~${shortHash(id)}`;
}

/**
 * File ids for a set of smears, also unique when compared without case
 * (FAT, NTFS and macOS volumes fold case: `A1` and `a1` would collide).
 */
export function fileIdsForSmears(smearIds: readonly string[]): Map<string, string> {
  const ids = new Map(smearIds.map((s) => [s, fileIdForSmear(s)]));
  const byFolded = new Map<string, string[]>();
  for (const [smear, fileId] of ids) {
    const key = fileId.toLowerCase();
    byFolded.set(key, [...(byFolded.get(key) ?? []), smear]);
  }
  for (const group of byFolded.values()) {
    if (group.length < 2) continue;
    for (const smear of group) {
      const base = ids.get(smear) as string;
      if (!base.endsWith(`~${shortHash(smear)}`)) ids.set(smear, `${truncateUtf8(base, FILE_ID_MAX_BYTES - 9)}~${shortHash(smear)}`);
    }
  }
  return ids;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}

/** `{smear}_{x}_{y}`: the stem of a slice image and of its label file. */
export function sliceStem(fileId: string, slice: Point): string {
  return `${fileId}_${slice.x}_${slice.y}`;
}

export interface ParsedSliceStem {
  smear: string;
  x: number;
  y: number;
}

const SLICE_STEM = /^(.+)_([0-9]+)_([0-9]+)$/;

/** Splits a slice stem (no extension) from the right; null when it is not one. */
export function parseSliceStem(stem: string): ParsedSliceStem | null {
  const m = SLICE_STEM.exec(stem.normalize('NFC'));
  if (!m) return null;
  const x = Number(m[2]);
  const y = Number(m[3]);
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y)) return null;
  return { smear: m[1] as string, x, y };
}

export interface ParsedCellName {
  smear: string;
  sliceX: number;
  sliceY: number;
  number: number;
  /** Crop centre in slice px: floor of the box centre minus the slice origin. */
  cx: number;
  cy: number;
  /** Extraction date, `YYYY-MM-DD`. */
  date: string;
}

// Greedy smear group + a fixed tail = the split from the right.
const CELL_NAME = /^(.+)_([0-9]+)-([0-9]+)_([0-9]+)_(-?[0-9]+)-(-?[0-9]+)_([0-9]{4}-[0-9]{2}-[0-9]{2})\.png$/i;

export function parseCellFileName(name: string): ParsedCellName | null {
  const m = CELL_NAME.exec(name.normalize('NFC'));
  if (!m) return null;
  const [sliceX, sliceY, number, cx, cy] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (![sliceX, sliceY, number, cx, cy].every(Number.isSafeInteger) || number < 1) return null;
  const date = m[7] as string;
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
  return { smear: m[1] as string, sliceX, sliceY, number, cx, cy, date };
}

/** The level-0 box a cell image covers, from its parsed name and its pixel size (the inverse of cropCentreInSlice). */
export function cellBoxFromName(name: ParsedCellName, width: number, height: number) {
  return {
    x: name.sliceX + name.cx - Math.floor(width / 2),
    y: name.sliceY + name.cy - Math.floor(height / 2),
    width,
    height,
  };
}
