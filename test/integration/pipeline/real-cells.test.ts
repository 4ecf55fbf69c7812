// The real ingest on real Pap fields (CRICVA held-out fields, CRIC Cervix,
// CC BY 4.0) composed into MIRAX slides at 0.25 and 0.5 um/px: one box per
// annotated cell, and the same cells in micrometres at both resolutions.
// The first release found 7-8 % of these cells a box of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { scoreCellRecall } from '../../fixtures/cell-recall-score.ts';
import type { CellRecallScore } from '../../fixtures/cell-recall-score.ts';
import { loadCricvaDev } from '../../fixtures/cricva-dev.ts';
import { ensureCricvaSlide } from '../../fixtures/cricva-slide.ts';
import { CRICVA_DEV, skipWithoutSharedData } from '../../fixtures/shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'smearlab-real-cells-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function ingestAt(mpp: number, override?: number): Promise<{ score: CellRecallScore; mppUsed: number; kinds: Set<string> }> {
  // Four held-out fields with abnormal cells among them, always the same ones.
  const images = (await loadCricvaDev()).filter((i) => i.heldOut).slice(0, 4);
  const slide = await ensureCricvaSlide('test-real-cells', images, mpp);
  const dbPath = join(dir, `${mpp}-${override ?? 'slide'}.db`);
  const result = await runIngest(parseIngestOptions({
    slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', force: true, ...(override ? { mpp: override } : {}),
  }));
  assert.equal(result.state, 'done', result.message);
  const store = openStore(dbPath);
  try {
    const cells = store.listCells(result.slideId);
    const boxes = cells.map((c) => ({ ...c.box, kind: c.kind }));
    return { score: scoreCellRecall({ points: slide.points, fields: slide.fields, boxes, mpp }), mppUsed: result.mpp, kinds: new Set(cells.map((c) => c.kind)) };
  } finally {
    store.close();
  }
}

test('real fields: nearly every annotated cell gets a box of its own, at 0.25 and 0.5 um/px alike', { skip: skipWithoutSharedData(CRICVA_DEV) }, async () => {
  const fine = await ingestAt(0.25);
  const coarse = await ingestAt(0.5);
  assert.equal(fine.mppUsed, 0.25);
  assert.equal(coarse.mppUsed, 0.5);
  for (const [name, run] of [['0.25', fine], ['0.5', coarse]] as const) {
    const s = run.score;
    // Floors for these four fields (the full held-out figures are `npm run eval:cells`'s).
    assert.ok(s.nucleusRecall !== null && s.nucleusRecall >= 0.93, `${name}: nucleus recall ${s.nucleusRecall}`);
    assert.ok(s.oneBoxRecall !== null && s.oneBoxRecall >= 0.75, `${name}: one-box recall ${s.oneBoxRecall}`);
    assert.ok(s.boxesPerNucleus !== null && s.boxesPerNucleus <= 4, `${name}: ${s.boxesPerNucleus} boxes per annotated nucleus`);
  }
  // Same content, two resolutions: same recall within 5 points, same box sizes in um within 10 %.
  assert.ok(Math.abs(fine.score.oneBoxRecall! - coarse.score.oneBoxRecall!) <= 0.05,
    `one-box recall ${fine.score.oneBoxRecall} at 0.25 vs ${coarse.score.oneBoxRecall} at 0.5`);
  const sideFine = fine.score.boxSide.medianUm!;
  const sideCoarse = coarse.score.boxSide.medianUm!;
  assert.ok(Math.abs(sideFine - sideCoarse) / sideFine <= 0.1, `median box side ${sideFine} um vs ${sideCoarse} um`);
  assert.ok(sideFine * 4 >= 110 && sideFine * 4 <= 540, `median side ${sideFine * 4} px at 0.25 um/px, APACC range 110-540`);
});

test('an mpp override is what the pipeline sizes cells with', { skip: skipWithoutSharedData(CRICVA_DEV) }, async () => {
  // Told that a 0.5 um/px scan is 0.25 um/px, it works at the wrong scale: padding (12.5 um) becomes
  // twice the level-0 px and nuclei look half their size, so the boxes come out clearly different.
  const right = await ingestAt(0.5);
  const wrong = await ingestAt(0.5, 0.25);
  assert.equal(wrong.mppUsed, 0.25);
  const [a, b] = [right.score.boxSide.medianPx!, wrong.score.boxSide.medianPx!];
  assert.ok(Math.abs(a - b) / a > 0.3, `median side ${b} px with the wrong mpp vs ${a} px with the right one`);
});
