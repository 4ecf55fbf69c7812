// Argument checks at the store's edge: a bad value is refused with a message
// that names the field, before SQLite sees it.

import { cellClassByName, type CellClassName } from '../domain/cell-class.ts';
import { invalid } from './store-error.ts';

export function checkId(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(`${what} must be a positive integer id, got ${String(value)}`);
  return value as number;
}

export function checkInt(value: unknown, what: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalid(`${what} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, got ${String(value)}`);
  }
  return value as number;
}

export function checkFinite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${what} must be a finite number, got ${String(value)}`);
  return value;
}

export function checkOptionalFinite(value: unknown, what: string, min = -Infinity): number | null {
  if (value === undefined || value === null) return null;
  const n = checkFinite(value, what);
  if (n < min) throw invalid(`${what} must be >= ${min}, got ${n}`);
  return n;
}

export function checkText(value: unknown, what: string, maxLength = 4096): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${what} must be a non-empty string`);
  if (value.length > maxLength) throw invalid(`${what} is longer than ${maxLength} characters`);
  return value;
}

export function checkOptionalText(value: unknown, what: string, maxLength = 4096): string | null {
  return value === undefined || value === null ? null : checkText(value, what, maxLength);
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(`${what} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

export function checkLabel(value: unknown, what = 'label'): CellClassName | null {
  if (value === null) return null;
  const cls = typeof value === 'string' ? cellClassByName(value) : undefined;
  if (!cls) throw invalid(`${what} must be a cell class name (healthy, rubbish, unhealthy, bothcells) or null, got ${String(value)}`);
  return cls.name;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}
