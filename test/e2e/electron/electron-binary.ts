// Finds the Electron binary the way node_modules/electron/index.js does, but
// without running that file: when the binary is missing it tries to download
// it, which must never happen from a test (these machines are offline).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ELECTRON_MISSING = 'Electron binary not installed';

/** The executable, or null when the package's download never happened. */
export function electronExecutable(): string | null {
  const packageDir = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}
