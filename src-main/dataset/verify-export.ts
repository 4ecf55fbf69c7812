// `smearlab verify <folder>`: checks every file of a finished export against
// the SHA-256 and size in its manifest.json, and lists missing, damaged and
// extra files. Reads only; never changes the folder.

import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetError } from './dataset-error.ts';
import { MANIFEST_FORMAT, MANIFEST_NAME, JOURNAL_NAME } from './export-target.ts';
import { listFiles, sha256File } from './file-tree.ts';

export interface DamagedFile {
  path: string;
  expectedSha256: string;
  actualSha256: string;
  expectedBytes: number;
  actualBytes: number;
}

export interface VerifyReport {
  folder: string;
  ok: boolean;
  createdAt: string | null;
  appVersion: string | null;
  /** Files the manifest lists. */
  files: number;
  checked: number;
  bytes: number;
  missing: string[];
  damaged: DamagedFile[];
  /** Files in the folder that the manifest does not list. */
  extra: string[];
  /** Files an operating system put there by itself (.DS_Store, Thumbs.db, ...): not counted as extra. */
  ignored: string[];
  message: string;
}

export interface VerifyProgress {
  checked: number;
  total: number;
  bytes: number;
  currentFile: string;
}

interface ManifestFiles {
  format?: unknown;
  createdAt?: unknown;
  app?: { version?: unknown };
  files?: unknown;
}

export async function verifyExport(folder: string, hooks: { onProgress?: (p: VerifyProgress) => void } = {}): Promise<VerifyReport> {
  const root = resolve(folder);
  const found = await stat(root).catch(() => null);
  if (!found) throw new DatasetError('not-an-export', `There is nothing at ${root}: name the folder of an export`, root);
  if (!found.isDirectory()) throw new DatasetError('not-an-export', `${root} is a file, not the folder of an export`, root);
  let text: string;
  try {
    text = await readFile(join(root, MANIFEST_NAME), 'utf8');
  } catch {
    const unfinished = await stat(join(root, JOURNAL_NAME)).then(() => true, () => false);
    throw new DatasetError('not-an-export', unfinished
      ? `${root} holds an export that did not finish (no ${MANIFEST_NAME} yet); run the same export again to complete it`
      : `${root} has no ${MANIFEST_NAME}: it is not a Smearlab export`, root);
  }
  let manifest: ManifestFiles;
  try {
    manifest = JSON.parse(text) as ManifestFiles;
  } catch (err) {
    throw new DatasetError('not-an-export', `${join(root, MANIFEST_NAME)} is not valid JSON (${(err as Error).message}): the manifest itself is damaged`, join(root, MANIFEST_NAME));
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files)) {
    throw new DatasetError('not-an-export', `${join(root, MANIFEST_NAME)} is not a Smearlab export manifest`, join(root, MANIFEST_NAME));
  }
  const listed = new Map<string, { sha256: string; bytes: number }>();
  for (const f of manifest.files as Array<{ path?: unknown; sha256?: unknown; bytes?: unknown }>) {
    if (typeof f.path !== 'string' || typeof f.sha256 !== 'string' || typeof f.bytes !== 'number') {
      throw new DatasetError('not-an-export', `${join(root, MANIFEST_NAME)} has a malformed file entry: ${JSON.stringify(f).slice(0, 200)}`, join(root, MANIFEST_NAME));
    }
    listed.set(f.path, { sha256: f.sha256, bytes: f.bytes });
  }
  const tree = await listFiles(root);
  const present = new Set(tree.files);
  const missing: string[] = [];
  const damaged: DamagedFile[] = [];
  let checked = 0;
  let bytes = 0;
  for (const [path, want] of listed) {
    if (!present.has(path)) {
      missing.push(path);
      continue;
    }
    let actual: { sha256: string; bytes: number };
    try {
      actual = await sha256File(join(root, ...path.split('/')));
    } catch (err) {
      damaged.push({ path, expectedSha256: want.sha256, actualSha256: `unreadable: ${(err as Error).message}`, expectedBytes: want.bytes, actualBytes: -1 });
      continue;
    }
    checked++;
    bytes += actual.bytes;
    if (actual.sha256 !== want.sha256 || actual.bytes !== want.bytes) {
      damaged.push({ path, expectedSha256: want.sha256, actualSha256: actual.sha256, expectedBytes: want.bytes, actualBytes: actual.bytes });
    }
    hooks.onProgress?.({ checked, total: listed.size, bytes, currentFile: path });
  }
  const extra = tree.files.filter((f) => f !== MANIFEST_NAME && !listed.has(f));
  const ok = missing.length === 0 && damaged.length === 0 && extra.length === 0;
  const message = ok
    ? `all ${listed.size} files match their SHA-256 (${bytes} bytes)`
    : [
      missing.length ? `${missing.length} missing` : '',
      damaged.length ? `${damaged.length} damaged` : '',
      extra.length ? `${extra.length} extra` : '',
    ].filter(Boolean).join(', ') + ` of ${listed.size} files`;
  return {
    folder: root, ok, createdAt: typeof manifest.createdAt === 'string' ? manifest.createdAt : null,
    appVersion: typeof manifest.app?.version === 'string' ? manifest.app.version : null,
    files: listed.size, checked, bytes, missing: missing.sort(), damaged, extra, ignored: tree.ignored, message,
  };
}
