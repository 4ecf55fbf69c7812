// `smearlab serve`: browser mode. The local server (127.0.0.1 + per-run
// token) with the contract, events, tiles, crops and the built renderer,
// until Ctrl+C. Slides named on the command line join the library (ingested
// in the background when they are new).

import { parseArgs } from 'node:util';
import { SmearlabError } from '../../domain/errors.ts';
import { TILE_FORMATS, isTileFormat } from '../../domain/tile-format.ts';
import { startBrowserMode } from '../../server/browser-mode.ts';
import type { BrowserMode } from '../../server/browser-mode.ts';
import type { IngestStarted, SlideListEntry } from '../../api/views.ts';
import { CliError, CliUsageError, integerOption, segmenterOption } from '../command.ts';
import type { CliCommand, CliIo } from '../command.ts';

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Opens the scan for tiles and says where it stands in the library; with ingest, a new scan is ingested in the background. */
async function addSlide(mode: BrowserMode, path: string, ingest: boolean, io: CliIo): Promise<void> {
  const slide = await mode.runtime.registry.openPath(path);
  io.out(`  ${slide.name}  ${mode.server.baseUrl}slides/${slide.id}.dzi`);
  const library = await mode.runtime.invoke('listSlides', {});
  const known = library.ok ? (library.value as SlideListEntry[]).find((entry) => entry.path === slide.reader.info.path) : undefined;
  if (known && known.slices.total > 0) {
    io.out(`    in the library as ${known.smearId}: ${known.counts.labelled} of ${known.counts.total} cells labelled`);
  } else if (ingest) {
    const result = await mode.runtime.invoke('startIngest', { path });
    io.out(`    ${result.ok ? (result.value as IngestStarted).message : `not ingested: ${result.error.message}`}`);
  } else {
    io.out('    not ingested yet: start the ingest from the library, or pass --ingest');
  }
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Browser mode: the review workstation on 127.0.0.1 (API, tiles, renderer)',
  usage: [
    'Usage: smearlab serve [--db PATH] [--port N] [--annotator NAME] [--slide PATH ...] [--ingest] [PATH ...]',
    '',
    'Starts the local server on 127.0.0.1 and prints the app URL, which carries',
    'a fresh secret token: only someone who sees that URL can use the server.',
    'Open it in a browser (the renderer must be built: npm run build:renderer,',
    'or use npm run dev). Stop with Ctrl+C.',
    '',
    '  --db PATH          database file (default: your user data folder)',
    '  --port N           port to listen on (default: any free port)',
    '  --annotator NAME   annotator chosen at startup (created on first use)',
    '  --slide PATH       open this scan (repeatable; bare paths work too); its DZI URL is printed',
    '  --ingest           ingest the scans given with --slide that are not in the library yet',
    '  --segmenter S      onnx (default) or classical, for ingests started here',
    '  --model NAME|PATH  ONNX model for ingests started here',
    '  --renderer DIR     built renderer folder (default dist/renderer)',
    '  --format F         tile format named in the DZI: jpeg (default) or webp',
    '  --quality Q        JPEG / WebP tile quality 1-100 (default 80)',
    '  --cache-mb N       memory for encoded tiles in MiB (default 64)',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        annotator: { type: 'string' },
        slide: { type: 'string', multiple: true },
        ingest: { type: 'boolean' },
        segmenter: { type: 'string' },
        model: { type: 'string' },
        renderer: { type: 'string' },
        format: { type: 'string' },
        quality: { type: 'string' },
        'cache-mb': { type: 'string' },
      },
    });
    const port = integerOption('port', values.port, 0, 65535) ?? 0;
    const quality = integerOption('quality', values.quality, 1, 100);
    const cacheMb = integerOption('cache-mb', values['cache-mb'], 0, 1 << 20);
    const format = values.format ?? 'jpeg';
    if (!isTileFormat(format)) throw new CliUsageError(`--format must be ${TILE_FORMATS.join(' or ')}, got "${format}"`);
    const segmenter = segmenterOption(values.segmenter);
    const annotator = values.annotator?.trim();
    if (annotator !== undefined && (annotator.length === 0 || annotator.length > 64)) {
      throw new CliUsageError('--annotator must be a name of 1 to 64 characters');
    }
    const paths = [...(values.slide ?? []), ...positionals];

    const mode = await startBrowserMode({
      featuresAfterIngest: true,
      dbPath: values.db,
      port,
      rendererDir: values.renderer,
      annotatorName: annotator,
      ingestDefaults: {
        ...(segmenter ? { segmenter } : {}),
        ...(values.model ? { model: values.model } : {}),
      },
      tileOptions: {
        format,
        jpegQuality: quality,
        webpQuality: quality,
        cacheBytes: cacheMb === undefined ? undefined : cacheMb * 1024 * 1024,
      },
      log: (message) => io.err(message),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new CliError(`Port ${port} is already in use on 127.0.0.1; pick another with --port`);
      if (error.code === 'EACCES') throw new CliError(`Not allowed to listen on port ${port}; pick one above 1023`);
      // The database could not be opened (a folder, locked, not SQLite): the message says which and why.
      if (error instanceof SmearlabError) throw new CliError(error.message);
      throw error;
    });
    try {
      io.out(`Smearlab server on ${mode.server.baseUrl}`);
      io.out(`  app           ${mode.appUrl}`);
      io.out(`  database      ${mode.store.path}`);
      io.out(`  slides list   ${mode.server.baseUrl}slides`);
      for (const path of paths) {
        await addSlide(mode, path, values.ingest ?? false, io).catch((error: Error) => {
          throw new CliError(`cannot open ${path}: ${error.message}`);
        });
      }
      io.out('Open the app URL in a browser. Press Ctrl+C to stop.');
      const signal = await waitForStopSignal();
      if (io.verbose) io.err(`received ${signal}, closing`);
    } finally {
      await mode.close();
    }
    io.out('Server stopped.');
  },
};
