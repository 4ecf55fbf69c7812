// Real held-out Pap fields for the segmenter's model card: the 31 CRICVA dev
// fields listed in cricva-heldout.json (never used for training), decoded with
// sharp and area-resampled to the segmenter's working scale (1 um/px), with
// their CRIC nucleus points. Scores: share of points inside the mask (recall;
// the points are not exhaustive, so no precision), per Bethesda class and for
// the abnormal classes together, and the mask's foreground share. A stain
// check re-colours the same fields (pale, more eosin, more blue, dark, out of
// focus) in optical-density space and scores them again.
// Data: CRIC Cervix (Rezende et al., Sci Data 8:151, 2021,
// doi:10.1038/s41597-021-00933-8; figshare doi:10.6084/m9.figshare.c.4960286;
// CC BY 4.0), CRICVA 1280 px copies; see shared/data/real-pap/cricva-dev/SOURCES.md.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { areaResampleRgb } from '../../src-main/assist/crop-resample.ts';
import type { Segmenter } from '../../src-main/pipeline/segment/segmenter.ts';
import type { RgbaImage } from '../../src-main/slide/slide-reader.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** CRICVA 1280 px copies of ~0.25 um/px CRIC frames (SOURCES.md). */
export const CRICVA_UM_PER_PX = 0.25 / 0.92219;
export const NILM = 'Negative for intraepithelial lesion';
const SHORT: Record<string, string> = { [NILM]: 'NILM' };

export interface RealPoint { x: number; y: number; bethesda: string }
export interface RealField { name: string; image: RgbaImage; points: RealPoint[] }

export function cricvaDir(): string {
  const dir = process.env['SMEARLAB_CRICVA_DIR'] ?? resolve(HERE, '..', '..', '..', 'shared', 'data', 'real-pap', 'cricva-dev');
  if (!existsSync(join(dir, 'annotations.csv'))) throw new Error(`CRICVA dev fields not found at ${dir}; set SMEARLAB_CRICVA_DIR`);
  return dir;
}

export function heldOutNames(): string[] {
  return (JSON.parse(readFileSync(join(HERE, 'cricva-heldout.json'), 'utf8')) as { heldOut: string[] }).heldOut;
}

/** Area-average (box) resampling of packed RGB to dstW x dstH, as RGBA (the app's crop resampler). */
export function areaResample(rgb: Uint8Array, width: number, height: number, dstW: number, dstH: number): RgbaImage {
  const out = areaResampleRgb({ data: rgb, width, height, channels: 3 }, dstW, dstH);
  const data = Buffer.alloc(dstW * dstH * 4, 255);
  for (let p = 0, q = 0; p < out.length; p += 3, q += 4) out.copy(data, q, p, p + 3);
  return { width: dstW, height: dstH, data };
}

/** The held-out fields at `umPerPixel`, points scaled alike. */
export async function loadHeldOutFields(umPerPixel = 1): Promise<RealField[]> {
  const { default: sharp } = await import('sharp');
  const dir = cricvaDir();
  const names = new Set(heldOutNames());
  const byName = new Map<string, RealPoint[]>();
  const lines = readFileSync(join(dir, 'annotations.csv'), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines.shift()!.split(',');
  const col = (k: string): number => {
    const i = header.indexOf(k);
    if (i < 0) throw new Error(`annotations.csv: no column ${k}`);
    return i;
  };
  const [ci, cb, cx, cy] = [col('image_file'), col('bethesda_system'), col('x'), col('y')];
  for (const line of lines) {
    const f = line.split(',');
    const name = basename(f[ci]!);
    if (!names.has(name)) continue;
    const list = byName.get(name) ?? [];
    list.push({ x: Number(f[cx]), y: Number(f[cy]), bethesda: f[cb]! });
    byName.set(name, list);
  }
  const fields: RealField[] = [];
  const scale = CRICVA_UM_PER_PX / umPerPixel;
  for (const name of [...names].sort()) {
    const { data, info } = await sharp(join(dir, 'images', name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${name}: expected RGB, got ${info.channels} channels`);
    const w = Math.round(info.width * scale);
    const h = Math.round(info.height * scale);
    const image = areaResample(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, w, h);
    // Points are pixel positions with the origin at the top-left corner of the first pixel.
    const points = (byName.get(name) ?? []).map((p) => ({ ...p, x: p.x * (w / info.width), y: p.y * (h / info.height) }));
    fields.push({ name, image, points });
  }
  return fields;
}

export type StainVariant = 'pale' | 'eosin' | 'blue' | 'dark' | 'blur';
export const STAIN_VARIANTS: readonly StainVariant[] = ['pale', 'eosin', 'blue', 'dark', 'blur'];

const OD_OF = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = -Math.log10((v + 0.5) / 256);
  return t;
})();

/**
 * A strong colour / focus shift of a field. Per-channel optical-density scaling (OD = -log10 I):
 * pale = half the stain and half the hue removed (faded, pale cyanophilic); eosin = more green
 * absorption (pinker); blue = more red absorption (bluer); dark = 1.6x the stain; blur = Gaussian,
 * sigma 1.5 um (out of focus).
 */
export function restain(image: RgbaImage, variant: StainVariant): RgbaImage {
  const { width, height, data } = image;
  const out = Buffer.from(data);
  if (variant === 'blur') {
    const sigma = 1.5;
    const r = 4;
    const k: number[] = [];
    for (let i = -r; i <= r; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
    const sum = k.reduce((a, b) => a + b, 0);
    const tmp = new Float32Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r]! * data[(y * width + Math.min(width - 1, Math.max(0, x + i))) * 4 + c]!;
      tmp[(y * width + x) * 3 + c] = acc / sum;
    }
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r]! * tmp[(Math.min(height - 1, Math.max(0, y + i)) * width + x) * 3 + c]!;
      out[(y * width + x) * 4 + c] = Math.round(acc / sum);
    }
    return { width, height, data: out };
  }
  const gain = { pale: [0.5, 0.5, 0.5], eosin: [1.0, 1.5, 1.15], blue: [1.5, 1.1, 0.85], dark: [1.6, 1.6, 1.6] }[variant];
  const desaturate = variant === 'pale' ? 0.5 : 0;
  for (let p = 0; p < width * height * 4; p += 4) {
    const od = [OD_OF[data[p]!]! * gain[0]!, OD_OF[data[p + 1]!]! * gain[1]!, OD_OF[data[p + 2]!]! * gain[2]!];
    const mean = (od[0]! + od[1]! + od[2]!) / 3;
    for (let c = 0; c < 3; c++) {
      const v = od[c]! * (1 - desaturate) + mean * desaturate;
      out[p + c] = Math.max(0, Math.min(255, Math.round(256 * 10 ** -v - 0.5)));
    }
  }
  return { width, height, data: out };
}

export interface RealScores {
  /** Share of nucleus points whose 3 x 3 px neighbourhood is mostly mask. */
  recall: number;
  points: number;
  abnormalRecall: number;
  abnormalPoints: number;
  byClass: Record<string, { recall: number; points: number }>;
  /** Mask pixels / all pixels over the fields. */
  foreground: number;
  /** Fields where under half the points are found. */
  fieldsUnderHalf: number;
}

/** Whether at least half of the (2r+1)^2 neighbourhood of (cx, cy) is mask (clipped to the image). */
export function centreHit(mask: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number): boolean {
  let on = 0;
  let all = 0;
  for (let y = Math.max(0, cy - radius); y <= Math.min(height - 1, cy + radius); y++) {
    for (let x = Math.max(0, cx - radius); x <= Math.min(width - 1, cx + radius); x++) { all++; on += mask[y * width + x]!; }
  }
  return all > 0 && on * 2 >= all;
}

export async function scoreRealFields(seg: Segmenter, fields: readonly RealField[], variant?: StainVariant): Promise<RealScores> {
  const cls = new Map<string, [number, number]>();
  let fg = 0;
  let px = 0;
  let under = 0;
  for (const f of fields) {
    const image = variant ? restain(f.image, variant) : f.image;
    const mask = (await seg.segment(image)).data;
    let found = 0;
    let n = 0;
    for (const p of f.points) {
      const x = Math.floor(p.x);
      const y = Math.floor(p.y);
      if (x < 0 || y < 0 || x >= image.width || y >= image.height) continue;
      const ok = centreHit(mask, image.width, image.height, x, y, 1);
      const name = SHORT[p.bethesda] ?? p.bethesda;
      const c = cls.get(name) ?? [0, 0];
      c[0] += ok ? 1 : 0;
      c[1]++;
      cls.set(name, c);
      found += ok ? 1 : 0;
      n++;
    }
    if (n > 0 && found * 2 < n) under++;
    fg += mask.reduce((a, b) => a + b, 0);
    px += mask.length;
  }
  const byClass: RealScores['byClass'] = {};
  let [hits, points, ahits, apoints] = [0, 0, 0, 0];
  for (const [name, [h, n]] of [...cls.entries()].sort()) {
    byClass[name] = { recall: h / n, points: n };
    hits += h;
    points += n;
    if (name !== 'NILM') { ahits += h; apoints += n; }
  }
  return {
    recall: hits / Math.max(1, points), points, abnormalRecall: ahits / Math.max(1, apoints), abnormalPoints: apoints,
    byClass, foreground: fg / Math.max(1, px), fieldsUnderHalf: under,
  };
}

/** One line: overall, abnormal, per class, foreground. */
export function formatRealScores(s: RealScores): string {
  const classes = Object.entries(s.byClass).map(([k, v]) => `${k} ${(100 * v.recall).toFixed(1)}% (${v.points})`).join(', ');
  return `recall ${(100 * s.recall).toFixed(1)}% of ${s.points}; abnormal ${(100 * s.abnormalRecall).toFixed(1)}% of ${s.abnormalPoints}; `
    + `${classes}; foreground ${(100 * s.foreground).toFixed(1)}%; fields under half found ${s.fieldsUnderHalf}`;
}
