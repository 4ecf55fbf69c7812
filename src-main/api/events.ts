// Events the main side pushes to the UI, one typed map for every transport:
// webContents.send in Electron, server-sent events in browser mode. Payloads
// are plain JSON. Subscribe with `api.on(name, callback)`.

import type { AssistChangedView, CellsChangedView, JobView, LabelChangeView } from './views.ts';

/** Commands from the Electron application menu that the renderer carries out. */
export const MENU_COMMANDS = ['open-slide', 'ingest', 'export'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface ApiEvents {
  /** An ingest (later: export / import) job started, progressed or ended; the job as it stands. */
  'job-progress': JobView;
  /** A label or flag changed (this window, another window, undo / redo). */
  'label-changed': LabelChangeView;
  /** Cells were added, reshaped, split, merged or rejected, or such an edit undone / redone: cells to show and to drop. */
  'cells-changed': CellsChangedView;
  /** The library changed: a slide was added, its ingest started or ended (refresh listSlides). */
  'slides-changed': { slideId: number | null };
  /** An assist run for a reader on a slide ended: new suggestions (or why there are none). */
  'assist-changed': AssistChangedView;
  /** Electron menu: the user chose a command the renderer handles (never sent in browser mode). */
  'menu-command': { command: MenuCommand };
}

export type ApiEventName = keyof ApiEvents;

export const API_EVENT_NAMES: readonly ApiEventName[] = ['job-progress', 'label-changed', 'cells-changed', 'slides-changed', 'assist-changed', 'menu-command'];

export type ApiEventListener<E extends ApiEventName> = (payload: ApiEvents[E]) => void;

export function isApiEventName(value: unknown): value is ApiEventName {
  return typeof value === 'string' && (API_EVENT_NAMES as readonly string[]).includes(value);
}
