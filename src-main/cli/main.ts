// Entry of the `smearlab` CLI: picks the command from the table, runs it, and
// turns every failure into a one-line message and an exit code (2 for usage
// errors, 1 for everything else) instead of a stack trace. A reader that goes
// away (`smearlab info scan.mrxs | head`) ends the command quietly too.

import { SmearlabError } from '../domain/errors.ts';
import { CliError, CliUsageError } from './command.ts';
import type { CliCommand, CliIo } from './command.ts';
import { COMMANDS } from './command-table.ts';
import { printableLines } from './terminal-text.ts';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: smearlab <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show help for a command: smearlab help <command>`,
    '',
    'Global options: --verbose (stack traces and detail), --help',
  ].join('\n');
}

/** Exit code when the output cannot be written (the CLI's code for every failure that is not a usage error). */
export const EXIT_OUTPUT_GONE = 1;

let standardStreamsGuarded = false;

/**
 * Without a listener, a write to a pipe whose reader has gone (EPIPE) is an
 * unhandled 'error' event: a stack trace for every `smearlab info x | head`.
 * No one is left to read the rest, so stop at once, quietly; any other write
 * failure (EIO, ENOSPC on a redirect) is named once on whichever stream works.
 * Every writer shares the guard: commands and the progress bar write to
 * process.stdout / process.stderr too.
 */
function guardStandardStreams(): void {
  if (standardStreamsGuarded) return;
  standardStreamsGuarded = true;
  const onError = (stream: NodeJS.WriteStream, other: NodeJS.WriteStream) => (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && other.writable) {
      try {
        other.write(`smearlab: cannot write to ${stream === process.stdout ? 'stdout' : 'stderr'}: ${error.code ?? error.message}\n`);
      } catch {
        // Nowhere left to say it.
      }
    }
    process.exit(EXIT_OUTPUT_GONE);
  };
  process.stdout.on('error', onError(process.stdout, process.stderr));
  process.stderr.on('error', onError(process.stderr, process.stdout));
}

function consoleIo(verbose: boolean): CliIo {
  guardStandardStreams();
  return {
    out: (line = '') => process.stdout.write(`${line}\n`),
    err: (line = '') => process.stderr.write(`${line}\n`),
    verbose,
  };
}

/** Message for a failure, without the stack unless verbose; printable (it may quote a file's bytes). */
function describe(error: unknown, verbose: boolean): string {
  if (verbose && error instanceof Error && error.stack) return printableLines(error.stack);
  if (error instanceof Error) return printableLines(error.message);
  return printableLines(String(error));
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = consoleIo(argv.includes('--verbose'))): Promise<number> {
  const args = argv.filter((a) => a !== '--verbose');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') {
    const target = rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (rest[0] && !target) {
      io.err(`smearlab: unknown command "${rest[0]}"\n\n${overview()}`);
      return 2;
    }
    io.out(target ? target.usage : overview());
    return 0;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`smearlab: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return (await command.run(rest, io)) ?? 0;
  } catch (error) {
    if (error instanceof CliUsageError || isParseArgsError(error)) {
      io.err(`smearlab ${command.name}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    // Smearlab's own errors carry a message a person can act on; anything else is a bug worth --verbose.
    const known = error instanceof SmearlabError;
    io.err(`smearlab ${command.name}: ${describe(error, io.verbose)}`);
    if (!known && !io.verbose) io.err('(run again with --verbose for details)');
    return error instanceof CliError ? error.exitCode : 1;
  }
}

// node:util parseArgs reports bad options with these codes.
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
