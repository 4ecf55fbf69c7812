// Reads a slice or a group of slices (plus the margin) at a working scale: from
// the best pyramid level, composited on the slide's background colour as it is
// read (so unscanned, transparent areas look like glass), and resized by sharp
// when that level is not exactly the scale wanted. The downsample need not be
// whole: scans come at any mpp and the working scales are physical (um per
// px). Damaged tiles are read around (slide/read-around-damage.ts); what no
// level has becomes background.
import type { Box, Point } from '../../domain/geometry.ts';
import type { DamagedArea } from '../../domain/slide.ts';
import { readOpaqueRegionAroundDamage } from '../../slide/read-around-damage.ts';
import type { RgbaImage, SlideReader } from '../../slide/slide-reader.ts';

export interface SliceImage {
  image: RgbaImage;
  /** Level-0 position of image pixel (0, 0). */
  origin: Point;
  /** Level-0 px per image px. */
  downsample: number;
  /** Areas read around because their tiles were damaged; empty for a clean read. */
  damaged: DamagedArea[];
}

/**
 * The level-0 area to read for a slice grown by `margin` (level-0 px), and the image size that
 * covers it at `downsample`, each side a multiple of `multiple` (so the image halves evenly).
 */
export function sliceReadArea(slice: Box, margin: number, downsample: number, multiple = 1): Box & { imageWidth: number; imageHeight: number } {
  const x = slice.x - margin;
  const y = slice.y - margin;
  const side = (level0: number) => Math.ceil(level0 / downsample / multiple) * multiple;
  const imageWidth = side(slice.width + 2 * margin);
  const imageHeight = side(slice.height + 2 * margin);
  return { x, y, width: Math.ceil(imageWidth * downsample), height: Math.ceil(imageHeight * downsample), imageWidth, imageHeight };
}

/** Mean of each factor x factor block: the image at 1/factor scale (sides must divide). */
export function shrinkImage(image: RgbaImage, factor: number): RgbaImage {
  if (factor === 1) return image;
  const { width, height, data } = image;
  if (width % factor !== 0 || height % factor !== 0) throw new RangeError(`shrinkImage: ${width}x${height} is not a multiple of ${factor}`);
  const w = width / factor;
  const h = height / factor;
  const out = Buffer.alloc(w * h * 4);
  if (factor === 2 && data.byteOffset % 4 === 0) {
    // 0.5 um/px detail for a 1 um/px segmenter (classical): each output pixel from four 32-bit
    // words, summed two channels at a time (R+B and G+A in 16-bit lanes), written as one word.
    const words = new Uint32Array(data.buffer, data.byteOffset, width * height);
    const outWords = new Uint32Array(out.buffer, out.byteOffset, w * h);
    for (let y = 0, o = 0; y < h; y++) {
      let a = 2 * y * width;
      for (let x = 0; x < w; x++, a += 2, o++) {
        const p = words[a]!;
        const q = words[a + 1]!;
        const u = words[a + width]!;
        const v = words[a + width + 1]!;
        const even = (p & 0x00ff00ff) + (q & 0x00ff00ff) + (u & 0x00ff00ff) + (v & 0x00ff00ff) + 0x00020002;
        const odd = ((p >>> 8) & 0x00ff00ff) + ((q >>> 8) & 0x00ff00ff) + ((u >>> 8) & 0x00ff00ff) + ((v >>> 8) & 0x00ff00ff) + 0x00020002;
        // (sum + 2) >> 2 per lane: each lane's sum is at most 1022, so its top bits never spill.
        outWords[o] = (((even >>> 2) & 0x00ff00ff) | (((odd >>> 2) & 0x00ff00ff) << 8)) >>> 0;
      }
    }
    return { width: w, height: h, data: out };
  }
  // Any other factor (4: 0.5 um/px detail, 2 um/px model). Each RGBA pixel is read as one 32-bit
  // word and summed two channels at a time (R+B and G+A in 16-bit lanes: up to 16 x 16 values of
  // 255 fit), so a block costs two additions per pixel instead of four; then Math.round(sum / n).
  const n = factor * factor;
  const aligned = data.byteOffset % 4 === 0 && factor <= 16;
  const words = aligned ? new Uint32Array(data.buffer, data.byteOffset, width * height) : null;
  const evenLanes = new Uint32Array(w);
  const oddLanes = new Uint32Array(w);
  const half = n >> 1;
  for (let y = 0; y < h; y++) {
    const row = y * w * 4;
    if (words === null) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) {
            let p = (((y * factor + dy) * width) + x * factor) * 4 + c;
            for (let dx = 0; dx < factor; dx++, p += 4) sum += data[p]!;
          }
          out[row + x * 4 + c] = Math.round(sum / n);
        }
      }
      continue;
    }
    evenLanes.fill(0);
    oddLanes.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      let p = (y * factor + dy) * width;
      if (factor === 4) {
        // The default scales' factor, unrolled.
        for (let x = 0; x < w; x++, p += 4) {
          const a = words[p]!;
          const b = words[p + 1]!;
          const c = words[p + 2]!;
          const d = words[p + 3]!;
          evenLanes[x]! += (a & 0x00ff00ff) + (b & 0x00ff00ff) + (c & 0x00ff00ff) + (d & 0x00ff00ff);
          oddLanes[x]! += ((a >>> 8) & 0x00ff00ff) + ((b >>> 8) & 0x00ff00ff) + ((c >>> 8) & 0x00ff00ff) + ((d >>> 8) & 0x00ff00ff);
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        let even = 0;
        let odd = 0;
        for (let k = 0; k < factor; k++, p++) {
          const v = words[p]!;
          even += v & 0x00ff00ff;
          odd += (v >>> 8) & 0x00ff00ff;
        }
        evenLanes[x]! += even;
        oddLanes[x]! += odd;
      }
    }
    for (let x = 0, o = row; x < w; x++, o += 4) {
      const even = evenLanes[x]!;
      const odd = oddLanes[x]!;
      out[o] = Math.floor(((even & 0xffff) + half) / n);
      out[o + 1] = Math.floor(((odd & 0xffff) + half) / n);
      out[o + 2] = Math.floor(((even >>> 16) + half) / n);
      out[o + 3] = Math.floor(((odd >>> 16) + half) / n);
    }
  }
  return { width: w, height: h, data: out };
}

export async function readSliceImage(reader: SlideReader, slice: Box, margin: number, downsample: number, multiple = 1): Promise<SliceImage> {
  const area = sliceReadArea(slice, margin, downsample, multiple);
  const level = reader.bestLevelForDownsample(downsample);
  const levelDownsample = reader.info.levels[level]?.downsample ?? 1;
  const width = area.imageWidth;
  const height = area.imageHeight;
  const levelWidth = Math.ceil(area.width / levelDownsample);
  const levelHeight = Math.ceil(area.height / levelDownsample);
  const read = await readOpaqueRegionAroundDamage(reader, area.x, area.y, level, levelWidth, levelHeight);
  let image = read.image;
  if (levelWidth !== width || levelHeight !== height) {
    // Loaded on first use: a slice worker seldom resizes, and sharp costs ~130 ms of its start.
    const { default: sharp } = await import('sharp');
    const { data, info } = await sharp(image.data, { raw: { width: levelWidth, height: levelHeight, channels: 4 } })
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    image = { width: info.width, height: info.height, data };
  }
  return { image, origin: { x: area.x, y: area.y }, downsample, damaged: read.damaged };
}
