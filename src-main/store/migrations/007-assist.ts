// Schema version 7: AI assist. Each cell's feature vector (assist/cell-features.ts,
// Float32 little-endian, tagged with the feature set's version), the models
// trained from a reader's labels (or loaded: ONNX classifiers), their
// suggestions per reader and cell (derived data: replaced by each new model),
// and on every label event the suggestion the reader saw when they gave it
// (which class, which probability, which model), so one can later measure how
// often readers agreed with the assistant.

export const ASSIST_SCHEMA = `
CREATE TABLE cell_features (
  cell_id INTEGER PRIMARY KEY REFERENCES cells(id),
  version INTEGER NOT NULL,
  vector BLOB NOT NULL
) STRICT;

CREATE TABLE assist_models (
  id INTEGER PRIMARY KEY,
  slide_id INTEGER REFERENCES slides(id),
  annotator_id INTEGER REFERENCES annotators(id),
  kind TEXT NOT NULL CHECK (kind IN ('in-app', 'onnx')),
  name TEXT NOT NULL,
  model TEXT CHECK (model IS NULL OR json_valid(model)),
  labels INTEGER NOT NULL DEFAULT 0,
  report TEXT CHECK (report IS NULL OR json_valid(report)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX assist_models_slide ON assist_models (slide_id, annotator_id);

CREATE TABLE suggestions (
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  model_id INTEGER NOT NULL REFERENCES assist_models(id),
  p_healthy REAL NOT NULL,
  p_rubbish REAL NOT NULL,
  p_unhealthy REAL NOT NULL,
  p_bothcells REAL NOT NULL,
  PRIMARY KEY (annotator_id, cell_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX suggestions_unhealthy ON suggestions (annotator_id, p_unhealthy);

ALTER TABLE label_events ADD COLUMN suggestion TEXT;
ALTER TABLE label_events ADD COLUMN suggestion_p REAL;
ALTER TABLE label_events ADD COLUMN suggestion_model INTEGER REFERENCES assist_models(id);
`;
