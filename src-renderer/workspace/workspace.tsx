// One open slide: loads its detail and cell columns, builds the SlideCells
// model and the controller, and lays out the top bar (counters, filter,
// toggles), the stage (viewer or gallery) and the cell panel. The one
// keyboard listener lives here and goes through the keymap table.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AnnotatorRecord, SlideDetail, SlideListEntry } from '../../src-main/api/views.ts';
import type { AnnotatorRole } from '../../src-main/domain/reading.ts';
import { errorText } from '../api/smearlab-api.ts';
import { CropUrlCache } from '../gallery/crop-url-cache.ts';
import { GalleryPane } from '../gallery/gallery-pane.tsx';
import { chordLabel, KEYMAP, matchKey, type KeyAction, type KeyBinding } from '../keymap.ts';
import { Observable, useObservable } from '../model/observable.ts';
import { SlideCells, type CellColumnsInput } from '../model/slide-cells.ts';
import { NO_SELECTION } from '../model/gallery-selection.ts';
import { EDIT_HINTS, EDIT_OFF, WorkspaceController, type WorkspaceState } from '../model/workspace-controller.ts';
import { scanFoundText } from '../model/work-package-text.ts';
import { CellPanel } from '../panel/cell-panel.tsx';
import { ViewerPane } from '../viewer/viewer-pane.tsx';
import { CountersBar } from './counters-bar.tsx';
import { followIngest } from './follow-ingest.ts';
import { FilterBar } from './filter-bar.tsx';
import { AssistBar } from './assist-bar.tsx';
import { HelpOverlay } from './help-overlay.tsx';

// The status-bar reminder, from the keymap like the help: first chord of each labelling and moving key
// (a reader's), or of each deciding and queue key (an adjudicator's: they do not flag).
function hintOf(b: KeyBinding): string {
  const what = b.action.type === 'label' ? b.action.label
    : b.action.type === 'queue' ? `${b.action.direction} ${b.action.queue}` : b.action.type.replace(/-/g, ' ');
  return `${chordLabel(b.chords[0]!)} ${what}`;
}
const HINTED = KEYMAP.filter((b) => !b.editOnly && (b.group !== 'View' || b.action.type === 'toggle-help'))
  .filter((b) => b.action.type !== 'move' && b.action.type !== 'clear-focus');
const STATUS_HINT: Record<AnnotatorRole, string> = {
  reader: HINTED.filter((b) => b.group !== 'Adjudicate').map(hintOf).join(' · '),
  adjudicator: HINTED.filter((b) => !['flag', 'next', 'previous', 'accept-suggestion', 'select-all'].includes(b.action.type)).map(hintOf).join(' · '),
};

/** Longest wait for the first tile before the cells are asked for anyway. */
const MARKERS_AFTER_MS = 600;

/** State shown while the slide's cells are still loading (the viewer already loads tiles). */
const LOADING_STATE = new Observable<WorkspaceState>({
  focused: null, filter: 'all', view: 'viewer', showSliceGrid: false, showFov: false, showHelp: false,
  unlabelledFirst: true, status: { text: 'Loading cells…', tone: 'info' }, queued: 0, cellsVersion: 0, undo: null, edit: EDIT_OFF,
  selection: NO_SELECTION, suggestionsVersion: 0,
});

export function Workspace(props: { api: SmearlabApi; annotator: AnnotatorRecord; slideId: number; onClose: () => void }) {
  const { api, slideId } = props;
  const [slide, setSlide] = useState<SlideDetail | null>(null);
  const [cells, setCells] = useState<SlideCells | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped when a missing scan is found: the slide is opened again, now with tiles.
  const [opening, setOpening] = useState(0);
  const [scanFound, setScanFound] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setSlide(null);
    setCells(null);
    setError(null);
    const fail = (e: unknown) => { if (live) setError(errorText(e)); };
    // The viewer starts on the tiles as soon as the slide is known. The cells are
    // asked for once the first tile is on screen (or after a moment): a big slide's
    // markers would otherwise hold up the server while the first tiles wait.
    const detail = api.getSlide({ slideId });
    detail.then((d) => { if (live) setSlide(d); }, fail);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const firstTile = new Promise<void>((resolve) => {
      const onTile = () => resolve();
      window.addEventListener('smearlab:first-tile', onTile, { once: true });
      timer = setTimeout(resolve, MARKERS_AFTER_MS);
    });
    // Each load numbered: a slow answer never replaces a newer one.
    let requested = 0;
    const load = async (d: SlideDetail) => {
      const seq = ++requested;
      const markers = await api.cellMarkers({ slideId });
      if (!live || seq !== requested) return;
      // Centres and slice origins are used when the server sends them (exact reading order).
      // Same cells as shown: keep them (labels arrive as events); more (an ingest running): the new set.
      setCells((shown) => (shown && shown.count === markers.ids.length ? shown
        : new SlideCells(markers as CellColumnsInput, d.width, d.height, d.sliceGrid)));
    };
    let unfollow: (() => void) | null = null;
    detail.then(async (d) => {
      if (d.dziUrl) await firstTile;
      await load(d);
      if (live) unfollow = followIngest(api, slideId, () => { load(d).catch(fail); });
    }).catch(fail);
    return () => {
      live = false;
      clearTimeout(timer);
      unfollow?.();
    };
  }, [api, slideId, opening]);

  if (error) {
    return (
      <div className="centre-page">
        <p className="error">Cannot open slide {slideId}: {error}</p>
        <button type="button" className="btn" onClick={props.onClose}>Back to the library</button>
      </div>
    );
  }
  if (!slide) return <div className="centre-page muted">Opening slide…</div>;
  const onScanFound = (entry: SlideListEntry) => {
    setScanFound(scanFoundText(entry));
    setOpening((n) => n + 1);
  };
  return <OpenWorkspace {...props} slide={slide} cells={cells} scanFound={scanFound} onScanFound={onScanFound} />;
}

function OpenWorkspace(props: {
  api: SmearlabApi; annotator: AnnotatorRecord; slide: SlideDetail; cells: SlideCells | null; onClose: () => void;
  scanFound: string | null; onScanFound: (entry: SlideListEntry) => void;
}) {
  const { api, annotator, slide, cells } = props;
  // New cells of the same slide (a running ingest's): the new controller keeps the view and the focus.
  const previous = useRef<WorkspaceController | null>(null);
  const controller = useMemo(() => {
    if (!cells) return null;
    const before = previous.current;
    const next = new WorkspaceController(api, annotator, slide, cells, before?.slide === slide ? before.carry() : undefined);
    previous.current = next;
    return next;
  }, [api, annotator, slide, cells]);
  const cache = useMemo(() => new CropUrlCache(api, slide.id), [api, slide.id]);
  useEffect(() => () => controller?.dispose(), [controller]);
  const state = useObservable(controller?.state ?? LOADING_STATE);

  useEffect(() => {
    if (!controller) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (isTextEntry(target)) return;
      const binding = matchKey(event, KEYMAP, controller.state.get().edit.tool !== 'off');
      if (!binding) return;
      event.preventDefault();
      event.stopPropagation();
      // A button or checkbox clicked a moment ago keeps the focus; Space on key-up would press it again.
      if (target instanceof HTMLButtonElement || target instanceof HTMLInputElement) target.blur();
      if (binding.noRepeat && event.repeat) return;
      controller.dispatch(binding.action);
    };
    // Capture phase: the keymap sees keys before OpenSeadragon or a focused button does.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [controller]);

  const dispatch = (action: KeyAction) => controller?.dispatch(action);
  const update = (patch: Partial<WorkspaceState>) => controller?.update(patch);

  return (
    <div className="workspace" data-testid="workspace" data-slide-id={slide.id}>
      <header className="topbar">
        <button type="button" className="btn ghost" onClick={props.onClose} title="Back to the library">← Library</button>
        <div className="slide-title">
          <b>{slide.smearId}</b>
          <span className="muted small">{slide.name}</span>
        </div>
        {cells ? <CountersBar cells={cells} key={state.cellsVersion} /> : <span className="muted">loading cells…</span>}
        <div className="spacer" />
        {props.scanFound && <span className="muted small" data-testid="scan-found">{props.scanFound}</span>}
        <span className="annotator" title="Labels are recorded under this name" data-testid="annotator-current" data-role={annotator.role}>
          {annotator.name} · {annotator.role}
        </span>
        <button type="button" className="btn ghost" onClick={() => dispatch({ type: 'toggle-help' })} title="Keyboard shortcuts (?)">?</button>
      </header>
      <div className="toolbar">
        <FilterBar value={state.filter} onChange={(filter) => update({ filter })} />
        <div className="spacer" />
        <div className="seg-group" role="tablist">
          <button type="button" role="tab" aria-selected={state.view === 'viewer'} className={state.view === 'viewer' ? 'seg active' : 'seg'}
            onClick={() => update({ view: 'viewer' })} data-testid="tab-viewer">Viewer</button>
          <button type="button" role="tab" aria-selected={state.view === 'gallery'} className={state.view === 'gallery' ? 'seg active' : 'seg'}
            onClick={() => update({ view: 'gallery' })} data-testid="tab-gallery">Gallery</button>
        </div>
        <label className="check" title="Slice grid (L)">
          <input type="checkbox" checked={state.showSliceGrid} onChange={() => dispatch({ type: 'toggle-slice-grid' })} data-testid="toggle-grid" />
          slices
        </label>
        <label className="check" title="Field-of-view outline (O)">
          <input type="checkbox" checked={state.showFov} disabled={!slide.fovMaskUrl}
            onChange={() => dispatch({ type: 'toggle-fov' })} data-testid="toggle-fov" />
          FOV
        </label>
        <button type="button" className="btn small" onClick={() => dispatch({ type: 'zoom-home' })} title="Whole slide (0)">Fit</button>
        <button type="button" className="btn small" onClick={() => dispatch({ type: 'cycle-navigator' })} data-testid="navigator-place"
          title="Navigator: bottom right, top right, hidden (V)">Map</button>
      </div>
      {controller && <AssistBar api={api} controller={controller} />}
      <main className="workspace-main">
        <section className="stage">
          <ViewerPane api={api} slide={slide} controller={controller} onScanFound={props.onScanFound} />
          {controller && <GalleryPane controller={controller} cache={cache} active={state.view === 'gallery'} />}
        </section>
        {controller ? <CellPanel api={api} controller={controller} /> : <aside className="cell-panel empty" />}
      </main>
      <footer className="statusbar" data-testid="status">
        <span className={state.status?.tone === 'error' ? 'error' : ''} data-testid="status-text">{state.status?.text ?? ''}</span>
        <div className="spacer" />
        {state.queued > 1 && <span className="muted">{state.queued - 1} key{state.queued === 2 ? '' : 's'} waiting</span>}
        {state.edit.tool === 'off'
          ? <span className="muted small">{STATUS_HINT[annotator.role]}</span>
          : <span className="edit-hint small" data-testid="edit-status" data-tool={state.edit.tool}>{EDIT_HINTS[state.edit.tool]}</span>}
      </footer>
      {state.showHelp && <HelpOverlay onClose={() => update({ showHelp: false })} />}
    </div>
  );
}

/** Where typing is text (a name, a path): the keymap stays out of it. Checkboxes and buttons are not. */
function isTextEntry(target: HTMLElement | null): boolean {
  if (!target) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(target.type);
}
