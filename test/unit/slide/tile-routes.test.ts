import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeTileRequest } from '../../../src-main/slide/tile-routes.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { MemorySlideReader } from './tile-memory-reader.ts';

const registry = new SlideRegistry();
const id = registry.add(new MemorySlideReader({ width: 600, height: 400 })).id;
const service = new TileService(registry);
const route = async (path: string) => {
  const pending = routeTileRequest(service, path.split('/'));
  return pending ? (await pending).status : null;
};

test('matches the list, the DZI and both tile forms', async () => {
  assert.equal(await route('slides'), 200);
  assert.equal(await route(`slides/${id}.dzi`), 200);
  assert.equal(await route(`slides/${id}_files/10/2_1.jpeg`), 200);
  assert.equal(await route(`slides/${id}/files/10/2_1.webp`), 200);
});

test('paths outside the scheme match nothing', async () => {
  for (const path of ['', 'slide', `slides/${id}`, `slides/${id}.dzi/x`, `slides/${id}/files/10`, `slides/${id}/tiles/10/0_0.jpeg`,
    `slides/${id}_files/10/0_0.jpeg/x`, `other/${id}.dzi`, 'slides/../etc/passwd']) {
    assert.equal(await route(path), null, path);
  }
});

test('a bad tile file name is 400', async () => {
  for (const name of ['0_0', '0_0_0.jpeg', '0.0.jpeg', '_0.jpeg', '0_.jpeg', '0_0.jpeg.png']) {
    assert.equal(await route(`slides/${id}_files/10/${name}`), 400, name);
  }
});
