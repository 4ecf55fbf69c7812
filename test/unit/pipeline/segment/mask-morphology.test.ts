// Square morphology, hole filling and speck removal on small hand-drawn masks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSquare, dilateSquare, erodeSquare, fillHoles, labelComponents, openSquare, removeSmallComponents,
} from '../../../../src-main/pipeline/segment/mask-morphology.ts';

function parse(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const data = new Uint8Array(rows.join('').split('').map((c) => (c === '#' ? 1 : 0)));
  return { data, width, height: rows.length };
}
function show(data: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < data.length; i += width) rows.push([...data.slice(i, i + width)].map((v) => (v ? '#' : '.')).join(''));
  return rows;
}

test('dilate and erode by a square, with the image edge not eroding', () => {
  const m = parse(['.....', '.....', '..#..', '.....', '.....']);
  assert.deepEqual(show(dilateSquare(m.data, 5, 5, 1), 5), ['.....', '.###.', '.###.', '.###.', '.....']);
  const full = parse(['###', '###', '###']);
  assert.deepEqual(show(erodeSquare(full.data, 3, 3, 1), 3), ['###', '###', '###']);
  const block = parse(['.....', '.###.', '.###.', '.###.', '.....']);
  assert.deepEqual(show(erodeSquare(block.data, 5, 5, 1), 5), ['.....', '.....', '..#..', '.....', '.....']);
});

test('large radius equals repeated radius 1', () => {
  const m = parse(['.........', '.#.......', '.........', '......#..', '.........', '.........', '..#......']);
  let rep = m.data;
  for (let i = 0; i < 3; i++) rep = dilateSquare(rep, m.width, m.height, 1);
  assert.deepEqual(dilateSquare(m.data, m.width, m.height, 3), rep);
});

test('open removes a speck, close bridges a one-pixel gap', () => {
  const m = parse(['#.....', '..###.', '..###.', '..###.']);
  assert.deepEqual(show(openSquare(m.data, 6, 4, 1), 6), ['......', '..###.', '..###.', '..###.']);
  const g = parse(['.........', '..##.##..', '..##.##..', '.........']);
  assert.deepEqual(show(closeSquare(g.data, 9, 4, 1), 9)[1], '..#####..');
});

test('fillHoles fills enclosed background up to a size, not border background', () => {
  const m = parse(['#####..', '#...#..', '#.#.#..', '#...#..', '#####..']);
  assert.deepEqual(show(fillHoles(m.data, 7, 5), 7), ['#####..', '#####..', '#####..', '#####..', '#####..']);
  assert.deepEqual(fillHoles(m.data, 7, 5, 7), m.data, 'an 8-pixel hole stays when maxArea is 7');
});

test('components: 4-connected labels and small ones removed', () => {
  const m = parse(['##..#', '##...', '...#.', '....#']);
  const { areas } = labelComponents(m.data, 5, 4, 1);
  assert.deepEqual(areas.slice(1).sort(), [1, 1, 1, 4]);
  assert.deepEqual(show(removeSmallComponents(m.data, 5, 4, 2), 5), ['##...', '##...', '.....', '.....']);
});

/** Erosion / dilation by the definition: AND / OR over the (2r+1) square clipped to the image. */
function naiveSquare(mask: Uint8Array, width: number, height: number, radius: number, erode: boolean): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let all = 1;
      let any = 0;
      for (let v = Math.max(0, y - radius); v <= Math.min(height - 1, y + radius); v++) {
        for (let u = Math.max(0, x - radius); u <= Math.min(width - 1, x + radius); u++) { all &= mask[v * width + u]!; any |= mask[v * width + u]!; }
      }
      out[y * width + x] = erode ? all : any;
    }
  }
  return out;
}

test('radius 1 (its own fast path, four bytes at a time where rows align) equals the definition', () => {
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
  for (const [width, height] of [[1, 1], [1, 5], [2, 3], [4, 4], [5, 7], [8, 6], [12, 9], [13, 11]] as const) {
    for (const density of [0.3, 0.8]) {
      // A view at an odd offset too: the word path must not be taken for unaligned rows.
      const backing = new Uint8Array(width * height + 1);
      const mask = backing.subarray(1);
      for (let i = 0; i < mask.length; i++) mask[i] = random() < density ? 1 : 0;
      for (const m of [mask, mask.slice()]) {
        assert.deepEqual(erodeSquare(m, width, height, 1), naiveSquare(m, width, height, 1, true), `erode ${width}x${height}`);
        assert.deepEqual(dilateSquare(m, width, height, 1), naiveSquare(m, width, height, 1, false), `dilate ${width}x${height}`);
      }
    }
  }
});

test('radius 2 to 6 (running counts; word passes where rows are whole words; clipped windows at both row ends) equal the definition', () => {
  let seed = 13;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
  for (const [width, height] of [[1, 1], [1, 6], [3, 2], [4, 3], [5, 5], [6, 9], [7, 4], [8, 8], [12, 5], [16, 13], [17, 12]] as const) {
    for (const density of [0.3, 0.85]) {
      const mask = new Uint8Array(width * height).map(() => (random() < density ? 1 : 0));
      for (const radius of [2, 3, 4, 5, 6]) {
        assert.deepEqual(erodeSquare(mask, width, height, radius), naiveSquare(mask, width, height, radius, true), `erode r${radius} ${width}x${height}`);
        assert.deepEqual(dilateSquare(mask, width, height, radius), naiveSquare(mask, width, height, radius, false), `dilate r${radius} ${width}x${height}`);
      }
    }
  }
});

/** 4-connected components of pixels equal to `value` by flood fill, labelled in raster order of first pixel. */
function naiveComponents(mask: Uint8Array, width: number, height: number, value: number): { labels: Int32Array; areas: number[] } {
  const labels = new Int32Array(mask.length);
  const areas = [0];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== value || labels[start] !== 0) continue;
    const label = areas.length;
    areas.push(0);
    const stack = [start];
    labels[start] = label;
    while (stack.length > 0) {
      const i = stack.pop()!;
      areas[label]!++;
      const x = i % width;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
        if (j < 0 || j >= mask.length || mask[j] !== value || labels[j] !== 0) continue;
        labels[j] = label;
        stack.push(j);
      }
    }
  }
  return { labels, areas };
}

test('components of either value (long stretches crossed a word at a time) equal a flood fill, other bytes in the mask too', () => {
  let seed = 29;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
  for (const [width, height] of [[1, 1], [3, 4], [4, 4], [7, 5], [16, 6], [37, 9], [64, 3]] as const) {
    for (const offset of [0, 1, 3]) {
      const backing = new Uint8Array(width * height + offset);
      const mask = backing.subarray(offset);
      // Long stretches of one value (what the word steps skip), broken by short ones and by
      // bytes that are neither 0 nor 1 (they belong to no component of either value).
      let run = 0;
      let byte = 0;
      for (let i = 0; i < mask.length; i++) {
        if (run === 0) { run = 1 + Math.floor(random() * 12); byte = random() < 0.1 ? 2 + Math.floor(random() * 254) : random() < 0.5 ? 1 : 0; }
        mask[i] = byte;
        run--;
      }
      for (const value of [0, 1] as const) {
        const got = labelComponents(mask, width, height, value);
        const want = naiveComponents(mask, width, height, value);
        assert.deepEqual(got.labels, want.labels, `labels of ${value}, ${width}x${height} at offset ${offset}`);
        assert.deepEqual(got.areas, want.areas, `areas of ${value}, ${width}x${height} at offset ${offset}`);
      }
    }
  }
});
