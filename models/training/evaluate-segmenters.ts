// Scores segmenters the way the pipeline runs them (loadSegmenter, ONNX
// Runtime, tiling, threshold) for the model card: pixel IoU / Dice and
// object-level figures on held-out synthetic slices (seeds never used for
// training), a recall check on the real CRIC fields (nucleus points only, so
// recall, never precision), the same recall check on the 31 held-out real
// CRICVA fields (per Bethesda class, plus strong stain shifts; see
// real-heldout.ts), and CPU time per 2,000 x 2,000 slice. Every segmenter runs
// at its own working scale (manifest umPerPixel / downsample): synthetic slices
// are rendered at its downsample, real fields are resampled to it from 1 um/px
// and its mask is scored back on the 1 um/px grid.
//   node --import tsx models/training/evaluate-segmenters.ts [--model smear-unet-tiny] [--update-card]
//     [--baseline <old .onnx or .json>] [--real-only]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_NAME, DEFAULT_MODELS_DIR, loadSegmenter } from '../../src-main/pipeline/segment/load-segmenter.ts';
import type { Segmenter } from '../../src-main/pipeline/segment/segmenter.ts';
import type { RgbaImage } from '../../src-main/slide/slide-reader.ts';
import { loadCricFields } from '../../test/fixtures/cric-fields.ts';
import { mixSeed, seededRng } from '../../src-main/domain/random.ts';
import { MASK_KINDS, buildScene, objectsInRegion, renderRegion, type GroundTruthObject } from '../../src-main/demo/slide-scene.ts';
import { VAL_SEEDS } from './export-training-data.ts';
import { STAIN_VARIANTS, areaResample, centreHit, formatRealScores, loadHeldOutFields, scoreRealFields, type RealField } from './real-heldout.ts';

/** Level-0 um/px of the synthetic scene and of the CRIC fixture fields. */
const REFERENCE_MPP = 0.25;
/** The real held-out fields are loaded, and scored, at this scale. */
const REAL_UM_PER_PX = 1;

/** A 2,000 px slice plus a 64 px margin on each side, at `downsample` (532 px at 4, 266 px at 8). */
export function slicePx(downsample: number): number {
  return Math.ceil((2000 + 2 * 64) / downsample);
}

export interface HeldOutSlice {
  image: RgbaImage;
  mask: Uint8Array;
  objects: GroundTruthObject[];
  x0: number;
  y0: number;
  /** Level-0 px per image px. */
  downsample: number;
}

export function rgbToRgba(rgb: Uint8Array, width: number, height: number): RgbaImage {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    data[i * 4] = rgb[j]!;
    data[i * 4 + 1] = rgb[j + 1]!;
    data[i * 4 + 2] = rgb[j + 2]!;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Slices centred near random objects of held-out seeds' demo slides, rendered at `downsample`. */
export function heldOutSlices(seeds: readonly number[], perSeed: number, downsample: number): HeldOutSlice[] {
  const out: HeldOutSlice[] = [];
  const side = slicePx(downsample);
  const span = side * downsample;
  for (const seed of seeds) {
    const scene = buildScene({ size: 'demo', content: 'synthetic', seed });
    const rng = seededRng(mixSeed(seed, 4242));
    for (let i = 0; i < perSeed; i++) {
      const o = scene.objects[Math.floor(rng.next() * scene.objects.length)]!;
      const x0 = Math.round(Math.min(scene.width - span, Math.max(0, o.centre.x - span / 2)));
      const y0 = Math.round(Math.min(scene.height - span, Math.max(0, o.centre.y - span / 2)));
      const r = renderRegion(scene, x0, y0, side, side, downsample);
      out.push({
        image: rgbToRgba(r.rgb, side, side), mask: r.mask, x0, y0, downsample,
        objects: objectsInRegion(scene, { x: x0, y: y0, width: span, height: span }),
      });
    }
  }
  return out;
}

export interface Scores {
  pixelIou: number;
  pixelDice: number;
  /** Cells (squamous, cluster members) whose centre neighbourhood is predicted cell. */
  cellRecall: number;
  cells: number;
  /** Inflammatory cells, debris and blobs whose centre is predicted cell (lower is better). */
  distractorInclusion: number;
  distractors: number;
}

export function scoreSlices(slices: readonly HeldOutSlice[], preds: readonly Uint8Array[]): Scores {
  let inter = 0;
  let union = 0;
  let psum = 0;
  let tsum = 0;
  let cells = 0;
  let found = 0;
  let distractors = 0;
  let included = 0;
  slices.forEach((s, k) => {
    const pred = preds[k]!;
    for (let i = 0; i < pred.length; i++) {
      const p = pred[i]!;
      const t = s.mask[i]!;
      inter += p & t;
      union += p | t;
      psum += p;
      tsum += t;
    }
    const { width, height } = s.image;
    for (const o of s.objects) {
      const cx = Math.round((o.centre.x - s.x0) / s.downsample);
      const cy = Math.round((o.centre.y - s.y0) / s.downsample);
      if (cx < 4 || cy < 4 || cx >= width - 4 || cy >= height - 4) continue;
      // The truth mask at the centre says whether the object shows there (a blob may lie under a cell).
      const isCell = MASK_KINDS.includes(o.kind);
      if (isCell !== (s.mask[cy * width + cx] === 1)) continue;
      const hit = centreHit(pred, width, height, cx, cy, 2);
      if (isCell) { cells++; if (hit) found++; } else { distractors++; if (hit) included++; }
    }
  });
  return {
    pixelIou: inter / Math.max(1, union), pixelDice: (2 * inter) / Math.max(1, psum + tsum),
    cellRecall: found / Math.max(1, cells), cells, distractorInclusion: included / Math.max(1, distractors), distractors,
  };
}

/** Box-downsamples an RGB image by an integer factor into RGBA. */
function shrink(rgb: Uint8Array, width: number, height: number, f: number): RgbaImage {
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const acc = [0, 0, 0];
      for (let yy = 0; yy < f; yy++) for (let xx = 0; xx < f; xx++) for (let c = 0; c < 3; c++) acc[c]! += rgb[((y * f + yy) * width + x * f + xx) * 3 + c]!;
      for (let c = 0; c < 3; c++) data[(y * w + x) * 4 + c] = Math.round(acc[c]! / (f * f));
      data[(y * w + x) * 4 + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

/** Fraction of CRIC nucleus points inside the predicted mask, and the mask's area share (recall means little if it is 1). */
async function cricRecall(seg: Segmenter): Promise<{ recall: number; points: number; foreground: number }> {
  const fields = await loadCricFields(); // already at 0.25 um/px
  const factor = Math.round(seg.umPerPixel / REFERENCE_MPP);
  if (Math.abs(factor * REFERENCE_MPP - seg.umPerPixel) > 1e-9) throw new Error(`${seg.name}: ${seg.umPerPixel} um/px is not an integer multiple of ${REFERENCE_MPP}`);
  let points = 0;
  let hits = 0;
  let fg = 0;
  let px = 0;
  for (const f of fields) {
    const img = shrink(f.rgb, f.width, f.height, factor);
    const mask = await seg.segment(img);
    for (const c of f.cells) {
      const x = Math.round(c.x / factor);
      const y = Math.round(c.y / factor);
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
      points++;
      if (centreHit(mask.data, img.width, img.height, x, y, 1)) hits++;
    }
    fg += mask.data.reduce((a, b) => a + b, 0);
    px += mask.data.length;
  }
  return { recall: hits / Math.max(1, points), points, foreground: fg / Math.max(1, px) };
}

/** Median ms of segment() on a slice of `side` px (cropped from a held-out slice, mirrored if larger). */
async function timeSegment(seg: Segmenter, source: RgbaImage, side: number, runs = 5): Promise<number> {
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = x % source.width;
      const sy = y % source.height;
      source.data.copy(data, (y * side + x) * 4, (sy * source.width + sx) * 4, (sy * source.width + sx) * 4 + 4);
    }
  }
  const image = { width: side, height: side, data };
  await seg.segment(image);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await seg.segment(image);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** Side in px, at `downsample`, of a 2,000 px slice with `margin` level-0 px on each side. */
const sliceSide = (margin: number, downsample: number): number => Math.ceil((2000 + 2 * margin) / downsample);

async function evaluate(seg: Segmenter, slices: HeldOutSlice[]): Promise<Record<string, number | string>> {
  if (slices[0]?.downsample !== seg.downsample) throw new Error(`${seg.name} works at downsample ${seg.downsample}, slices are at ${slices[0]?.downsample}`);
  const bare = sliceSide(0, seg.downsample);
  const ingest = sliceSide(450, seg.downsample);
  const preds: Uint8Array[] = [];
  for (const s of slices) preds.push((await seg.segment(s.image)).data);
  const sc = scoreSlices(slices, preds);
  const cric = await cricRecall(seg);
  return {
    heldout_pixel_iou: +sc.pixelIou.toFixed(4),
    heldout_pixel_dice: +sc.pixelDice.toFixed(4),
    heldout_cell_recall: +sc.cellRecall.toFixed(4),
    heldout_cells: sc.cells,
    heldout_distractor_inclusion: +sc.distractorInclusion.toFixed(4),
    heldout_distractors: sc.distractors,
    cric_nucleus_recall: +cric.recall.toFixed(4),
    cric_points: cric.points,
    cric_foreground_share: +cric.foreground.toFixed(4),
    // 2,000 px slice alone (500 px at downsample 4, 250 px at 8) and with the ingest default 450 px margin (725 / 363 px).
    [`cpu_ms_per_slice_${bare}px`]: Math.round(await timeSegment(seg, slices[0]!.image, bare)),
    [`cpu_ms_per_slice_${ingest}px`]: Math.round(await timeSegment(seg, slices[0]!.image, ingest)),
  };
}

/**
 * `seg` fed images at REAL_UM_PER_PX: each image is area-resampled to the segmenter's own scale, segmented,
 * and the mask scaled back by nearest neighbour, so every segmenter is scored on the same grid.
 */
export function atRealScale(seg: Segmenter): Segmenter {
  const f = seg.umPerPixel / REAL_UM_PER_PX;
  if (f === 1) return seg;
  return {
    name: seg.name, provider: seg.provider, modelId: seg.modelId, downsample: seg.downsample, umPerPixel: REAL_UM_PER_PX,
    providersSkipped: seg.providersSkipped, dispose: () => seg.dispose(),
    async segment(image: RgbaImage) {
      const { width, height, data } = image;
      const rgb = new Uint8Array(width * height * 3);
      for (let i = 0; i < width * height; i++) { rgb[i * 3] = data[i * 4]!; rgb[i * 3 + 1] = data[i * 4 + 1]!; rgb[i * 3 + 2] = data[i * 4 + 2]!; }
      const w = Math.max(1, Math.round(width / f));
      const h = Math.max(1, Math.round(height / f));
      const small = await seg.segment(areaResample(rgb, width, height, w, h));
      const out = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / height));
        for (let x = 0; x < width; x++) out[y * width + x] = small.data[sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / width))]!;
      }
      return { width, height, data: out, downsample: small.downsample / f };
    },
  };
}

/** Held-out real fields as card metrics (real_*), with every stain variant; `seg` runs at its own scale. */
async function evaluateReal(own: Segmenter, fields: RealField[]): Promise<Record<string, number>> {
  const seg = atRealScale(own);
  const plain = await scoreRealFields(seg, fields);
  console.log(`  ${seg.name} real held-out: ${formatRealScores(plain)}`);
  const out: Record<string, number> = {
    real_heldout_recall: +plain.recall.toFixed(4),
    real_heldout_points: plain.points,
    real_heldout_abnormal_recall: +plain.abnormalRecall.toFixed(4),
    real_heldout_abnormal_points: plain.abnormalPoints,
  };
  for (const [k, v] of Object.entries(plain.byClass)) out[`real_heldout_recall_${k}`] = +v.recall.toFixed(4);
  out['real_heldout_foreground_share'] = +plain.foreground.toFixed(4);
  out['real_heldout_fields_under_half'] = plain.fieldsUnderHalf;
  let min = 1;
  for (const v of STAIN_VARIANTS) {
    const s = await scoreRealFields(seg, fields, v);
    console.log(`  ${seg.name} real held-out, ${v}: ${formatRealScores(s)}`);
    out[`real_stain_${v}_recall`] = +s.recall.toFixed(4);
    out[`real_stain_${v}_foreground`] = +s.foreground.toFixed(4);
    min = Math.min(min, s.recall);
  }
  out['real_stain_min_recall'] = +min.toFixed(4);
  return out;
}

const brief = (r: Record<string, number | string>): string =>
  `recall ${r['real_heldout_recall']} (abnormal ${r['real_heldout_abnormal_recall']}), foreground ${r['real_heldout_foreground_share']}, `
  + `worst stain variant recall ${r['real_stain_min_recall']}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: DEFAULT_MODEL_NAME },
      'models-dir': { type: 'string', default: DEFAULT_MODELS_DIR },
      'per-seed': { type: 'string', default: '12' },
      threads: { type: 'string' },
      'update-card': { type: 'boolean', default: false },
      'skip-model': { type: 'boolean', default: false },
      /** A previous model (path to .onnx/.json) scored on the real fields alongside, for the card's note. */
      baseline: { type: 'string' },
      /** Only the real held-out fields (no synthetic slices, no timing); never updates the card. */
      'real-only': { type: 'boolean', default: false },
    },
  });
  const realOnly = values['real-only'];
  const sliceSets = new Map<number, HeldOutSlice[]>();
  /** The held-out synthetic slices at a segmenter's downsample (same places, rendered at its scale). */
  const slicesFor = (seg: Segmenter): HeldOutSlice[] => {
    let set = sliceSets.get(seg.downsample);
    if (!set) {
      set = heldOutSlices(VAL_SEEDS, Number(values['per-seed']), seg.downsample);
      console.log(`held-out: ${set.length} slices of ${slicePx(seg.downsample)}x${slicePx(seg.downsample)} px at downsample ${seg.downsample}, seeds ${VAL_SEEDS.join(',')}`);
      sliceSets.set(seg.downsample, set);
    }
    return set;
  };
  const fields = await loadHeldOutFields(REAL_UM_PER_PX);
  console.log(`real held-out: ${fields.length} CRICVA fields at ${REAL_UM_PER_PX} um/px, ${fields.reduce((a, f) => a + f.points.length, 0)} nucleus points`);
  const threads = values.threads ? { intraOpNumThreads: Number(values.threads) } : {};
  const results: Record<string, Record<string, number | string>> = {};
  const classical = await loadSegmenter({ segmenter: 'classical' });
  results['classical'] = { ...(realOnly ? {} : await evaluate(classical, slicesFor(classical))), ...(await evaluateReal(classical, fields)) };
  console.log('classical', results['classical']);
  let baselineNote = '';
  if (values.baseline) {
    const base = await loadSegmenter({ segmenter: 'onnx', model: values.baseline, executionProviders: ['cpu'], ...threads });
    const r = await evaluateReal(base, fields);
    console.log(`baseline ${base.modelId ?? base.name} at ${base.umPerPixel} um/px`, r);
    baselineNote = `; previous model ${base.modelId ?? base.name} (at its ${base.umPerPixel} um/px) on the same fields: ${brief(r)}`;
    await base.dispose();
  }
  if (!values['skip-model']) {
    const seg = await loadSegmenter({ segmenter: 'onnx', model: values.model, modelsDir: values['models-dir'], executionProviders: ['cpu'], ...threads });
    const slices = realOnly ? [] : slicesFor(seg);
    results[seg.name] = {
      ...(realOnly ? {} : await evaluate(seg, slices)), ...(await evaluateReal(seg, fields)),
      provider: seg.provider, modelId: seg.modelId ?? '',
    };
    console.log(seg.name, results[seg.name]);
    await seg.dispose();
    if (values['update-card'] && !realOnly) {
      const path = join(values['models-dir'], `${values.model}.json`);
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { card: { metrics: Record<string, unknown> } };
      const { provider: _p, modelId: _m, ...metrics } = results[seg.name]!;
      const c = results['classical']!;
      manifest.card.metrics = {
        ...manifest.card.metrics, ...metrics,
        heldout_note: `onnxruntime-node CPU via loadSegmenter on ${slices.length} held-out ${slicePx(seg.downsample)}px slices `
          + `(a 2,000 px slice plus 64 px margins at the model's downsample ${seg.downsample}; seeds ${VAL_SEEDS.join(',')}); `
          + `classical segmenter on the same places at its downsample ${classical.downsample}: IoU ${c['heldout_pixel_iou']}, Dice ${c['heldout_pixel_dice']}, `
          + `distractors ${c['heldout_distractor_inclusion']}; cpu_ms: median of 5 segment() calls, default threads, on a shared 2-core machine, `
          + `for a 2,000 px slice alone (${sliceSide(0, seg.downsample)} px) and with the ingest default 450 px margin (${sliceSide(450, seg.downsample)} px)`,
        real_heldout_note: `onnxruntime-node CPU via loadSegmenter on the ${fields.length} held-out CRICVA dev fields `
          + `(models/training/cricva-heldout.json, never trained on), area-resampled to ${REAL_UM_PER_PX} um/px`
          + (seg.umPerPixel !== REAL_UM_PER_PX ? `, then to the model's ${seg.umPerPixel} um/px (mask scaled back by nearest neighbour)` : '')
          + `; recall = share of CRIC nucleus points whose 3x3 px neighbourhood at ${REAL_UM_PER_PX} um/px is mostly mask (points `
          + 'are not exhaustive: no precision); real_stain_*: the same fields re-coloured (pale = OD x0.5 and half desaturated, '
          + 'eosin = green OD x1.5, blue = red OD x1.5, dark = OD x1.6, blur = Gaussian 1.5 um); '
          + `classical segmenter (${classical.umPerPixel} um/px) on the same fields: ${brief(c)}${baselineNote}`,
      };
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
      console.log(`updated ${path}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
