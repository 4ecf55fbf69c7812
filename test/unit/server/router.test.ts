import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Router, jsonReply } from '../../../src-main/server/router.ts';
import type { RequestContext } from '../../../src-main/server/router.ts';

const context = (method: string, path: string): RequestContext =>
  ({ method, segments: path.split('/'), query: '', request: {} as IncomingMessage });

test('dispatches by first segment, then the fallback, else 404', async () => {
  const router = new Router()
    .mount({ prefix: 'api', methods: ['POST'], handle: async ({ segments }) => jsonReply(200, { api: segments[1] }) })
    .mount({ prefix: null, methods: ['GET'], handle: async ({ segments }) => (segments[0] === 'index.html' ? jsonReply(200, 'page') : null) });
  assert.equal((await router.dispatch(context('POST', 'api/openSlide'))).body, '{"api":"openSlide"}');
  assert.equal((await router.dispatch(context('GET', 'index.html'))).body, '"page"');
  assert.equal((await router.dispatch(context('GET', 'other'))).status, 404);
});

test('a method the mount does not list is 405 with Allow', async () => {
  const router = new Router().mount({ prefix: 'slides', methods: ['GET'], handle: async () => jsonReply(200, 1) });
  const reply = await router.dispatch(context('DELETE', 'slides'));
  assert.equal(reply.status, 405);
  assert.equal(reply.headers?.Allow, 'GET');
  assert.equal((await new Router().dispatch(context('GET', 'x'))).status, 404);
});

test('a mount that answers synchronously is answered synchronously (no promise), null is 404, a throw propagates', () => {
  const router = new Router()
    .mount({ prefix: 'now', methods: ['GET'], handle: () => jsonReply(200, 'now') })
    .mount({ prefix: 'none', methods: ['GET'], handle: () => null })
    .mount({ prefix: 'throws', methods: ['GET'], handle: () => { throw new Error('at once'); } });
  const now = router.dispatch(context('GET', 'now'));
  assert.ok(!(now instanceof Promise));
  assert.equal((now as { body: string }).body, '"now"');
  const none = router.dispatch(context('GET', 'none'));
  assert.ok(!(none instanceof Promise));
  assert.equal((none as { status: number }).status, 404);
  assert.throws(() => router.dispatch(context('GET', 'throws')), /at once/);
});

test('refuses duplicate and malformed mounts', () => {
  const handle = async () => null;
  const router = new Router().mount({ prefix: 'a', methods: ['GET'], handle }).mount({ prefix: null, methods: ['GET'], handle });
  assert.throws(() => router.mount({ prefix: 'a', methods: ['GET'], handle }), /already mounted/);
  assert.throws(() => router.mount({ prefix: null, methods: ['GET'], handle }), /fallback/);
  assert.throws(() => router.mount({ prefix: 'a/b', methods: ['GET'], handle }), /bad mount prefix/);
});
