// The slide viewer: OpenSeadragon on the slide's Deep Zoom tiles (canvas
// drawer, navigator mini-map), the cell overlay canvas on top, a scale bar
// from the slide's mpp. It registers ViewerCommands with the controller and
// follows the controller's state imperatively (no React render per frame).

import { useEffect, useRef, useState } from 'react';
import OpenSeadragon from 'openseadragon';
import type { SlideDetail, SlideListEntry } from '../../src-main/api/views.ts';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import { ScanFinder } from '../library/scan-finder.tsx';
import type { WorkspaceController } from '../model/workspace-controller.ts';
import { navigatorPlace as navigatorSetting } from '../model/navigator-place.ts';
import { CellOverlay } from './cell-overlay.ts';
import { EditLayer } from './edit-layer.ts';
import { SlideCoords } from './slide-coords.ts';
import { loadFovOutline } from './fov-loader.ts';
import { OverlayLegend } from './overlay-legend.tsx';
import { niceScaleBar } from './scale-bar.ts';
import { exposeDebug } from '../debug-hooks.ts';

/** Zoom-to-cell shows this many box sizes around the cell (its surroundings matter). */
const ZOOM_CONTEXT = 3;

export function ViewerPane({ api, slide, controller, onScanFound }: {
  api: SmearlabApi;
  slide: SlideDetail;
  controller: WorkspaceController | null;
  /** The missing scan was found (ScanFinder): the slide is opened again, with tiles. */
  onScanFound: (slide: SlideListEntry) => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const scaleRef = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<OpenSeadragon.Viewer | null>(null);
  const navigatorPlace = navigatorSetting.use();

  // The viewer exists as soon as the slide is known: tiles load while the cells do.
  useEffect(() => {
    const host = hostRef.current;
    if (!host || !slide.dziUrl) return;
    const openedAt = performance.now();
    const created = OpenSeadragon({
      element: host,
      tileSources: slide.dziUrl,
      drawer: 'canvas',
      showNavigationControl: false,
      showNavigator: true,
      navigatorPosition: 'BOTTOM_RIGHT',
      navigatorSizeRatio: 0.18,
      navigatorAutoFade: false,
      navigatorBackground: '#2b2f35',
      navigatorOpacity: 1,
      navigatorBorderColor: '#4a515b',
      navigatorDisplayRegionColor: '#7fb2ff',
      animationTime: 0.35,
      blendTime: 0,
      maxZoomPixelRatio: 4,
      minZoomImageRatio: 0.6,
      visibilityRatio: 0.3,
      zoomPerScroll: 1.5,
      imageLoaderLimit: 8,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      crossOriginPolicy: false,
      // Past 100 % the canvas drawer would first compose tiles on a second canvas
      // to hide seams; the Deep Zoom tiles overlap by a pixel, so that cost buys nothing.
      smoothTileEdgesMinZoom: Infinity,
    });
    created.addOnceHandler('tile-drawn', () => {
      window.dispatchEvent(new CustomEvent('smearlab:first-tile', { detail: { slideId: slide.id, ms: performance.now() - openedAt } }));
    });
    // Decode each tile off the main thread before OpenSeadragon may draw it: a JPEG
    // decoded on first drawImage stalls the frame that shows it.
    created.addHandler('tile-loaded', (event) => {
      const data = (event as unknown as { data?: unknown }).data;
      if (!(data instanceof HTMLImageElement)) return;
      const done = event.getCompletionCallback();
      data.decode().then(done, done);
    });
    // The workstation's keymap owns the keyboard; OpenSeadragon's own keys (f = flip, w/a/s/d) are off.
    created.addHandler('canvas-key', (event) => { event.preventDefaultAction = true; });
    setViewer(created);
    return () => {
      setViewer(null);
      created.destroy();
    };
  }, [slide]);

  // The navigator follows its remembered place (V, or the toolbar's Map button).
  useEffect(() => {
    const nav = viewer?.navigator;
    if (!viewer || !nav?.element) return;
    nav.element.style.display = navigatorPlace === 'hidden' ? 'none' : '';
    if (navigatorPlace === 'hidden') return;
    const anchor = navigatorPlace === 'top-right' ? OpenSeadragon.ControlAnchor.TOP_RIGHT : OpenSeadragon.ControlAnchor.BOTTOM_RIGHT;
    // OpenSeadragon's removeControl takes the control's element (its typings say the Control).
    viewer.removeControl(nav.element as unknown as OpenSeadragon.Control);
    viewer.addControl(nav.element, { anchor });
  }, [viewer, navigatorPlace]);

  // The overlay, the scale bar and the viewer commands, once the cells are there.
  useEffect(() => {
    if (!viewer || !controller) return;
    const cells = controller.cells;
    const initial = controller.state.get();
    const coords = new SlideCoords(slide.dziOrigin);
    const overlay = new CellOverlay(viewer, initial.filter, coords);
    // After the overlay: its handlers run after the overlay's, so edits draw over the cells.
    const editLayer = new EditLayer(viewer, overlay, controller);
    overlay.setCells(cells, slide.width, slide.height);
    overlay.setOptions({ slices: slide.sliceGrid, damaged: slide.damagedRegions.map((d) => d.box) });
    let fovRequested = false;

    const onClick = (event: OpenSeadragon.CanvasClickEvent) => {
      if (!event.quick || editLayer.ownsClicks()) return;
      const item = viewer.world.getItemAt(0);
      if (!item) return;
      const p = coords.elementToLevelZero(item, event.position);
      const filter = controller.state.get().filter;
      const hit = cells.grid.at(p.x, p.y).find((i) => cells.passes(i, filter));
      if (hit !== undefined) controller.focusCell(hit, false);
    };
    viewer.addHandler('canvas-click', onClick);

    const scaleBar = scaleRef.current;
    let lastScaleText = '';
    const onViewport = () => {
      const t = overlay.transform();
      const mpp = slide.mppX ?? slide.mppY;
      if (!scaleBar || !t || !mpp) return;
      const bar = niceScaleBar(mpp / t.scale, 120);
      if (bar.text !== lastScaleText || scaleBar.style.width !== `${bar.px}px`) {
        lastScaleText = bar.text;
        scaleBar.style.width = `${bar.px}px`;
        scaleBar.textContent = bar.text;
      }
    };
    viewer.addHandler('update-viewport', onViewport);

    let suggestionsShown = controller.state.get().suggestionsVersion;
    const follow = () => {
      const s = controller.state.get();
      // New assist suggestions: the rings are read from the cells each frame, so one redraw shows them.
      if (s.suggestionsVersion !== suggestionsShown) {
        suggestionsShown = s.suggestionsVersion;
        overlay.invalidate();
      }
      overlay.setFilter(s.filter);
      overlay.setFocus(s.focused);
      overlay.setOptions({ showSliceGrid: s.showSliceGrid, showFov: s.showFov });
      if (s.showFov && !fovRequested && slide.fovMaskUrl) {
        fovRequested = true;
        void loadFovOutline(slide.fovMaskUrl, slide.width, slide.height).then((outline) => overlay.setOptions({ fovOutline: outline }));
      }
    };
    follow();
    const unsubscribeState = controller.state.subscribe(follow);
    const unsubscribeCells = controller.onCellChanged((index) => overlay.cellChanged(index));

    const viewportRectOf = (index: number, grow: number) => {
      const item = viewer.world.getItemAt(0);
      if (!item) return null;
      const b = cells.box(index);
      const side = Math.max(b.width, b.height) * grow;
      const cx = b.x + b.width / 2;
      const cy = b.y + b.height / 2;
      return coords.levelZeroToViewportRect(item, cx - side / 2, cy - side / 2, side, side);
    };
    controller.viewer = {
      reveal(index) {
        const rect = viewportRectOf(index, 1);
        if (!rect) return;
        // Only when some of the box is out of view: a cell in view stays where the eye found it.
        const bounds = viewer.viewport.getBounds(true);
        const inside = rect.x >= bounds.x && rect.y >= bounds.y
          && rect.x + rect.width <= bounds.x + bounds.width && rect.y + rect.height <= bounds.y + bounds.height;
        // A jump, not a glide: while labelling, an animation per key would keep the drawer busy.
        if (!inside) viewer.viewport.panTo(rect.getCenter(), true);
      },
      zoomTo(index) {
        const rect = viewportRectOf(index, ZOOM_CONTEXT);
        if (rect) viewer.viewport.fitBounds(rect);
      },
      home() {
        viewer.viewport.goHome();
      },
      centre() {
        const item = viewer.world.getItemAt(0);
        if (!item) return null;
        return coords.viewportToLevelZero(item, viewer.viewport.getCenter(true));
      },
    };
    const removeDebug = SMEARLAB_TEST_HOOKS ? exposeDebug({ viewer, overlay, controller }) : () => undefined;

    return () => {
      removeDebug();
      controller.viewer = null;
      viewer.removeHandler('canvas-click', onClick);
      viewer.removeHandler('update-viewport', onViewport);
      unsubscribeState();
      unsubscribeCells();
      editLayer.destroy();
      overlay.destroy();
    };
  }, [viewer, controller, slide]);

  if (!slide.dziUrl) {
    return (
      <div className="viewer viewer-unavailable" data-testid="viewer-unavailable">
        <p data-testid="tile-error">The scan cannot be shown: {slide.tileError?.message ?? 'no tiles'}.</p>
        <p className="muted">Cells can still be labelled in the gallery (G){slide.kind === 'scan' ? ', with the crops a work package brought' : ''}.</p>
        {slide.kind === 'scan' && <ScanFinder api={api} slide={slide} onFound={onScanFound} />}
      </div>
    );
  }
  return (
    <div className="viewer" data-navigator={navigatorPlace}>
      <div className="viewer-host" ref={hostRef} data-testid="viewer" />
      <div className="scale-bar" ref={scaleRef} data-testid="scale-bar" />
      <OverlayLegend />
    </div>
  );
}
