// Fault campaign, part (b): property-based fuzzing (fast-check) of every API
// operation over real HTTP, against browser mode with a real SQLite store
// that holds an ingested slide and a label. Three groups: arbitrary JSON as
// the input, inputs shaped near each operation's schema (its fields with
// plausible, extreme and wrong values, hostile paths), and arbitrary bytes as
// the request body. Every answer must come in time, be JSON, be ok or an
// ApiError with a known code and its code's status, never a 5xx other than
// 'unsupported' (see ALLOWED_5XX), and never carry a stack.
// Afterwards the server still answers, and the database passes
// integrity_check with the seeded rows intact.
//
// SMEARLAB_FAULTS_RUNS scales the number of runs (default 1 = the numbers
// below); SMEARLAB_FAULTS_SEED replays a run (the seed is printed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { API_ERROR_CODES, HTTP_STATUS_OF, isApiError } from '../../src-main/api/errors.ts';
import type { ApiError, ApiErrorCode } from '../../src-main/api/errors.ts';
import { OPERATION_NAMES } from '../../src-main/api/operation-names.ts';
import { copyMiraxSlide, restampCreationTime } from '../fixtures/corrupt-slide.ts';
import type { MiraxCopy } from '../fixtures/corrupt-slide.ts';
import { startApiFixture } from '../integration/api/api-fixture.ts';
import type { ApiFixture } from '../integration/api/api-fixture.ts';
import { contractArbitraries } from './contract-arbitraries.ts';
import { STACK_FRAME, Tally, assertDatabaseIntact, snapshotDatabase } from './fault-tools.ts';
import type { DatabaseSnapshot } from './fault-tools.ts';

const SCALE = Number(process.env.SMEARLAB_FAULTS_RUNS ?? 1) || 1;
const SEED = process.env.SMEARLAB_FAULTS_SEED ? Number(process.env.SMEARLAB_FAULTS_SEED) : Math.floor(Math.random() * 2 ** 31);
/** waitForJob may wait up to 60 s by contract; anything longer is a hang. */
const ANSWER_TIMEOUT_MS = 70_000;
/**
 * The one 5xx a caller may get here: what this shell cannot do (a file dialog
 * in browser mode, a demo without a data folder). 'internal' and
 * 'store-failed' mean Smearlab broke; 'job-failed' to a caller's input (a
 * folder that is not an export, a model that does not exist) is an input
 * error answered as a server error.
 */
const ALLOWED_5XX: readonly ApiErrorCode[] = ['unsupported'];

let f: ApiFixture;
let victim: MiraxCopy;
let sandbox: string;
let seeded: DatabaseSnapshot;
let seededIds: number[];
const codesSeen = new Map<string, number>();
/** A few answers of each 5xx code, for the log: 5xx to a caller's mistake is worth a look even where it is allowed. */
const serverErrors = new Map<string, string[]>();

/** Paths worth trying wherever an operation reads a file; writers get theirs rebased into the sandbox. */
let readPaths: string[] = [];

before(async () => {
  f = await startApiFixture({ demoFolder: null });
  sandbox = join(f.dir, 'sandbox');
  await mkdir(sandbox, { recursive: true });
  // The seeded slide stays out of the fuzz's reach (a forced re-ingest may replace its unlabelled cells by design);
  // a copy is what ingests may run on. Restamped, so it is another scan: a plain copy has the seeded slide's
  // quickhash, and locateScan rightly moves the seeded slide onto it, which is no fault.
  victim = await copyMiraxSlide(f.fixture.mrxsPath);
  await restampCreationTime(victim);
  const fifo = join(sandbox, 'pipe.mrxs');
  execFileSync('mkfifo', [fifo]);
  await mkdir(join(sandbox, 'folder.mrxs'));
  await symlink(join(sandbox, 'loop-b.mrxs'), join(sandbox, 'loop-a.mrxs'));
  await symlink(join(sandbox, 'loop-a.mrxs'), join(sandbox, 'loop-b.mrxs'));
  await writeFile(join(sandbox, 'labels.geojson'), '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}');
  await writeFile(join(sandbox, 'junk.geojson'), '{"type":');
  readPaths = [
    victim.mrxsPath, '/dev/zero', '/dev/null', '/etc/passwd', '/proc/self/mem', '/', sandbox, fifo, join(sandbox, 'folder.mrxs'),
    join(sandbox, 'loop-a.mrxs'), join(sandbox, 'labels.geojson'), join(sandbox, 'junk.geojson'), join(sandbox, 'export'),
    '/no/such/scan.mrxs', 'relative.mrxs', '../../etc/passwd', 'C:\\scans\\x.mrxs', '\\\\server\\share\\x.mrxs', `${victim.mrxsPath}\u0000x`,
    '', ' ', 'smear-unet-tiny', `/${'a'.repeat(5000)}`,
  ];
  // A label on the seeded slide, so "rows intact" covers label events too.
  const slide = f.mode.store.getSlide(f.slideId);
  const cell = f.mode.store.firstCell(slide.id)!;
  f.mode.store.applyLabel(cell.id, 'healthy', f.mode.store.ensureAnnotator('seed').id);
  seededIds = [f.slideId];
  seeded = snapshotDatabase(f.dbPath, seededIds);
});

after(async () => {
  await victim?.dispose();
  await f?.dispose();
  const table = [...codesSeen].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`[faults] fuzz seed ${SEED}; answers: ${table}`);
  for (const [code, examples] of serverErrors) for (const e of examples) console.log(`[faults] ${code} (${HTTP_STATUS_OF[code as ApiErrorCode]}): ${e}`);
});

const operation = fc.constantFrom(...OPERATION_NAMES);

// ---- checking one answer -----------------------------------------------------------------------

async function call(op: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${f.mode.server.baseUrl}api/${encodeURIComponent(op)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

function checkAnswer(what: string, status: number, text: string): void {
  assert.doesNotMatch(text, STACK_FRAME, `${what}: a stack frame: ${text.slice(0, 500)}`);
  assert.doesNotMatch(text, /\.(?:[cm]?[jt]s):\d+/, `${what}: a source path: ${text.slice(0, 500)}`);
  const body: unknown = JSON.parse(text);
  if (status === 200) {
    codesSeen.set('ok', (codesSeen.get('ok') ?? 0) + 1);
    return;
  }
  assert.ok(isApiError(body), `${what}: ${status} without an ApiError: ${text.slice(0, 500)}`);
  const error = body as ApiError;
  codesSeen.set(error.code, (codesSeen.get(error.code) ?? 0) + 1);
  assert.ok((API_ERROR_CODES as readonly string[]).includes(error.code), what);
  if (status !== 413) assert.equal(status, HTTP_STATUS_OF[error.code], `${what}: ${text.slice(0, 500)}`);
  if (status >= 500) {
    const seen = serverErrors.get(error.code) ?? [];
    if (seen.length < 3) seen.push(`${what.slice(0, 160)} -> ${error.message.slice(0, 160)}`);
    serverErrors.set(error.code, seen);
    assert.ok(ALLOWED_5XX.includes(error.code), `${what}: ${status} ${text.slice(0, 500)}`);
  }
}

async function fuzzGroup(group: string, runs: number, arbitrary: fc.Arbitrary<[string, string]>): Promise<void> {
  const tally = new Tally(`API fuzz: ${group}`);
  try {
    await fc.assert(fc.asyncProperty(arbitrary, async ([op, body]) => {
      await tally.run(`${op} ${body.slice(0, 80)}`, async () => {
        const { status, text } = await call(op, body);
        checkAnswer(`${op} ${body.slice(0, 300)}`, status, text);
      });
    }), { numRuns: Math.round(runs * SCALE), seed: SEED, endOnFailure: true });
  } finally {
    tally.report();
  }
  // Still answering, database sound, seeded rows there.
  assert.equal((await call('listSlides', '{}')).status, 200);
  assertDatabaseIntact(f.dbPath, seeded, seededIds, group);
}

test('the victim copy is another scan: locateScan will not move the seeded slide onto it', async () => {
  const { status, text } = await call('locateScan', JSON.stringify({ slideId: f.slideId, path: victim.mrxsPath }));
  assert.equal(status, HTTP_STATUS_OF['bad-input'], text);
  assert.match(text, /is not the scan of/);
  assertDatabaseIntact(f.dbPath, seeded, seededIds, 'locateScan onto the victim');
});

test('arbitrary JSON inputs', async () => {
  await fuzzGroup('arbitrary JSON', 500, fc.tuple(operation, fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null')));
});

test('inputs shaped near each operation\'s schema', async () => {
  const { inputNear } = contractArbitraries({ readPaths, writeRoot: join(sandbox, 'export') });
  const shaped = operation.chain((op) => inputNear(op).map((input) => {
    // waitForJob may legitimately wait 30 s by default: keep the fuzz brisk.
    if (op === 'waitForJob' && typeof input === 'object') input.timeoutMs ??= 50;
    return [op, JSON.stringify(input)] as [string, string];
  }));
  await fuzzGroup('near the schema', 1500, shaped);
});

test('arbitrary request bodies and operation names', async () => {
  const body = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{', '[]', 'null', '"x"', '{"a":1}{', '\ufeff{}'));
  const name = fc.oneof({ arbitrary: operation, weight: 4 }, { arbitrary: fc.string({ maxLength: 30 }), weight: 1 });
  await fuzzGroup('raw bodies', 300, fc.tuple(name, body));
});

test('after the fuzz: jobs stop, the store closes, the database is sound with the seeded rows', async () => {
  await f.mode.close();
  assertDatabaseIntact(f.dbPath, seeded, seededIds, 'after closing');
});
