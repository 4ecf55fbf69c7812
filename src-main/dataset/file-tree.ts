// Listing an export folder: every file below it as a relative path with `/`
// separators (the form manifest.json uses on every platform), without
// following links. Files an operating system drops on removable media by
// itself (.DS_Store, Thumbs.db, ...) are kept apart so they never count as
// "extra" files or make a folder look foreign.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SYSTEM_NAMES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', '.Spotlight-V100', '.fseventsd', '.Trashes',
  'System Volume Information', '$RECYCLE.BIN', '.TemporaryItems']);

export function isSystemJunk(relPath: string): boolean {
  return relPath.split('/').some((part) => SYSTEM_NAMES.has(part) || part.startsWith('._') || part.startsWith('.Trash-'));
}

export interface FileTree {
  files: string[];
  /** System files (see isSystemJunk). */
  ignored: string[];
}

export async function listFiles(root: string): Promise<FileTree> {
  const files: string[] = [];
  const ignored: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (isSystemJunk(rel)) ignored.push(rel);
      else if (e.isDirectory()) await walk(join(dir, e.name), rel);
      else files.push(rel);
    }
  };
  await walk(root, '');
  return { files, ignored };
}

/** SHA-256 (hex) of a file, streamed: the hashing runs in chunks between reads. */
export function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => { bytes += chunk.length; hash.update(chunk); })
      .on('error', reject)
      .on('end', () => resolvePromise({ sha256: hash.digest('hex'), bytes }));
  });
}

export function sha256Buffer(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
