// Types of what the page exposes, for code the tests run inside Chromium
// (page.evaluate). The root tsconfig has no DOM library, so the browser-side
// globals a test touches are declared per file from these loose shapes.

export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageCanvas {
  width: number;
  height: number;
  clientWidth: number;
  style: { display: string };
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** window.smearlabDebug (src-renderer/debug-hooks.ts), as far as the tests use it. */
export interface PageDebug {
  viewer: {
    viewport: {
      panBy(delta: unknown, immediately?: boolean): void;
      zoomBy(factor: number, refPoint?: unknown, immediately?: boolean): void;
      goHome(immediately?: boolean): void;
      getZoom(current?: boolean): number;
    };
    drawer: { canvas: PageCanvas };
  };
  cellScreenBox(cellId: number): PageRect | null;
  focusedCellId(): number | null;
  cellLabel(cellId: number): string | null;
  cellSuggestion(cellId: number): { label: string; p: number } | null;
  suggestionsVersion(): number;
  overlayFrame(): { mode: string; drawn: number; suggested?: number; ms: number };
  overlayCanvas(): PageCanvas;
  overlayEnabled(on: boolean): void;
  fullyLoaded(): boolean;
  cellIds(): number[];
  screenPoint(x: number, y: number): { x: number; y: number } | null;
  levelZeroAt(x: number, y: number): { x: number; y: number } | null;
  centre(): { x: number; y: number } | null;
  dziOrigin(): { x: number; y: number };
  editTool(): string;
}

export interface PageWindow {
  smearlabDebug?: PageDebug;
  devicePixelRatio: number;
  addEventListener(type: string, listener: (event: { detail?: unknown; key?: string; timeStamp: number }) => void, options?: boolean | { once?: boolean; capture?: boolean }): void;
  [key: string]: unknown;
}

export type RequestAnimationFrame = (callback: (time: number) => void) => number;

export interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  /** Images only. */
  complete?: boolean;
  naturalWidth?: number;
}

export interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
}
