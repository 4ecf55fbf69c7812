// Schema version 3: damaged parts of a scan. An ingest that meets a tile it
// cannot read (a corrupt JPEG, a cut data file) reads around it and keeps the
// area here, per slide, in level-0 px, with the level it failed at, why, and
// the level its pixels came from instead (NULL: none had them). The same
// area met again (a resumed or retried ingest) is one row.

export const DAMAGED_REGIONS_SCHEMA = `
CREATE TABLE damaged_regions (
  id INTEGER PRIMARY KEY,
  slide_id INTEGER NOT NULL REFERENCES slides(id),
  level INTEGER NOT NULL CHECK (level >= 0),
  x INTEGER NOT NULL CHECK (x >= 0),
  y INTEGER NOT NULL CHECK (y >= 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  reason TEXT NOT NULL,
  recovered_from INTEGER CHECK (recovered_from >= 0),
  created_at INTEGER NOT NULL,
  UNIQUE (slide_id, level, x, y, width, height)
) STRICT;
`;
