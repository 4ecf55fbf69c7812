import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNormalised, parseNormalised, pixelBoxFromNormalised } from '../../../src-main/dataset/apacc-number.ts';

test('shortest decimal form, as in the real files', () => {
  assert.equal(formatNormalised(143.5, 2000), '0.07175');
  assert.equal(formatNormalised(178, 2000), '0.089');
  assert.equal(formatNormalised(400, 2000), '0.2');
  assert.equal(formatNormalised(1000, 2000), '0.5');
  assert.equal(formatNormalised(2000, 2000), '1');
  assert.equal(formatNormalised(0, 2000), '0');
});

test('never exponent notation, and every whole or half pixel reads back exactly for slice sizes up to 16384', () => {
  assert.equal(formatNormalised(0.5, 16384), '0.000030517578125');
  for (const size of [2000, 1480, 96, 16384, 777]) {
    for (let twice = 0; twice <= 2 * size; twice += Math.max(1, Math.floor(size / 97))) {
      const text = formatNormalised(twice / 2, size);
      assert.doesNotMatch(text, /e/i);
      const value = parseNormalised(text);
      assert.ok(value !== null);
      assert.equal(Math.round(value * size * 2), twice, `${twice / 2} / ${size} -> ${text}`);
    }
  }
});

test('parseNormalised accepts plain decimals only', () => {
  assert.equal(parseNormalised('0.07175'), 0.07175);
  assert.equal(parseNormalised('1'), 1);
  assert.equal(parseNormalised('.5'), 0.5);
  for (const bad of ['', '.', '-0.1', '+0.1', '1e-5', 'NaN', 'Infinity', '0x1', '0.1.2', ' 0.1']) assert.equal(parseNormalised(bad), null, bad);
});

test('pixel recovery: round(cx W - w W / 2)', () => {
  assert.deepEqual(pixelBoxFromNormalised(0.07175, 0.52325, 0.1435, 0.2105, 2000, 2000), { x: 0, y: 836, width: 287, height: 421 });
});
