// Child process for durability.test.ts: labels one cell, then kills itself
// with SIGKILL the moment applyLabel returns (no close, no exit handlers).
// Usage: node --import tsx label-and-die.child.ts <db> <cellId> <annotatorId> <label>

import { openStore } from '../../../src-main/store/index.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';

const [path, cellId, annotatorId, label] = process.argv.slice(2);
if (!path || !cellId || !annotatorId || !label) throw new Error('usage: label-and-die.child.ts <db> <cellId> <annotatorId> <label>');
const store = openStore(path);
store.applyLabel(Number(cellId), label as CellClassName, Number(annotatorId));
process.kill(process.pid, 'SIGKILL');
