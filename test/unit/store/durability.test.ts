import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../../src-main/store/index.ts';
import { openTempStore } from './store-fixture.ts';

const child = fileURLToPath(new URL('./label-and-die.child.ts', import.meta.url));

describe('durability', () => {
  it('keeps a label written by a process killed with SIGKILL right after applyLabel returned', () => {
    const t = openTempStore();
    try {
      const { slide } = t.store.upsertSlide({ path: '/scans/kill.mrxs', format: 'mirax', width: 4000, height: 4000 });
      t.store.planSlices(slide.id, [{ x: 0, y: 0, width: 2000, height: 2000 }]);
      const sliceId = t.store.pendingSlices(slide.id)[0]!.id;
      const cellId = t.store.commitSliceCells(sliceId, [{ box: { x: 10, y: 10, width: 200, height: 200 }, centre: { x: 110, y: 110 } }]).cells[0]!.id;
      const annotatorId = t.store.ensureAnnotator('Anna').id;
      t.store.close(); // the child must be the only writer, as after a crash of the app

      const result = spawnSync(process.execPath, ['--import', 'tsx', child, t.path, String(cellId), String(annotatorId), 'unhealthy'],
        { encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.signal, 'SIGKILL', `the child should die by SIGKILL (status ${result.status}, stderr: ${result.stderr})`);

      const reopened = openStore(t.path);
      try {
        assert.equal(reopened.getCell(cellId).label, 'unhealthy');
        assert.deepEqual(reopened.labelHistory(cellId).map((e) => [e.value, e.annotatorName]), [['unhealthy', 'Anna']]);
        assert.equal(reopened.rebuildCellState().corrected, 0);
      } finally {
        reopened.close();
      }
    } finally {
      t.dispose();
    }
  });
});
