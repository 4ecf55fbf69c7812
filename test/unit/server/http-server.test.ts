import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createServer } from '../../../src-main/server/http-server.ts';
import type { RunningServer } from '../../../src-main/server/http-server.ts';
import { tileMount } from '../../../src-main/server/tile-mount.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { MemorySlideReader } from '../slide/tile-memory-reader.ts';

interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

// node:http sends the path exactly as given (fetch would normalise `..`).
function raw(server: RunningServer, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: RunningServer;
let slideId: string;
let prefix: string;

before(async () => {
  const registry = new SlideRegistry();
  slideId = registry.add(new MemorySlideReader({ width: 1000, height: 700, levelCount: 2 })).id;
  server = await createServer({ mounts: [tileMount(new TileService(registry))], onError: () => undefined });
  prefix = `/t/${server.token}`;
});

after(() => server.close());

test('listens on 127.0.0.1 with the token in the base URL', () => {
  assert.equal(server.baseUrl, `http://127.0.0.1:${server.port}/t/${server.token}/`);
  assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
});

test('serves the slide list, the DZI and tiles (both tile URL forms)', async () => {
  const list = await raw(server, 'GET', `${prefix}/slides`);
  assert.equal(list.status, 200);
  assert.equal(JSON.parse(list.body.toString()).slides[0].id, slideId);
  assert.equal(list.headers['cache-control'], 'no-store');

  const dzi = await raw(server, 'GET', `${prefix}/slides/${slideId}.dzi`);
  assert.equal(dzi.status, 200);
  assert.equal(dzi.headers['content-type'], 'application/xml; charset=utf-8');
  assert.match(dzi.body.toString(), /Width="1000" Height="700"/);

  for (const path of [`${prefix}/slides/${slideId}_files/10/0_0.jpeg`, `${prefix}/slides/${slideId}/files/10/0_0.jpeg?v=1`]) {
    const tile = await raw(server, 'GET', path);
    assert.equal(tile.status, 200, path);
    assert.equal(tile.headers['content-type'], 'image/jpeg');
    assert.deepEqual([...tile.body.subarray(0, 2)], [0xff, 0xd8]);
    assert.equal(tile.headers['cache-control'], 'private, max-age=31536000, immutable');
    assert.equal(tile.headers['x-content-type-options'], 'nosniff');
    assert.match(String(tile.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(tile.headers['content-length'], String(tile.body.length));
  }
});

test('a wrong, missing or shortened token is 403', async () => {
  const wrong = server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  for (const path of [`/t/${wrong}/slides`, `/t//slides`, `/t/${server.token.slice(0, 20)}/slides/${slideId}.dzi`, '/t/x']) {
    const response = await raw(server, 'GET', path);
    assert.equal(response.status, 403, path);
    assert.equal(JSON.parse(response.body.toString()).code, 'forbidden');
  }
});

test('paths outside /t/ are 404; unknown routes under the token are 404', async () => {
  for (const path of ['/', '/slides', '/favicon.ico', `${prefix}/`, `${prefix}`, `${prefix}/nothing`, `${prefix}/slides/${slideId}.xml`]) {
    assert.equal((await raw(server, 'GET', path)).status, 404, path);
  }
});

test('path traversal attempts never leave the registered slides', async () => {
  const attempts: Array<[string, number]> = [
    [`${prefix}/slides/..%2f..%2fetc%2fpasswd.dzi`, 400],
    [`${prefix}/slides/%2e%2e%2f%2e%2e%2fetc%2fpasswd.dzi`, 400],
    [`${prefix}/slides/../../../../etc/passwd`, 404],
    [`${prefix}/slides/..`, 404],
    [`${prefix}/slides/../slides`, 404],
    [`${prefix}/slides/%2e%2e/files/0/0_0.jpeg`, 400],
    [`${prefix}/slides/${slideId}/files/../../../etc/passwd`, 404],
    [`${prefix}/slides/${slideId}/files/10/..%2f..%2fpasswd`, 400],
    [`${prefix}/slides/${slideId}_files/10/0_0.jpeg%00.png`, 400],
    [`/t/${server.token}/../../etc/passwd`, 404],
    [`/t/../t/${server.token}/slides`, 403],
  ];
  for (const [path, status] of attempts) {
    const response = await raw(server, 'GET', path);
    assert.equal(response.status, status, path);
    assert.ok(!response.body.toString().includes('root:'), path);
  }
});

test('malformed tile addresses are 400, missing tiles 404', async () => {
  const base = `${prefix}/slides/${slideId}_files`;
  const cases: Array<[string, number]> = [
    [`${base}/-1/0_0.jpeg`, 400],
    [`${base}/10/0_0.png`, 400],
    [`${base}/10/a_b.jpeg`, 400],
    [`${base}/10/0-0.jpeg`, 400],
    [`${base}/10/0_0`, 400],
    [`${base}/10/00_0.jpeg`, 400],
    [`${base}/10/4_0.jpeg`, 404],
    [`${base}/11/0_0.jpeg`, 404],
    [`${prefix}/slides/${'0'.repeat(32)}_files/10/0_0.jpeg`, 404],
    [`${prefix}/slides/${'0'.repeat(32)}.dzi`, 404],
    [`${prefix}/slides/not-an-id.dzi`, 400],
  ];
  for (const [path, status] of cases) {
    const response = await raw(server, 'GET', path);
    assert.equal(response.status, status, path);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8', path);
    assert.equal(response.headers['cache-control'], 'no-store', path);
  }
});

test('out-of-range, oversized and garbled tile addresses are a 4xx saying why; the server keeps serving', async () => {
  const base = `${prefix}/slides/${slideId}_files`;
  const cases: Array<[string, number, RegExp]> = [
    // The slide has DZ levels 0..10 and 4 x 3 tiles at level 10.
    [`${base}/11/0_0.jpeg`, 404, /no tile 11\/0_0/],
    [`${base}/999999999/0_0.jpeg`, 404, /no tile 999999999\/0_0/],
    [`${base}/10/999999999_0.jpeg`, 404, /no tile 10\/999999999_0/],
    [`${base}/10/0_999999999.jpeg`, 404, /no tile 10\/0_999999999/],
    [`${base}/10/4_3.jpeg`, 404, /no tile 10\/4_3/],
    // Past 9 digits, or not decimal, is not an index at all.
    [`${base}/10000000000/0_0.jpeg`, 400, /not three non-negative integers/],
    [`${base}/10/0_${'9'.repeat(400)}.jpeg`, 400, /not three non-negative integers/],
    [`${base}/10/1e3_0.jpeg`, 400, /not three non-negative integers/],
    [`${base}/10/0x1_0.jpeg`, 400, /not three non-negative integers/],
    [`${base}/10/%31_0.jpeg`, 400, /not three non-negative integers/],
    [`${base}/1.5/0_0.jpeg`, 400, /not three non-negative integers/],
    [`${base}/10/0_0.jpeg.jpeg`, 400, /must look like/],
    [`${base}/10/0_0.gif`, 400, /not one of jpeg, jpg, webp/],
    [`${base}/10/_.jpeg`, 400, /must look like/],
    [`${base}/10/0__0.jpeg`, 400, /must look like/],
    [`${base}/10/0_0.${'x'.repeat(5000)}`, 400, /not one of jpeg/],
    [`${prefix}/slides/${slideId.toUpperCase()}_files/10/0_0.jpeg`, 400, /Malformed slide id/],
  ];
  for (const [path, status, reason] of cases) {
    const response = await raw(server, 'GET', path);
    assert.equal(response.status, status, path.slice(0, 120));
    const body = JSON.parse(response.body.toString()) as { code: string; message: string };
    assert.match(body.message, reason, path.slice(0, 120));
    assert.ok(body.message.length < 200, 'the message quotes long input cut short');
    assert.equal(response.headers['cache-control'], 'no-store', path.slice(0, 120));
  }
  // A query string on a tile (a viewer's cache buster) is ignored, not an error.
  assert.equal((await raw(server, 'GET', `${base}/10/0_0.jpeg?t=123`)).status, 200);
  assert.equal((await raw(server, 'GET', `${base}/10/3_2.jpg`)).status, 200);
});

test('a token of the right length but other bytes, other characters or other case is 403', async () => {
  const token = server.token;
  const flipCase = token.replace(/[a-z]/, (c) => c.toUpperCase());
  const wrong = [
    token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
    flipCase === token ? `${token.slice(0, -1)}-` : flipCase,
    // Same length in characters, more in UTF-8 bytes (percent-encoding sends them as ASCII; raw bytes as latin1).
    `${token.slice(0, -1)}%C3`,
    encodeURIComponent(`${token.slice(0, -1)}é`),
    '%2e'.repeat(15).slice(0, token.length),
  ];
  for (const given of wrong) {
    assert.notEqual(given, token);
    const response = await raw(server, 'GET', `/t/${given}/slides`);
    assert.equal(response.status, 403, given);
  }
  assert.equal((await raw(server, 'GET', `/t/${token}/slides`)).status, 200);
});

test('mounts may answer synchronously; a mount that throws at once is a 500 and the server keeps answering', async () => {
  let reported = 0;
  const other = await createServer({
    mounts: [
      { prefix: 'now', methods: ['GET'], handle: () => ({ status: 200, headers: Object.freeze({ 'Content-Type': 'text/plain' }), body: 'now' }) },
      { prefix: 'none', methods: ['GET'], handle: () => null },
      { prefix: 'throws', methods: ['GET'], handle: () => { throw new Error('at once'); } },
    ],
    onError: () => { reported += 1; },
  });
  try {
    for (let i = 0; i < 3; i++) {
      // The same frozen header object twice: the merged headers are reused, each reply with its own length.
      const response = await raw(other, 'GET', `/t/${other.token}/now`);
      assert.equal(response.status, 200);
      assert.equal(response.body.toString(), 'now');
      assert.equal(response.headers['content-length'], '3');
      assert.equal(response.headers['content-type'], 'text/plain');
      assert.equal(response.headers['x-frame-options'], 'DENY');
    }
    assert.equal((await raw(other, 'GET', `/t/${other.token}/none`)).status, 404);
    const failed = await raw(other, 'GET', `/t/${other.token}/throws`);
    assert.equal(failed.status, 500);
    assert.ok(!failed.body.toString().includes('at once'));
    assert.equal(reported, 1);
    assert.equal((await raw(other, 'GET', `/t/${other.token}/now`)).status, 200);
  } finally {
    await other.close();
  }
});

test('tiles and errors of different lengths on one keep-alive connection each carry their own length', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const paths = [`${prefix}/slides/${slideId}_files/10/0_0.jpeg`, `${prefix}/slides/${slideId}_files/10/9_9.jpeg`,
      `${prefix}/slides/${slideId}_files/0/0_0.jpeg`, `${prefix}/slides/${slideId}.dzi`, `${prefix}/slides/${slideId}_files/10/3_2.jpeg`];
    const sockets = new Set<unknown>();
    for (const path of [...paths, ...paths]) {
      const response = await new Promise<RawResponse & { socket: unknown }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socket: res.socket }));
        });
        req.on('error', reject);
        req.end();
      });
      sockets.add(response.socket);
      assert.equal(response.headers['content-length'], String(response.body.length), path);
    }
    assert.equal(sockets.size, 1, 'one connection served them all');
  } finally {
    agent.destroy();
  }
});

test('HEAD, POST, PUT and DELETE are 405 with Allow: GET', async () => {
  for (const method of ['HEAD', 'POST', 'PUT', 'DELETE']) {
    const response = await raw(server, method, `${prefix}/slides/${slideId}.dzi`);
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET', method);
  }
});

test('malformed request targets and foreign Host headers are refused', async () => {
  assert.equal((await raw(server, 'GET', `http://evil.example${prefix}/slides`)).status, 400);
  assert.equal((await raw(server, 'GET', `//evil.example${prefix}/slides`)).status, 400);
  assert.equal((await raw(server, 'GET', `${prefix}/slides`, { Host: 'evil.example' })).status, 403);
  assert.equal((await raw(server, 'GET', `${prefix}/slides`, { Host: `localhost:${server.port}` })).status, 200);
});

test('a handler that throws is a 500 and the server keeps answering', async () => {
  let reported = 0;
  const other = await createServer({
    mounts: [{ prefix: 'boom', methods: ['GET'], handle: async () => { throw new Error('kaput'); } }],
    onError: () => { reported += 1; },
  });
  try {
    const response = await raw(other, 'GET', `/t/${other.token}/boom`);
    assert.equal(response.status, 500);
    assert.ok(!response.body.toString().includes('kaput'), 'internal details stay in the log');
    assert.equal(reported, 1);
    assert.equal((await raw(other, 'GET', `/t/${other.token}/boom`)).status, 500);
  } finally {
    await other.close();
  }
});

test('a foreign Origin is 403; our own origin (either host name) and no Origin are served', async () => {
  const path = `${prefix}/slides`;
  for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port}.evil.example`, '']) {
    const response = await raw(server, 'GET', path, { Origin: origin });
    assert.equal(response.status, 403, `Origin: "${origin}"`);
    assert.deepEqual(JSON.parse(response.body.toString()), { code: 'forbidden', message: 'Wrong Origin header' });
  }
  // A POST too (the API's method): refused before any mount reads the body.
  assert.equal((await raw(server, 'POST', path, { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await raw(server, 'GET', path, { Origin: `http://127.0.0.1:${server.port}` })).status, 200);
  assert.equal((await raw(server, 'GET', path, { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status, 200);
  assert.equal((await raw(server, 'GET', path)).status, 200);
});

/** Opens a raw socket, sends `start`, then one more byte every `everyMs`; resolves with the ms until the server closed it. */
function dribble(port: number, start: string, everyMs: number): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(start));
    let received = '';
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write('X');
    }, everyMs);
    socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - began, received });
    });
    // The test's own limit: far beyond what the server should allow.
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server still held the connection after ${Date.now() - began} ms`));
    }, 8_000).unref();
  });
}

test('a client sending its headers byte by byte (slow loris) is cut off at the configured time', async () => {
  const headersTimeoutMs = 1_000;
  const slow = await createServer({ mounts: [], onError: () => undefined, headersTimeoutMs });
  try {
    // Headers that never end: one more header byte every 100 ms keeps the socket busy, so only the headers timeout can stop it.
    const loris = await dribble(slow.port, `GET /t/${slow.token}/slides HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-Slow: `, 100);
    assert.ok(loris.closedAfterMs >= headersTimeoutMs - 50, `closed after ${loris.closedAfterMs} ms`);
    assert.ok(loris.closedAfterMs < headersTimeoutMs * 2, `closed after ${loris.closedAfterMs} ms, allowed ${headersTimeoutMs} ms`);
    assert.match(loris.received, /^HTTP\/1\.1 408 /);
    // A client that connects and says nothing is cut off the same way.
    const silent = await dribble(slow.port, '', 60_000);
    assert.ok(silent.closedAfterMs < headersTimeoutMs * 2, `silent client closed after ${silent.closedAfterMs} ms`);
    // The server answers others meanwhile and afterwards.
    assert.equal((await raw(slow, 'GET', `/t/${slow.token}/nothing`)).status, 404);
  } finally {
    await slow.close();
  }
});
