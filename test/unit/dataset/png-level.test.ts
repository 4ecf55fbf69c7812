import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG_SETTING_COSTS, ROOM_SHARE, pngSettingForLevel, pngSettingForSpeed } from '../../../src-main/dataset/png-level.ts';

const describe = (s: { level: number; adaptiveFiltering: boolean }) => `${s.level}${s.adaptiveFiltering ? '+adaptive' : ''}`;

test('PNG setting from the target speed: RAM and fast disks stored, USB sticks level 1, slow targets the smallest files', () => {
  assert.equal(describe(pngSettingForSpeed(2000e6, 2)), '0', 'RAM disk: encoding is the bottleneck, level 0 saves it');
  assert.equal(describe(pngSettingForSpeed(400e6, 2)), '0', 'fast local SSD, 2 cores');
  assert.equal(describe(pngSettingForSpeed(400e6, 8)), '1', 'the same SSD with 8 cores: encoding keeps up, level 1 is as fast and 3x smaller');
  assert.equal(describe(pngSettingForSpeed(150e6, 2)), '1', 'slower local disk: level 0 would wait on the disk');
  assert.equal(describe(pngSettingForSpeed(60e6, 2)), '1', 'USB 3 stick, 2 cores');
  assert.equal(describe(pngSettingForSpeed(20e6, 2)), '3', 'USB 2 stick');
  assert.equal(describe(pngSettingForSpeed(4e6, 2)), '6+adaptive', 'slow share: smallest files');
  assert.equal(describe(pngSettingForSpeed(60e6, 8)), '3+adaptive', 'more cores afford a smaller file at the same speed');
  for (const speed of [1, 1e3, 1e6, 1e9, 1e12]) {
    for (const cores of [1, 2, 64]) {
      const s = pngSettingForSpeed(speed, cores);
      assert.ok(PNG_SETTING_COSTS.some((c) => c.level === s.level && c.adaptiveFiltering === s.adaptiveFiltering), `${speed} B/s, ${cores} cores: ${describe(s)} is a measured setting`);
    }
  }
  assert.equal(describe(pngSettingForSpeed(Number.NaN, 0)), '6+adaptive', 'an unmeasurable speed counts as the slowest, never as a crash');
});

test('the faster the target, the larger the files it is given (never smaller)', () => {
  const bytes = (s: { level: number; adaptiveFiltering: boolean }) => PNG_SETTING_COSTS.find((c) => c.level === s.level && c.adaptiveFiltering === s.adaptiveFiltering)!.bytesPerPx;
  for (const cores of [1, 2, 4, 16]) {
    let last = 0;
    for (let speed = 1e5; speed < 1e10; speed *= 1.25) {
      const b = bytes(pngSettingForSpeed(speed, cores));
      assert.ok(b >= last, `${cores} cores, ${(speed / 1e6).toFixed(1)} MB/s`);
      last = b;
    }
  }
});

test('a fast target without room for stored pixels gets compressed ones; one without room for any, the smallest', () => {
  const pixels = 100e6;
  const stored = PNG_SETTING_COSTS.find((c) => c.level === 0)!.bytesPerPx * pixels;
  assert.equal(describe(pngSettingForSpeed(2000e6, 2, { pixels, freeBytes: Infinity })), '0', 'room unknown or ample');
  assert.equal(describe(pngSettingForSpeed(2000e6, 2, { pixels, freeBytes: stored / ROOM_SHARE })), '0', 'just room enough');
  assert.equal(describe(pngSettingForSpeed(2000e6, 2, { pixels, freeBytes: stored / ROOM_SHARE - 1 })), '1', 'a little less: level 1');
  assert.equal(describe(pngSettingForSpeed(2000e6, 2, { pixels, freeBytes: 1e6 })), '6+adaptive', 'no room for any: the smallest files');
  assert.equal(describe(pngSettingForSpeed(4e6, 2, { pixels: 0, freeBytes: 0 })), '6+adaptive', 'nothing to write: chosen by speed alone');
});

test('a level the user names is kept as it is, without adaptive filtering', () => {
  for (let level = 0; level <= 9; level++) assert.deepEqual(pngSettingForLevel(level), { level, adaptiveFiltering: false });
});
