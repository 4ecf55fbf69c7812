// Builds the renderer into dist/renderer/: index.html, app.js, app.css. One
// bundled script loaded from a file (no inline script or style), so the page
// runs under a strict `script-src 'self'` CSP in Electron and browser mode.
// Use: node src-renderer/build.mjs [--dev] [--test-hooks] [--out DIR]; or import buildRenderer.
// Test hooks (window.smearlabDebug, debug-hooks.ts) are compiled in for dev
// and test builds only: production builds define SMEARLAB_TEST_HOOKS false and
// esbuild drops the hooks as dead code.

import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..');
export const DEFAULT_RENDERER_OUT = join(REPO_ROOT, 'dist', 'renderer');

/**
 * Bundles the renderer. Returns the output folder.
 * @param {{ outDir?: string, dev?: boolean, testHooks?: boolean, quiet?: boolean }} [options]
 *   testHooks: include window.smearlabDebug (default: dev)
 */
export async function buildRenderer(options = {}) {
  const outDir = resolve(options.outDir ?? DEFAULT_RENDERER_OUT);
  const dev = options.dev ?? false;
  const testHooks = options.testHooks ?? dev;
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(HERE, 'main.tsx') },
    bundle: true,
    outdir: outDir,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'), SMEARLAB_TEST_HOOKS: JSON.stringify(testHooks) },
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  await copyFile(join(HERE, 'index.html'), join(outDir, 'index.html'));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
  buildRenderer({ dev: args.includes('--dev'), testHooks: args.includes('--test-hooks') || undefined, outDir }).then(
    (dir) => console.log(`renderer built in ${dir}`),
    (error) => {
      console.error(`renderer build failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
