// Crops for the assist crop model (models/training/train_crop_model.py): every
// candidate of the CRICVA training and held-out slides that bench:assist
// builds (test/bench/assist-dataset.ts: real ingest, truth from the annotated
// nucleus points), read through the app's own classifier crop
// (readClassifierCrop), centred on the nucleus.
// Writes OUT/<set>.u8 (rows x size x size x 3 RGB bytes) and OUT/<set>.json
// (truth and field per row). The held-out set is for evaluation only.
//   node --import tsx models/training/export-assist-crops.ts --out .cache/assist-crops [--crop-um 48 --size 96]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { classifierCropBox, readClassifierCrop } from '../../src-main/assist/onnx-classifier.ts';
import { openSlide } from '../../src-main/slide/openslide-reader.ts';
import { loadAssistDataset } from '../../test/bench/assist-dataset.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: '.cache/assist-crops' }, 'crop-um': { type: 'string', default: '48' }, size: { type: 'string', default: '96' }, mpp: { type: 'string', default: '0.25' } } });
const cropUm = Number(values['crop-um']);
const size = Number(values.size);
const mpp = Number(values.mpp);
if (!(cropUm > 0) || !Number.isInteger(size) || size < 8) throw new Error('--crop-um must be > 0 and --size a whole number >= 8');
mkdirSync(values.out, { recursive: true });

for (const set of ['train', 'heldout'] as const) {
  const ds = await loadAssistDataset({ mpp, segmenter: 'onnx' }, set);
  const reader = await openSlide(ds.slide.mrxsPath);
  const bytes = Buffer.alloc(ds.cells.length * size * size * 3);
  try {
    for (const [i, cell] of ds.cells.entries()) {
      const box = classifierCropBox(cell, mpp, { cropUm, centreOn: 'nucleus' });
      (await readClassifierCrop(reader, box, size, size)).copy(bytes, i * size * size * 3);
    }
  } finally {
    reader.close();
  }
  writeFileSync(join(values.out, `${set}.u8`), bytes);
  writeFileSync(join(values.out, `${set}.json`), `${JSON.stringify({
    slide: ds.slide.key, mpp, cropUm, size, rows: ds.cells.length, truth: ds.truth, field: ds.field, cellIds: ds.cells.map((c) => c.id),
  })}\n`);
  console.log(`${set}: ${ds.cells.length} crops of ${cropUm} um at ${size} px (${ds.truth.filter((t) => t === 'abnormal').length} abnormal, ${ds.truth.filter((t) => t === 'nilm').length} NILM)`);
}
