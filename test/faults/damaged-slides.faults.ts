// Fault campaign, part (a): damaged MIRAX slides and things that only look
// like slides, each through the real CLI as a child process under a deadline.
// For every case `smearlab info` and `smearlab ingest --segmenter classical`
// must either work (where the damage is survivable) or end with one clear
// line naming the slide or the damaged file: never a stack, a signal, an exit
// code other than 1 or 2, or a hang. One database serves every ingest; after
// each case it passes integrity_check and still holds the slide, cells and
// label seeded before the first case.
//
// The same damaged slides then go to `smearlab serve` (a child process, on
// the same database) over HTTP: slideInfo and startIngest (+ waitForJob) must
// answer clean JSON (ok, or an ApiError without frames), and the server must
// still answer afterwards: OpenSlide runs inside the server process, so a
// slide that aborts it takes the whole workstation down.
//
// A case may be marked `pending` (a reason) while a defect it finds is open:
// it still runs and is reported, as node:test "todo", without failing the
// suite. None is pending now.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isApiError } from '../../src-main/api/errors.ts';
import { openStore } from '../../src-main/store/index.ts';
import {
  copyMiraxSlide, corruptIndexTables, corruptIndexVersion, dataFilePaths, indexFilePath, readIndexItems, removeDataFile, truncateDataFile,
  zeroDataBytes,
} from '../fixtures/corrupt-slide.ts';
import type { MiraxCopy } from '../fixtures/corrupt-slide.ts';
import { ensureFixtureSlide } from '../fixtures/fixture-slides.ts';
import {
  REPO_ROOT, STACK_FRAME, Tally, assertCleanFailure, assertDatabaseIntact, assertNoCrash, assertSuccessOrCleanFailure, outcome, runCli,
  snapshotDatabase,
} from './fault-tools.ts';
import type { CliRun, DatabaseSnapshot } from './fault-tools.ts';

const INFO_TIMEOUT_MS = 30_000;
const HTTP_TIMEOUT_MS = 90_000;
const INGEST_TIMEOUT_MS = 120_000;


type Expect = 'fail' | 'either' | 'succeed';

interface DamageCase {
  name: string;
  /** Builds the damaged slide in `dir`; returns the path to open and the names an error may give. */
  make(dir: string): Promise<{ slide: string; names: string[] }>;
  info: Expect;
  ingest: Expect;
  pending?: string;
}

const tally = new Tally('damaged slides (CLI info + ingest)');
let work: string;
let dbPath: string;
let goodSlide: string;
let seededIds: number[];
let seeded: DatabaseSnapshot;

const copies: MiraxCopy[] = [];

/** A private copy of the tiny slide with `damage` applied (which returns the damaged files, for the names an error may give). */
async function damagedCopy(damage: (copy: MiraxCopy) => Promise<string | string[] | void>): Promise<{ slide: string; names: string[] }> {
  const copy = await copyMiraxSlide(goodSlide);
  copies.push(copy);
  const damaged = await damage(copy);
  const files = damaged === undefined ? [] : Array.isArray(damaged) ? damaged : [damaged];
  return { slide: copy.mrxsPath, names: [copy.mrxsPath, ...files.map((f) => basename(f))] };
}

/** Rewrites `KEY = value` lines of Slidedat.ini (every group holding KEY, or only `group`). */
async function editSlidedat(copy: MiraxCopy, edits: Array<[key: string, value: string, group?: string]>): Promise<string> {
  const path = join(copy.dataDir, 'Slidedat.ini');
  let text = await readFile(path, 'latin1');
  for (const [key, value, group] of edits) {
    let current = '';
    let hit = false;
    text = text.split('\n').map((line) => {
      const header = /^\[(.+)\]\s*$/.exec(line);
      if (header) current = header[1]!;
      if ((group === undefined || group === current) && new RegExp(`^${key}\\s*=`).test(line)) {
        hit = true;
        return `${key} = ${value}`;
      }
      return line;
    }).join('\n');
    if (!hit) throw new Error(`Slidedat.ini has no ${key}`);
  }
  await writeFile(path, text, 'latin1');
  return path;
}

function slidedatCase(name: string, edits: Array<[string, string, string?]>, info: Expect, ingest: Expect, pending?: string): DamageCase {
  return { name, info, ingest, pending, make: () => damagedCopy((c) => editSlidedat(c, edits)) };
}

/** One file of the slide replaced by a named pipe (whose open() would block a reader for good). */
function fifoCase(name: string, locate: (copy: MiraxCopy) => Promise<string>): DamageCase {
  return {
    name: `${name} is a FIFO`, info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      const path = await locate(c);
      await unlink(path);
      execFileSync('mkfifo', [path]);
      return path;
    }),
  };
}

const CASES: DamageCase[] = [
  // Data files: an interrupted copy, an empty file, a file gone.
  { name: 'Data0000.dat cut to half', info: 'either', ingest: 'either',
    make: () => damagedCopy(async (c) => (await truncateDataFile(c, { fraction: 0.5 })).path) },
  { name: 'Data0000.dat empty', info: 'either', ingest: 'either',
    make: () => damagedCopy(async (c) => (await truncateDataFile(c, { fraction: 0 })).path) },
  { name: 'Data0000.dat missing', info: 'either', ingest: 'either',
    make: () => damagedCopy((c) => removeDataFile(c, 0)) },
  // Tiles: the slide opens, some image blobs are damaged (a bad sector, a half-written copy).
  { name: 'one tile zeroed on every level', info: 'either', ingest: 'succeed',
    make: () => damagedCopy(async (c) => {
      let path = '';
      // Image 0 (the top-left corner) exists on every level.
      for (const level of await readIndexItems(c.mrxsPath)) {
        const tile = level.find((t) => t.imageIndex === 0) ?? level[0]!;
        path = await zeroDataBytes(c, tile.fileNumber, tile.offset, tile.length);
      }
      return path;
    }) },
  { name: 'the second half of every level\'s tiles filled with random bytes', info: 'either', ingest: 'succeed',
    make: () => damagedCopy(async (c) => {
      const path = (await dataFilePaths(c.mrxsPath))[0]!;
      const file = await open(path, 'r+');
      try {
        for (const level of await readIndexItems(c.mrxsPath)) {
          for (const tile of level.slice(level.length >> 1)) await file.write(randomBytes(tile.length), 0, tile.length, tile.offset);
        }
      } finally {
        await file.close();
      }
      return path;
    }) },
  // The index: gone, cut, emptied, wrong version, tables pointing nowhere.
  { name: 'Index.dat missing', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      const path = await indexFilePath(c.mrxsPath);
      await unlink(path);
      return path;
    }) },
  { name: 'Index.dat cut to half', info: 'either', ingest: 'either',
    make: () => damagedCopy(async (c) => {
      const path = await indexFilePath(c.mrxsPath);
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length >> 1));
      return path;
    }) },
  { name: 'Index.dat empty', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      const path = await indexFilePath(c.mrxsPath);
      await writeFile(path, '');
      return path;
    }) },
  { name: 'Index.dat wrong version', info: 'fail', ingest: 'fail', make: () => damagedCopy((c) => corruptIndexVersion(c)) },
  { name: 'Index.dat tables all 0xFF', info: 'fail', ingest: 'fail', make: () => damagedCopy((c) => corruptIndexTables(c)) },
  // Slidedat.ini: gone, empty, garbage, binary, oversized.
  { name: 'Slidedat.ini missing', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      await unlink(join(c.dataDir, 'Slidedat.ini'));
      return join(c.dataDir, 'Slidedat.ini');
    }) },
  { name: 'Slidedat.ini empty', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      await writeFile(join(c.dataDir, 'Slidedat.ini'), '');
      return join(c.dataDir, 'Slidedat.ini');
    }) },
  { name: 'Slidedat.ini random bytes', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      await writeFile(join(c.dataDir, 'Slidedat.ini'), randomBytes(4096));
      return join(c.dataDir, 'Slidedat.ini');
    }) },
  { name: 'Slidedat.ini with NUL and escape bytes in values', info: 'either', ingest: 'either',
    make: () => damagedCopy((c) => editSlidedat(c, [['SLIDE_NAME', '\u0000\u001b[2J\u001b]0;x\u0007\u00ff\u00fe']])) },
  { name: 'Slidedat.ini over 1 MiB', info: 'fail', ingest: 'fail',
    make: () => damagedCopy(async (c) => {
      const path = join(c.dataDir, 'Slidedat.ini');
      const text = await readFile(path, 'latin1');
      await writeFile(path, `${text}\n${'# padding\n'.repeat(120_000)}`, 'latin1');
      return path;
    }) },
  // Huge, negative and non-numbers where OpenSlide expects sizes and counts.
  slidedatCase('IMAGENUMBER_X = 2147483647', [['IMAGENUMBER_X', '2147483647']], 'fail', 'fail'),
  slidedatCase('IMAGENUMBER_Y = 99999999999999999999', [['IMAGENUMBER_Y', '99999999999999999999']], 'fail', 'fail'),
  slidedatCase('IMAGENUMBER_X = -16', [['IMAGENUMBER_X', '-16']], 'fail', 'fail'),
  slidedatCase('DIGITIZER_WIDTH = 2147483647', [['DIGITIZER_WIDTH', '2147483647']], 'either', 'either'),
  slidedatCase('DIGITIZER_HEIGHT = 0', [['DIGITIZER_HEIGHT', '0']], 'either', 'either'),
  slidedatCase('HIER_0_COUNT = 2147483647', [['HIER_0_COUNT', '2147483647']], 'fail', 'fail'),
  slidedatCase('FILE_COUNT = 2147483647', [['FILE_COUNT', '2147483647']], 'fail', 'fail'),
  slidedatCase('CameraImageDivisionsPerSide = 2147483647', [['CameraImageDivisionsPerSide', '2147483647']], 'fail', 'fail'),
  slidedatCase('MICROMETER_PER_PIXEL_X = 1e308', [['MICROMETER_PER_PIXEL_X', '1e308'], ['MICROMETER_PER_PIXEL_Y', '1e308']], 'either', 'either'),
  slidedatCase('MICROMETER_PER_PIXEL_X = nan', [['MICROMETER_PER_PIXEL_X', 'nan'], ['MICROMETER_PER_PIXEL_Y', '-0']], 'either', 'either'),
  slidedatCase('OBJECTIVE_MAGNIFICATION = 99999999999', [['OBJECTIVE_MAGNIFICATION', '99999999999']], 'either', 'either'),
  // Names that leave the slide's folder.
  slidedatCase('FILE_0 = ../../etc/passwd', [['FILE_0', '../../../../../../../../etc/passwd']], 'fail', 'fail'),
  slidedatCase('INDEXFILE = ../../etc/passwd', [['INDEXFILE', '../../../../../../../../etc/passwd']], 'fail', 'fail'),
  slidedatCase('FILE_0 = ../../dev/zero', [['FILE_0', '../../../../../../../../dev/zero']], 'fail', 'fail'),
  slidedatCase('INDEXFILE = ../../dev/zero', [['INDEXFILE', '../../../../../../../../dev/zero']], 'fail', 'fail'),
  slidedatCase('FILE_0 = / (the root folder)', [['FILE_0', '../../../../../../../../']], 'fail', 'fail'),
  // What the slide path itself is.
  { name: 'the slide is a folder', info: 'fail', ingest: 'fail',
    make: async (dir) => {
      const slide = join(dir, 'folder.mrxs');
      await mkdir(slide, { recursive: true });
      return { slide, names: [slide] };
    } },
  { name: 'the slide is a symlink loop', info: 'fail', ingest: 'fail',
    make: async (dir) => {
      await mkdir(dir, { recursive: true });
      const a = join(dir, 'a.mrxs');
      await symlink(join(dir, 'b.mrxs'), a);
      await symlink(a, join(dir, 'b.mrxs'));
      return { slide: a, names: [a] };
    } },
  { name: 'the slide is a FIFO', info: 'fail', ingest: 'fail',
    make: async (dir) => {
      await mkdir(dir, { recursive: true });
      const slide = join(dir, 'pipe.mrxs');
      execFileSync('mkfifo', [slide]);
      return { slide, names: [slide] };
    } },
  { name: 'the slide is /dev/zero', info: 'fail', ingest: 'fail', make: async () => ({ slide: '/dev/zero', names: ['/dev/zero'] }) },
  { name: 'the slide is a symlink to /dev/zero named .mrxs', info: 'fail', ingest: 'fail',
    make: async (dir) => {
      await mkdir(dir, { recursive: true });
      const slide = join(dir, 'zero.mrxs');
      await symlink('/dev/zero', slide);
      return { slide, names: [slide] };
    } },
  fifoCase('Data0000.dat', async (c) => join(c.dataDir, 'Data0000.dat')),
  fifoCase('Index.dat', (c) => indexFilePath(c.mrxsPath)),
  fifoCase('Slidedat.ini', async (c) => join(c.dataDir, 'Slidedat.ini')),
];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'smearlab-faults-'));
  dbPath = join(work, 'faults.db');
  goodSlide = (await ensureFixtureSlide('tiny')).mrxsPath;
  // The rows every fault must leave alone: a real ingest and a label on its first cell.
  const seed = await runCli(['ingest', goodSlide, '--db', dbPath, '--segmenter', 'classical', '--smear-id', 'seeded'], INGEST_TIMEOUT_MS);
  assertNoCrash(seed);
  if (seed.code !== 0) throw new Error(`seeding failed: ${seed.stderr}`);
  const store = openStore(dbPath);
  try {
    const slide = store.listSlides()[0]!;
    const annotator = store.ensureAnnotator('fault campaign');
    const cell = store.firstCell(slide.id)!;
    store.applyLabel(cell.id, 'healthy', annotator.id);
    seededIds = [slide.id];
  } finally {
    store.close();
  }
  seeded = snapshotDatabase(dbPath, seededIds);
  if (seeded.cellCount === 0 || seeded.labelEvents === 0) throw new Error('seeding left no cells or labels');
});

after(async () => {
  tally.report();
  for (const copy of copies) await copy.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

function expectOutcome(run: CliRun, expect: Expect, names: string[]): void {
  if (expect === 'fail') assertCleanFailure(run, names);
  else if (expect === 'either') assertSuccessOrCleanFailure(run, names);
  else {
    assertNoCrash(run);
    assert.equal(run.code, 0, `expected it to work around the damage: ${outcome(run)}`);
  }
}

/** Runs one counted check; its failure is kept (with the case's pending reason) and returned, so the other check still runs. */
async function check(name: string, pending: string | undefined, body: () => Promise<void>): Promise<unknown> {
  try {
    await tally.run(name, body);
    return null;
  } catch (error) {
    if (pending) tally.pending.set(name, pending);
    return error;
  }
}

/** SMEARLAB_FAULTS_ONLY=text runs only the cases whose name holds it (while working on one fault). */
const ONLY = process.env.SMEARLAB_FAULTS_ONLY;

describe('damaged slides', () => {
  CASES.forEach((c, n) => {
    if (ONLY && !c.name.includes(ONLY)) return;
    test(c.name, c.pending ? { todo: c.pending } : {}, async () => {
      const dir = join(work, `case-${String(n).padStart(2, '0')}`);
      await mkdir(dir, { recursive: true });
      const { slide, names } = await c.make(dir);
      const infoError = await check(`${c.name} / info`, c.pending, async () => {
        const info = await runCli(['info', slide], INFO_TIMEOUT_MS);
        console.log(`[faults] ${c.name} / info: ${outcome(info)}`);
        expectOutcome(info, c.info, names);
      });
      const ingestError = await check(`${c.name} / ingest`, c.pending, async () => {
        const ingest = await runCli(['ingest', slide, '--db', dbPath, '--segmenter', 'classical', '--smear-id', `fault-${n}`], INGEST_TIMEOUT_MS);
        console.log(`[faults] ${c.name} / ingest: ${outcome(ingest)}`);
        expectOutcome(ingest, c.ingest, names);
        assertDatabaseIntact(dbPath, seeded, seededIds, c.name);
      });
      if (infoError) throw infoError;
      if (ingestError) throw ingestError;
    });
  });
});

// ---- the same slides through the server -------------------------------------------------------

interface ServeChild { base: string; child: ChildProcess; exited: Promise<void> }

/** `smearlab serve --db <db>` as a child process; resolves once it printed its URL. */
function startServe(): Promise<ServeChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src-main/cli/smearlab.mjs', 'serve', '--db', dbPath], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const base = /server on (http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]+\/)/.exec(out)?.[1];
      if (base) resolve({ base, child, exited });
    });
    void exited.then(() => reject(new Error(`serve exited before printing its URL: ${err}`)));
  });
}

let serve: ServeChild | null = null;

async function post(operation: string, input: unknown): Promise<{ status: number; text: string } | { died: string }> {
  const running = serve!;
  try {
    const response = await fetch(`${running.base}api/${operation}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input), signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    // A dropped connection is most often the server dying: give its exit a moment to show.
    await Promise.race([running.exited, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    const dead = running.child.exitCode !== null || running.child.signalCode !== null;
    return { died: dead ? `the server died (${running.child.signalCode ?? `exit ${running.child.exitCode}`})` : `no answer: ${String(error)}` };
  }
}

function assertCleanAnswer(what: string, answer: { status: number; text: string } | { died: string }): unknown {
  if ('died' in answer) assert.fail(`${what}: ${answer.died}`);
  assert.doesNotMatch(answer.text, STACK_FRAME, `${what}: ${answer.text.slice(0, 400)}`);
  const body: unknown = JSON.parse(answer.text);
  if (answer.status !== 200) {
    assert.ok(isApiError(body), `${what}: ${answer.text.slice(0, 400)}`);
    assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 400)}`);
  }
  return body;
}

describe('damaged slides through the server', () => {
  const httpTally = new Tally('damaged slides (serve over HTTP)');
  before(async () => {
    serve = await startServe();
  });
  after(async () => {
    httpTally.report();
    serve?.child.kill('SIGINT');
    await serve?.exited;
  });

  CASES.forEach((c, n) => {
    if (ONLY && !c.name.includes(ONLY)) return;
    test(c.name, c.pending ? { todo: c.pending } : {}, async () => {
      const dir = join(work, `http-${String(n).padStart(2, '0')}`);
      await mkdir(dir, { recursive: true });
      const { slide } = await c.make(dir);
      try {
        await httpTally.run(c.name, async () => {
          const info = await post('slideInfo', { path: slide });
          console.log(`[faults] ${c.name} / slideInfo over HTTP: ${'died' in info ? info.died : `${info.status} ${info.text.slice(0, 160)}`}`);
          assertCleanAnswer(`${c.name} slideInfo`, info);
          const started = await post('startIngest', { path: slide, segmenter: 'classical', smearId: `http-${n}` });
          console.log(`[faults] ${c.name} / startIngest over HTTP: ${'died' in started ? started.died : `${started.status} ${started.text.slice(0, 160)}`}`);
          const body = assertCleanAnswer(`${c.name} startIngest`, started) as { job?: { id: number } | null };
          if ('status' in started && started.status === 200 && body.job) {
            assertCleanAnswer(`${c.name} waitForJob`, await post('waitForJob', { jobId: body.job.id, timeoutMs: 60_000 }));
          }
          assert.equal((await post('listSlides', {}) as { status: number }).status, 200, `${c.name}: the server still answers`);
          assertDatabaseIntact(dbPath, seeded, seededIds, `${c.name} over HTTP`);
        });
      } catch (error) {
        if (c.pending) httpTally.pending.set(c.name, c.pending);
        // A dead server is one failure, not one per remaining case.
        if (serve!.child.exitCode !== null || serve!.child.signalCode !== null) serve = await startServe();
        throw error;
      }
    });
  });
});
