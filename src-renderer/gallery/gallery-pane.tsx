// The gallery: every cell of the slide the filter shows, as a grid of crops,
// virtualised (only the rows in view, plus a few, are in the DOM). The order
// is a snapshot taken when the filter changes (unlabelled first by default),
// so cells do not jump away while being labelled; colours update live.
// Same keys as the viewer; arrows move in the grid; focus is shared. Tiles
// show their crops at one physical scale (true-scale.ts) or fitted.

import { useEffect, useMemo, useRef, useState } from 'react';
import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import { useObservable } from '../model/observable.ts';
import type { WorkspaceController } from '../model/workspace-controller.ts';
import { colourOfCode } from '../viewer/overlay-style.ts';
import type { CropUrlCache } from './crop-url-cache.ts';
import { CropScaleToggle, ScaledCrop } from './scaled-crop.tsx';
import { cropScaleMode } from './true-scale.ts';

/** Tile side: fitted crops, and true-scale ones (a 96 um field at 0.5 um/px). */
const TILE_FIT = 156;
const TILE_TRUE = 196;
/** The tile's border, each side. */
const TILE_BORDER = 2;
const GAP = 10;
const CAPTION = 20;
const OVERSCAN_ROWS = 2;

export function GalleryPane({ controller, cache, active }: { controller: WorkspaceController; cache: CropUrlCache; active: boolean }) {
  const state = useObservable(controller.state);
  const cells = controller.cells;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 900, height: 600 });
  const [scrollTop, setScrollTop] = useState(0);
  const [snapshot, setSnapshot] = useState(0);
  const [, setUrlsLoaded] = useState(0);
  const mpp = controller.slide.mppX ?? controller.slide.mppY;
  const TILE = cropScaleMode.use() === '1:1' && mpp ? TILE_TRUE : TILE_FIT;
  const ROW = TILE + CAPTION + GAP;
  const frame = { width: TILE - 2 * TILE_BORDER, height: TILE - 2 * TILE_BORDER };

  const order = useMemo(() => cells.filteredOrder(state.filter, state.unlabelledFirst), [cells, state.filter, state.unlabelledFirst, snapshot]);
  const positionOf = useMemo(() => {
    const p = new Int32Array(cells.count).fill(-1);
    order.forEach((index, k) => { p[index] = k; });
    return p;
  }, [cells, order]);
  const columns = Math.max(1, Math.floor((size.width - GAP) / (TILE + GAP)));
  const rows = Math.ceil(order.length / columns);

  useEffect(() => {
    cache.onLoaded = () => setUrlsLoaded((n) => n + 1);
  }, [cache]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!active) return;
    controller.gallery = {
      step(index, dx, dy) {
        if (order.length === 0) return null;
        const at = index === null ? -1 : positionOf[index]!;
        if (at < 0) return order[0]!;
        const to = at + dx + dy * columns;
        return to >= 0 && to < order.length ? order[to]! : null;
      },
    };
    return () => { controller.gallery = null; };
  }, [controller, order, positionOf, columns, active]);

  // Keep the focused cell in view (keys move it; the grid follows).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !active || state.focused === null) return;
    const at = positionOf[state.focused]!;
    if (at < 0) return;
    const top = Math.floor(at / columns) * ROW;
    if (top < el.scrollTop || top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - (el.clientHeight - ROW) / 2);
  }, [state.focused, positionOf, columns, active, ROW]);

  // Hidden behind the viewer it renders no tiles: labelling there re-renders nothing here.
  const firstRow = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN_ROWS);
  const lastRow = active ? Math.min(rows - 1, Math.ceil((scrollTop + size.height) / ROW) + OVERSCAN_ROWS) : -1;
  const visible: number[] = [];
  for (let r = firstRow; r <= lastRow; r++) {
    for (let c = 0; c < columns; c++) {
      const k = r * columns + c;
      if (k < order.length) visible.push(k);
    }
  }

  useEffect(() => {
    if (!active) return;
    cache.request(visible.map((k) => {
      const index = order[k]!;
      return { id: cells.ids[index]!, rank: cells.rank[index]! };
    }));
  });

  return (
    <div className={active ? 'gallery' : 'gallery hidden'} data-testid="gallery">
      <div className="gallery-bar">
        <span>{order.length.toLocaleString()} cells</span>
        <label className="check">
          <input
            type="checkbox"
            checked={state.unlabelledFirst}
            onChange={(e) => controller.update({ unlabelledFirst: e.target.checked })}
          />
          unlabelled first
        </label>
        <button type="button" className="btn small" onClick={() => setSnapshot((n) => n + 1)} title="Re-sort with the current labels">Re-sort</button>
        <CropScaleToggle mpp={mpp} />
        <span className="muted small">Click to focus · double-click to open in the viewer · {CELL_CLASSES.map((c) => c.digitKey).join(' ')} label</span>
      </div>
      <div className="gallery-scroll" ref={scrollRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="gallery-space" style={{ height: rows * ROW + GAP }}>
          {visible.map((k) => {
            const index = order[k]!;
            const id = cells.ids[index]!;
            const code = cells.labels[index]!;
            const url = cache.get(id);
            const row = Math.floor(k / columns);
            const col = k % columns;
            const focused = state.focused === index;
            return (
              <button
                key={id}
                type="button"
                tabIndex={-1}
                className={focused ? 'tile focused' : 'tile'}
                data-cell-id={id}
                data-label={code >= 0 ? CELL_CLASSES[code]!.name : 'unlabelled'}
                style={{ left: GAP + col * (TILE + GAP), top: GAP + row * ROW, width: TILE, borderColor: colourOfCode(code) }}
                onClick={() => controller.focusCell(index, true)}
                onDoubleClick={() => {
                  controller.focusCell(index, true);
                  controller.update({ view: 'viewer' });
                  controller.dispatch({ type: 'zoom-to-focused' });
                }}
              >
                <ScaledCrop url={url} boxWidth={cells.boxes[index * 4 + 2]!} boxHeight={cells.boxes[index * 4 + 3]!} mpp={mpp} frame={frame} />
                <span className="tile-caption">
                  <span className="swatch" style={{ background: colourOfCode(code) }} />
                  {code >= 0 ? CELL_CLASSES[code]!.name : 'unlabelled'}
                  {cells.flagged[index] === 1 && <span className="tile-flag" title="flagged">⚑</span>}
                  {cells.clusters[index] === 1 && <span className="tile-cluster" title="cluster: overlapping nuclei the pipeline could not split">cluster</span>}
                </span>
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}
