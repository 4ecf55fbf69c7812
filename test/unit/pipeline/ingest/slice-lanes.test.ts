import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_AUTO_LANES, MIN_GROUPS_PER_WORKER_LANE, planLanes, workerLanesFor } from '../../../../src-main/pipeline/ingest/slice-lanes.ts';

test('lanes: one per core by default (at most MAX_AUTO_LANES), inference threads shared out between them', () => {
  assert.deepEqual(planLanes(undefined, 2), { lanes: 2, intraOpThreads: 1 });
  assert.deepEqual(planLanes(undefined, 1), { lanes: 1, intraOpThreads: 1 });
  assert.deepEqual(planLanes(undefined, 16), { lanes: MAX_AUTO_LANES, intraOpThreads: 16 / MAX_AUTO_LANES });
  assert.deepEqual(planLanes(1, 8), { lanes: 1, intraOpThreads: 8 });
  assert.deepEqual(planLanes(3, 8), { lanes: 3, intraOpThreads: 2 });
});

test('slice workers only where there are enough slice groups to pay for their start', () => {
  const plan = planLanes(4, 4);
  assert.equal(workerLanesFor(plan, 0), 0);
  assert.equal(workerLanesFor(plan, MIN_GROUPS_PER_WORKER_LANE - 1), 0);
  assert.equal(workerLanesFor(plan, MIN_GROUPS_PER_WORKER_LANE), 1);
  assert.equal(workerLanesFor(plan, 100), 3, 'the ingest thread is the first lane');
  assert.equal(workerLanesFor(planLanes(1, 4), 100), 0);
});
