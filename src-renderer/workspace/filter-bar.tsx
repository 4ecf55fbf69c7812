// The view filter as one row of toggle buttons: all, unlabelled, labelled,
// each class, flagged. It filters the overlay, the gallery and navigation.

import { cellClassByName } from '../../src-main/domain/cell-class.ts';
import { FILTER_MODES, type CellFilterMode } from '../model/cell-filter.ts';
import { FLAG_COLOUR, UNLABELLED_COLOUR } from '../viewer/overlay-style.ts';

function swatchOf(mode: CellFilterMode): string | null {
  if (mode === 'unlabelled') return UNLABELLED_COLOUR;
  if (mode === 'flagged') return FLAG_COLOUR;
  return cellClassByName(mode)?.colour ?? null;
}

export function FilterBar({ value, onChange }: { value: CellFilterMode; onChange: (mode: CellFilterMode) => void }) {
  return (
    <div className="filter-bar" role="radiogroup" aria-label="Show cells">
      {FILTER_MODES.map((mode) => {
        const swatch = swatchOf(mode);
        return (
          <button
            key={mode}
            type="button"
            role="radio"
            aria-checked={value === mode}
            className={value === mode ? 'seg active' : 'seg'}
            data-filter={mode}
            onClick={() => onChange(mode)}
          >
            {swatch && <span className="swatch" style={{ background: swatch }} />}
            {mode}
          </button>
        );
      })}
    </div>
  );
}
