// One candidate per cell: nuclei, the seeded split of the cell mask, candidates.
export { DEFAULT_CELL_INSTANCE_CONFIG, instanceMarginUm } from './instance-config.ts';
export type { CellInstanceConfig } from './instance-config.ts';
export { detectNuclei } from './detect-nuclei.ts';
export type { Nucleus, NucleusMap } from './detect-nuclei.ts';
export { splitCellsBySeeds } from './split-cells.ts';
export type { CellSplit } from './split-cells.ts';
export { findCellInstances } from './cell-instances.ts';
export type { CellInstance, InstanceInput, InstanceStats } from './cell-instances.ts';
