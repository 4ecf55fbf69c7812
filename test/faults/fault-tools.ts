// Shared by the fault campaign (test/faults/): the CLI as a child process
// under a deadline, what a clean failure looks like, the database checks
// every case ends with, and the tally each suite prints ("cases tried /
// passed") and hands to run-faults.mjs for the closing table.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'src-main/cli/smearlab.mjs';

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed by us at the deadline: a hang. */
  timedOut: boolean;
  ms: number;
}

/** Runs `smearlab ...args`; a run past `timeoutMs` is killed (SIGKILL) and reported as timedOut. */
export function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ args, code, signal, stdout, stderr, timedOut, ms: Date.now() - began });
    });
  });
}

/** One line saying how a run ended, for the campaign's log. */
export function outcome(run: CliRun): string {
  const how = run.timedOut ? `hung (killed after ${run.ms} ms)` : run.signal ? `signal ${run.signal}` : `exit ${run.code}`;
  const last = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  return `${how}, ${(run.ms / 1000).toFixed(1)} s${last ? `: ${last.slice(0, 200)}` : ''}`;
}

/** Indented "    at f (file:1:2)" lines: a stack trace. */
export const STACK_FRAME = /^\s+at\s/m;

function shown(run: CliRun): string {
  return `smearlab ${run.args.join(' ')} -> code ${run.code}, signal ${run.signal}, ${run.ms} ms${run.timedOut ? ' (TIMED OUT)' : ''}\n` +
    `stdout: ${run.stdout.slice(-600)}\nstderr: ${run.stderr.slice(-1200)}`;
}

/** No hang, no signal, no stack, exit code 0, 1 or 2. */
export function assertNoCrash(run: CliRun): void {
  assert.equal(run.timedOut, false, `hung: ${shown(run)}`);
  assert.equal(run.signal, null, `killed by a signal: ${shown(run)}`);
  assert.ok(run.code === 0 || run.code === 1 || run.code === 2, `exit code: ${shown(run)}`);
  assert.doesNotMatch(run.stderr, STACK_FRAME, `a stack trace: ${shown(run)}`);
  assert.doesNotMatch(run.stdout, STACK_FRAME, `a stack trace: ${shown(run)}`);
  assert.doesNotMatch(run.stderr, /Uncaught|Unhandled|triggerUncaughtException|node:internal/, `a crash: ${shown(run)}`);
}

/**
 * A clean failure: exit 1 or 2 and one `smearlab <command>: ...` line that
 * names one of `names` (the slide, or the damaged file), with no "run again
 * with --verbose" hint (which marks an error nobody classified).
 */
export function assertCleanFailure(run: CliRun, names: readonly string[]): void {
  assertNoCrash(run);
  assert.ok(run.code === 1 || run.code === 2, `expected a failure: ${shown(run)}`);
  const command = run.args[0]!;
  const lines = run.stderr.split('\n').filter((l) => l.startsWith(`smearlab ${command}: `));
  assert.equal(lines.length, 1, `one error line: ${shown(run)}`);
  const line = lines[0]!;
  assert.ok(names.some((n) => line.includes(n)), `the error should name one of ${names.join(', ')}: ${shown(run)}`);
  assert.doesNotMatch(run.stderr, /run again with --verbose/, `an unclassified error: ${shown(run)}`);
}

/** Either it worked (code 0) or it failed cleanly naming one of `names`. */
export function assertSuccessOrCleanFailure(run: CliRun, names: readonly string[]): void {
  if (run.code === 0 && !run.timedOut && run.signal === null) assertNoCrash(run);
  else assertCleanFailure(run, names);
}

export interface DatabaseSnapshot {
  /** Rows that must outlive every fault: the seeded slides and their cells, by id. */
  slides: Array<Record<string, unknown>>;
  cellCount: number;
  labelEvents: number;
}

/** The seeded rows a fault must never touch (opened read-only: the check itself changes nothing). */
export function snapshotDatabase(dbPath: string, slideIds: readonly number[]): DatabaseSnapshot {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const marks = slideIds.map(() => '?').join(',');
    return {
      slides: db.prepare(`SELECT id, path, smear_id FROM slides WHERE id IN (${marks}) ORDER BY id`).all(...slideIds) as Array<Record<string, unknown>>,
      cellCount: (db.prepare(`SELECT count(*) AS n FROM cells WHERE slide_id IN (${marks})`).get(...slideIds) as { n: number }).n,
      labelEvents: (db.prepare('SELECT count(*) AS n FROM label_events').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/** The database opens, passes integrity_check, and still holds the seeded rows (label events only ever grow). */
export function assertDatabaseIntact(dbPath: string, seeded: DatabaseSnapshot, slideIds: readonly number[], what: string): void {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], `${what}: integrity_check`);
  } finally {
    db.close();
  }
  const now = snapshotDatabase(dbPath, slideIds);
  assert.deepEqual(now.slides, seeded.slides, `${what}: the seeded slides`);
  assert.equal(now.cellCount, seeded.cellCount, `${what}: the seeded cells`);
  assert.ok(now.labelEvents >= seeded.labelEvents, `${what}: label events lost (${now.labelEvents} < ${seeded.labelEvents})`);
}

/** Cases tried and passed in one group; printed at the end of its suite and collected by run-faults.mjs. */
export class Tally {
  readonly group: string;
  tried = 0;
  passed = 0;
  /** Cases expected to fail until pending work lands: name -> why. */
  readonly pending = new Map<string, string>();
  readonly failed: string[] = [];

  constructor(group: string) {
    this.group = group;
  }

  /** Runs one case, counting it; rethrows its failure. */
  async run(name: string, body: () => Promise<void>): Promise<void> {
    this.tried++;
    try {
      await body();
      this.passed++;
    } catch (error) {
      this.failed.push(name);
      throw error;
    }
  }

  report(): void {
    const pending = this.failed.filter((n) => this.pending.has(n));
    const line = `[faults] ${this.group}: ${this.passed} / ${this.tried} cases passed` +
      (pending.length > 0 ? ` (${pending.length} failing are pending: ${pending.join(', ')})` : '');
    console.log(line);
    const file = process.env.SMEARLAB_FAULTS_SUMMARY;
    if (file) {
      appendFileSync(file, `${JSON.stringify({
        group: this.group, tried: this.tried, passed: this.passed, failed: this.failed, pending: Object.fromEntries(this.pending),
      })}\n`);
    }
  }
}
