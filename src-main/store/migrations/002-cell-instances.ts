// Schema version 2: one candidate per cell. A candidate is a single cell or a
// cluster whose nuclei overlap too much to split; the nucleus that seeded it
// (centroid and area, level-0) and how many nuclei it holds are kept with it,
// so later features (assist) read them without re-segmenting.
// Existing rows become single cells with no nucleus measures.

export const CELL_INSTANCES_SCHEMA = `
ALTER TABLE cells ADD COLUMN kind TEXT NOT NULL DEFAULT 'cell' CHECK (kind IN ('cell', 'cluster'));
ALTER TABLE cells ADD COLUMN nucleus_x REAL;
ALTER TABLE cells ADD COLUMN nucleus_y REAL;
ALTER TABLE cells ADD COLUMN nucleus_area REAL CHECK (nucleus_area >= 0);
ALTER TABLE cells ADD COLUMN nuclei INTEGER CHECK (nuclei >= 0);
`;
