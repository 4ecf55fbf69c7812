// Written synthetic slides kept for reuse: one folder per (size, content,
// seed, formats, writer version) under a root the caller chooses (the data
// folder's demo cache for the app, .cache/fixtures for the tests). A slide is
// written into a temp folder and renamed into place, so a killed writer never
// leaves half a slide; concurrent calls in one process share one write.
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../store/job-repository.ts';
import type { SlideContent, SlideSize } from './scene-types.ts';
import { sceneName } from './slide-scene.ts';
import type { PastedFields, SyntheticSlide } from './synthetic-slide.ts';
import { WRITER_VERSION, checkOptions, defaultFormats, loadGroundTruth, writeSyntheticSlide } from './synthetic-slide.ts';

export interface CachedSlideOptions {
  content?: SlideContent;
  seed?: number;
  formats?: Array<'mirax' | 'tiff'>;
  /** cric content: loads the fields to paste (only called when the slide must be written). */
  loadPasted?: () => Promise<PastedFields>;
}

const inFlight = new Map<string, Promise<SyntheticSlide>>();

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Removes temp folders left by killed writers of this key. */
async function sweepStale(root: string, key: string): Promise<void> {
  for (const entry of await readdir(root)) {
    const m = /^(.*)\.tmp-(\d+)-[0-9a-f]+$/.exec(entry);
    if (m && m[1] === key && Number(m[2]) !== process.pid && !isProcessAlive(Number(m[2]))) await rm(join(root, entry), { recursive: true, force: true });
  }
}

/** Folder name of a cached slide: changes whenever its bytes would. */
export function cachedSlideKey(size: SlideSize, options: CachedSlideOptions = {}): string {
  const content = options.content ?? 'synthetic';
  const seed = options.seed ?? 1;
  const formats = [...new Set(options.formats ?? defaultFormats(size))].sort();
  checkOptions(size, content, seed, formats);
  return `${sceneName(size, content, seed)}-${formats.join('+')}-v${WRITER_VERSION}`;
}

/** The slide under root/<key>/, written first when missing; returns at once when present. */
export function ensureCachedSlide(root: string, size: SlideSize, options: CachedSlideOptions = {}): Promise<SyntheticSlide> {
  const content = options.content ?? 'synthetic';
  const seed = options.seed ?? 1;
  const formats = [...new Set(options.formats ?? defaultFormats(size))].sort();
  const key = cachedSlideKey(size, options);
  const dir = join(root, key);
  const pending = inFlight.get(dir);
  if (pending) return pending;
  const job = (async () => {
    const truth = join(dir, `${sceneName(size, content, seed)}.truth.json`);
    if (await exists(truth)) return loadGroundTruth(truth);
    await mkdir(root, { recursive: true });
    await sweepStale(root, key);
    await rm(dir, { recursive: true, force: true }); // a folder without its truth file is not ours to trust
    const tmp = `${dir}.tmp-${process.pid}-${createHash('md5').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 8)}`;
    try {
      const pasted = content === 'cric' && options.loadPasted ? await options.loadPasted() : undefined;
      await writeSyntheticSlide({ size, content, seed, formats, outDir: tmp, ...(pasted ? { pasted } : {}) });
      try {
        await rename(tmp, dir);
      } catch (err) {
        if (!(await exists(truth))) throw err; // another process won the race: its slide is the same bytes
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return loadGroundTruth(truth);
  })();
  inFlight.set(dir, job);
  // Settled writes leave the map: the next call checks the disk again (the folder may have been deleted).
  void job.then(() => inFlight.delete(dir), () => inFlight.delete(dir));
  return job;
}
