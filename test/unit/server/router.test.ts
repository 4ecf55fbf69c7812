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

test('refuses duplicate and malformed mounts', () => {
  const handle = async () => null;
  const router = new Router().mount({ prefix: 'a', methods: ['GET'], handle }).mount({ prefix: null, methods: ['GET'], handle });
  assert.throws(() => router.mount({ prefix: 'a', methods: ['GET'], handle }), /already mounted/);
  assert.throws(() => router.mount({ prefix: null, methods: ['GET'], handle }), /fallback/);
  assert.throws(() => router.mount({ prefix: 'a/b', methods: ['GET'], handle }), /bad mount prefix/);
});
