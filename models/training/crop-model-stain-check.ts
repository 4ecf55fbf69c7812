// Stain check of the assist crop model: its held-out crops (export-assist-crops.ts)
// as they are and re-coloured the way the segmenter's check re-colours fields
// (real-heldout.ts restain: pale, eosin, blue, dark, blur), each scored by the
// exported ONNX model through onnxruntime-node. Prints AUC (abnormal vs NILM)
// and the share of abnormal cells in the first 10 % at 2 % prevalence, and
// writes them into the manifest's card (heldOutStains).
//   node --import tsx models/training/crop-model-stain-check.ts [--data .cache/assist-crops] [--model models/classifiers/cric-crop-cnn.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { readClassifierManifest } from '../../src-main/assist/classifier-manifest.ts';
import { recallInTop, rocAuc } from '../../src-main/assist/metrics.ts';
import { seededRng } from '../../src-main/domain/random.ts';
import { STAIN_VARIANTS, restain, type StainVariant } from './real-heldout.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: '.cache/assist-crops' }, model: { type: 'string', default: 'models/classifiers/cric-crop-cnn.json' } } });
const meta = JSON.parse(readFileSync(join(values.data, 'heldout.json'), 'utf8')) as { rows: number; size: number; cropUm: number; truth: string[] };
const bytes = readFileSync(join(values.data, 'heldout.u8'));
const manifest = await readClassifierManifest(values.model);
const side = manifest.input.width;
if (Math.abs(meta.cropUm * side / meta.size - manifest.input.cropUm) > 1e-6) throw new Error(`the crops (${meta.cropUm} um at ${meta.size} px) do not hold the model's ${manifest.input.cropUm} um at ${side} px`);
const session = await ort.InferenceSession.create(values.model.replace(/\.json$/, '.onnx'), { intraOpNumThreads: 2 });
const abnormal = meta.truth.map((t) => t === 'abnormal');

/** One crop as RGBA at the export's size, re-coloured, then its centre as the model's input (blur needs the margin). */
function input(row: number, variant: StainVariant | null, out: Float32Array, b: number): void {
  const n = meta.size;
  const rgba = Buffer.alloc(n * n * 4, 255);
  for (let p = 0; p < n * n; p++) bytes.copy(rgba, p * 4, (row * n * n + p) * 3, (row * n * n + p) * 3 + 3);
  const image = variant ? restain({ width: n, height: n, data: rgba }, variant) : { width: n, height: n, data: rgba };
  const o = (n - side) / 2;
  const plane = side * side;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let c = 0; c < 3; c++) out[b * 3 * plane + c * plane + y * side + x] = image.data[((y + o) * n + x + o) * 4 + c]! / manifest.input.divideBy;
    }
  }
}

async function scores(variant: StainVariant | null): Promise<Float64Array> {
  const s = new Float64Array(meta.rows);
  const batch = 64;
  for (let start = 0; start < meta.rows; start += batch) {
    const rows = Math.min(batch, meta.rows - start);
    const x = new Float32Array(rows * 3 * side * side);
    for (let b = 0; b < rows; b++) input(start + b, variant, x, b);
    const p = (await session.run({ [manifest.input.name]: new ort.Tensor('float32', x, [rows, 3, side, side]) }))[manifest.output.name ?? session.outputNames[0]!]!.data as Float32Array;
    const k = manifest.output.classes.indexOf('unhealthy');
    for (let b = 0; b < rows; b++) s[start + b] = Math.log(p[b * 3 + k]! + 1e-6) - Math.log(1 - p[b * 3 + k]! + 1e-6);
  }
  return s;
}

/** Abnormal cells in the first 10 % of a gallery of every other candidate plus a 2 % sample of them, mean of 200 draws. */
function screeningRecall(score: Float64Array): number {
  const rng = seededRng(7);
  const pos = abnormal.flatMap((a, i) => (a ? [i] : []));
  const rest = abnormal.flatMap((a, i) => (a ? [] : [i]));
  const want = Math.max(1, Math.round((0.02 * rest.length) / 0.98));
  let sum = 0;
  for (let d = 0; d < 200; d++) {
    const pick = new Set<number>();
    while (pick.size < want) pick.add(pos[rng.int(0, pos.length - 1)]!);
    const kept = [...rest, ...pick].sort((a, b) => score[b]! - score[a]! || a - b);
    sum += recallInTop(kept, (i) => pick.has(i), 0.1).found / want;
  }
  return sum / 200;
}

const annotated = meta.truth.flatMap((t, i) => (t === 'none' ? [] : [i]));
const table: Record<string, { auc: number; recallTop10: number }> = {};
for (const variant of [null, ...STAIN_VARIANTS]) {
  const s = await scores(variant);
  const auc = rocAuc(annotated.map((i) => s[i]!), annotated.map((i) => abnormal[i]!)) ?? NaN;
  table[variant ?? 'as scanned'] = { auc: +auc.toFixed(4), recallTop10: +screeningRecall(s).toFixed(4) };
  console.log(`${(variant ?? 'as scanned').padEnd(11)} AUC ${auc.toFixed(3)}  abnormal in the first 10 % at 2 %: ${(100 * table[variant ?? 'as scanned']!.recallTop10).toFixed(1)} %`);
}
await session.release();
const raw = JSON.parse(readFileSync(values.model, 'utf8')) as { card?: Record<string, unknown> };
raw.card = { ...raw.card, heldOutStains: { ...table, note: 'the crop model alone on the 31 held-out fields\' candidates, re-coloured as real-heldout.ts restain does (pale: OD x0.5 half desaturated; eosin: green OD x1.5; blue: red OD x1.5; dark: OD x1.6; blur: Gaussian sigma 1.5 px = 0.75 um); models/training/crop-model-stain-check.ts' } };
writeFileSync(values.model, `${JSON.stringify(raw, null, 1)}\n`);
console.log(`written into ${values.model}'s card`);
