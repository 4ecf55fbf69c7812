// The open slide's session: focus, filter, toggles, and the action queue
// that turns keymap actions into contract calls. Every focus-dependent action
// (label, flag, undo, moves) runs in order, one at a time, against the focus
// the previous action left: a label is committed (the call resolved) before
// the focus moves on, so quick typing is never dropped and never lands on
// the wrong cell. A failed call empties the queue rather than guess.
// Several readers: the cells hold this session's view (a reader's own labels,
// an adjudicator's decisions), so changes made in another view are left out;
// an adjudicator's label decides the cell and moves on along the server's
// disagreement queue.
// Assist: Y labels the focused cell with the suggestion the cells already hold
// (no extra call before the label); in the gallery a selection of tiles is
// labelled with one key (a class, or Y: each tile's suggestion) via labelCells.

import { CELL_CLASSES, cellClassByName, type CellClassName } from '../../src-main/domain/cell-class.ts';
import type { CellQueue } from '../../src-main/domain/cell.ts';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AnnotatorRecord, CellView, CellsChangedView, EditResult, LabelChangeView, SlideDetail, UndoRedoState } from '../../src-main/api/views.ts';
import { errorText } from '../api/smearlab-api.ts';
import type { KeyAction } from '../keymap.ts';
import { UNLABELLED, type CellFilterMode } from './cell-filter.ts';
import { acceptGroups, nextInListing, NO_SELECTION, selectAll, SELECTION_MAX, selectionAfterClick, type ClickMods, type Selection } from './gallery-selection.ts';
import { navigatorPlace } from './navigator-place.ts';
import { Observable } from './observable.ts';
import type { LiveCell, SlideCells, SuggestionColumns } from './slide-cells.ts';

export type WorkspaceView = 'viewer' | 'gallery';

export interface StatusMessage {
  text: string;
  tone: 'info' | 'error';
}

export interface WorkspaceState {
  /** Index into SlideCells of the focused cell. */
  focused: number | null;
  filter: CellFilterMode;
  view: WorkspaceView;
  showSliceGrid: boolean;
  showFov: boolean;
  showHelp: boolean;
  unlabelledFirst: boolean;
  status: StatusMessage | null;
  /** Actions waiting in the queue (including the running one). */
  queued: number;
  /** Bumped on every label / flag change (counters, gallery). */
  cellsVersion: number;
  undo: UndoRedoState | null;
  /** Cell editing (E): the tool in hand and what a split or merge has gathered so far. */
  edit: EditState;
  /** Gallery tiles picked for one key (click, Ctrl/Shift+click, Ctrl+A). */
  selection: Selection;
  /** Bumped when the assist suggestions are replaced (overlay, tiles, panel). */
  suggestionsVersion: number;
}

/** 'off': no editing; 'select': handles on the focused cell; the others: the tool a key picked. */
export type EditTool = 'off' | 'select' | 'draw' | 'nucleus' | 'split' | 'merge';

export interface EditState {
  tool: EditTool;
  /** Split: the nuclei clicked so far (level-0). */
  splitPoints: Array<{ x: number; y: number }>;
  /** Merge: the cells chosen so far, by id. */
  mergeIds: number[];
}

export const EDIT_OFF: EditState = Object.freeze({ tool: 'off', splitPoints: [], mergeIds: [] }) as EditState;

/** What the status line says in each edit tool. */
export const EDIT_HINTS: Record<EditTool, string> = {
  off: '',
  select: 'Edit: drag a handle of the focused cell to resize (inside: move) · A draw a cell · C click a nucleus · S split · M merge · X reject · Esc leave',
  draw: 'Add: drag the new cell\'s box · Esc cancel',
  nucleus: 'Add: click the nucleus, the pipeline proposes the box · Esc cancel',
  split: 'Split: click each nucleus inside the focused cell, then Enter · Esc cancel',
  merge: 'Merge: Shift+click (or click) the cells to join, then Enter · Esc cancel',
};

/** What the viewer lets the controller do; registered by the viewer pane. */
export interface ViewerCommands {
  reveal(index: number): void;
  zoomTo(index: number): void;
  home(): void;
  /** The level-0 point at the centre of the view. */
  centre(): { x: number; y: number } | null;
}

/** Grid navigation of the gallery (arrows there move in the grid). */
export interface GalleryNavigation {
  step(index: number | null, dx: number, dy: number): number | null;
  /** The tiles listed, in gallery order (cell indices): what Ctrl+A and Shift+click select from. */
  listed(): ArrayLike<number>;
}

type QueuedAction = () => Promise<void> | void;

const QUEUE_NAMES: Record<CellQueue, string> = { disagreements: 'Disagreements', 'second-assessment': 'Second assessment' };
const QUEUE_EMPTY: Record<CellQueue, string> = {
  disagreements: 'No open disagreement left on this slide',
  'second-assessment': 'No flagged cell is waiting for a second assessment',
};

/** Edits take whole level-0 pixels. */
function roundPoint(p: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** What a controller built over newer cells of the same slide keeps from the one it replaces. */
export interface CarriedState {
  state: WorkspaceState;
  /** The focused cell by id (indices change when cells are added). */
  focusedCellId: number | null;
}

export class WorkspaceController {
  readonly state: Observable<WorkspaceState>;
  readonly cells: SlideCells;
  readonly slide: SlideDetail;
  readonly annotator: AnnotatorRecord;
  viewer: ViewerCommands | null = null;
  gallery: GalleryNavigation | null = null;
  readonly #api: SmearlabApi;
  readonly #queue: QueuedAction[] = [];
  #running = false;
  readonly #cellListeners = new Set<(index: number) => void>();
  readonly #unsubscribe: () => void;
  readonly #appliedEvent = new Map<number, number>();
  readonly #appliedEdits = new Set<number>();

  /**
   * Without `carried` (the slide just opened) the first queued action resumes
   * where this reader left off; with it (the same slide's cells reloaded while
   * its ingest runs) the view, filter and focus carry over.
   */
  constructor(api: SmearlabApi, annotator: AnnotatorRecord, slide: SlideDetail, cells: SlideCells, carried?: CarriedState) {
    this.#api = api;
    this.annotator = annotator;
    this.slide = slide;
    this.cells = cells;
    this.state = new Observable<WorkspaceState>({
      focused: null, filter: 'all', view: 'viewer', showSliceGrid: false, showFov: false, showHelp: false,
      unlabelledFirst: true, status: null, queued: 0, cellsVersion: 0, undo: null, edit: EDIT_OFF,
      selection: NO_SELECTION, suggestionsVersion: cells.suggestionsVersion,
      ...(carried ? { ...carried.state, queued: 0, cellsVersion: cells.version, selection: NO_SELECTION, suggestionsVersion: cells.suggestionsVersion } : {}),
    });
    if (carried) {
      const index = carried.focusedCellId === null ? undefined : cells.indexOf(carried.focusedCellId);
      this.state.update({ focused: index ?? null });
    }
    const stopLabels = api.on('label-changed', (change) => this.applyChange(change));
    const stopCells = api.on('cells-changed', (change) => this.applyCellsChanged(change));
    this.#unsubscribe = () => { stopLabels(); stopCells(); };
    void api.undoState({ annotatorId: annotator.id }).then((undo) => this.state.update({ undo }), () => undefined);
    // Queued first, so keys typed while it loads apply after it.
    if (!carried) this.#enqueue(() => this.#resume());
  }

  /** What a successor over reloaded cells keeps (see the constructor). */
  carry(): CarriedState {
    const state = this.state.get();
    return { state, focusedCellId: state.focused === null ? null : this.cells.ids[state.focused] ?? null };
  }

  dispose(): void {
    this.#unsubscribe();
    this.#queue.length = 0;
  }

  /** Called with a cell index whenever its label or flag changed. */
  onCellChanged(listener: (index: number) => void): () => void {
    this.#cellListeners.add(listener);
    return () => this.#cellListeners.delete(listener);
  }

  dispatch(action: KeyAction): void {
    const s = this.state.get();
    switch (action.type) {
      case 'toggle-help': return this.state.update({ showHelp: !s.showHelp });
      case 'toggle-gallery': return this.state.update({ view: s.view === 'viewer' ? 'gallery' : 'viewer', selection: NO_SELECTION });
      case 'toggle-slice-grid': return this.state.update({ showSliceGrid: !s.showSliceGrid });
      case 'toggle-fov': return this.state.update({ showFov: !s.showFov });
      case 'cycle-navigator': return void navigatorPlace.cycle();
      case 'clear-focus':
        if (s.showHelp) return this.state.update({ showHelp: false });
        if (s.selection.indices.length >= 2) return this.state.update({ selection: NO_SELECTION });
        return this.#enqueue(() => this.#focus(null));
      case 'label': {
        // The selection as it is now: a click made while the key waits in the queue does not change what it labels.
        const picked = this.#activeSelection();
        if (picked) return this.#enqueue(() => this.#labelSelection(picked, action.label));
        return this.#enqueue(() => this.#label(action.label));
      }
      case 'accept-suggestion': {
        const picked = this.#activeSelection();
        if (picked) return this.#enqueue(() => this.#labelSelection(picked, 'suggested'));
        return this.#enqueue(() => this.#acceptSuggestion());
      }
      case 'select-all':
        if (s.view !== 'gallery' || !this.gallery) return this.#status('Ctrl+A selects gallery tiles: switch to the gallery (G) first');
        return this.#selectAll(this.gallery.listed());
      case 'flag': return this.#enqueue(() => this.#flag());
      case 'undo': return this.#enqueue(() => this.#undoRedo('undo'));
      case 'redo': return this.#enqueue(() => this.#undoRedo('redo'));
      // Focus moved by keys leaves the selection: a label key then labels the focused cell, as it says.
      case 'next': return this.#dropSelection(() => this.#step(1));
      case 'previous': return this.#dropSelection(() => this.#step(-1));
      case 'queue': return this.#dropSelection(() => this.#queueStep(action.queue, action.direction));
      case 'move': return this.#dropSelection(() => this.#move(action.dx, action.dy));
      // Viewer moves wait their turn too: a queued label's focus move must not undo them.
      case 'zoom-home': return this.#enqueue(() => this.viewer?.home());
      case 'zoom-to-focused': return this.#enqueue(() => {
        const f = this.state.get().focused;
        if (f !== null) this.viewer?.zoomTo(f);
      });
      case 'edit-toggle': return this.#setEdit(s.edit.tool === 'off' ? 'select' : 'off');
      case 'edit-tool': return this.#pickTool(action.tool);
      case 'edit-cancel':
        if (s.showHelp) return this.state.update({ showHelp: false });
        return this.#setEdit(s.edit.tool === 'select' ? 'off' : 'select');
      case 'edit-reject': return this.#enqueue(() => this.#reject());
      case 'edit-commit':
        if (s.edit.tool === 'split') return this.#enqueue(() => this.#commitSplit());
        if (s.edit.tool === 'merge') return this.#enqueue(() => this.#commitMerge());
        return this.dispatch({ type: 'zoom-to-focused' });
    }
  }

  #dropSelection(action: QueuedAction): void {
    if (this.state.get().selection.indices.length > 0) this.state.update({ selection: NO_SELECTION });
    this.#enqueue(action);
  }

  // ---- assist: suggestions and the gallery selection ----------------------

  /** A gallery tile clicked: the selection follows the click (Shift: a run, Ctrl: one more or less), and the focus goes there. */
  selectTile(index: number, mods: ClickMods): void {
    const s = this.state.get();
    const order = this.gallery?.listed() ?? [index];
    const selection = selectionAfterClick(s.selection, order, index, mods);
    this.state.update({ selection });
    if (selection.indices.length >= SELECTION_MAX && (mods.shift || mods.toggle)) this.#status(`A selection holds at most ${SELECTION_MAX} tiles (one call labels them)`);
    this.focusCell(index, true);
  }

  #selectAll(listed: ArrayLike<number>): void {
    const selection = selectAll(listed);
    this.state.update({ selection });
    // One tile is no selection a key acts on (see #activeSelection): focus it, so the key labels it all the same.
    if (selection.indices.length === 1) this.focusCell(selection.indices[0]!, true);
    this.#status(listed.length > SELECTION_MAX
      ? `Selected the first ${SELECTION_MAX} of ${listed.length} tiles: a class key or Y labels them`
      : `Selected ${selection.indices.length} tile${selection.indices.length === 1 ? '' : 's'}: a class key or Y labels them`);
  }

  clearSelection(): void {
    if (this.state.get().selection.indices.length > 0) this.state.update({ selection: NO_SELECTION });
  }

  /** New suggestions (cellMarkers after an assist run): the cells take them, the views redraw. */
  applySuggestions(columns: SuggestionColumns): number {
    const n = this.cells.applySuggestions(columns);
    this.state.update({ suggestionsVersion: this.cells.suggestionsVersion });
    return n;
  }

  /**
   * The gallery selection a key acts on: two tiles or more, in the gallery;
   * else null (a plain click selects the one tile it focuses, and a key then
   * labels it and moves on as anywhere else).
   */
  #activeSelection(): number[] | null {
    const { selection, view } = this.state.get();
    return view === 'gallery' && selection.indices.length >= 2 ? [...selection.indices] : null;
  }

  /** Y: the focused cell gets the class suggested for it (held in the cells: no call before the label), then on like a label key. */
  async #acceptSuggestion(): Promise<void> {
    const index = this.#requireFocus();
    if (index === null) return;
    const own = this.cells.labels[index]!;
    if (own !== UNLABELLED) {
      this.#status(`Cell ${this.cells.ids[index]} is labelled ${CELL_CLASSES[own]?.name}: your label stands (a class key changes it)`);
      return;
    }
    const cls = CELL_CLASSES[this.cells.suggested[index]!];
    if (!cls) {
      this.#status('No suggestion for this cell: label it with a class key (suggestions come after 20 labels of 2 classes)');
      return;
    }
    await this.#label(cls.name);
  }

  /** One key on a gallery selection: a class for every tile, or ('suggested') each tile's suggestion; labelCells per class. */
  async #labelSelection(picked: readonly number[], label: CellClassName | 'suggested'): Promise<void> {
    const live = picked.filter((i) => this.cells.retired[i] === 0);
    const groups = label === 'suggested' ? acceptGroups(live, this.cells.labels, this.cells.suggested) : [{ label, indices: live }];
    if (groups.length === 0 || groups.every((g) => g.indices.length === 0)) {
      this.#status(label === 'suggested'
        ? 'None of the selected tiles has a suggestion to accept (tiles you labelled keep their label)'
        : 'None of the selected cells is left on the slide');
      return;
    }
    const done: string[] = [];
    for (const group of groups) {
      const result = await this.#api.labelCells({ cellIds: group.indices.map((i) => this.cells.ids[i]!), label: group.label, annotatorId: this.annotator.id });
      for (const change of result.changes) this.applyChange(change);
      this.state.update({ undo: result.undo });
      done.push(`${result.changes.length} ${group.label}`);
    }
    // Cleared only when it is still the selection the key labelled (a new one made meanwhile stays).
    const now = this.state.get().selection.indices;
    if (now.length === picked.length && now.every((i, k) => i === picked[k])) this.state.update({ selection: NO_SELECTION });
    const skipped = picked.length - groups.reduce((n, g) => n + g.indices.length, 0);
    this.#status(`Labelled the selection: ${done.join(', ')}${skipped > 0 ? ` (${skipped} left as they were: your label, or no suggestion)` : ''}`);
  }

  // ---- cell editing -------------------------------------------------------

  #setEdit(tool: EditTool, patch: Partial<EditState> = {}): void {
    this.state.update({ edit: { tool, splitPoints: [], mergeIds: [], ...patch }, status: tool === 'off' ? null : { text: EDIT_HINTS[tool], tone: 'info' } });
  }

  #pickTool(tool: 'draw' | 'nucleus' | 'split' | 'merge'): void {
    const { focused } = this.state.get();
    if (tool === 'split' && focused === null) {
      this.#status('Split: focus the cell to split first (click it)');
      return;
    }
    this.#setEdit(tool, tool === 'merge' && focused !== null ? { mergeIds: [this.cells.ids[focused]!] } : {});
  }

  /** Edit mode, draw tool: the box the reader dragged (level-0). */
  editAddBox(box: { x: number; y: number; width: number; height: number }): void {
    this.#enqueue(async () => {
      const result = await this.#api.addCell({ slideId: this.slide.id, box, annotatorId: this.annotator.id });
      this.#edited(result, 'select');
    });
  }

  /** Edit mode, nucleus tool: the point clicked; the server's instance step proposes the box. */
  editAddAt(point: { x: number; y: number }): void {
    this.#enqueue(async () => {
      const result = await this.#api.addCell({ slideId: this.slide.id, point: roundPoint(point), annotatorId: this.annotator.id });
      this.#edited(result, 'select');
    });
  }

  /** Edit mode: a handle of the cell dragged to a new box. */
  editReshape(index: number, box: { x: number; y: number; width: number; height: number }): void {
    const cellId = this.cells.ids[index]!;
    this.#enqueue(async () => {
      const result = await this.#api.reshapeCell({ cellId, box, annotatorId: this.annotator.id });
      this.#edited(result, 'select');
    });
  }

  /** Split tool: one more nucleus (inside the focused cell). */
  editSplitPoint(point: { x: number; y: number }): void {
    const s = this.state.get();
    if (s.edit.tool !== 'split' || s.focused === null) return;
    const b = this.cells.box(s.focused);
    if (point.x < b.x || point.y < b.y || point.x >= b.x + b.width || point.y >= b.y + b.height) {
      this.#status('Split: click inside the focused cell');
      return;
    }
    this.state.update({ edit: { ...s.edit, splitPoints: [...s.edit.splitPoints, roundPoint(point)] } });
  }

  /** Merge tool: a cell clicked joins the selection, or leaves it. */
  editMergeToggle(index: number): void {
    const s = this.state.get();
    if (s.edit.tool !== 'merge') return;
    const id = this.cells.ids[index]!;
    const mergeIds = s.edit.mergeIds.includes(id) ? s.edit.mergeIds.filter((x) => x !== id) : [...s.edit.mergeIds, id];
    this.state.update({ edit: { ...s.edit, mergeIds } });
  }

  async #commitSplit(): Promise<void> {
    const { edit, focused } = this.state.get();
    if (focused === null || edit.splitPoints.length < 2) {
      this.#status('Split: click at least two nuclei inside the focused cell, then Enter');
      return;
    }
    const result = await this.#api.splitCell({ cellId: this.cells.ids[focused]!, nuclei: edit.splitPoints, annotatorId: this.annotator.id });
    this.#edited(result, 'select');
  }

  async #commitMerge(): Promise<void> {
    const { edit } = this.state.get();
    if (edit.mergeIds.length < 2) {
      this.#status('Merge: Shift+click at least two cells, then Enter');
      return;
    }
    const result = await this.#api.mergeCells({ cellIds: edit.mergeIds, annotatorId: this.annotator.id });
    this.#edited(result, 'select');
  }

  async #reject(): Promise<void> {
    const index = this.#requireFocus();
    if (index === null) return;
    const { filter } = this.state.get();
    const next = this.cells.next(index, filter) ?? this.cells.previous(index, filter);
    const result = await this.#api.rejectCell({ cellId: this.cells.ids[index]!, annotatorId: this.annotator.id });
    this.applyCellsChanged(result.edit);
    this.state.update({ undo: result.undo });
    this.#focus(next);
    this.#announceEdit(result.edit);
  }

  /** An edit's answer: shown, focus on the first cell it made, the tool back to `tool`. */
  #edited(result: EditResult, tool: EditTool): void {
    this.applyCellsChanged(result.edit);
    this.state.update({ undo: result.undo });
    if (this.state.get().edit.tool !== 'off') this.#setEdit(tool);
    const first = result.edit.created[0];
    const index = first ? this.cells.indexOf(first.id) : undefined;
    if (index !== undefined) this.#focus(index);
    this.#announceEdit(result.edit);
  }

  #announceEdit(edit: CellsChangedView): void {
    window.dispatchEvent(new CustomEvent('smearlab:cells-edited', {
      detail: { kind: edit.event.value, action: edit.event.action, created: edit.created.map((c) => c.id), retired: edit.retired },
    }));
  }

  /** A cell edit (or its undo / redo) from anywhere: cells leave or join the overlay, counters and navigation. */
  applyCellsChanged(change: CellsChangedView): void {
    if (change.slideId !== this.slide.id || this.#appliedEdits.has(change.event.id)) return;
    this.#appliedEdits.add(change.event.id);
    const live: LiveCell[] = change.created.map((c) => ({
      id: c.id, box: c.box, centre: c.centre, sliceX: c.sliceX, sliceY: c.sliceY, flagged: c.flagged, cluster: c.kind === 'cluster',
      label: c.label ? (cellClassByName(c.label)?.apaccId ?? UNLABELLED) : UNLABELLED,
    }));
    const touched = this.cells.applyEdit(live, change.retired);
    for (const index of touched) for (const listener of [...this.#cellListeners]) listener(index);
    const { focused } = this.state.get();
    if (focused !== null && this.cells.retired[focused] === 1) this.state.update({ focused: null });
    this.state.update({ cellsVersion: this.cells.version });
  }

  /** Focus from a click (viewer or gallery): queued behind pending keys, so it cannot overtake them. */
  focusCell(index: number | null, reveal = false): void {
    this.#enqueue(() => this.#focus(index, reveal));
  }

  setFilter(filter: CellFilterMode): void {
    this.state.update({ filter });
  }

  update(patch: Partial<WorkspaceState>): void {
    this.state.update(patch);
  }

  /** A label or flag change from anywhere (this window's calls, other windows, undo). */
  applyChange(change: LabelChangeView): void {
    if (change.slideId !== this.slide.id || !this.#inView(change)) return;
    const index = this.cells.indexOf(change.cellId);
    if (index === undefined) return;
    // The call's answer and the server-sent event of the same change race; event ids are monotonic.
    if ((this.#appliedEvent.get(change.cellId) ?? 0) >= change.event.id) return;
    this.#appliedEvent.set(change.cellId, change.event.id);
    const code = change.current.label ? (cellClassByName(change.current.label)?.apaccId ?? UNLABELLED) : UNLABELLED;
    const a = this.cells.setLabel(index, code);
    const b = this.cells.setFlag(index, change.current.flagged);
    if (!a && !b) return;
    for (const listener of [...this.#cellListeners]) listener(index);
    this.state.update({ cellsVersion: this.cells.version });
  }

  /**
   * True when the change is in this session's view: a reader's own labels, or
   * a decision for an adjudicator. Every window hears every change; another
   * reader's label must not paint over this reader's own (nor reach a reader
   * the slide is blind to), and a reader's label is not a decision.
   */
  #inView(change: LabelChangeView): boolean {
    const { event } = change;
    if (this.annotator.role === 'adjudicator') return event.role === 'adjudicator';
    return event.role === 'reader' && event.annotatorId === this.annotator.id;
  }

  #enqueue(action: QueuedAction): void {
    this.#queue.push(action);
    this.state.update({ queued: this.#queue.length + (this.#running ? 1 : 0) });
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let action = this.#queue.shift(); action; action = this.#queue.shift()) {
        this.state.update({ queued: this.#queue.length + 1 });
        try {
          await action();
        } catch (error) {
          const dropped = this.#queue.length;
          this.#queue.length = 0;
          const more = dropped > 0 ? ` (${dropped} waiting key${dropped === 1 ? '' : 's'} discarded)` : '';
          this.#status(`Not saved: ${errorText(error)}${more}`, 'error');
        }
      }
    } finally {
      this.#running = false;
      this.state.update({ queued: 0 });
    }
  }

  #status(text: string, tone: StatusMessage['tone'] = 'info'): void {
    this.state.update({ status: { text, tone } });
  }

  #focus(index: number | null, reveal = true): void {
    const previous = this.state.get().focused;
    this.state.update({ focused: index, ...(index !== null ? { status: null } : {}) });
    if (index !== null && reveal) this.viewer?.reveal(index);
    if (index !== previous) {
      window.dispatchEvent(new CustomEvent('smearlab:focus', {
        detail: { index, cellId: index === null ? null : this.cells.ids[index] },
      }));
    }
  }

  /** Focuses the cell this reader labelled last on this slide (their latest label event), if any. */
  async #resume(): Promise<void> {
    let cellId: number | null = null;
    try {
      cellId = (await this.#api.lastCellOf({ slideId: this.slide.id, annotatorId: this.annotator.id }))?.id ?? null;
    } catch {
      return; // Where to start is a convenience: the slide works without it.
    }
    const index = cellId === null ? undefined : this.cells.indexOf(cellId);
    if (index === undefined || this.state.get().focused !== null) return;
    this.#focus(index);
    this.#status(`Back where you left off: cell ${cellId}, your last label on this slide`);
  }

  #requireFocus(): number | null {
    const f = this.state.get().focused;
    if (f === null) this.#status('No cell is focused: press N (next) or click a cell');
    return f;
  }

  async #label(label: CellClassName): Promise<void> {
    const index = this.#requireFocus();
    if (index === null) return;
    const result = await this.#api.labelCell({
      cellId: this.cells.ids[index]!, label, annotatorId: this.annotator.id, advance: 'none',
    });
    this.applyChange(result.change);
    this.state.update({ undo: result.undo });
    // The decision is committed; only then does the adjudicator's focus ask the server where the next dispute is.
    if (this.annotator.role === 'adjudicator') {
      await this.#queueStep('disagreements', 'next', index);
      return;
    }
    const next = this.#nextAfterLabel(index);
    if (next === null) this.#status('No unlabelled cell left in this view');
    this.#focus(next ?? index);
  }

  /**
   * Moves along one of the adjudicator's queues (the server knows them: they
   * depend on every reader's labels), wrapping at the ends. A refusal (a
   * reader the slide is blind to) is shown as the API words it.
   */
  async #queueStep(queue: CellQueue, direction: 'next' | 'previous', from = this.state.get().focused): Promise<void> {
    const cellId = from === null ? undefined : this.cells.ids[from];
    const ask = (start: number | undefined) => this.#api.neighbourCell({
      slideId: this.slide.id, direction, filter: { queue }, ...(start === undefined ? {} : { cellId: start }),
    });
    let found: CellView | null;
    try {
      found = await ask(cellId);
      if (found === null && cellId !== undefined) found = await ask(undefined);
    } catch (error) {
      this.#status(errorText(error), 'error');
      return;
    }
    const index = found === null ? undefined : this.cells.indexOf(found.id);
    if (index === undefined) {
      this.#status(QUEUE_EMPTY[queue]);
      return;
    }
    this.#focus(index);
    if (index === from) this.#status(`${QUEUE_NAMES[queue]}: this is the only cell left`);
  }

  /**
   * The next unlabelled cell in reading order (wrapping), else the next cell
   * the filter shows. In the gallery: the same along its listing (a ranked
   * gallery's order, which reading order would leave), else its next tile.
   */
  #nextAfterLabel(index: number): number | null {
    const { filter, view } = this.state.get();
    const labels = this.cells.labels;
    if (view === 'gallery' && this.gallery) {
      const next = nextInListing(this.gallery.listed(), index, (i) => labels[i] === UNLABELLED && this.cells.passes(i, filter));
      if (next !== null) return next;
    }
    return this.cells.next(index, filter, (i) => labels[i] === UNLABELLED, true) ?? this.cells.next(index, filter);
  }

  async #flag(): Promise<void> {
    const index = this.#requireFocus();
    if (index === null) return;
    const flagged = this.cells.flagged[index] !== 1;
    const result = await this.#api.flagCell({ cellId: this.cells.ids[index]!, flagged, annotatorId: this.annotator.id });
    this.applyChange(result.change);
    this.state.update({ undo: result.undo });
  }

  async #undoRedo(which: 'undo' | 'redo'): Promise<void> {
    const result = which === 'undo'
      ? await this.#api.undo({ annotatorId: this.annotator.id })
      : await this.#api.redo({ annotatorId: this.annotator.id });
    this.state.update({ undo: result.undo });
    if (result.edit) {
      this.applyCellsChanged(result.edit);
      const first = result.edit.created[0];
      const index = first && result.edit.slideId === this.slide.id ? this.cells.indexOf(first.id) : undefined;
      if (index !== undefined) this.#focus(index);
      else this.#status(`${which === 'undo' ? 'Undid' : 'Redid'} a ${result.edit.event.value}`);
      this.#announceEdit(result.edit);
      return;
    }
    if (!result.change) {
      this.#status(which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
      return;
    }
    this.applyChange(result.change);
    const index = result.change.slideId === this.slide.id ? this.cells.indexOf(result.change.cellId) : undefined;
    if (index !== undefined) this.#focus(index);
    else this.#status(`${which === 'undo' ? 'Undid' : 'Redid'} a change on another slide (cell ${result.change.cellId})`);
  }

  #step(direction: 1 | -1): void {
    const { focused, filter } = this.state.get();
    // From nothing, N starts where the work is: the first unlabelled cell (else the first cell).
    const labels = this.cells.labels;
    const next = direction === -1 ? this.cells.previous(focused, filter)
      : focused === null ? this.cells.next(null, filter, (i) => labels[i] === UNLABELLED) ?? this.cells.next(null, filter)
        : this.cells.next(focused, filter);
    if (next === null) this.#status(direction === 1 ? 'Last cell of the slide' : 'First cell of the slide');
    else this.#focus(next);
  }

  #move(dx: number, dy: number): void {
    const { focused, filter, view } = this.state.get();
    if (view === 'gallery' && this.gallery) {
      const next = this.gallery.step(focused, dx, dy);
      if (next !== null) this.#focus(next, false);
      return;
    }
    if (focused === null) {
      this.#focus(this.#nearestToViewCentre());
      return;
    }
    const next = this.cells.nearestInDirection(focused, dx, dy, filter);
    if (next !== null) this.#focus(next);
  }

  #nearestToViewCentre(): number | null {
    const c = this.viewer?.centre();
    const { filter } = this.state.get();
    if (!c) return this.cells.next(null, filter);
    let best: number | null = null;
    let bestD = Infinity;
    for (let i = 0; i < this.cells.count; i++) {
      const d = (this.cells.centres[i * 2]! - c.x) ** 2 + (this.cells.centres[i * 2 + 1]! - c.y) ** 2;
      if (d < bestD && this.cells.passes(i, filter)) {
        best = i;
        bestD = d;
      }
    }
    return best;
  }
}
