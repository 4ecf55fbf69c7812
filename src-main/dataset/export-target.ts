// The export folder on a USB stick or network share, written safely: each
// file goes to a temporary name in its own folder, is synced, then renamed,
// so a file under its final name is always complete. A journal of what was
// written (path, SHA-256, and the inputs it was made from) lets a re-run skip
// every file whose checksum still matches; manifest.json is written last and
// removed at the start of a run, so its presence means a finished export.
// Folders are created one level at a time below a root whose identity (device
// and inode) is checked, so a stick pulled mid-export is reported as gone
// instead of its mount point silently filling the local disk.

import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TEMP_MARK, writeChunksAtomic, writeFileAtomic } from '../files/atomic-write.ts';
import { isProcessAlive } from '../store/job-repository.ts';
import { DatasetError, targetWriteError } from './dataset-error.ts';
import { listFiles, sha256File } from './file-tree.ts';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'smearlab-dataset-export';
export const JOURNAL_NAME = '.smearlab-export-journal.jsonl';
export const LOCK_NAME = '.smearlab-export.lock';
/** Size of the write-speed probe: enough to get past caches' first burst, small for a slow stick (2 s at 4 MB/s). */
export const SPEED_PROBE_BYTES = 8 * 1024 * 1024;
const MIN_PROBE_BYTES = 256 * 1024;

export interface WrittenFile {
  /** Relative to the export root, `/` separators. */
  path: string;
  sha256: string;
  bytes: number;
  /** Digest of the inputs an image was made from; null for text (compared by content). */
  key: string | null;
}

export interface TargetOptions {
  fsync: boolean;
  /** Benchmarks only: pretend the target writes this many bytes per second (one device, writes queue). */
  throttleBytesPerSecond?: number;
}

export class ExportTarget {
  readonly root: string;
  /** Files of an earlier run (old manifest + journal) that still exist. */
  readonly previous: Map<string, WrittenFile>;
  readonly existing: Set<string>;
  readonly #fsync: boolean;
  readonly #throttle: number | null;
  #deviceFreeAt = 0;
  readonly #identity: { dev: number; ino: number };
  readonly #dirs = new Set<string>(['']);
  #journalLines: string[] = [];
  #journalFlushing = false;
  #journalChain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(root: string, identity: { dev: number; ino: number }, previous: Map<string, WrittenFile>,
    existing: Set<string>, options: TargetOptions) {
    this.root = root;
    this.#identity = identity;
    this.previous = previous;
    this.existing = existing;
    this.#fsync = options.fsync;
    this.#throttle = options.throttleBytesPerSecond ?? null;
  }

  /** Opens (creating) the folder, takes the lock, drops a stale manifest and temporary files of a killed run. */
  static async open(folder: string, options: TargetOptions): Promise<ExportTarget> {
    const root = resolve(folder);
    const parent = dirname(root);
    try {
      if (!(await stat(parent)).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new DatasetError('target-missing', `the folder ${parent} does not exist (is the USB stick or share mounted?); the export folder is created only inside an existing folder`, parent);
    }
    try {
      await mkdir(root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw targetWriteError(err, root, false);
    }
    const st = await stat(root);
    if (!st.isDirectory()) throw new DatasetError('target-not-empty', `${root} is a file, not a folder`, root);
    const tree = await listFiles(root);
    const ours = tree.files.includes(MANIFEST_NAME) || tree.files.includes(JOURNAL_NAME) || tree.files.includes(LOCK_NAME);
    if (tree.files.length > 0 && !ours) {
      throw new DatasetError('target-not-empty',
        `${root} already holds ${tree.files.length} files that are not a Smearlab export; choose an empty folder (or a previous export to update it)`, root);
    }
    await takeLock(root);
    const previous = await loadPrevious(root, new Set(tree.files));
    const target = new ExportTarget(root, { dev: st.dev, ino: st.ino }, previous, new Set(tree.files), options);
    try {
      // A partial export must never carry the manifest of an earlier one.
      if (tree.files.includes(MANIFEST_NAME)) await unlink(join(root, MANIFEST_NAME));
      for (const rel of tree.files) {
        if (basename(rel).includes(TEMP_MARK)) {
          await unlink(join(root, rel));
          target.existing.delete(rel);
        }
      }
      target.existing.delete(MANIFEST_NAME);
      // Compact the journal to what still holds.
      const lines = [...previous.values()].map((f) => JSON.stringify(f));
      await writeFileAtomic(join(root, JOURNAL_NAME), lines.length ? `${lines.join('\n')}\n` : '');
    } catch (err) {
      await releaseLock(root);
      throw err instanceof DatasetError ? err : targetWriteError(err, root, false);
    }
    return target;
  }

  abs(rel: string): string {
    return join(this.root, ...rel.split('/'));
  }

  /** True while the root is still the folder opened (not removed, not replaced by an empty mount point). */
  async rootIntact(): Promise<boolean> {
    try {
      const st = await stat(this.root);
      return st.dev === this.#identity.dev && st.ino === this.#identity.ino;
    } catch {
      return false;
    }
  }

  /**
   * The earlier run's record of rel when the file on disk still has its
   * checksum: for images, when it was made from the same inputs (key); for
   * text, when its content is the same (sha256).
   */
  async unchanged(rel: string, expected: { key: string } | { sha256: string }): Promise<WrittenFile | null> {
    if (!this.existing.has(rel)) return null;
    const before = this.previous.get(rel);
    if ('key' in expected && (!before || before.key !== expected.key)) return null;
    let actual: { sha256: string; bytes: number };
    try {
      actual = await sha256File(this.abs(rel));
    } catch {
      return null;
    }
    const want = 'key' in expected ? before?.sha256 : expected.sha256;
    if (actual.sha256 !== want) return null;
    const file: WrittenFile = { path: rel, sha256: actual.sha256, bytes: actual.bytes, key: 'key' in expected ? expected.key : null };
    if (!before || before.sha256 !== file.sha256 || before.key !== file.key) this.#record(file);
    return file;
  }

  /** Writes rel atomically (temp name, optional fsync, rename) and journals it. */
  async write(rel: string, data: Buffer | string, key: string | null): Promise<WrittenFile> {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.writeStream(rel, [buffer], key);
  }

  /**
   * Like write, for data that arrives in pieces (an encoder's output): each piece goes to the
   * device as it comes and is hashed on the way, so the file is never held whole.
   */
  async writeStream(rel: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, key: string | null): Promise<WrittenFile> {
    const abs = this.abs(rel);
    await this.#ensureDir(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
    const hash = createHash('sha256');
    let bytes = 0;
    const throttled = (n: number) => this.#throttled(n);
    async function* hashed(): AsyncIterable<Buffer> {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        await throttled(chunk.length);
        yield chunk;
      }
    }
    try {
      await writeChunksAtomic(abs, hashed(), { fsync: this.#fsync });
    } catch (err) {
      throw targetWriteError(err, abs, !(await this.rootIntact()));
    }
    this.existing.add(rel);
    const file: WrittenFile = { path: rel, sha256: hash.digest('hex'), bytes, key };
    if (rel !== MANIFEST_NAME) this.#record(file);
    return file;
  }

  /**
   * Bytes per second this target takes, measured once by writing a probe file the way every
   * file is written (temporary name, fsync when on) and removing it. What an automatic PNG
   * level is chosen from: fast disks get fast encoding, slow sticks small files.
   */
  async measureWriteSpeed(maxBytes = SPEED_PROBE_BYTES): Promise<number> {
    const probe = join(this.root, `.speed-probe${TEMP_MARK}${process.pid}`);
    // Never more than an eighth of the room left: the export's files need it.
    const free = await this.freeBytes();
    const bytes = Math.floor(Math.min(maxBytes, free / 8));
    if (bytes < MIN_PROBE_BYTES) throw new Error(`only ${Math.round(free / 1024)} KiB free`);
    // Incompressible, so a compressing file system cannot flatter the figure.
    const data = randomBytes(bytes);
    const started = performance.now();
    try {
      await this.#throttled(bytes);
      await writeFileAtomic(probe, data, { fsync: this.#fsync });
    } catch (err) {
      throw targetWriteError(err, probe, !(await this.rootIntact()));
    } finally {
      await unlink(probe).catch(() => undefined);
    }
    return bytes / Math.max(1e-6, (performance.now() - started) / 1000);
  }

  /** Bytes this process may still write under the root; Infinity when the file system does not say. */
  async freeBytes(): Promise<number> {
    return statfs(this.root).then((s) => s.bavail * s.bsize, () => Infinity);
  }

  /** Benchmarks only: waits as a device of the throttled speed would (one device, writes queue). */
  async #throttled(bytes: number): Promise<void> {
    if (!this.#throttle) return;
    const now = performance.now();
    this.#deviceFreeAt = Math.max(now, this.#deviceFreeAt) + (bytes / this.#throttle) * 1000;
    await new Promise((r) => setTimeout(r, this.#deviceFreeAt - now));
  }

  async remove(rel: string): Promise<void> {
    try {
      await unlink(this.abs(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw targetWriteError(err, this.abs(rel), !(await this.rootIntact()));
    }
    this.existing.delete(rel);
    this.previous.delete(rel);
  }

  /** Writes the journal lines still buffered (a lost batch only means those files are made again on resume). */
  flushJournal(): Promise<void> {
    if (this.#journalLines.length === 0) return this.#journalChain;
    const batch = this.#journalLines;
    const text = `${batch.join('\n')}\n`;
    this.#journalLines = [];
    this.#journalFlushing = true;
    let failed = false;
    this.#journalChain = this.#journalChain.catch(() => undefined).then(async () => {
      const handle = await open(join(this.root, JOURNAL_NAME), 'a');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
    }).catch((err: unknown) => {
      // Kept for the next flush (the last one runs when the export ends): a full disk often has
      // room again once the failed file's temporary is gone, and every journaled file is kept on resume.
      failed = true;
      this.#journalLines = [...batch, ...this.#journalLines];
      throw err;
    }).finally(() => {
      this.#journalFlushing = false;
      // Lines recorded while this append ran go out in the next one.
      if (!failed && this.#journalLines.length > 0 && !this.#closed) void this.flushJournal().catch(() => undefined);
    });
    return this.#journalChain;
  }

  /** Ends the run: on success the journal goes (the manifest now lists every file); the lock always goes. */
  async close(success: boolean): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (success) {
        await this.#journalChain.catch(() => undefined);
        await rm(join(this.root, JOURNAL_NAME), { force: true });
      } else {
        await this.#journalChain.catch(() => undefined);
        await this.flushJournal().catch(() => undefined);
        // Files whose journal line could not be written (a full disk) would be made again on
        // resume anyway: removing them keeps "on disk" and "journaled" the same, and frees room.
        const unjournaled = this.#journalLines.map((line) => (JSON.parse(line) as WrittenFile).path);
        this.#journalLines = [];
        for (const rel of unjournaled) await unlink(this.abs(rel)).catch(() => undefined);
      }
    } finally {
      await releaseLock(this.root);
    }
  }

  #record(file: WrittenFile): void {
    this.previous.set(file.path, file);
    this.#journalLines.push(JSON.stringify(file));
    // One append in flight at a time: lines recorded meanwhile are batched into the next. A lost
    // batch (killed process, full disk) only means those files are made again on resume.
    if (!this.#journalFlushing) void this.flushJournal().catch(() => undefined);
  }

  async #ensureDir(relDir: string): Promise<void> {
    if (this.#dirs.has(relDir)) return;
    const parts = relDir.split('/');
    let rel = '';
    for (const part of parts) {
      rel = rel ? `${rel}/${part}` : part;
      if (this.#dirs.has(rel)) continue;
      // Never recreate a vanished root: that would write onto whatever is mounted there now.
      if (!(await this.rootIntact())) throw targetWriteError(new Error('root gone'), this.abs(rel), true);
      try {
        await mkdir(this.abs(rel));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw targetWriteError(err, this.abs(rel), !(await this.rootIntact()));
      }
      this.#dirs.add(rel);
    }
  }
}

interface LockContent { pid: number; host: string; startedAt: string }

async function takeLock(root: string): Promise<void> {
  const path = join(root, LOCK_NAME);
  let held: LockContent | null = null;
  try {
    held = JSON.parse(await readFile(path, 'utf8')) as LockContent;
  } catch {
    held = null;
  }
  if (held && typeof held.pid === 'number' && held.pid !== process.pid) {
    const sameHost = held.host === hostname();
    if (!sameHost || isProcessAlive(held.pid)) {
      throw new DatasetError('target-busy',
        `another export (process ${held.pid} on ${held.host}, since ${held.startedAt}) is writing into ${root}; ` +
        `wait for it, or delete ${path} if it is no longer running`, path);
    }
  }
  try {
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockContent));
  } catch (err) {
    throw targetWriteError(err, path, false);
  }
}

async function releaseLock(root: string): Promise<void> {
  await rm(join(root, LOCK_NAME), { force: true }).catch(() => undefined);
}

async function loadPrevious(root: string, present: Set<string>): Promise<Map<string, WrittenFile>> {
  const previous = new Map<string, WrittenFile>();
  try {
    const manifest = JSON.parse(await readFile(join(root, MANIFEST_NAME), 'utf8')) as { format?: string; files?: unknown };
    if (manifest.format === MANIFEST_FORMAT && Array.isArray(manifest.files)) {
      for (const f of manifest.files as Array<Partial<WrittenFile>>) {
        if (isWrittenFile({ ...f, key: f.key ?? null })) previous.set(f.path as string, { ...(f as WrittenFile), key: f.key ?? null });
      }
    }
  } catch {
    // No manifest (first run, or a run that did not finish).
  }
  let journal = '';
  try {
    journal = await readFile(join(root, JOURNAL_NAME), 'utf8');
  } catch {
    journal = '';
  }
  for (const line of journal.split('\n')) {
    if (!line.trim()) continue;
    try {
      const f = JSON.parse(line) as unknown;
      if (isWrittenFile(f)) previous.set(f.path, f);
    } catch {
      // A line torn by a kill: that file is simply made again.
    }
  }
  for (const rel of previous.keys()) if (!present.has(rel)) previous.delete(rel);
  return previous;
}

function isWrittenFile(value: unknown): value is WrittenFile {
  const f = value as WrittenFile;
  return typeof f === 'object' && f !== null && typeof f.path === 'string' && /^[0-9a-f]{64}$/.test(f.sha256)
    && Number.isSafeInteger(f.bytes) && (f.key === null || typeof f.key === 'string');
}
