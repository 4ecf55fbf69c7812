// The one keymap: every shortcut of the workstation, declared once. The key
// handler matches events against it and the help overlay (`?`) lists it, so
// what the help says is what the keys do. Class keys come from the interned
// APACC classes (digit = APACC id + 1, plus a letter).

import { CELL_CLASSES, type CellClassName } from '../src-main/domain/cell-class.ts';
import type { CellQueue } from '../src-main/domain/cell.ts';

export type KeyAction =
  | { type: 'label'; label: CellClassName }
  | { type: 'accept-suggestion' }
  | { type: 'select-all' }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'queue'; queue: CellQueue; direction: 'next' | 'previous' }
  | { type: 'move'; dx: -1 | 0 | 1; dy: -1 | 0 | 1 }
  | { type: 'zoom-to-focused' }
  | { type: 'flag' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'clear-focus' }
  | { type: 'toggle-help' }
  | { type: 'toggle-gallery' }
  | { type: 'toggle-slice-grid' }
  | { type: 'toggle-fov' }
  | { type: 'cycle-navigator' }
  | { type: 'zoom-home' }
  | { type: 'edit-toggle' }
  | { type: 'edit-tool'; tool: 'draw' | 'nucleus' | 'split' | 'merge' }
  | { type: 'edit-reject' }
  | { type: 'edit-commit' }
  | { type: 'edit-cancel' };

export interface KeyChord {
  /** KeyboardEvent.key, lower-cased for letters; ' ' is Space. */
  key: string;
  ctrl?: boolean;
  shift?: boolean;
}

export interface KeyBinding {
  chords: readonly KeyChord[];
  action: KeyAction;
  /** What the help overlay says. */
  description: string;
  group: 'Label' | 'Move' | 'Adjudicate' | 'View' | 'Edit';
  /** Held-key repeats are ignored: one press, one label. */
  noRepeat?: boolean;
  /** Only in edit mode (E), where it comes before the other bindings of its key. */
  editOnly?: boolean;
}

const classBindings: KeyBinding[] = CELL_CLASSES.map((c) => ({
  chords: [{ key: c.digitKey }, { key: c.letterKey }],
  action: { type: 'label', label: c.name },
  description: `Label ${c.name}, go to the next unlabelled cell`,
  group: 'Label',
  noRepeat: true,
}));

// Cell editing: listed first so that in edit mode Enter and Esc finish or cancel an edit.
const editBindings: KeyBinding[] = [
  { chords: [{ key: 'e' }], action: { type: 'edit-toggle' }, description: 'Edit cells on / off (handles on the focused cell: drag to resize or move)', group: 'Edit', noRepeat: true },
  { chords: [{ key: 'a' }], action: { type: 'edit-tool', tool: 'draw' }, description: 'Add a cell: drag its box', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 'c' }], action: { type: 'edit-tool', tool: 'nucleus' }, description: 'Add a cell: click its nucleus (the pipeline proposes the box)', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 's' }], action: { type: 'edit-tool', tool: 'split' }, description: 'Split the focused cell: click each nucleus, then Enter', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 'm' }], action: { type: 'edit-tool', tool: 'merge' }, description: 'Merge: Shift+click the cells to join, then Enter', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 'x' }, { key: 'Delete' }], action: { type: 'edit-reject' }, description: 'Reject the focused cell (not a cell)', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 'Enter' }], action: { type: 'edit-commit' }, description: 'Finish the split or merge', group: 'Edit', noRepeat: true, editOnly: true },
  { chords: [{ key: 'Escape' }], action: { type: 'edit-cancel' }, description: 'Cancel the edit in hand (again: leave edit mode)', group: 'Edit', editOnly: true },
];

export const KEYMAP: readonly KeyBinding[] = Object.freeze([
  ...editBindings,
  ...classBindings,
  {
    chords: [{ key: 'y' }], action: { type: 'accept-suggestion' },
    description: 'Accept the suggestion (dotted ring): label the cell its suggested class, go to the next unlabelled cell; on a gallery selection, accept each tile\'s',
    group: 'Label', noRepeat: true,
  },
  {
    chords: [{ key: 'a', ctrl: true }], action: { type: 'select-all' },
    description: 'Gallery: select the listed tiles (up to 500; also click, Ctrl+click, Shift+click); a class key or Y then labels them all',
    group: 'Label', noRepeat: true,
  },
  { chords: [{ key: 'f' }], action: { type: 'flag' }, description: 'Flag / unflag for second assessment', group: 'Label', noRepeat: true },
  { chords: [{ key: 'z', ctrl: true }], action: { type: 'undo' }, description: 'Undo the last label or flag', group: 'Label', noRepeat: true },
  {
    chords: [{ key: 'z', ctrl: true, shift: true }, { key: 'y', ctrl: true }],
    action: { type: 'redo' }, description: 'Redo', group: 'Label', noRepeat: true,
  },
  { chords: [{ key: 'n' }, { key: ' ' }], action: { type: 'next' }, description: 'Next cell (reading order)', group: 'Move' },
  { chords: [{ key: 'p' }, { key: ' ', shift: true }], action: { type: 'previous' }, description: 'Previous cell', group: 'Move' },
  { chords: [{ key: 'ArrowLeft' }], action: { type: 'move', dx: -1, dy: 0 }, description: 'Nearest cell to the left', group: 'Move' },
  { chords: [{ key: 'ArrowRight' }], action: { type: 'move', dx: 1, dy: 0 }, description: 'Nearest cell to the right', group: 'Move' },
  { chords: [{ key: 'ArrowUp' }], action: { type: 'move', dx: 0, dy: -1 }, description: 'Nearest cell above', group: 'Move' },
  { chords: [{ key: 'ArrowDown' }], action: { type: 'move', dx: 0, dy: 1 }, description: 'Nearest cell below', group: 'Move' },
  { chords: [{ key: 'Escape' }], action: { type: 'clear-focus' }, description: 'Clear focus (or close this help)', group: 'Move' },
  // The adjudicator's queues live on the server (they depend on every reader's labels): each press asks it.
  {
    chords: [{ key: 'q' }], action: { type: 'queue', queue: 'disagreements', direction: 'next' },
    description: 'Next open disagreement (readers differ, or someone flagged); there a label key decides and goes on to the next',
    group: 'Adjudicate',
  },
  {
    chords: [{ key: 'q', shift: true }], action: { type: 'queue', queue: 'disagreements', direction: 'previous' },
    description: 'Previous open disagreement', group: 'Adjudicate',
  },
  {
    chords: [{ key: 'w' }], action: { type: 'queue', queue: 'second-assessment', direction: 'next' },
    description: 'Next flagged cell waiting for a second assessment', group: 'Adjudicate',
  },
  { chords: [{ key: 'Enter' }, { key: 'z' }], action: { type: 'zoom-to-focused' }, description: 'Zoom to the focused cell', group: 'View' },
  { chords: [{ key: '0' }, { key: 'Home' }], action: { type: 'zoom-home' }, description: 'Whole slide', group: 'View' },
  { chords: [{ key: 'g' }], action: { type: 'toggle-gallery' }, description: 'Switch viewer / gallery', group: 'View' },
  { chords: [{ key: 'l' }], action: { type: 'toggle-slice-grid' }, description: 'Slice grid on / off', group: 'View' },
  { chords: [{ key: 'o' }], action: { type: 'toggle-fov' }, description: 'Field-of-view outline on / off', group: 'View' },
  { chords: [{ key: 'v' }], action: { type: 'cycle-navigator' }, description: 'Navigator: bottom right, top right, hidden', group: 'View' },
  { chords: [{ key: '?' }], action: { type: 'toggle-help' }, description: 'This help', group: 'View' },
]);

export interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The binding an event triggers, or null. Ctrl and Cmd are the same; Alt chords are left to the system. */
export function matchKey(event: KeyEventLike, keymap: readonly KeyBinding[] = KEYMAP, editing = false): KeyBinding | null {
  if (event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  for (const binding of keymap) {
    if (binding.editOnly && !editing) continue;
    for (const chord of binding.chords) {
      if (chord.key !== key || Boolean(chord.ctrl) !== ctrl) continue;
      // Shift matters only where a chord says so, or where another binding claims the Shift variant.
      if (chord.shift !== undefined ? chord.shift !== event.shiftKey : event.shiftKey && isShiftSensitive(key, binding, keymap, ctrl)) continue;
      return binding;
    }
  }
  return null;
}

/** True when another binding claims the Shift variant of this key. */
function isShiftSensitive(key: string, self: KeyBinding, keymap: readonly KeyBinding[], ctrl: boolean): boolean {
  return keymap.some((b) => b !== self && b.chords.some((c) => c.key === key && c.shift === true && Boolean(c.ctrl) === ctrl));
}

/** "Ctrl+Shift+Z", "Space", "?" — how a chord is written in the help. */
export function chordLabel(chord: KeyChord): string {
  const names: Record<string, string> = {
    ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc',
  };
  const key = names[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  return [chord.ctrl ? 'Ctrl' : '', chord.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}
