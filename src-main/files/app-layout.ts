// Where Smearlab's own files are (package.json, models, the native binding,
// the built renderer), the same way in three layouts:
//   source:    <root>/src-main/files/app-layout.ts (tsx, tests, `npm run demo`)
//   bundled:   <root>/dist/main/<entry or chunk>.mjs (`npm run build`)
//   packaged:  <resources>/app.asar/dist/main/... (Electron; native code and
//              models sit in app.asar.unpacked beside it)
// This module and every bundle sit two folders below the root, so one
// relative URL serves all three. Nothing else may resolve paths against its
// own import.meta.url: after bundling, that is the bundle's URL.
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const ASAR_SEGMENT = `${sep}app.asar${sep}`;
const UNPACKED_SEGMENT = `${sep}app.asar.unpacked${sep}`;

/**
 * The on-disk path of a file electron-builder unpacked from the asar archive
 * (asarUnpack): native libraries such as ONNX Runtime open files themselves
 * and cannot read inside the archive. Unchanged outside a package.
 */
export function unpackedPath(path: string): string {
  if (!path.includes(ASAR_SEGMENT)) return path;
  const unpacked = path.replace(ASAR_SEGMENT, UNPACKED_SEGMENT);
  return existsSync(unpacked) ? unpacked : path;
}

/** A path under the app root, e.g. appPath('models'). */
export function appPath(...segments: string[]): string {
  return join(APP_ROOT, ...segments);
}

/** Shipped models: opened by ONNX Runtime, so the unpacked copy. */
export const MODELS_DIR = unpackedPath(appPath('models'));

/** The OpenSlide binding, built by `npm run setup` (node-gyp). */
export const OPENSLIDE_BINDING_PATH = unpackedPath(appPath('native', 'build', 'Release', 'openslide_binding.node'));

/** The built renderer (`npm run build:renderer`). */
export const RENDERER_DIR = appPath('dist', 'renderer');

/** The sandboxed preload script (`npm run build`). */
export const PRELOAD_PATH = appPath('dist', 'preload', 'preload.cjs');

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(appPath('package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Smearlab's version from package.json ('unknown' if it cannot be read). */
export const APP_VERSION: string = readVersion();
