// The desktop package, as far as a machine without the Electron binary can
// go: `npm run build`, then electron-builder packs the real config
// (electron-builder.yml) around a stand-in Electron release, then the test
// reads the asar, flips nothing itself, and runs the packed main-side code
// (CLI, ingest worker, runtime, server) under plain Node against a slide.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asar from '@electron/asar';
import * as fuses from '@electron/fuses';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { writeFakeElectronDist } from '../../fixtures/fake-electron-dist.ts';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../../', import.meta.url).pathname;

let dir = '';
let resources = '';
let archive = '';
let unpackedDir = '';
/** The asar extracted into a folder of the same name: plain Node can read it, paths look packaged. */
let appDir = '';
let binary = '';
let files: string[] = [];
let slidePath = '';

function runNode(args: string[], cwd: string, timeoutMs = 120_000) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smearlab-package-'));
  // @ts-expect-error: build scripts are plain JavaScript without declarations
  const { buildApp } = await import('../../../src-main/app/build-app.mjs') as { buildApp(o: object): Promise<unknown> };
  await buildApp({ quiet: true });
  const electronDist = await writeFakeElectronDist(join(dir, 'electron-dist'), join(ROOT, 'node_modules', 'electron', 'LICENSE'));
  const out = join(dir, 'release');
  const packed = runNode([require.resolve('electron-builder/cli.js'), '--linux', 'dir', '--publish', 'never',
    `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`], ROOT, 300_000);
  assert.equal(packed.status, 0, `electron-builder failed:\n${packed.stdout}\n${packed.stderr}`);
  const unpacked = join(out, 'linux-unpacked');
  binary = join(unpacked, readdirSync(unpacked).find((name) => name === 'smearlab') ?? 'missing');
  resources = join(unpacked, 'resources');
  archive = join(resources, 'app.asar');
  unpackedDir = `${archive}.unpacked`;
  files = asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
  appDir = join(dir, 'run', 'resources', 'app.asar');
  asar.extractAll(archive, appDir);
  // The unpacked files beside it, where app-layout.ts looks for them.
  const copied = spawnSync('cp', ['-a', unpackedDir, join(dir, 'run', 'resources')]);
  assert.equal(copied.status, 0, String(copied.stderr));
  slidePath = (await ensureFixtureSlide('tiny')).mrxsPath;
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the package holds bundled JavaScript only: no TypeScript, no tsx, no esbuild, no sources', () => {
  assert.ok(files.length > 0);
  assert.ok(files.includes('/dist/main/main.mjs'), 'package.json "main" is in the asar');
  for (const entry of ['/dist/main/cli.mjs', '/dist/main/ingest-worker.mjs', '/dist/main/slice-worker.mjs', '/dist/main/export-worker.mjs', '/dist/main/demo-slide-worker.mjs', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) {
    assert.ok(files.includes(entry), `${entry} is packed`);
  }
  const offending = files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts')
    || /\/node_modules\/(tsx|esbuild|@esbuild|typescript|zod)(\/|$)/.test(f)
    || f.startsWith('/src-') || f.startsWith('/test/'));
  assert.deepEqual(offending, []);
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
  assert.equal(pkg.main, 'dist/main/main.mjs');
});

test('every native module is unpacked beside the asar and loads under plain Node', () => {
  const natives = files.filter((f) => f.endsWith('.node'));
  const names = natives.map((f) => f.split('/').pop());
  for (const expected of ['openslide_binding.node', 'better_sqlite3.node', 'onnxruntime_binding.node']) {
    assert.ok(names.includes(expected), `${expected} is packed`);
  }
  assert.ok(names.some((n) => n?.startsWith('sharp-')), 'sharp\'s native module is packed');
  for (const file of natives) {
    assert.equal(asar.statFile(archive, file.slice(1)).unpacked, true, `${file} is marked unpacked`);
    assert.ok(existsSync(join(unpackedDir, file)), `${file} exists in app.asar.unpacked`);
  }
  // One child process: the repo's copies are already loaded in this one.
  const loaded = runNode(['-e', `for (const p of ${JSON.stringify(natives.map((f) => join(unpackedDir, f)))}) process.dlopen({ exports: {} }, p);`], dir);
  assert.equal(loaded.status, 0, loaded.stderr);
});

test('the fuses in the packed binary are the ones the config sets', async () => {
  const wire = await fuses.getCurrentFuseWire(binary) as Record<number, number>;
  const { FuseV1Options } = fuses;
  // The wire's bytes, as @electron/fuses writes them.
  const FuseState = { ENABLE: '1'.charCodeAt(0), DISABLE: '0'.charCodeAt(0) };
  const expected: [number, number][] = [
    [FuseV1Options.RunAsNode, FuseState.DISABLE],
    [FuseV1Options.EnableCookieEncryption, FuseState.ENABLE],
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable, FuseState.DISABLE],
    [FuseV1Options.EnableNodeCliInspectArguments, FuseState.DISABLE],
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, FuseState.ENABLE],
    [FuseV1Options.OnlyLoadAppFromAsar, FuseState.ENABLE],
  ];
  for (const [fuse, state] of expected) assert.equal(wire[fuse], state, `fuse ${FuseV1Options[fuse]}`);
});

test('the packed CLI runs under plain Node: info, then an ingest on the packed worker and model', () => {
  const cli = join(appDir, 'dist', 'main', 'cli.mjs');
  const info = runNode([cli, 'info', slidePath], dir);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /format\s+mirax/);
  const db = join(dir, 'cli.db');
  const ingest = runNode([cli, 'ingest', slidePath, '--db', db], dir, 300_000);
  assert.equal(ingest.status, 0, `${ingest.stdout}\n${ingest.stderr}`);
  assert.match(ingest.stdout, /segmenter ran on: cpu \(model smear-unet-tiny@/);
  const cells = Number(/(\d+) new cells/.exec(ingest.stdout)?.[1]);
  assert.ok(cells > 0, ingest.stdout);
  const stats = runNode([cli, 'stats', '--db', db], dir);
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, new RegExp(`\\b${cells}\\b`));
});

test('the packed server answers: the renderer, the API and tiles of the slide', async () => {
  const child = spawn(process.execPath, [join(appDir, 'dist', 'main', 'cli.mjs'), 'serve', '--db', join(dir, 'serve.db'), '--slide', slidePath],
    { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
  try {
    let output = '';
    const appUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no app URL in:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /app\s+(http:\S+)/.exec(output);
        if (match?.[1] && /\.dzi/.test(output)) { clearTimeout(timer); resolve(match[1]); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${output}`)); });
    });
    const page = await fetch(appUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script/);
    const dzi = /(http:\S+\.dzi)/.exec(output)?.[1] ?? '';
    const descriptor = await fetch(dzi);
    assert.equal(descriptor.status, 200);
    assert.match(await descriptor.text(), /<Image/);
  } finally {
    child.kill('SIGTERM');
  }
});
