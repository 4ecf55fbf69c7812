// The one way the pipeline gets a segmenter: by name ('classical'), model
// (name or path) or ensemble manifest. Everything is checked here, before a
// job starts: files exist, manifests validate, every model's inputs and
// outputs match its manifest (including a dry run), ensemble members agree.
import { resolve } from 'node:path';
import { MODELS_DIR } from '../../files/app-layout.ts';
import { SEGMENTER_NAMES, type SegmenterName } from '../../domain/segmenter.ts';
import { ClassicalSegmenter, type ClassicalConfig } from './classical-segmenter.ts';
import { ensembleBaseDir, readEnsembleManifest, resolveModelRef } from './ensemble-manifest.ts';
import { DEFAULT_PROVIDERS, parseProviderList } from './execution-providers.ts';
import { ModelSegmenter } from './model-segmenter.ts';
import { OnnxModel, type OpenModelOptions } from './onnx-model.ts';
import { SegmentError } from './segment-error.ts';
import type { Segmenter } from './segmenter.ts';

/** The model shipped in models/ and used when none is named. */
export const DEFAULT_MODEL_NAME = 'smear-unet-tiny';

export const DEFAULT_MODELS_DIR = MODELS_DIR;

export interface LoadSegmenterOptions {
  segmenter: SegmenterName;
  /** Model name (in modelsDir) or path to its .onnx / .json. Defaults to DEFAULT_MODEL_NAME. */
  model?: string;
  /** Ensemble manifest: a path, or a name in <modelsDir>/ensembles/. Excludes `model`. */
  ensemble?: string;
  /** Ordered preference, e.g. ['cuda', 'webgpu', 'cpu'] or "cuda,cpu". Defaults to DEFAULT_PROVIDERS. */
  executionProviders?: readonly string[] | string;
  modelsDir?: string;
  /** ONNX Runtime threads per session (default: ONNX Runtime's choice, one per core). */
  intraOpNumThreads?: number;
  /** Overrides for the classical segmenter. */
  classical?: Partial<ClassicalConfig>;
  /** Where provider skips and other notes go (default: console.warn). */
  log?: (message: string) => void;
}

function defaultLog(message: string): void {
  console.warn(`[segment] ${message}`);
}

export async function loadSegmenter(options: LoadSegmenterOptions): Promise<Segmenter> {
  if (options.segmenter === 'classical') {
    if (options.model !== undefined || options.ensemble !== undefined) {
      throw new SegmentError('bad-option', 'classical', 'the classical segmenter takes no model or ensemble');
    }
    return new ClassicalSegmenter(options.classical ?? {});
  }
  if (options.segmenter !== 'onnx') {
    throw new SegmentError('bad-option', String(options.segmenter), `unknown segmenter '${String(options.segmenter)}' (use ${SEGMENTER_NAMES.map((n) => `'${n}'`).join(' or ')})`);
  }
  if (options.model !== undefined && options.ensemble !== undefined) {
    throw new SegmentError('bad-option', options.ensemble, 'give either a model or an ensemble, not both');
  }
  let providers: string[];
  try {
    providers = parseProviderList(options.executionProviders ?? DEFAULT_PROVIDERS);
  } catch (err) {
    throw new SegmentError('bad-option', 'executionProviders', (err as Error).message);
  }
  const modelsDir = resolve(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const openOpts: OpenModelOptions = {
    providers,
    log: options.log ?? defaultLog,
    ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  };
  if (options.ensemble !== undefined) return loadEnsemble(options.ensemble, modelsDir, openOpts);

  const files = resolveModelRef(options.model ?? DEFAULT_MODEL_NAME, modelsDir, process.cwd());
  const model = await OnnxModel.open(files, openOpts);
  return new ModelSegmenter({ name: model.name, members: [{ model, weight: 1 }], threshold: model.manifest.threshold });
}

async function loadEnsemble(ref: string, modelsDir: string, openOpts: OpenModelOptions): Promise<Segmenter> {
  const isPath = ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
  const manifestPath = isPath ? resolve(ref) : resolve(modelsDir, 'ensembles', `${ref}.json`);
  const manifest = await readEnsembleManifest(manifestPath);
  const baseDir = ensembleBaseDir(manifestPath);
  const opened: OnnxModel[] = [];
  let providers = openOpts.providers;
  const open = async (modelRef: string, expectedChannels: number): Promise<OnnxModel> => {
    const files = resolveModelRef(modelRef, modelsDir, baseDir);
    let model: OnnxModel;
    try {
      model = await OnnxModel.open(files, { ...openOpts, providers, expectedChannels });
    } catch (err) {
      if (err instanceof SegmentError) {
        throw new SegmentError(err.code, manifestPath, `ensemble '${manifest.name}' model '${modelRef}': ${err.message}`);
      }
      throw err;
    }
    opened.push(model);
    // Later models start at the provider that worked: the skipped ones failed for the machine, not the model.
    providers = providers.slice(Math.max(0, providers.indexOf(model.provider)));
    return model;
  };
  try {
    const members = [];
    for (const m of manifest.members) members.push({ model: await open(m.model, 3), weight: m.weight });
    const fusion = manifest.fusion ? await open(manifest.fusion.model, 3 + members.length) : undefined;
    const scales = [...new Set(opened.map((m) => m.umPerPixel))];
    if (scales.length > 1) {
      throw new SegmentError('bad-manifest', manifestPath,
        `ensemble '${manifest.name}' mixes working scales ${opened.map((m) => `${m.name}=${m.umPerPixel} um/px`).join(', ')}; all models must work at the same one`);
    }
    const threshold = manifest.threshold ?? fusion?.manifest.threshold ?? 0.5;
    return new ModelSegmenter({ name: manifest.name, members, ...(fusion ? { fusion } : {}), threshold });
  } catch (err) {
    for (const m of opened) await m.dispose().catch(() => undefined);
    throw err;
  }
}
