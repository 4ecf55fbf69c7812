// The one input check every adapter runs before a handler sees anything: the
// operation must exist and the input must pass its schema. A failure is a
// 'bad-input' (or 'unknown-operation') ApiError whose message names the
// operation and every bad field.

import type { z } from 'zod';
import { CONTRACT } from './contract.ts';
import type { ParsedInput } from './contract.ts';
import { apiError } from './errors.ts';
import type { ApiError } from './errors.ts';
import { isOperationName } from './operation-names.ts';
import type { OperationName } from './operation-names.ts';

export type Validated<K extends OperationName = OperationName> =
  | { ok: true; operation: K; input: ParsedInput<K> }
  | { ok: false; error: ApiError };

const MAX_ISSUES_IN_MESSAGE = 3;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return issue.path.length > 0 ? `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` : `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `${where}: is required` : `${where}: expected ${issue.expected}, got ${describe(issue.input)}`;
  }
  return `${where}: ${issue.message}`;
}

export function validateOperation(operation: string, raw: unknown): Validated {
  if (!isOperationName(operation)) {
    const shown = operation.length > 64 ? `${operation.slice(0, 64)}...` : operation;
    return { ok: false, error: apiError('unknown-operation', `There is no operation "${shown}"`) };
  }
  // Operations without fields may be called with no input at all.
  const input = raw === undefined ? {} : raw;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: apiError('bad-input', `${operation}: the input must be an object, got ${describe(input)}`) };
  }
  const result = CONTRACT[operation].input.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, operation, input: result.data as ParsedInput<typeof operation> };
  // Unknown fields first: a misspelt name is the likeliest cause of the other complaints.
  const issues = [...result.error.issues]
    .sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'))
    .map(describeIssue);
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).join('; ');
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
  return { ok: false, error: apiError('bad-input', `${operation}: ${shown}${more}`, issues.join('\n')) };
}
