// Always-visible counters of the open slide: labelled / total with a
// progress bar, then each class (in its overlay colour), unlabelled and
// flagged. Read from the live SlideCells, re-rendered on every label change.

import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import type { SlideCells } from '../model/slide-cells.ts';
import { UNLABELLED_COLOUR, FLAG_COLOUR } from '../viewer/overlay-style.ts';

export function CountersBar({ cells }: { cells: SlideCells }) {
  const c = cells.counts;
  const percent = c.total === 0 ? 0 : (100 * c.labelled) / c.total;
  return (
    <div className="counters" data-testid="counters" aria-label="Counters">
      <div className="counters-main">
        <span className="counters-figure" data-testid="labelled-count">{c.labelled.toLocaleString()}</span>
        <span className="muted"> / {c.total.toLocaleString()} labelled</span>
        <div className="progress" aria-hidden="true"><div className="progress-fill" style={{ width: `${percent}%` }} /></div>
      </div>
      {CELL_CLASSES.map((cls) => (
        <span key={cls.name} className="count-chip" title={`${cls.name} (key ${cls.digitKey} or ${cls.letterKey.toUpperCase()})`} data-testid={`count-${cls.name}`}>
          <span className="swatch" style={{ background: cls.colour }} />{cls.name} <b>{c.byClass[cls.apaccId]}</b>
        </span>
      ))}
      <span className="count-chip" data-testid="count-unlabelled">
        <span className="swatch" style={{ background: UNLABELLED_COLOUR }} />unlabelled <b>{c.total - c.labelled}</b>
      </span>
      <span className="count-chip" data-testid="count-flagged">
        <span className="swatch flag" style={{ background: FLAG_COLOUR }} />flagged <b>{c.flagged}</b>
      </span>
    </div>
  );
}
