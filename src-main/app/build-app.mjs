// `npm run build`: everything the packaged app loads, all plain JavaScript
// (no tsx, no TypeScript at run time), in dist/:
//   dist/renderer/              the React app (src-renderer/build.mjs)
//   dist/preload/preload.cjs    the sandboxed preload, bundled whole (a sandboxed
//                               preload can require only 'electron')
//   dist/main/main.mjs          the Electron main process (package.json "main")
//   dist/main/cli.mjs           the `smearlab` command
//   dist/main/<job>-worker.mjs  one entry per worker-thread job (src-main/jobs/)
//   dist/main/chunk-*.mjs       code the entries share
// Native modules stay external (electron-builder unpacks them from the asar).
// Everything in dist/main sits two folders below the app root, as the
// sources do: src-main/files/app-layout.ts relies on it.
// Use: node src-main/app/build-app.mjs [--dev]

import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer } from '../../src-renderer/build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST_DIR = join(ROOT, 'dist');
export const PRELOAD_OUT = join(DIST_DIR, 'preload', 'preload.cjs');
export const MAIN_DIR = join(DIST_DIR, 'main');
export const MAIN_OUT = join(MAIN_DIR, 'main.mjs');
export const CLI_OUT = join(MAIN_DIR, 'cli.mjs');

/** Loaded by Node itself, never bundled: native code, and Electron. */
export const EXTERNAL_MODULES = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node'];

const MAIN_ENTRIES = {
  main: 'src-main/app/main.ts',
  cli: 'src-main/cli/cli-entry.ts',
  'ingest-worker': 'src-main/pipeline/ingest/ingest-worker.ts',
  // Started by the ingest worker: one more lane of slices (pipeline/ingest/slice-lanes.ts).
  'slice-worker': 'src-main/pipeline/ingest/slice-worker.ts',
  'export-worker': 'src-main/dataset/export-worker.ts',
  'demo-slide-worker': 'src-main/demo/demo-slide-worker.ts',
  'assist-worker': 'src-main/assist/assist-worker.ts',
};

export async function buildPreload(options = {}) {
  await build({
    entryPoints: [join(ROOT, 'src-preload', 'preload.ts')],
    outfile: options.outfile ?? PRELOAD_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['chrome120'],
    external: ['electron'],
    minify: !options.dev,
    sourcemap: options.dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  return options.outfile ?? PRELOAD_OUT;
}

/** Main process, CLI and workers: ESM with shared chunks. */
export async function buildMain(options = {}) {
  await rm(MAIN_DIR, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(MAIN_ENTRIES).map(([name, path]) => [name, join(ROOT, path)])),
    outdir: MAIN_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    external: EXTERNAL_MODULES,
    define: { SMEARLAB_BUNDLED: 'true' },
    // Bundled CommonJS dependencies may call require() for Node built-ins.
    banner: { js: "import { createRequire as __smearlabRequire } from 'node:module'; const require = __smearlabRequire(import.meta.url);" },
    // Error classes keep their names in messages and logs.
    keepNames: true,
    minifySyntax: !options.dev,
    minifyWhitespace: !options.dev,
    sourcemap: options.dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  return MAIN_DIR;
}

export async function buildApp(options = {}) {
  const [renderer, preload, main] = await Promise.all([buildRenderer(options), buildPreload(options), buildMain(options)]);
  return { renderer, preload, main };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dev = process.argv.includes('--dev');
  buildApp({ dev }).then(
    ({ renderer, preload, main }) => console.log(`built ${renderer}, ${preload}, ${main}`),
    (error) => {
      console.error(`build failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
