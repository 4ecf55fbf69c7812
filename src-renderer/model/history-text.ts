// What one entry of a cell's history says in the panel: a label, a flag, or
// a cell edit with what it did to this cell (made it, replaced it, brought it back).

import type { LabelHistoryEntry } from '../../src-main/api/views.ts';

const EDIT_WORDS: Record<string, { create: string; retire: string; restore: string }> = {
  add: { create: 'added by hand', retire: 'added cell removed', restore: 'added cell back' },
  reshape: { create: 'box redrawn (new box)', retire: 'box redrawn (old box retired)', restore: 'box back' },
  split: { create: 'split off', retire: 'split into cells', restore: 'split undone' },
  merge: { create: 'merged from cells', retire: 'merged into one cell', restore: 'merge undone' },
  reject: { create: 'not a cell', retire: 'rejected: not a cell', restore: 'rejection undone' },
};

export function historyText(entry: LabelHistoryEntry): string {
  if (entry.kind === 'label') return entry.value ?? 'label cleared';
  if (entry.kind === 'flag') return entry.value ? 'flagged' : 'unflagged';
  return EDIT_WORDS[entry.value]?.[entry.change] ?? `${entry.value} (${entry.change})`;
}
