// Test helper: a temporary models folder holding copies of the tiny fixture
// models (test/fixtures/models/*.onnx) with manifests written per test, so
// each case can bend one field of a manifest or pair a model with the wrong one.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_MODELS = fileURLToPath(new URL('../../../fixtures/models/', import.meta.url));

export function baseManifest(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name,
    task: 'segmentation',
    downsample: 4,
    input: { name: 'image', layout: 'NCHW', size: { type: 'dynamic', multipleOf: 1, maxTile: 1024 }, colorOrder: 'RGB', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    output: { kind: 'cell-probability' },
    threshold: 0.5,
    tiling: { overlap: 16, maxBatch: 4 },
    card: { summary: 'test fixture', trainingData: 'none (random weights)', metrics: {}, limits: ['test only'] },
    ...overrides,
  };
}

export class ModelDir {
  readonly path = mkdtempSync(join(tmpdir(), 'smearlab-models-'));

  /** Copies fixture `onnx` as <name>.onnx and writes <name>.json (null: no manifest). */
  add(name: string, onnx: string | null, manifest: Record<string, unknown> | string | null = baseManifest(name)): this {
    if (onnx !== null) copyFileSync(join(FIXTURE_MODELS, `${onnx}.onnx`), join(this.path, `${name}.onnx`));
    if (manifest !== null) writeFileSync(join(this.path, `${name}.json`), typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
    return this;
  }

  /** Writes an ensemble manifest under ensembles/ and returns its path. */
  ensemble(name: string, manifest: Record<string, unknown> | string): string {
    const path = join(this.path, 'ensembles', `${name}.json`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
    return path;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A deterministic RGBA test image with smooth structure and some transparency-free noise. */
export function patternImage(width: number, height: number, seed = 1): { width: number; height: number; data: Buffer } {
  const data = Buffer.alloc(width * height * 4);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      const noise = (s >>> 24) / 8;
      const i = (y * width + x) * 4;
      data[i] = Math.round(128 + 90 * Math.sin(x / 7) * Math.cos(y / 11) + noise) & 255;
      data[i + 1] = Math.round(128 + 80 * Math.cos((x + y) / 9) + noise) & 255;
      data[i + 2] = Math.round(200 - ((x * 3 + y * 5) % 120) + noise) & 255;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}
