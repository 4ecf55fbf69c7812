// Reads run on the libuv pool: the event loop keeps turning while many are in
// flight, concurrent reads return the same bytes as sequential ones, and
// closing with reads in flight is safe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { loadOpenSlideBinding } from '../../../src-main/slide/openslide-native.ts';
import type { SlideReader } from '../../../src-main/slide/slide-reader.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { seededRng } from '../../../src-main/domain/random.ts';

let fixture: SyntheticSlide;
let reader: SlideReader;

before(async () => {
  fixture = await ensureFixtureSlide('tiny');
  reader = await openSlide(fixture.mrxsPath);
});

after(() => {
  reader?.close();
});

function randomRegions(n: number, seed: number): Array<[number, number, number, number, number]> {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => {
    const level = rng.int(0, 2);
    return [rng.int(0, fixture.width - 256), rng.int(0, fixture.height - 256), level, 256, 256];
  });
}

test('the event loop keeps ticking while 50 reads run', async () => {
  let ticks = 0;
  let ticking = true;
  const tick = (): void => {
    if (!ticking) return;
    ticks++;
    setImmediate(tick);
  };
  setImmediate(tick);
  let images: Array<{ data: Buffer }>;
  try {
    images = await Promise.all(randomRegions(50, 7).map((region) => reader.readRegion(...region)));
  } finally {
    ticking = false;
  }
  assert.equal(images.length, 50);
  assert.ok(ticks > 0, `the loop turned ${ticks} times while the reads ran`);
});

test('concurrent reads return the same bytes as sequential reads', async () => {
  const regions = randomRegions(24, 11);
  const sequential: Buffer[] = [];
  for (const region of regions) sequential.push((await reader.readRegion(...region)).data);
  const concurrent = await Promise.all(regions.map((region) => reader.readRegion(...region)));
  concurrent.forEach((image, i) => assert.ok(image.data.equals(sequential[i]!), `region ${regions[i]!.join(',')}`));
});

test('close with 30 reads in flight: all finish, the handle is freed after the last', async () => {
  const binding = loadOpenSlideBinding();
  const local = await openSlide(fixture.mrxsPath);
  const live = binding.liveHandles();
  const reads = randomRegions(30, 3).map((region) => local.readRegion(...region));
  local.close();
  assert.equal(binding.liveHandles(), live, 'still open while reads run');
  const images = await Promise.all(reads);
  assert.ok(images.every((img) => img.data.length === 256 * 256 * 4));
  assert.equal(binding.liveHandles(), live - 1, 'freed once the last read ended');
  await assert.rejects(local.readRegion(0, 0, 0, 8, 8), { code: 'closed' });
});
