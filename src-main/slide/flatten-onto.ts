// Composites straight RGBA onto an opaque colour in place: what a reader
// without a native composite (SlideReader.readRegionOnBackground) gets, and
// what a region pieced together around damaged tiles needs.
import type { RgbaImage, SlideReader } from './slide-reader.ts';

/** A region on the slide's background colour, every pixel opaque: composited natively where the reader can. */
export async function readRegionOnBackground(
  reader: SlideReader, x0: number, y0: number, level: number, width: number, height: number,
): Promise<RgbaImage> {
  if (reader.readRegionOnBackground) return reader.readRegionOnBackground(x0, y0, level, width, height);
  const image = await reader.readRegion(x0, y0, level, width, height);
  flattenOnto(image, reader.info.backgroundColor);
  return image;
}

export function flattenOnto(image: RgbaImage, background: readonly [number, number, number]): void {
  const d = image.data;
  const [br, bg, bb] = background;
  // Scanned pixels (alpha 255) are skipped and unscanned ones (alpha 0: a MIRAX stores no tile
  // there) become the background in one store, a 32-bit word at a time (little-endian: R low).
  const words = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >> 2) : null;
  const backgroundWord = (br | (bg << 8) | (bb << 16) | (255 << 24)) >>> 0;
  for (let p = 0; p < d.length; p += 4) {
    if (words !== null) {
      const alpha = words[p >> 2]! >>> 24;
      if (alpha === 255) continue;
      if (alpha === 0) {
        words[p >> 2] = backgroundWord;
        continue;
      }
    }
    const a = d[p + 3]!;
    if (a === 255) continue;
    const k = a / 255;
    d[p] = Math.round(d[p]! * k + br * (1 - k));
    d[p + 1] = Math.round(d[p + 1]! * k + bg * (1 - k));
    d[p + 2] = Math.round(d[p + 2]! * k + bb * (1 - k));
    d[p + 3] = 255;
  }
}
