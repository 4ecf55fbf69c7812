// The gallery: every cell of the slide the filter shows, as a grid of crops,
// virtualised (only the rows in view, plus a few, are in the DOM). In
// reading order the listing is a snapshot taken when the filter changes
// (unlabelled first by default), so cells do not jump away while being
// labelled; colours update live. Ranked by the reader's suggestions (most
// suspicious first: p unhealthy; least certain first) it is a page of the
// server's order (gallery-query.ts), also a snapshot until re-sorted.
// "suggested: <class>" keeps the cells the assistant suggests that class for.
// Same keys as the viewer; arrows move in the grid; focus is shared. Tiles
// can be selected (click, Ctrl+click, Shift+click, Ctrl+A) and labelled with
// one key: a class, or Y for each tile's suggestion. A tile's suggestion is a
// dotted chip over its crop; its border stays the reader's label.

import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { CELL_CLASSES, type CellClassName } from '../../src-main/domain/cell-class.ts';
import { errorText } from '../api/smearlab-api.ts';
import { suggestionText } from '../model/assist-text.ts';
import { useObservable } from '../model/observable.ts';
import type { WorkspaceController } from '../model/workspace-controller.ts';
import { colourOfCode } from '../viewer/overlay-style.ts';
import type { CropUrlCache } from './crop-url-cache.ts';
import { GALLERY_ORDERS, ORDER_NAMES, pageText, RANKED_PAGE, serverFilter, type GalleryOrder } from './gallery-query.ts';
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

/** A ranked page as the server ordered it: cell indices, and what it was asked with. */
interface RankedPage {
  key: string;
  indices: Int32Array;
  total: number;
  /** The suggestions it was ranked by (SlideCells.suggestionsVersion). */
  suggestionsVersion: number;
}

export function GalleryPane({ controller, cache, active }: { controller: WorkspaceController; cache: CropUrlCache; active: boolean }) {
  const state = useObservable(controller.state);
  const cells = controller.cells;
  const reader = controller.annotator.role === 'reader';
  const scrollRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 900, height: 600 });
  const [scrollTop, setScrollTop] = useState(0);
  const [snapshot, setSnapshot] = useState(0);
  const [, setUrlsLoaded] = useState(0);
  const [rankBy, setRankBy] = useState<GalleryOrder>('reading');
  const [suggested, setSuggested] = useState<CellClassName | null>(null);
  const [page, setPage] = useState(0);
  const [ranked, setRanked] = useState<RankedPage | null>(null);
  const [rankError, setRankError] = useState<string | null>(null);
  const mpp = controller.slide.mppX ?? controller.slide.mppY;
  const TILE = cropScaleMode.use() === '1:1' && mpp ? TILE_TRUE : TILE_FIT;
  const ROW = TILE + CAPTION + GAP;
  const frame = { width: TILE - 2 * TILE_BORDER, height: TILE - 2 * TILE_BORDER };
  const isRanked = rankBy !== 'reading';
  const rankKey = `${rankBy}|${suggested ?? ''}|${state.filter}|${page}|${snapshot}`;

  // Reading order: laid out here; the suggested filter reads the cells' suggestion column,
  // so new suggestions lay it out again (snapshot: Re-sort).
  const suggestionsShaping = suggested === null ? 0 : state.suggestionsVersion;
  const readingOrder = useMemo(() => {
    const all = cells.filteredOrder(state.filter, state.unlabelledFirst);
    const code = suggested === null ? -1 : CELL_CLASSES.find((c) => c.name === suggested)!.apaccId;
    return code < 0 ? all : all.filter((i) => cells.suggested[i] === code);
  }, [cells, state.filter, state.unlabelledFirst, suggested, snapshot, suggestionsShaping]);
  // Another filter: a ranked gallery starts again at its first page.
  useEffect(() => setPage(0), [state.filter]);

  // Ranked: the server's page, fetched when what it is asked with changes (not on each label).
  useEffect(() => {
    if (!isRanked || !active) return;
    let live = true;
    setRankError(null);
    const version = cells.suggestionsVersion;
    cache.rankedPage({
      order: rankBy, filter: serverFilter(state.filter), offset: page * RANKED_PAGE, limit: RANKED_PAGE,
      ...(suggested ? { suggested } : {}),
    }).then((result) => {
      if (!live) return;
      const indices = result.cells.map((c) => cells.indexOf(c.id)).filter((i): i is number => i !== undefined);
      setRanked({ key: rankKey, indices: Int32Array.from(indices), total: result.total, suggestionsVersion: version });
    }, (error: unknown) => { if (live) setRankError(errorText(error)); });
    return () => { live = false; };
  }, [cache, cells, rankKey, active]);

  const order = isRanked ? (ranked?.key === rankKey ? ranked.indices : EMPTY) : readingOrder;
  const positionOf = useMemo(() => {
    const p = new Int32Array(cells.count).fill(-1);
    order.forEach((index, k) => { p[index] = k; });
    return p;
  }, [cells, order]);
  // One tile is the focus alone (a plain click); two or more are a selection a key labels at once.
  const selected = useMemo(() => new Set(state.selection.indices.length >= 2 ? state.selection.indices : []), [state.selection]);
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
      listed: () => order,
    };
    return () => { controller.gallery = null; };
  }, [controller, order, positionOf, columns, active]);

  // A new listing: the old selection may hold tiles no longer shown.
  useEffect(() => { controller.clearSelection(); }, [controller, order]);

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

  const chooseOrder = (value: GalleryOrder) => {
    setRankBy(value);
    setPage(0);
  };
  const chooseSuggested = (value: CellClassName | null) => {
    setSuggested(value);
    setPage(0);
  };
  const onTileClick = (event: MouseEvent, index: number) => {
    controller.selectTile(index, { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };
  const stale = isRanked && ranked !== null && ranked.suggestionsVersion !== state.suggestionsVersion;
  const picked = selected.size;

  return (
    <div className={active ? 'gallery' : 'gallery hidden'} data-testid="gallery" data-order={rankBy} data-suggested={suggested ?? ''}
      data-ready={!isRanked || ranked?.key === rankKey ? 'yes' : 'no'}>
      <div className="gallery-bar">
        <span data-testid="gallery-count">{isRanked ? pageText(page, ranked?.key === rankKey ? ranked.total : 0) : `${order.length.toLocaleString()} cells`}</span>
        {reader && (
          <select value={rankBy} data-testid="gallery-order" title="Order of the tiles (ranked by your assist suggestions)"
            onChange={(e) => { chooseOrder(e.target.value as GalleryOrder); e.currentTarget.blur(); }}>
            {GALLERY_ORDERS.map((o) => <option key={o} value={o}>{ORDER_NAMES[o]}</option>)}
          </select>
        )}
        {reader && (
          <select value={suggested ?? ''} data-testid="gallery-suggested" title="Only the cells the assistant suggests this class for"
            onChange={(e) => { chooseSuggested((e.target.value || null) as CellClassName | null); e.currentTarget.blur(); }}>
            <option value="">any suggestion</option>
            {CELL_CLASSES.map((c) => <option key={c.name} value={c.name}>suggested: {c.name}</option>)}
          </select>
        )}
        {isRanked ? (
          <span className="gallery-pager">
            <button type="button" className="btn small" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}
              data-testid="gallery-page-previous" title="Previous page">‹</button>
            <button type="button" className="btn small" disabled={!ranked || (page + 1) * RANKED_PAGE >= ranked.total}
              onClick={() => setPage((p) => p + 1)} data-testid="gallery-page-next" title="Next page">›</button>
          </span>
        ) : (
          <label className="check">
            <input
              type="checkbox"
              checked={state.unlabelledFirst}
              onChange={(e) => controller.update({ unlabelledFirst: e.target.checked })}
            />
            unlabelled first
          </label>
        )}
        <button type="button" className="btn small" onClick={() => setSnapshot((n) => n + 1)}
          title={isRanked ? 'Rank again with the current suggestions and labels' : 'Re-sort with the current labels'}>Re-sort</button>
        {stale && <span className="gallery-note small" data-testid="gallery-stale">new suggestions: Re-sort to rank by them</span>}
        {rankError && <span className="error small">{rankError}</span>}
        <CropScaleToggle mpp={mpp} />
        {picked > 0
          ? <span className="gallery-selection small" data-testid="gallery-selection" data-count={picked}>
            {picked} selected · {CELL_CLASSES.map((c) => c.digitKey).join(' ')} label them · Y accept their suggestions · Esc clear
          </span>
          : <span className="muted small">Click to focus · Shift / Ctrl+click, Ctrl+A select · {CELL_CLASSES.map((c) => c.digitKey).join(' ')} label · Y accept suggestion</span>}
      </div>
      <div className="gallery-scroll" ref={scrollRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="gallery-space" style={{ height: rows * ROW + GAP }}>
          {visible.map((k) => {
            const index = order[k]!;
            const id = cells.ids[index]!;
            const code = cells.labels[index]!;
            const hint = cells.shownSuggestion(index);
            const url = cache.get(id);
            const row = Math.floor(k / columns);
            const col = k % columns;
            const focused = state.focused === index;
            const isSelected = selected.has(index);
            return (
              <button
                key={id}
                type="button"
                tabIndex={-1}
                className={`tile${focused ? ' focused' : ''}${isSelected ? ' selected' : ''}`}
                data-cell-id={id}
                data-position={k}
                data-label={code >= 0 ? CELL_CLASSES[code]!.name : 'unlabelled'}
                data-suggested={hint >= 0 ? CELL_CLASSES[hint]!.name : ''}
                aria-pressed={isSelected}
                style={{ left: GAP + col * (TILE + GAP), top: GAP + row * ROW, width: TILE, borderColor: colourOfCode(code) }}
                // Shift+click would select the page's text.
                onMouseDown={(e) => { if (e.shiftKey) e.preventDefault(); }}
                onClick={(e) => onTileClick(e, index)}
                onDoubleClick={() => {
                  controller.focusCell(index, true);
                  controller.update({ view: 'viewer' });
                  controller.dispatch({ type: 'zoom-to-focused' });
                }}
              >
                <ScaledCrop url={url} boxWidth={cells.boxes[index * 4 + 2]!} boxHeight={cells.boxes[index * 4 + 3]!} mpp={mpp} frame={frame} />
                {hint >= 0 && (
                  <span className="tile-suggestion" style={{ borderColor: colourOfCode(hint) }} data-testid="tile-suggestion">
                    {suggestionText(hint, cells.suggestedP[index]!)}
                  </span>
                )}
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

const EMPTY = new Int32Array(0);
