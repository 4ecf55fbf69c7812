// Export end to end on real ingests of two synthetic smears: the golden
// structure, every name and label line against the database, independent
// readers (Python stdlib, sha256sum), resume, verify, and the round trip
// import(export(db)) reproducing every cell's box and label.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CELL_CLASSES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import { intersectBoxes } from '../../../src-main/domain/geometry.ts';
import { parseCellFileName, parseSliceStem } from '../../../src-main/dataset/apacc-names.ts';
import { parseExportOptions } from '../../../src-main/dataset/export-options.ts';
import { importApaccFolder } from '../../../src-main/dataset/import-apacc.ts';
import { pngSizeFromHeader } from '../../../src-main/dataset/png-size.ts';
import { runExport } from '../../../src-main/dataset/run-export.ts';
import { parseSliceLabels } from '../../../src-main/dataset/slice-labels.ts';
import { verifyExport } from '../../../src-main/dataset/verify-export.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore, type CellView } from '../../../src-main/store/index.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { databaseDigest } from './dataset-fixture.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SMEARS = ['A_1-2', '669-15'];
let work = '';
let dbPath = '';
let out = '';

function exportOptions(extra: Record<string, unknown> = {}) {
  return parseExportOptions({
    dbPath, targetDir: out, labels: 'all', flagged: 'include',
    formats: { cells: true, slices: true, annotated: true, yolo: true, coco: true, geojson: true },
    split: { mode: 'auto', seed: 1, testFraction: 0.5 }, ...extra,
  });
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'smearlab-export-golden-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  dbPath = join(work, 'smearlab.db');
  out = join(work, 'usb', 'dataset');
  const slides = [await ensureFixtureSlide('tiny'), await ensureFixtureSlide('tiny', { seed: 7, formats: ['mirax'] })];
  for (const [i, slide] of slides.entries()) {
    const r = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', smearId: SMEARS[i], dataDir: join(work, 'data') }));
    assert.equal(r.state, 'done');
  }
  const store = openStore(dbPath);
  try {
    const doctor = store.ensureAnnotator('Dr Test');
    for (const slide of store.listSlides()) {
      store.listCells(slide.id).forEach((c, i) => {
        if (i % 6 !== 5) store.applyLabel(c.id, (CELL_CLASSES[i % 4] as { name: CellClassName }).name, doctor.id);
        if (i === 2) store.setFlag(c.id, true, doctor.id);
      });
    }
  } finally {
    store.close();
  }
  (await import('node:fs')).mkdirSync(join(work, 'usb'));
});

function cellsOf(): Map<string, CellView[]> {
  const store = openStore(dbPath);
  try {
    return new Map(store.listSlides().map((s) => [s.smearId, store.listCells(s.id)]));
  } finally {
    store.close();
  }
}

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? listTree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]).sort();
}

test('golden structure: layout, names, label lines and images match the database', async () => {
  const before = databaseDigest(dbPath);
  const progress: number[] = [];
  const result = await runExport(exportOptions(), { onProgress: (p) => progress.push(p.filesDone) });
  assert.equal(result.state, 'done');
  assert.equal(databaseDigest(dbPath), before, 'the export changes no cell or label');
  const files = listTree(out);
  const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
  assert.deepEqual(top, ['README.txt', 'SHA256SUMS', 'annotated', 'cells', 'coco', 'geojson', 'manifest.json', 'slices', 'yolo']);
  assert.ok(!files.some((f) => f.includes('smearlab-tmp') || f.includes('.smearlab-export')), 'no temporary or bookkeeping file left');
  assert.deepEqual([result.split.train.length, result.split.test.length], [1, 1]);
  const splitOf = (smear: string) => (result.split.test.includes(smear) ? 'test' : 'train');

  const dbCells = cellsOf();
  let cellImages = 0;
  for (const f of files.filter((p) => p.startsWith('cells/'))) {
    const [, split, folder, name] = f.split('/') as [string, string, string, string];
    const parsed = parseCellFileName(name);
    assert.ok(parsed, `${f} follows the APACC cell name convention`);
    const cell = dbCells.get(parsed.smear)?.find((c) => c.sliceX === parsed.sliceX && c.sliceY === parsed.sliceY && c.number === parsed.number);
    assert.ok(cell, `${f} is a database cell`);
    assert.equal(folder, cell.label ?? 'unlabelled');
    assert.equal(split, splitOf(parsed.smear));
    assert.deepEqual(pngSizeFromHeader(readFileSync(join(out, f))), { width: cell.box.width, height: cell.box.height }, `${f} is the whole box`);
    cellImages++;
  }
  const totalCells = [...dbCells.values()].reduce((n, c) => n + c.length, 0);
  assert.equal(cellImages, totalCells, 'every cell once (labels: all, flagged: include)');

  // Every label line against the database: each labelled cell's box clipped to every 2,000 px slice it touches.
  const expected = new Map<string, string[]>();
  for (const [smear, cells] of dbCells) {
    for (const c of cells) {
      if (!c.label) continue;
      for (let gy = Math.floor(c.box.y / 2000); gy * 2000 < c.box.y + c.box.height; gy++) {
        for (let gx = Math.floor(c.box.x / 2000); gx * 2000 < c.box.x + c.box.width; gx++) {
          const part = intersectBoxes(c.box, { x: gx * 2000, y: gy * 2000, width: 2000, height: 2000 });
          if (!part) continue;
          const key = `slices/${splitOf(smear)}/${smear}_${gx * 2000}_${gy * 2000}`;
          expected.set(key, [...(expected.get(key) ?? []), `${c.label} ${part.x - gx * 2000} ${part.y - gy * 2000} ${part.width} ${part.height}`]);
        }
      }
    }
  }
  const txts = files.filter((f) => f.startsWith('slices/') && f.endsWith('.txt'));
  let lines = 0;
  let cut = 0;
  for (const f of txts) {
    const stem = parseSliceStem(f.split('/').at(-1)!.slice(0, -4));
    assert.ok(stem && SMEARS.includes(stem.smear), f);
    const size = pngSizeFromHeader(readFileSync(join(out, f.replace(/\.txt$/, '.png'))));
    const text = readFileSync(join(out, f), 'utf8');
    const parsed = parseSliceLabels(text, size.width, size.height);
    assert.deepEqual(parsed.problems, [], f);
    const got = parsed.lines.map((l) => `${l.label} ${l.box.x} ${l.box.y} ${l.box.width} ${l.box.height}`).sort();
    assert.deepEqual(got, [...(expected.get(f.slice(0, -4)) ?? [])].sort(), `${f} holds exactly the clipped boxes of the database`);
    lines += got.length;
    cut += parsed.lines.filter((l) => l.box.x === 0 || l.box.y === 0 || l.box.x + l.box.width === size.width || l.box.y + l.box.height === size.height).length;
    assert.equal(readFileSync(join(out, f.replace(/^slices/, 'yolo/labels')), 'utf8'), text, 'YOLO labels are the same lines');
  }
  assert.equal(txts.length, expected.size, 'a label file for every slice with a box');
  assert.ok(lines > 10 && cut > 0, `${lines} lines, ${cut} touching a slice edge`);
  assert.equal(progress.at(-1), result.files, 'the last progress event counts every file');
});

test('independent readers: Python stdlib checker (APACC, YOLO, COCO, checksums), sha256sum -c, verify', async () => {
  const py = spawnSync('/usr/bin/python3', [join(root, 'test/bench/reference/check_dataset.py'), out], { encoding: 'utf8', timeout: 60_000 });
  const report = JSON.parse(py.stdout) as { ok: boolean; errors: string[]; summary: Record<string, number> };
  assert.deepEqual(report.errors, []);
  assert.equal(py.status, 0);
  assert.ok(report.summary.coco_annotations! > 10 && report.summary.yolo_images! > 0);
  const sums = spawnSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
  assert.equal(sums.status, 0, sums.stdout + sums.stderr);
  const verify = await verifyExport(out);
  assert.ok(verify.ok, verify.message);

  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.app.version, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  assert.deepEqual(manifest.models, [{ model: 'classical', providers: ['cpu'], smears: [...SMEARS].sort() }]);
  assert.deepEqual(manifest.annotators.map((a: { name: string }) => a.name), ['Dr Test']);
  assert.equal(manifest.split.seed, 1);
  assert.deepEqual([...manifest.split.train, ...manifest.split.test].sort(), [...SMEARS].sort());
  const all = manifest.counts.all;
  assert.equal(all.healthy + all.rubbish + all.unhealthy + all.bothcells + all.unlabelled, manifest.totals.cells);
  assert.equal(manifest.files.length, listTree(out).length - 1, 'every file but the manifest itself is listed');

  for (const smear of SMEARS) {
    const geo = JSON.parse(readFileSync(join(out, 'geojson', `${smear}.geojson`), 'utf8'));
    assert.equal(geo.type, 'FeatureCollection');
    const cells = cellsOf().get(smear)!;
    assert.equal(geo.features.length, cells.length);
    for (const f of geo.features) {
      const cell = cells.find((c) => c.id === f.properties.smearlab.cellId)!;
      const [x0, y0] = f.geometry.coordinates[0][0];
      const [x2, y2] = f.geometry.coordinates[0][2];
      assert.deepEqual([x0, y0, x2 - x0, y2 - y0], [cell.box.x, cell.box.y, cell.box.width, cell.box.height]);
      if (cell.label) assert.equal(f.properties.classification.name, cell.label);
      else assert.equal(f.properties.classification, undefined);
    }
  }
});

test('round trip: import(export(db)) gives every cell its box and current label exactly', async () => {
  const target = join(work, 'imported.db');
  const report = await importApaccFolder({ folder: out, dbPath: target, dataDir: join(work, 'imported-data') });
  assert.deepEqual(report.problems, []);
  const original = cellsOf();
  const store = openStore(target);
  try {
    for (const [smear, cells] of original) {
      const slide = store.findSlideBySmearId(smear);
      assert.ok(slide);
      assert.equal(slide.kind, 'slice-images');
      const imported = store.listCells(slide.id);
      assert.equal(imported.length, cells.length);
      const byKey = new Map(imported.map((c) => [`${c.sliceX},${c.sliceY},${c.number}`, c]));
      for (const c of cells) {
        const twin = byKey.get(`${c.sliceX},${c.sliceY},${c.number}`);
        assert.ok(twin, `cell ${c.id} of ${smear}`);
        assert.deepEqual(twin.box, c.box);
        assert.equal(twin.label, c.label);
        assert.equal(twin.source, 'imported');
      }
    }
  } finally {
    store.close();
  }
  // Re-export of the imported slides (pixels from the copied slice images) reproduces the same label files.
  const again = join(work, 'usb', 'reexport');
  await runExport(exportOptions({ dbPath: target, targetDir: again, formats: { cells: false, slices: true } }));
  for (const f of listTree(join(out, 'slices')).filter((p) => p.endsWith('.txt'))) {
    assert.equal(readFileSync(join(again, 'slices', f), 'utf8'), readFileSync(join(out, 'slices', f), 'utf8'), f);
  }
});

test('resume and update: unchanged files are skipped; a relabelled cell moves folder; verify finds damage, export repairs it', async () => {
  const second = await runExport(exportOptions());
  assert.equal(second.state, 'done');
  assert.equal(second.filesWritten, 1, "an unchanged database rewrites nothing but the manifest");
  assert.equal(second.filesSkipped, second.files - 1);

  const store = openStore(dbPath);
  let moved: CellView;
  try {
    const slide = store.listSlides()[0]!;
    moved = store.listCells(slide.id, { label: 'healthy' })[0]!;
    store.applyLabel(moved.id, 'unhealthy', store.ensureAnnotator('Dr Test').id);
  } finally {
    store.close();
  }
  const third = await runExport(exportOptions());
  assert.equal(third.filesRemoved, 1, 'the old image of the relabelled cell');
  assert.ok((await verifyExport(out)).ok);
  const unhealthy = listTree(out).filter((f) => f.includes('/unhealthy/') && f.includes(`_${moved.number}_`));
  assert.ok(unhealthy.length >= 1);

  const png = listTree(out).find((f) => f.startsWith('slices/') && f.endsWith('.png'))!;
  const txt = listTree(out).find((f) => f.startsWith('slices/') && f.endsWith('.txt'))!;
  const bytes = readFileSync(join(out, png));
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
  writeFileSync(join(out, png), bytes);
  rmSync(join(out, txt));
  appendFileSync(join(out, 'notes.txt'), 'mine');
  writeFileSync(join(out, '.DS_Store'), 'finder');
  const report = await verifyExport(out);
  assert.equal(report.ok, false);
  assert.deepEqual(report.damaged.map((d) => d.path), [png]);
  assert.deepEqual(report.missing, [txt]);
  assert.deepEqual(report.extra, ['notes.txt']);
  assert.deepEqual(report.ignored, ['.DS_Store']);

  rmSync(join(out, 'notes.txt'));
  const repaired = await runExport(exportOptions());
  assert.equal(repaired.state, 'done');
  assert.ok(repaired.filesWritten >= 2 && repaired.filesWritten <= 5, `rewrote the damaged and missing files (${repaired.filesWritten})`);
  assert.ok((await verifyExport(out)).ok);
});
