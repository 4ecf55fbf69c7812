// Typed arrays survive the HTTP JSON both ways, including views at an
// offset into a larger buffer; ordinary JSON is untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, bytesToBase64, fromWireJson, toWireJson } from '../../../src-main/api/wire.ts';

test('base64 matches Node for every length remainder', () => {
  for (const length of [0, 1, 2, 3, 4, 5, 255, 256, 257, 10_000]) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 37 + 11) & 255);
    const text = bytesToBase64(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64'), `length ${length}`);
    assert.deepEqual(base64ToBytes(text), bytes);
  }
  assert.throws(() => base64ToBytes('abc'), /not base64/);
  assert.throws(() => base64ToBytes('ab!='), /not base64/);
});

test('markers-like objects round-trip with their typed arrays', () => {
  const backing = new Int32Array([9, 9, -5, 7, 2 ** 31 - 1, -(2 ** 31), 9]);
  const value = {
    count: 2,
    ids: new Uint32Array([1, 4_000_000_000]),
    boxes: backing.subarray(2, 6),
    labels: new Int8Array([-1, 3]),
    flagged: new Uint8Array([0, 1]),
    nested: [{ f: new Float64Array([0.5, -1e300]) }],
    plain: { text: 'a "quoted" \n line', n: null },
  };
  const back = fromWireJson(toWireJson(value)) as typeof value;
  assert.ok(back.ids instanceof Uint32Array && back.boxes instanceof Int32Array && back.labels instanceof Int8Array);
  assert.deepEqual(back, value);
});

test('an object that merely looks tagged but is not valid stays as it is', () => {
  const odd = { $typedArray: 'Function', base64: 'AAAA' };
  assert.deepEqual(fromWireJson(JSON.stringify(odd)), odd);
  assert.deepEqual(fromWireJson(toWireJson({ a: [1, 'b', true] })), { a: [1, 'b', true] });
});

test("the server's native encoder writes the same JSON as the portable one", async () => {
  const { toWireJsonNode } = await import('../../../src-main/server/wire-node.ts');
  const value = { ids: new Uint32Array([1, 2, 3]), boxes: new Int32Array(new ArrayBuffer(40), 8, 5).fill(-7) };
  assert.equal(toWireJsonNode(value), toWireJson(value));
});
