// Read-only hooks for the browser tests and the UI benchmark: where a cell is
// on screen, the overlay's last frame, the viewer. Set on window.smearlabDebug
// while a slide is open; nothing in the app reads them. Only dev and test
// builds have them: callers test SMEARLAB_TEST_HOOKS (build.mjs defines it)
// so production bundles drop this module.

import type OpenSeadragon from 'openseadragon';
import { CELL_CLASSES } from '../src-main/domain/cell-class.ts';
import type { CellOverlay, OverlayFrameStats } from './viewer/cell-overlay.ts';
import type { WorkspaceController } from './model/workspace-controller.ts';

export interface SmearlabDebug {
  viewer: OpenSeadragon.Viewer;
  /** The cell's box in CSS px relative to the overlay canvas, or null when off the slide. */
  cellScreenBox(cellId: number): { x: number; y: number; width: number; height: number } | null;
  focusedCellId(): number | null;
  /** The class the overlay draws for the cell (this session's view: a reader's own label, else the decision); null when unlabelled or unknown. */
  cellLabel(cellId: number): string | null;
  /** The assist suggestion the overlay shows for the cell (none where the reader's label is): class and probability. */
  cellSuggestion(cellId: number): { label: string; p: number } | null;
  /** Bumped each time new suggestions arrive (after an assist run). */
  suggestionsVersion(): number;
  overlayFrame(): OverlayFrameStats;
  /** The canvas the overlay draws on (OpenSeadragon's, tiles underneath). */
  overlayCanvas(): HTMLCanvasElement;
  /** Off: tiles only (benchmark baseline). */
  overlayEnabled(on: boolean): void;
  /** True once every tile in view is loaded and drawn. */
  fullyLoaded(): boolean;
  cellIds(): number[];
  /** A level-0 point in CSS px relative to the overlay canvas. */
  screenPoint(x: number, y: number): { x: number; y: number } | null;
  /** The level-0 point under CSS px (x, y) of the viewer, as a click there is read; null before the tiles open. */
  levelZeroAt(x: number, y: number): { x: number; y: number } | null;
  /** The viewport's centre in level-0 px (what navigation reads). */
  centre(): { x: number; y: number } | null;
  /** Level-0 position of the tiles' pixel (0, 0) (SlideDetail.dziOrigin). */
  dziOrigin(): { x: number; y: number };
  /** The edit tool in hand ('off' outside edit mode). */
  editTool(): string;
}

declare global {
  interface Window {
    smearlabDebug?: SmearlabDebug;
  }
  /** Replaced by a literal at build time (src-renderer/build.mjs). */
  const SMEARLAB_TEST_HOOKS: boolean;
}

export function exposeDebug(parts: { viewer: OpenSeadragon.Viewer; overlay: CellOverlay; controller: WorkspaceController }): () => void {
  const { viewer, overlay, controller } = parts;
  const cells = controller.cells;
  const debug: SmearlabDebug = {
    viewer,
    cellScreenBox(cellId) {
      const index = cells.indexOf(cellId);
      const t = overlay.transform();
      if (index === undefined || !t) return null;
      const b = cells.box(index);
      return { x: t.offsetX + b.x * t.scale, y: t.offsetY + b.y * t.scale, width: b.width * t.scale, height: b.height * t.scale };
    },
    focusedCellId() {
      const f = controller.state.get().focused;
      return f === null ? null : cells.ids[f]!;
    },
    cellLabel(cellId) {
      const index = cells.indexOf(cellId);
      return index === undefined ? null : CELL_CLASSES[cells.labels[index]!]?.name ?? null;
    },
    cellSuggestion(cellId) {
      const index = cells.indexOf(cellId);
      const code = index === undefined ? -1 : cells.shownSuggestion(index);
      return index === undefined || code < 0 ? null : { label: CELL_CLASSES[code]!.name, p: cells.suggestedP[index]! };
    },
    suggestionsVersion: () => cells.suggestionsVersion,
    overlayFrame: () => overlay.lastFrame,
    overlayCanvas: () => overlay.canvas,
    overlayEnabled: (on) => overlay.setEnabled(on),
    fullyLoaded: () => viewer.world.getItemAt(0)?.getFullyLoaded() ?? false,
    // Live cells only: a cell edit retires cells without removing them from the columns.
    cellIds: () => Array.from(cells.order).filter((i) => cells.retired[i] === 0).map((i) => cells.ids[i]!),
    screenPoint(x, y) {
      const t = overlay.transform();
      return t ? { x: t.offsetX + x * t.scale, y: t.offsetY + y * t.scale } : null;
    },
    levelZeroAt(x, y) {
      const item = viewer.world.getItemAt(0);
      return item ? overlay.coords.elementToLevelZero(item, { x, y }) : null;
    },
    centre: () => controller.viewer?.centre() ?? null,
    dziOrigin: () => ({ ...overlay.coords.origin }),
    editTool: () => controller.state.get().edit.tool,
  };
  window.smearlabDebug = debug;
  return () => {
    if (window.smearlabDebug === debug) delete window.smearlabDebug;
  };
}
