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
import { openSlide } from '../../slide/openslide-reader.ts';
import { defaultDatabasePath, openStore } from '../../store/index.ts';
import { SlideRegistry } from '../../slide/slide-registry.ts';
import type { RegisteredSlide } from '../../slide/slide-registry.ts';
import { TileService } from '../../slide/tile-service.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { describeSlide } from '../slide-summary.ts';
import { describeIngestResult, runIngestWithProgress } from './ingest.ts';
import { statsCommand } from './stats.ts';
import { timeTilesPerLevel } from '../tile-timing.ts';

export interface DemoContext {
  io: CliIo;
  demoSlide: SyntheticSlide;
  registry: SlideRegistry;
  slide: RegisteredSlide;
  /** The demo's own database, so the demo never touches the user's library. */
  dbPath: string;
}

export interface DemoStep {
  title: string;
  run(context: DemoContext): Promise<void>;
}

const describeStep: DemoStep = {
  title: 'The slide as OpenSlide reads it',
  async run({ io, slide }) {
    for (const line of describeSlide(slide.reader.info, false)) io.out(line);
  },
};

const tilesStep: DemoStep = {
  title: 'Deep Zoom tiles, cold (no tile cache), one at a time',
  async run({ io, registry, slide }) {
    const service = new TileService(registry, { cacheBytes: 0 });
    const geometry = service.geometry(slide);
    io.out(`  ${geometry.levels.length} Deep Zoom levels, ${geometry.tileSize} px tiles + ${geometry.overlap} px overlap, JPEG`);
    io.out('  DZ level  size             from level  tiles  median ms  max ms  mean KB');
    for (const t of await timeTilesPerLevel(service, slide, 6, 8)) {
      io.out(`  ${String(t.dzLevel).padStart(8)}  ${`${t.width} x ${t.height}`.padEnd(15)}  ${String(t.slideLevel).padStart(10)}  `
        + `${String(t.tiles).padStart(5)}  ${t.medianMs.toFixed(1).padStart(9)}  ${t.maxMs.toFixed(1).padStart(6)}  ${t.meanKb.toFixed(1).padStart(7)}`);
    }
  },
};

const ingestStep: DemoStep = {
  title: 'Ingest: field of view, 2,000 px slices, ONNX segmentation, cell extraction (resumable job)',
  async run({ io, demoSlide, dbPath }) {
    const result = await runIngestWithProgress({ slidePath: demoSlide.mrxsPath, dbPath, segmenter: 'onnx' }, io);
    for (const line of describeIngestResult(result)) io.out(line);
  },
};

const statsStep: DemoStep = {
  title: 'What the database holds (smearlab stats)',
  async run({ io, dbPath }) {
    await statsCommand.run(['--db', dbPath], io);
  },
};

const scoreStep: DemoStep = {
  title: 'Detected cells against the demo slide\'s ground truth',
  async run({ io, demoSlide, dbPath }) {
    const store = openStore(dbPath);
    try {
      const slide = store.findSlideByPath(demoSlide.mrxsPath);
      if (!slide) return;
      const score = scoreDetections(store.listCells(slide.id).map((c) => c.centre), demoSlide.objects);
      io.out(`  ${score.detections} candidates; recall ${score.recall.toFixed(3)} (${score.targetHits}/${score.targets} cells and clusters), `
        + `precision ${score.precision.toFixed(3)}; counting every cluster member alone, recall ${score.memberRecall.toFixed(3)}, `
        + `precision ${score.objectPrecision.toFixed(3)}`);
    } finally {
      store.close();
    }
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
    const registry = new SlideRegistry(openSlide);
    const dbPath = join(demoFolder, 'demo.db');
    try {
      const slide = await registry.openPath(demoSlide.mrxsPath);
      const context: DemoContext = { io, demoSlide, registry, slide, dbPath };
      for (const [i, step] of DEMO_STEPS.entries()) {
        io.out('');
        io.out(`${i + 1}. ${step.title}`);
        await step.run(context);
      }
    } finally {
      registry.closeAll();
    }
  },
};
