// `smearlab demo`: makes (or reuses) the synthetic demo slide and walks
// through what Smearlab does with it. Each stage is a DemoStep; later stages
// (ingest, stats, ...) append to DEMO_STEPS.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { SyntheticSlide } from '../../../test/fixtures/synthetic-slide.ts';
import { openSlide } from '../../slide/openslide-reader.ts';
import { SlideRegistry } from '../../slide/slide-registry.ts';
import type { RegisteredSlide } from '../../slide/slide-registry.ts';
import { TileService } from '../../slide/tile-service.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { describeSlide } from '../slide-summary.ts';
import { timeTilesPerLevel } from '../tile-timing.ts';

export interface DemoContext {
  io: CliIo;
  fixture: SyntheticSlide;
  registry: SlideRegistry;
  slide: RegisteredSlide;
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

const nextStep: DemoStep = {
  title: 'Look at it',
  async run({ io, fixture }) {
    io.out(`  smearlab serve --slide ${fixture.mrxsPath}`);
    io.out('  then open the printed .dzi URL in an OpenSeadragon viewer');
  },
};

export const DEMO_STEPS: DemoStep[] = [describeStep, tilesStep, nextStep];

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Write (or reuse) the synthetic demo slide and show what Smearlab does with it',
  usage: [
    'Usage: smearlab demo',
    '',
    'Writes the synthetic demo MIRAX slide once (later runs reuse it), prints',
    'its properties and times Deep Zoom tiles at each level.',
  ].join('\n'),
  async run(args, io) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const start = performance.now();
    io.out('Preparing the demo slide...');
    // Loaded on demand: the slide writer lives with the test fixtures, and the
    // other commands must not depend on it.
    const { ensureFixtureSlide } = await import('../../../test/fixtures/synthetic-slide.ts');
    const fixture = await ensureFixtureSlide('demo');
    io.out(`  ${fixture.mrxsPath} (${fixture.width} x ${fixture.height} px, ready in ${((performance.now() - start) / 1000).toFixed(1)} s)`);
    const registry = new SlideRegistry(openSlide);
    try {
      const slide = await registry.openPath(fixture.mrxsPath);
      const context: DemoContext = { io, fixture, registry, slide };
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
