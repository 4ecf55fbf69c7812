// The demo slide: the synthetic 'demo' MIRAX slide (20,480 x 16,384 px, about
// 30 MB, half a minute to write) that lets a new user try Smearlab without a
// scan. It lives in the user's data folder beside the database, so it works
// the same from an installed app, the CLI and the sources; written once.
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cachedSlideKey, ensureCachedSlide } from './slide-cache.ts';
import { sceneName } from './slide-scene.ts';
import type { SyntheticSlide } from './synthetic-slide.ts';

const DEMO_SIZE = 'demo';
const DEMO_SEED = 1;

/** The demo folder for a database file: <data folder>/demo/. */
export function demoFolderFor(databasePath: string): string {
  return join(dirname(databasePath), 'demo');
}

/** Where the demo slide's .mrxs is (or will be) under a demo folder. */
export function demoSlidePath(folder: string): string {
  return join(folder, cachedSlideKey(DEMO_SIZE, { seed: DEMO_SEED }), `${sceneName(DEMO_SIZE, 'synthetic', DEMO_SEED)}.mrxs`);
}

/** True when the demo slide is complete in folder (its truth file is written last, after the rename). */
export async function demoSlideReady(folder: string): Promise<boolean> {
  const truth = demoSlidePath(folder).replace(/\.mrxs$/, '.truth.json');
  return access(truth).then(() => true, () => false);
}

/** Writes the demo slide into folder when missing (CPU-bound for seconds: from a UI, use demo-slide-job.ts). */
export function ensureDemoSlide(folder: string): Promise<SyntheticSlide> {
  return ensureCachedSlide(folder, DEMO_SIZE, { seed: DEMO_SEED });
}
