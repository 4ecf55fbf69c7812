// What a CLI command is, and the errors commands throw. One file per command
// under commands/, listed once in command-table.ts.

import { SmearlabError } from '../domain/errors.ts';
import { SEGMENTER_NAMES, isSegmenterName, type SegmenterName } from '../domain/segmenter.ts';

export interface CliIo {
  out(line?: string): void;
  err(line?: string): void;
  /** --verbose was given: show stacks and extra detail. */
  verbose: boolean;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text shown by `smearlab help <name>`, `<name> --help` and on usage errors. */
  usage: string;
  /** Resolves to the exit code (0 when it returns nothing). */
  run(args: string[], io: CliIo): Promise<number | void>;
}

/** Bad command-line input: printed with the command's usage, exit code 2. */
export class CliUsageError extends SmearlabError<'usage'> {
  constructor(message: string) {
    super('usage', message);
    this.name = 'CliUsageError';
  }
}

/** A failure the user can act on (message says what and where), exit code 1. */
export class CliError extends SmearlabError<'failed'> {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super('failed', message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Parses a positive integer option or throws a usage error naming it. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < min || n > max) {
    throw new CliUsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** A number flag as a number; its range is the contract's to check (and name). */
export function numberFlag(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliUsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

/** Parses --segmenter or throws a usage error listing the segmenters. */
export function segmenterOption(value: string | undefined): SegmenterName | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isSegmenterName(value)) throw new CliUsageError(`--segmenter must be ${SEGMENTER_NAMES.join(' or ')}, got "${value}"`);
  return value;
}
