// `smearlab demo`: makes (or reuses) the synthetic demo slide and walks
// through what Smearlab does with it. Each stage is a DemoStep; later stages
// (ingest, stats, ...) append to DEMO_STEPS.

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { demoFolderFor, ensureDemoSlide } from '../../demo/demo-slide.ts';
import { scoreDetections } from '../../demo/detection-score.ts';
import type { SyntheticSlide } from '../../demo/synthetic-slide.ts';
import { RENDERER_DIR, appPath } from '../../files/app-layout.ts';
import { defaultDatabasePath } from '../../runtime/local-runtime.ts';
import { timeColdTiles } from '../../runtime/tile-timing.ts';
import type { CliApi } from '../cli-api.ts';
import { withCliApi } from '../cli-api.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { describeSlide } from '../slide-summary.ts';
import { INGEST_FLAGS, ingestLogFilter, ingestWithProgress } from './ingest.ts';
import { printStats } from './stats.ts';

export interface DemoContext {
  io: CliIo;
  demoSlide: SyntheticSlide;
  /** The contract, on the demo's own database, so the demo never touches the user's library. */
  api: CliApi;
  dbPath: string;
}

export interface DemoStep {
  title: string;
  run(context: DemoContext): Promise<void>;
}

const describeStep: DemoStep = {
  title: 'The slide as OpenSlide reads it',
  async run({ io, api, demoSlide }) {
    for (const line of describeSlide(await api.call('slideInfo', { path: demoSlide.mrxsPath }), false)) io.out(line);
  },
};

const tilesStep: DemoStep = {
  title: 'Deep Zoom tiles, cold (no tile cache), one at a time',
  async run({ io, api, demoSlide }) {
    const cold = await timeColdTiles(api.local.tiles.registry, demoSlide.mrxsPath, 6, 8);
    io.out(`  ${cold.levels} Deep Zoom levels, ${cold.tileSize} px tiles + ${cold.overlap} px overlap, JPEG`);
    io.out('  DZ level  size             from level  tiles  median ms  max ms  mean KB');
    for (const t of cold.timings) {
      io.out(`  ${String(t.dzLevel).padStart(8)}  ${`${t.width} x ${t.height}`.padEnd(15)}  ${String(t.slideLevel).padStart(10)}  `
        + `${String(t.tiles).padStart(5)}  ${t.medianMs.toFixed(1).padStart(9)}  ${t.maxMs.toFixed(1).padStart(6)}  ${t.meanKb.toFixed(1).padStart(7)}`);
    }
  },
};

const ingestStep: DemoStep = {
  title: 'Ingest: field of view, 2,000 px slices, ONNX segmentation, cell extraction (resumable job)',
  async run({ io, api, demoSlide }) {
    const { lines } = await ingestWithProgress(api, io, { path: demoSlide.mrxsPath, segmenter: 'onnx' });
    for (const line of lines) io.out(line);
  },
};

const statsStep: DemoStep = {
  title: 'What the database holds (smearlab stats)',
  async run({ io, api }) {
    await printStats(api, io, false);
  },
};

const scoreStep: DemoStep = {
  title: 'Detected cells against the demo slide\'s ground truth',
  async run({ io, api, demoSlide }) {
    const slide = (await api.call('listSlides', {})).find((s) => s.path === demoSlide.mrxsPath);
    if (!slide) return;
    const { count, centres } = await api.call('cellMarkers', { slideId: slide.id });
    const detections = Array.from({ length: count }, (_, i) => ({ x: centres[2 * i] ?? 0, y: centres[2 * i + 1] ?? 0 }));
    const score = scoreDetections(detections, demoSlide.objects);
    io.out(`  ${score.detections} candidates; recall ${score.recall.toFixed(3)} (${score.targetHits}/${score.targets} cells and clusters), `
      + `precision ${score.precision.toFixed(3)}; counting every cluster member alone, recall ${score.memberRecall.toFixed(3)}, `
      + `precision ${score.objectPrecision.toFixed(3)}`);
  },
};

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/**
 * Browser mode serves the built renderer. An installed app ships it built;
 * in a source checkout without dist/renderer, build it now (development only:
 * the build script is not packaged).
 */
async function ensureRendererBuilt(): Promise<void> {
  if (await exists(join(RENDERER_DIR, 'index.html'))) return;
  const buildScript = appPath('src-renderer', 'build.mjs');
  if (!(await exists(buildScript))) return;
  const { buildRenderer } = await import(pathToFileURL(buildScript).href) as { buildRenderer(options: { quiet?: boolean }): Promise<string> };
  await buildRenderer({ quiet: true });
}

const nextStep: DemoStep = {
  title: 'Look at it and label cells',
  async run({ io, dbPath }) {
    await ensureRendererBuilt();
    io.out(`  smearlab serve --db ${dbPath}`);
    io.out('  then open the printed URL in a browser (or run the desktop app: npm run build && electron .)');
  },
};

export const DEMO_STEPS: DemoStep[] = [describeStep, tilesStep, ingestStep, statsStep, scoreStep, nextStep];

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Write (or reuse) the synthetic demo slide and show what Smearlab does with it',
  usage: [
    'Usage: smearlab demo',
    '',
    'Writes the synthetic demo MIRAX slide once into demo/ beside the user\'s',
    'database (later runs reuse it), prints its properties, times Deep Zoom tiles',
    'at each level, ingests it with the default ONNX model into the demo\'s own',
    'database (demo/demo.db there), prints the stats and scores the detected',
    'cells against the slide\'s ground truth.',
    'A second run resumes or skips the ingest.',
  ].join('\n'),
  async run(args, io) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const start = performance.now();
    io.out('Preparing the demo slide...');
    const demoFolder = demoFolderFor(defaultDatabasePath());
    const demoSlide = await ensureDemoSlide(demoFolder);
    io.out(`  ${demoSlide.mrxsPath} (${demoSlide.width} x ${demoSlide.height} px, ready in ${((performance.now() - start) / 1000).toFixed(1)} s)`);
    const dbPath = join(demoFolder, 'demo.db');
    await withCliApi({ dbPath, demoFolder, flags: INGEST_FLAGS, log: ingestLogFilter(io) }, async (api) => {
      const context: DemoContext = { io, demoSlide, api, dbPath };
      for (const [i, step] of DEMO_STEPS.entries()) {
        io.out('');
        io.out(`${i + 1}. ${step.title}`);
        await step.run(context);
      }
    });
  },
};
