import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError, openStore, type Store } from '../../../src-main/store/index.ts';

let store: Store;
let clock: number;
let slideId: number;
beforeEach(() => {
  clock = 1_000_000;
  store = openStore(':memory:', { now: () => clock });
  slideId = store.upsertSlide({ path: '/scans/s.mrxs', format: 'mirax', width: 10, height: 10 }).slide.id;
});
afterEach(() => store.close());

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof StoreError ? err.code : String(err);
  }
  return 'no error';
};

describe('jobs', () => {
  it('runs through queued, running and done, with progress, provider and timings', () => {
    const job = store.createJob({ kind: 'ingest', slideId, options: { models: ['seg-a'], threshold: 0.5 } });
    assert.deepEqual([job.state, job.progressDone, job.progressTotal, job.options], ['queued', 0, null, { models: ['seg-a'], threshold: 0.5 }]);
    clock += 10;
    const running = store.startJob(job.id, { pid: 4242 });
    assert.deepEqual([running.state, running.pid, running.startedAt, running.heartbeatAt], ['running', 4242, 1_000_010, 1_000_010]);
    store.setJobProvider(job.id, 'cpu', 'seg-a@1.0');
    clock += 100;
    store.updateJobProgress(job.id, 3, 120, 'slice 36000-74000');
    const mid = store.getJob(job.id);
    assert.deepEqual([mid.progressDone, mid.progressTotal, mid.progressMessage, mid.heartbeatAt, mid.provider, mid.model],
      [3, 120, 'slice 36000-74000', 1_000_110, 'cpu', 'seg-a@1.0']);
    clock += 5;
    const done = store.finishJob(job.id, 'done', { timings: { fov: 812, segment: 51_200 } });
    assert.deepEqual([done.state, done.timings, done.finishedAt, done.error], ['done', { fov: 812, segment: 51_200 }, 1_000_115, null]);
    assert.equal(codeOf(() => store.finishJob(job.id, 'failed', { error: 'late' })), 'conflict');
    assert.equal(codeOf(() => store.updateJobProgress(job.id, 4, 120)), 'conflict');
  });

  it('needs an error message to fail, and refuses unknown kinds', () => {
    const job = store.startJob(store.createJob({ kind: 'export' }).id);
    assert.equal(codeOf(() => store.finishJob(job.id, 'failed')), 'invalid-argument');
    assert.equal(store.finishJob(job.id, 'failed', { error: 'disk full (E:\\)' }).error, 'disk full (E:\\)');
    assert.equal(codeOf(() => store.createJob({ kind: 'train' as 'ingest' })), 'invalid-argument');
    assert.equal(codeOf(() => store.createJob({ kind: 'ingest', slideId: 99 })), 'not-found');
  });

  it('finds the latest job of a slide, optionally of one kind', () => {
    const a = store.createJob({ kind: 'ingest', slideId });
    const b = store.createJob({ kind: 'export', slideId });
    assert.equal(store.latestJob(slideId)?.id, b.id);
    assert.equal(store.latestJob(slideId, 'ingest')?.id, a.id);
    assert.equal(store.latestJob(slideId, 'import'), null);
    assert.deepEqual(store.listJobs({ slideId, kind: 'ingest' }).map((j) => j.id), [a.id]);
    assert.deepEqual(store.listJobs({ state: 'queued' }).map((j) => j.id), [b.id, a.id]);
  });

  it('marks running jobs with a stale heartbeat or a dead process interrupted, and lets them resume', () => {
    const fresh = store.startJob(store.createJob({ kind: 'ingest', slideId }).id, { pid: 100 });
    const silent = store.startJob(store.createJob({ kind: 'ingest', slideId }).id, { pid: 101 });
    const dead = store.startJob(store.createJob({ kind: 'ingest', slideId }).id, { pid: 102 });
    clock += 50_000;
    store.heartbeatJob(fresh.id);
    store.heartbeatJob(dead.id);
    clock += 20_000;
    const alive = (pid: number) => pid !== 102;
    const stale = store.markStaleJobs({ staleAfterMs: 60_000, isProcessAlive: alive });
    assert.deepEqual(stale.map((j) => j.id).sort(), [silent.id, dead.id].sort());
    assert.ok(stale.every((j) => j.state === 'interrupted' && /no heartbeat since/.test(j.error ?? '')));
    assert.equal(store.getJob(fresh.id).state, 'running');
    assert.equal(codeOf(() => store.updateJobProgress(silent.id, 1, 2)), 'conflict', 'the stale worker learns it was written off');
    const resumed = store.startJob(silent.id, { pid: 200 });
    assert.deepEqual([resumed.state, resumed.pid, resumed.startedAt, resumed.error], ['running', 200, silent.startedAt, null]);
    assert.deepEqual(store.markStaleJobs({ isProcessAlive: alive }), []);
  });

  it('probes real processes by default: this one is alive', () => {
    const job = store.startJob(store.createJob({ kind: 'export' }).id);
    assert.equal(job.pid, process.pid);
    assert.deepEqual(store.markStaleJobs(), []);
  });
});
