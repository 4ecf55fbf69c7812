// Replacing a file so that readers (and a crash) only ever see the old
// content or the new, never half of it: the bytes go to a hidden temporary
// name in the same folder (a rename is atomic only within one file system),
// are optionally synced, then renamed over the final name. A failed write
// removes its temporary file and leaves the old file as it was.
//
// Hand-written rather than write-file-atomic: the export must recognise (and
// remove) temporaries of a killed run by their name (TEMP_MARK), and the
// import copies files instead of writing buffers.

import { copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Marks temporary files: `.{name}.smearlab-tmp-{pid}-{n}`. A name holding it is never a finished file. */
export const TEMP_MARK = '.smearlab-tmp-';

export interface AtomicWriteOptions {
  /**
   * Flush the data to the device before the rename (fdatasync), so that after
   * a power cut or a pulled stick the final name never points at unwritten
   * blocks. Costs a device round trip per file; default false.
   */
  fsync?: boolean;
  /** Create the folder (and its parents) when missing; default false: a missing folder is an error. */
  makeFolder?: boolean;
}

let sequence = 0;

/** A temporary name next to path, unique within this process and across processes. */
function temporaryPathFor(path: string): string {
  sequence += 1;
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${sequence}`);
}

/** Writes data to path atomically. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await replaceAtomically(path, options, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (options.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

/**
 * Writes the chunks to path atomically as they come (e.g. an encoder's output stream), so a
 * large file is on its way to the device while the rest is still being made.
 */
export async function writeChunksAtomic(path: string, chunks: AsyncIterable<Uint8Array>, options: AtomicWriteOptions = {}): Promise<void> {
  await replaceAtomically(path, options, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      // writeFile writes the whole piece (a bare write may stop short on a full disk) at the current position.
      for await (const chunk of chunks) await handle.writeFile(chunk);
      if (options.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

/** Copies source to path atomically. */
export async function copyFileAtomic(source: string, path: string, options: AtomicWriteOptions = {}): Promise<void> {
  await replaceAtomically(path, options, async (tmp) => {
    await copyFile(source, tmp);
    if (!options.fsync) return;
    const handle = await open(tmp, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

async function replaceAtomically(path: string, options: AtomicWriteOptions, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (options.makeFolder) await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPathFor(path);
  try {
    await fill(tmp);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
