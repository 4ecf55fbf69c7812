// No answer of the HTTP API carries a stack trace or the app's source paths,
// whatever the input: every operation (OPERATION_NAMES) is called over real
// HTTP with the malformed inputs of malformed-inputs.ts, with inputs that pass
// the schema but conflict with each other or with the state (a model for the
// classical segmenter, ids that do not exist, files that are not scans), and
// with transport-level junk. Each answer is an ApiError with the status of
// its code: 4xx, or a 5xx whose text is a sentence, never frames.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_ERROR_CODES, HTTP_STATUS_OF, isApiError } from '../../../src-main/api/errors.ts';
import type { ApiError } from '../../../src-main/api/errors.ts';
import { OPERATION_NAMES } from '../../../src-main/api/operation-names.ts';
import type { OperationName } from '../../../src-main/api/operation-names.ts';
import { malformedCases } from '../../unit/api/malformed-inputs.ts';
import { startApiFixture } from './api-fixture.ts';
import type { ApiFixture } from './api-fixture.ts';

let f: ApiFixture;

before(async () => {
  // No demo folder: openDemoSlide must not spend half a minute writing the demo slide here.
  f = await startApiFixture({ demoFolder: null });
});

after(async () => {
  await f?.dispose();
});

const FRAME = /^\s+at\s/m;
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?):\d+/;

/** Asserts one raw answer is a clean ApiError (or an ok value when `okAllowed`). */
function assertClean(what: string, status: number, text: string, okAllowed: boolean): void {
  assert.doesNotMatch(text, FRAME, `${what}: a stack frame in ${text.slice(0, 400)}`);
  assert.doesNotMatch(text, SOURCE_FILE, `${what}: a source path in ${text.slice(0, 400)}`);
  assert.doesNotMatch(text, /src-main\//, `${what}: a source path in ${text.slice(0, 400)}`);
  if (status === 200 && okAllowed) return;
  const body = JSON.parse(text) as ApiError;
  assert.ok(isApiError(body), `${what}: not an ApiError: ${text.slice(0, 400)}`);
  assert.ok((API_ERROR_CODES as readonly string[]).includes(body.code), what);
  // 413 is the transport's own answer for an oversized body; every other status is its code's.
  if (status !== 413) assert.equal(status, HTTP_STATUS_OF[body.code], `${what}: ${text.slice(0, 400)}`);
  assert.ok(status >= 400 && status < 600, `${what}: ${status}`);
}

/** A hung answer fails the test instead of stalling it. */
const ANSWER_TIMEOUT_MS = 30_000;

async function callRaw(operation: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${f.mode.server.baseUrl}api/${operation}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}



/** Inputs that pass (or nearly pass) the schema but make no sense together or in this state. */
function conflicting(operation: OperationName): unknown[] {
  const slide = f.fixture.mrxsPath;
  const missing = 9_999_999;
  // Typed by operation name: a new operation without cases fails to compile.
  const cases: Record<OperationName, unknown[]> = {
    getSession: [{}],
    listAnnotators: [{}],
    chooseAnnotator: [{ name: '\u0000\u001b[31m' }, { name: '../../etc/passwd' }, { name: ' \u200b ' }],
    listSlides: [{}],
    getSlide: [{ slideId: missing }, { slideId: Number.MAX_SAFE_INTEGER }],
    openSlideFile: [{}, { path: '/dev/zero' }, { path: '/etc/passwd' }, { path: f.dir }, { path: 'relative/nowhere.mrxs' }],
    startIngest: [
      { path: slide, segmenter: 'classical', model: 'smear-unet-tiny' },
      { path: slide, segmenter: 'classical', model: '/etc/passwd' },
      { path: slide, segmenter: 'onnx', model: '/etc/passwd' },
      { path: slide, segmenter: 'onnx', model: '../../../../etc/shadow' },
      { path: '/dev/zero' },
      { path: '/etc/passwd', segmenter: 'classical' },
      { path: f.dir },
      { path: `${slide}\u0000.png` },
    ],
    openDemoSlide: [{}],
    cancelJob: [{ jobId: missing }, { jobId: 1 }],
    listJobs: [{ slideId: missing }, { kind: 'export', state: 'running', limit: 500 }],
    cellMarkers: [
      { slideId: missing },
      { slideId: f.slideId, viewport: { x: -1e308, y: 1e308, width: 1e308, height: Number.MIN_VALUE } },
    ],
    getCell: [{ cellId: missing }, { cellId: Number.MAX_SAFE_INTEGER }],
    labelCell: [
      { cellId: missing, label: 'healthy', annotatorId: 1 },
      { cellId: 1, label: 'healthy', annotatorId: missing },
      { cellId: 1, label: null, annotatorId: missing, advance: 'next' },
    ],
    flagCell: [{ cellId: missing, flagged: true, annotatorId: 1 }, { cellId: 1, flagged: true, annotatorId: missing }],
    undo: [{ annotatorId: missing }],
    redo: [{ annotatorId: missing }],
    undoState: [{ annotatorId: missing }],
    lastCellOf: [{ slideId: missing, annotatorId: 1 }, { slideId: f.slideId, annotatorId: missing }],
    neighbourCell: [
      { slideId: f.slideId, direction: 'up' },
      { slideId: missing, direction: 'next' },
      { slideId: f.slideId, cellId: missing, direction: 'left' },
    ],
    gallery: [{ slideId: missing }, { slideId: f.slideId, sliceId: missing }, { slideId: f.slideId, offset: Number.MAX_SAFE_INTEGER }],
    counts: [{ slideId: missing }],
    slideReading: [{ slideId: missing }],
    setReadingSettings: [{ slideId: missing, quorum: 2 }],
    cellReadings: [{ cellId: missing }],
    agreement: [{ slideIds: [missing] }, {}],
    packWork: [{ file: '/proc/nope/x', slideIds: [missing] }, { file: '/proc/nope/x' }],
    mergeWork: [{ files: ['/no/such.smearlab-work'] }, { files: ['/etc/passwd'] }, { files: [f.dir] }],
    scanFolders: [{ folders: ['/no/such/folder'] }, {}],
    labelCells: [{ cellIds: [missing], label: 'healthy', annotatorId: 1 }, { cellIds: [1], label: 'healthy', annotatorId: missing }],
    trainAssist: [{ slideId: missing }, { slideId: f.slideId }],
    assistSummary: [{ slideId: missing }, { slideId: f.slideId }],
    runClassifier: [{ slideId: f.slideId, model: '../../etc/passwd' }, { slideId: f.slideId, model: '/etc/passwd' }, { slideId: missing, model: 'smear-unet-tiny' }],
    locateScan: [{ slideId: missing }, { slideId: f.slideId }, { slideId: f.slideId, path: '/etc/passwd' }, { slideId: f.slideId, path: '/dev/zero' }],
    proposeCell: [{ slideId: missing, point: { x: 1, y: 1 } }, { slideId: f.slideId, point: { x: 1e12, y: 1e12 } }],
    addCell: [
      { slideId: missing, annotatorId: 1, box: { x: 0, y: 0, width: 10, height: 10 } },
      { slideId: f.slideId, annotatorId: missing, box: { x: 0, y: 0, width: 10, height: 10 } },
      { slideId: f.slideId, annotatorId: 1, box: { x: 10_000_000, y: 0, width: 10, height: 10 } },
    ],
    reshapeCell: [
      { cellId: missing, annotatorId: 1, box: { x: 0, y: 0, width: 10, height: 10 } },
      { cellId: 1, annotatorId: 1, box: { x: 10_000_000, y: 10_000_000, width: 10, height: 10 } },
    ],
    splitCell: [
      { cellId: missing, annotatorId: 1, nuclei: [{ x: 1, y: 1 }, { x: 2, y: 2 }] },
      { cellId: 1, annotatorId: 1, nuclei: [{ x: 1e9, y: 1 }, { x: 1e9, y: 2 }] },
    ],
    mergeCells: [{ cellIds: [1, missing], annotatorId: 1 }, { cellIds: [1, 2], annotatorId: missing }],
    rejectCell: [{ cellId: missing, annotatorId: 1 }, { cellId: 1, annotatorId: missing }],
    startExport: [
      { targetDir: join(f.dir, 'export-a'), slideIds: [missing] },
      { targetDir: join(f.dir, 'export-b'), split: { mode: 'explicit', train: ['a'], test: ['a'] } },
      { targetDir: join(f.dir, 'export-c'), split: { mode: 'auto', testCount: 50 } },
      { targetDir: '/dev/null' },
      { targetDir: join(f.dir, 'not-a-folder.txt') },
      { targetDir: join(f.dir, 'export-d'), labels: 'labelled', flagged: 'only' },
    ],
    verifyExport: [{ folder: '/nonexistent/export' }, { folder: '/dev/zero' }, { folder: f.fixture.mrxsPath }, { folder: f.dir }],
    slideInfo: [{ path: '/dev/zero' }, { path: '/etc/passwd' }, { path: f.dir }, { path: '/nonexistent/scan.mrxs' }, { path: 'relative.mrxs' }],
    waitForJob: [{ jobId: missing }, { jobId: missing, timeoutMs: 0 }, { jobId: 1, timeoutMs: 60_001 }],
    importDataset: [
      { source: '/etc/passwd' },
      { source: '/dev/zero' },
      { source: f.dir, slideId: f.slideId, smearId: 'x' },
      { source: '/nonexistent/folder', dataDir: join(f.dir, 'import-data') },
      { source: f.dir, slideId: missing },
    ],
  };
  return cases[operation];
}

test('every operation answers malformed and conflicting input with a clean ApiError, never a stack', async () => {
  await mkdir(join(f.dir, 'export-a'), { recursive: true });
  await writeFile(join(f.dir, 'not-a-folder.txt'), 'a file where a folder should be\n');
  let checked = 0;
  for (const operation of OPERATION_NAMES) {
    const inputs = [...malformedCases(operation).map((c) => c.input), ...conflicting(operation)];
    for (const input of inputs) {
      const what = `${operation} ${JSON.stringify(input)}`;
      const { status, text } = await callRaw(operation, JSON.stringify(input));
      assertClean(what, status, text, true);
      checked++;
    }
  }
  assert.ok(checked > OPERATION_NAMES.length * 6, `only ${checked} calls`);
});

test('the cross-field ingest conflict (classical segmenter with a model) is refused without frames', async () => {
  const { status, text } = await callRaw('startIngest', JSON.stringify({ path: f.fixture.mrxsPath, segmenter: 'classical', model: 'x' }));
  assertClean('startIngest classical + model', status, text, false);
  assert.match((JSON.parse(text) as ApiError).message, /classical/);
});

test('transport-level junk is a clean 4xx for every operation', async () => {
  const bodies = [
    '{"slideId": 1', // cut short
    '['.repeat(100_000), // nesting deeper than any parser's stack
    `{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
    '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
    '\u0000\u0001\u0002',
    '"\\ud800"',
    '1e999999',
  ];
  for (const operation of OPERATION_NAMES) {
    for (const body of bodies) {
      const { status, text } = await callRaw(operation, body);
      assertClean(`${operation} ${body.slice(0, 40)}`, status, text, false);
      assert.ok(status >= 400 && status < 500, `${operation} ${body.slice(0, 40)}: ${status} ${text.slice(0, 200)}`);
    }
  }
  for (const operation of ['', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', 'constructor', '__proto__', 'toString', 'x'.repeat(10_000)]) {
    const { status, text } = await callRaw(operation, '{}');
    assertClean(`operation "${operation.slice(0, 40)}"`, status, text, false);
    assert.ok(status === 404 || status === 400 || status === 405, `operation "${operation.slice(0, 40)}": ${status}`);
  }
  // Still answering.
  assert.equal((await f.call('listSlides')).status, 200);
});
