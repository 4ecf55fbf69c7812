// The four APACC cell classes, interned: one object per class with its txt id,
// name, overlay colour and keys. Everything compares these objects or their
// names, never ad-hoc strings. Ids and colours are fixed by the APACC helper
// scripts (see shared docs: apacc-dataset.md); note rubbish = 1, unhealthy = 2.

/** The class names in APACC id order, as zod and SQL checks want them. */
export const CELL_CLASS_NAMES = ['healthy', 'rubbish', 'unhealthy', 'bothcells'] as const;
export type CellClassName = (typeof CELL_CLASS_NAMES)[number];

export interface CellClass {
  readonly name: CellClassName;
  /** Numeric id used in APACC slice label files. */
  readonly apaccId: 0 | 1 | 2 | 3;
  /** Overlay colour, `#RRGGBB`. */
  readonly colour: string;
  /** Digit key (APACC id + 1) and letter key that set this label. */
  readonly digitKey: string;
  readonly letterKey: string;
}

export const CELL_CLASSES: readonly CellClass[] = Object.freeze([
  { name: 'healthy', apaccId: 0, colour: '#368364', digitKey: '1', letterKey: 'h' },
  { name: 'rubbish', apaccId: 1, colour: '#0066CC', digitKey: '2', letterKey: 'r' },
  { name: 'unhealthy', apaccId: 2, colour: '#BE201C', digitKey: '3', letterKey: 'u' },
  { name: 'bothcells', apaccId: 3, colour: '#512888', digitKey: '4', letterKey: 'b' },
] as const);

export function cellClassByName(name: string): CellClass | undefined {
  return CELL_CLASSES.find((c) => c.name === name);
}

export function cellClassByApaccId(id: number): CellClass | undefined {
  return CELL_CLASSES.find((c) => c.apaccId === id);
}
