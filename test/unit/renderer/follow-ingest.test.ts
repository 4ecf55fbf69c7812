// followIngest: reloads of the open slide's cells while its ingest runs, at
// most one per gap (the last report of a burst still lands), one at the end,
// none for other slides or other job kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmearlabApi } from '../../../src-main/api/client-types.ts';
import type { JobView } from '../../../src-main/api/views.ts';
import { followIngest } from '../../../src-renderer/workspace/follow-ingest.ts';

function bus() {
  let listener: ((job: JobView) => void) | null = null;
  const api = { on: (_event: string, l: (job: JobView) => void) => { listener = l; return () => { listener = null; }; } };
  const send = (job: Partial<JobView>) => listener?.({ slideId: 7, kind: 'ingest', state: 'running', ...job } as JobView);
  return { api: api as unknown as Pick<SmearlabApi, 'on'>, send, subscribed: () => listener !== null };
}

test('a burst of progress reloads once at once and once after the gap; the end reloads at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { api, send, subscribed } = bus();
  let reloads = 0;
  const stop = followIngest(api, 7, () => reloads++, 1000);
  send({});
  assert.equal(reloads, 1, 'the first report reloads at once');
  send({});
  send({});
  assert.equal(reloads, 1, 'the next ones wait for the gap');
  t.mock.timers.tick(999);
  assert.equal(reloads, 1);
  t.mock.timers.tick(1);
  assert.equal(reloads, 2, 'one trailing reload for the burst');
  send({ slideId: 8 });
  send({ kind: 'export' });
  t.mock.timers.tick(5000);
  assert.equal(reloads, 2, 'other slides and exports are not followed');
  send({});
  send({ state: 'done' });
  assert.equal(reloads, 4, 'the end reloads at once, without waiting');
  t.mock.timers.tick(5000);
  assert.equal(reloads, 4, 'and cancels the pending one');
  stop();
  assert.equal(subscribed(), false);
});
