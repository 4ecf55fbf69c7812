// Hand-made Pap-like scenes for the instance tests, drawn in micrometres:
// cells are a cytoplasm disc with a dark nucleus disc; neutrophils are small
// dark lobes on glass. Rendered at any um/px, with the matching cell mask.
import type { RgbaImage } from '../../../../src-main/slide/slide-reader.ts';

export const GLASS: readonly [number, number, number] = [236, 236, 240];
const CYTOPLASM: readonly [number, number, number] = [214, 168, 178];
const NUCLEUS: readonly [number, number, number] = [72, 62, 124];

export interface SceneCell { x: number; y: number; radius: number; nucleusRadius: number }
export interface SceneScene { widthUm: number; heightUm: number; cells: SceneCell[]; lobes?: Array<{ x: number; y: number; radius: number }> }

export function renderScene(scene: SceneScene, umPerPx: number): { image: RgbaImage; mask: Uint8Array } {
  const width = Math.round(scene.widthUm / umPerPx);
  const height = Math.round(scene.heightUm / umPerPx);
  const data = Buffer.alloc(width * height * 4);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ux = (x + 0.5) * umPerPx;
      const uy = (y + 0.5) * umPerPx;
      let colour = GLASS;
      for (const c of scene.cells) {
        const d = Math.hypot(ux - c.x, uy - c.y);
        if (d <= c.radius) {
          mask[y * width + x] = 1;
          if (colour === GLASS) colour = CYTOPLASM;
        }
      }
      // Nuclei drawn last so an overlapping cytoplasm never hides one.
      for (const c of scene.cells) if (Math.hypot(ux - c.x, uy - c.y) <= c.nucleusRadius) colour = NUCLEUS;
      for (const l of scene.lobes ?? []) if (Math.hypot(ux - l.x, uy - l.y) <= l.radius) colour = NUCLEUS;
      data.set([...colour, 255], (y * width + x) * 4);
    }
  }
  return { image: { width, height, data }, mask };
}

/** The cell mask at `factor` times coarser (any covered pixel counts). */
export function coarsenMask(mask: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const w = Math.floor(width / factor);
  const h = Math.floor(height / factor);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h * factor; y++) {
    for (let x = 0; x < w * factor; x++) if (mask[y * width + x]) out[((y / factor) | 0) * w + ((x / factor) | 0)] = 1;
  }
  return out;
}

/** Neutrophil-like: three small lobes close together on glass, no cytoplasm. */
export function neutrophil(x: number, y: number): Array<{ x: number; y: number; radius: number }> {
  return [{ x: x - 2.2, y, radius: 1.4 }, { x: x + 0.4, y: y - 1.6, radius: 1.4 }, { x: x + 1.8, y: y + 1.4, radius: 1.4 }];
}
