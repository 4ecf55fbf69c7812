// The `smearlab` launcher as users run it: real process, real slide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { CRICVA_DEV, skipWithoutSharedData } from '../../fixtures/shared-data.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = 'src-main/cli/smearlab.mjs';

function smearlab(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('info prints format, size and levels of the tiny MIRAX slide', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const { code, stdout } = smearlab('info', fixture.mrxsPath);
  assert.equal(code, 0);
  assert.match(stdout, /format\s+mirax/);
  assert.match(stdout, new RegExp(`${fixture.width} x ${fixture.height} px \\(level 0\\)`));
  assert.match(stdout, /downsample 2/);
  assert.match(stdout, /mirax\.GENERAL\.SLIDE_ID = /);
  const json = smearlab('info', '--json', fixture.mrxsPath);
  assert.equal(json.code, 0);
  const info = JSON.parse(json.stdout) as { format: string; levels: Array<{ width: number }> };
  assert.equal(info.format, 'mirax');
  assert.equal(info.levels[0]?.width, fixture.width);
});

test('info on a missing file names it, exits 1, no stack trace', () => {
  const { code, stdout, stderr } = smearlab('info', '/no/such/dir/scan.mrxs');
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.match(stderr, /not found/i);
  assert.match(stderr, /\/no\/such\/dir\/scan\.mrxs/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('usage errors exit 2 with help; help exits 0', () => {
  const unknown = smearlab('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.match(unknown.stderr, /Usage: smearlab <command>/);
  assert.equal(smearlab().code, 2);
  const noSlide = smearlab('info');
  assert.equal(noSlide.code, 2);
  assert.match(noSlide.stderr, /Usage: smearlab info <slide>/);
  assert.equal(smearlab('serve', '--port', 'eighty').code, 2);
  const help = smearlab('help', 'serve');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--port N/);
  assert.equal(smearlab('info', '--help').code, 0);
});

test('serve prints a tokenised URL per slide, serves the DZI and stops on SIGINT', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-cli-serve-'));
  const child = spawn(process.execPath, [bin, 'serve', '--db', join(dir, 'library.db'), '--slide', fixture.mrxsPath],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Ctrl+C')) resolve();
      });
      void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });
    const base = /server on (http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/)/.exec(stdout)?.[1];
    const dzi = /(http:\/\/\S+\/slides\/[0-9a-f]{32}\.dzi)/.exec(stdout)?.[1];
    assert.ok(base && dzi, stdout);
    assert.ok(dzi.startsWith(base));
    const response = await fetch(dzi);
    assert.equal(response.status, 200);
    assert.match(await response.text(), new RegExp(`Width="${fixture.width}"`));
    assert.equal((await fetch(base.replace(/\/t\/[^/]+\//, '/t/wrong/') + 'slides')).status, 403);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, stderr);
  assert.match(stdout, /Server stopped/);
  await rm(dir, { recursive: true, force: true });
});

test('ingest of a scan that gives no pixel size warns and assumes 0.25 um/px; --mpp overrides it', { skip: skipWithoutSharedData(CRICVA_DEV) }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-cli-mpp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A pyramidal TIFF written by sharp carries no resolution OpenSlide reads: mpp is unknown.
  const { default: sharp } = await import('sharp');
  const { cricvaDataDir } = await import('../../fixtures/cricva-dev.ts');
  const scan = join(dir, 'no-mpp.tiff');
  await sharp(join(cricvaDataDir(), 'images', '011fda505d7e4af4b8cc57545343624d.jpg'))
    .tiff({ tile: true, pyramid: true, tileWidth: 256, tileHeight: 256, compression: 'jpeg' }).toFile(scan);
  const db = join(dir, 'smearlab.db');
  const assumed = smearlab('ingest', scan, '--segmenter', 'classical', '--db', db);
  assert.equal(assumed.code, 0, assumed.stderr);
  assert.match(assumed.stdout, /scale: 0\.25 um\/px \(assumed\)/);
  assert.match(assumed.stdout, /warning: .*no-mpp\.tiff gives no pixel size: assuming 0\.25 um\/px.*--mpp/);
  const given = smearlab('ingest', scan, '--segmenter', 'classical', '--db', db, '--mpp', '0.271', '--force');
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stdout, /scale: 0\.271 um\/px \(from --mpp\)/);
  assert.doesNotMatch(given.stdout, /warning/);
  const bad = smearlab('ingest', scan, '--mpp', 'fine', '--db', db);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--mpp must be a number, got "fine"/);
  // The range is the contract's (the same check as every other caller), reported against the flag.
  const tiny = smearlab('ingest', scan, '--mpp', '0.001', '--db', db);
  assert.equal(tiny.code, 2);
  assert.match(tiny.stderr, /--mpp: .*0\.05/);
});

test('agreement prints kappas between two readers (text and --json), refuses an unknown smear, and export --labels picks the decision', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-cli-agree-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'db.sqlite');
  const { openStore } = await import('../../../src-main/store/index.ts');
  const store = openStore(dbPath);
  const slide = store.upsertSlide({ path: join(dir, 'A.mrxs'), format: 'mirax', width: 4000, height: 2000, mppX: 0.25, mppY: 0.25, kind: 'slice-images' }).slide;
  store.planSlices(slide.id, [{ x: 0, y: 0, width: 2000, height: 2000 }]);
  const ids = store.commitSliceCells(store.listSlices(slide.id)[0]!.id, Array.from({ length: 10 }, (_, i) => ({
    box: { x: 100 + 150 * i, y: 100, width: 60, height: 60 }, centre: { x: 130 + 150 * i, y: 130 },
  }))).cells.map((c) => c!.id);
  const [ann, ben] = [store.ensureAnnotator('Ann').id, store.ensureAnnotator('Ben').id];
  // Ann and Ben agree on 8 of 10 cells: healthy 5, unhealthy 3; then Ann healthy / Ben unhealthy twice.
  ids.forEach((id, i) => {
    store.applyLabel(id, i < 7 ? 'healthy' : 'unhealthy', ann);
    store.applyLabel(id, i < 5 ? 'healthy' : 'unhealthy', ben);
  });
  store.close();
  const text = smearlab('agreement', '--db', dbPath, '--rounds', '200');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Ann/);
  assert.match(text.stdout, /Ben/);
  const json = smearlab('agreement', '--db', dbPath, '--rounds', '200', '--json');
  const report = JSON.parse(json.stdout) as { pairs: Array<{ cells: number; observed: { estimate: number }; kappa: { estimate: number } }> };
  assert.equal(report.pairs[0]?.cells, 10);
  assert.equal(report.pairs[0]?.observed.estimate, 0.8);
  // po 0.8; pe = 0.7*0.5 + 0.3*0.5 = 0.5; kappa 0.6
  assert.ok(Math.abs((report.pairs[0]?.kappa.estimate ?? 0) - 0.6) < 1e-9);
  const unknown = smearlab('agreement', '--db', dbPath, '--smears', 'Nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no slide with smear id "Nope"/);
  const twice = smearlab('export', join(dir, 'out'), '--db', dbPath, '--labels', 'majority,consensus');
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /both choose the decision/);
});
