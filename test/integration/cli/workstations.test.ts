// Two workstations and a USB folder, as a lab runs them: ingest on the
// scanner PC (A), pack, merge on a reader's PC (B); two readers label on A
// and on B; pack both ways and merge: both databases end identical (their
// canonical dumps) with every label under its reader. A package damaged on
// the way is refused whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function smearlab(...args: string[]) {
  const result = spawnSync(process.execPath, ['src-main/cli/smearlab.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A reader at one workstation labels cells (by index in reading order) through the store, as the viewer does. */
function read(dbPath: string, reader: string, labels: Array<[number, CellClassName]>): void {
  const store = openStore(dbPath);
  try {
    const cells = store.listCells(store.listSlides()[0]!.id);
    const id = store.ensureAnnotator(reader).id;
    for (const [i, label] of labels) store.applyLabel(cells[i]!.id, label, id);
  } finally {
    store.close();
  }
}

function dump(dbPath: string): string {
  const store = openStore(dbPath);
  try {
    return store.canonicalDump();
  } finally {
    store.close();
  }
}

test('ingest on A, merge on B, readers on both, packs both ways: identical databases, every label kept', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-two-pcs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [a, b, usb] = [join(dir, 'A.db'), join(dir, 'B.db'), join(dir, 'usb')];
  await mkdir(usb);
  const slide = await ensureFixtureSlide('tiny');
  const ingest = smearlab('ingest', slide.mrxsPath, '--db', a, '--segmenter', 'classical');
  assert.equal(ingest.code, 0, ingest.stderr);

  const first = smearlab('pack', join(usb, 'from-a'), '--db', a);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /from-a\.smearlab-work: 1 slides, \d+ cells, 0 events, 0 crops/);
  const onB = smearlab('merge', join(usb, 'from-a.smearlab-work'), '--db', b);
  assert.equal(onB.code, 0, onB.stderr);
  assert.match(onB.stdout, /\(new slide\)/);
  assert.equal(dump(a), dump(b), 'B has what A ingested');

  read(a, 'Ann', [[0, 'healthy'], [1, 'unhealthy'], [2, 'rubbish']]);
  read(b, 'Ben', [[0, 'healthy'], [1, 'healthy'], [3, 'bothcells']]);
  read(a, 'Ann', [[0, 'unhealthy']]); // a second thought on A
  const withCrops = smearlab('pack', join(usb, 'a2'), '--db', a, '--crops');
  assert.equal(withCrops.code, 0, withCrops.stderr);
  assert.match(withCrops.stdout, /, (\d+) cells, \d+ events, \1 crops/, 'a crop for every cell');
  assert.equal(smearlab('pack', join(usb, 'b2'), '--db', b).code, 0);
  const intoB = smearlab('merge', join(usb, 'a2.smearlab-work'), '--db', b, '--json');
  assert.equal(intoB.code, 0, intoB.stderr);
  const report = JSON.parse(intoB.stdout).reports[0];
  assert.deepEqual(report.slides[0].readers, [{ name: 'Ann', events: 4 }]);
  assert.equal(report.slides[0].openDisagreements, 2, 'Ann and Ben differ on cells 0 and 1: the adjudicator\'s queue');
  assert.equal(smearlab('merge', join(usb, 'b2.smearlab-work'), '--db', a).code, 0);
  assert.equal(dump(a), dump(b), 'both workstations end identical');
  const again = smearlab('merge', join(usb, 'b2.smearlab-work'), join(usb, 'a2.smearlab-work'), '--db', a);
  assert.match(again.stdout, /0 new events/);
  assert.equal(dump(a), dump(b), 'merging again changes nothing');

  const store = openStore(b);
  try {
    const cells = store.listCells(store.listSlides()[0]!.id);
    const of = (name: string, i: number) => store.cellReadings(cells[i]!.id).readers.find((r) => r.name === name)?.label ?? null;
    assert.deepEqual([of('Ann', 0), of('Ann', 1), of('Ann', 2), of('Ben', 0), of('Ben', 1), of('Ben', 3)],
      ['unhealthy', 'unhealthy', 'rubbish', 'healthy', 'healthy', 'bothcells']);
  } finally {
    store.close();
  }

  // Damaged on the way: the merge names the file and merges nothing.
  const text = await readFile(join(usb, 'a2.smearlab-work'), 'utf8');
  await writeFile(join(usb, 'cut.smearlab-work'), text.slice(0, text.length - 40));
  const before = dump(b);
  const damaged = smearlab('merge', join(usb, 'b2.smearlab-work'), join(usb, 'cut.smearlab-work'), '--db', b);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /cut\.smearlab-work: .*damaged/);
  assert.doesNotMatch(damaged.stderr, /\n\s+at /);
  assert.equal(dump(b), before);
});
