// Finding a scan that moved: a slide that came from another workstation (or
// a stick that is mounted elsewhere today) names a path that is not there.
// Its scan is looked for under the folders this workstation lists, files of a
// slide format first with the same name, and is taken only when OpenSlide's
// quickhash matches the one the slide was ingested with: the same scan, not
// one that looks like it.

import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { SlideRecord } from '../domain/slide.ts';

/** File name endings OpenSlide reads (MIRAX first). */
export const SCAN_EXTENSIONS = ['.mrxs', '.svs', '.tif', '.tiff', '.ndpi', '.vms', '.vmu', '.scn', '.bif', '.svslide'];
const MAX_DEPTH = 4;
const MAX_CANDIDATES = 200;
/** A search of a whole disk by mistake ends, instead of running for minutes. */
const MAX_FOLDERS_VISITED = 5000;

export interface ScanLocatorPorts {
  /** OpenSlide's quickhash of a file, or null when it cannot be opened. */
  quickhashOf(path: string): Promise<string | null>;
}

async function candidates(folder: string, wanted: string): Promise<string[]> {
  const found: string[] = [];
  let visited = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || found.length >= MAX_CANDIDATES * 4 || ++visited > MAX_FOLDERS_VISITED) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // an unreadable folder is skipped, not an error: the next may hold it
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(path, depth + 1);
      else if (entry.isFile() && SCAN_EXTENSIONS.includes(extname(entry.name).toLowerCase())) found.push(path);
    }
  };
  await walk(folder, 0);
  // The same file name first: a moved scan usually keeps it.
  return found.sort((a, b) => Number(basename(b) === wanted) - Number(basename(a) === wanted)).slice(0, MAX_CANDIDATES);
}

/** The path of the slide's scan under one of the folders, or null. */
export async function locateScan(slide: SlideRecord, folders: readonly string[], ports: ScanLocatorPorts): Promise<string | null> {
  if (slide.kind !== 'scan' || slide.quickhash === null) return null;
  const wanted = basename(slide.path.replace(/#[^/\\]*$/, ''));
  for (const folder of folders) {
    for (const path of await candidates(folder, wanted)) {
      if (path === slide.path) continue;
      if (await ports.quickhashOf(path) === slide.quickhash) return path;
    }
  }
  return null;
}
