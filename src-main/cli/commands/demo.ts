// `smearlab demo`: makes (or reuses) the synthetic demo slide and walks
// through what Smearlab does with it. Each stage is a DemoStep; later stages
// (ingest, stats, ...) append to DEMO_STEPS.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { SyntheticSlide } from '../../../test/fixtures/synthetic-slide.ts';
import { join } from 'node:path';
import { openSlide } from '../../slide/openslide-reader.ts';
import { openStore } from '../../store/index.ts';
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
  fixture: SyntheticSlide;
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
  async run({ io, fixture, dbPath }) {
    const result = await runIngestWithProgress({ slidePath: fixture.mrxsPath, dbPath, segmenter: 'onnx' }, io);
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
  async run({ io, fixture, dbPath }) {
    const { scoreDetections } = await import('../../../test/fixtures/detection-score.ts');
    const store = openStore(dbPath);
    try {
      const slide = store.findSlideByPath(fixture.mrxsPath);
      if (!slide) return;
      const score = scoreDetections(store.listCells(slide.id).map((c) => c.centre), fixture.objects);
      io.out(`  ${score.detections} candidates; recall ${score.recall.toFixed(3)} (${score.targetHits}/${score.targets} cells and clusters), `
        + `precision ${score.precision.toFixed(3)}; counting every cluster member alone, recall ${score.memberRecall.toFixed(3)}, `
        + `precision ${score.objectPrecision.toFixed(3)}`);
    } finally {
      store.close();
    }
  },
};

const nextStep: DemoStep = {
  title: 'Look at it and label cells',
  async run({ io, dbPath }) {
    // The workstation's browser mode serves the built renderer: build it now so the command below just works.
    const rendererBuild = new URL('../../../src-renderer/build.mjs', import.meta.url).href;
    const { buildRenderer } = await import(rendererBuild) as { buildRenderer(options: { quiet?: boolean }): Promise<string> };
    await buildRenderer({ quiet: true });
    io.out(`  node src-main/cli/smearlab.mjs serve --db ${dbPath}`);
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
    'Writes the synthetic demo MIRAX slide once (later runs reuse it), prints',
    'its properties, times Deep Zoom tiles at each level, ingests it with the',
    'default ONNX model into the demo database (.cache/demo/smearlab.db), prints',
    'the stats and scores the detected cells against the slide\'s ground truth.',
    'A second run resumes or skips the ingest.',
  ].join('\n'),
  async run(args, io) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const start = performance.now();
    io.out('Preparing the demo slide...');
    // Loaded on demand: the slide writer lives with the test fixtures, and the
    // other commands must not depend on it.
    const { ensureFixtureSlide, fixtureCacheRoot } = await import('../../../test/fixtures/synthetic-slide.ts');
    const fixture = await ensureFixtureSlide('demo');
    io.out(`  ${fixture.mrxsPath} (${fixture.width} x ${fixture.height} px, ready in ${((performance.now() - start) / 1000).toFixed(1)} s)`);
    const registry = new SlideRegistry(openSlide);
    const dbPath = join(fixtureCacheRoot(), '..', 'demo', 'smearlab.db');
    try {
      const slide = await registry.openPath(fixture.mrxsPath);
      const context: DemoContext = { io, fixture, registry, slide, dbPath };
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
