// The main window's bounds, remembered between runs in a small JSON file in
// userData. A missing or damaged file means defaults; bounds are checked
// against sane sizes (a screen that went away must not strand the window).

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.ts';

export const WINDOW_STATE_FILE = 'window-state.json';

const boundsSchema = z.strictObject({
  x: z.number().int().min(-100_000).max(100_000).optional(),
  y: z.number().int().min(-100_000).max(100_000).optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});

export type WindowState = z.output<typeof boundsSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

export async function loadWindowState(path: string): Promise<WindowState> {
  try {
    const parsed = boundsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { makeFolder: true });
}

/** Whether the saved position still lies on one of the displays' work areas. */
export function isVisibleOn(state: WindowState, workAreas: ReadonlyArray<{ x: number; y: number; width: number; height: number }>): boolean {
  if (state.x === undefined || state.y === undefined) return true;
  const { x, y } = state;
  return workAreas.some((a) => x + 100 > a.x && x < a.x + a.width - 100 && y >= a.y && y < a.y + a.height - 50);
}
