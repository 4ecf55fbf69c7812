// The overlay's key, over the slide's top-left corner: each class's line
// (its colour and its pattern, drawn from the same CODE_CUES the overlay
// uses), its letter and name, the unlabelled line, a suggestion's dotted
// ring (not a label: Y accepts it) and the flag. Dark text on
// a light card, so it reads over glass and stain alike; click the title to fold it.

import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import {
  BOX_LINE_CSS, CASING_COLOUR, CODE_COLOURS, CODE_CUES, FLAG_COLOUR, FLAG_OUTLINE, LEGEND_BACKGROUND, SUGGESTION_DASH_CSS,
  SUGGESTION_FONT_CSS, SUGGESTION_LINE_CSS, UNLABELLED_COLOUR,
} from './overlay-style.ts';

const LINE_WIDTH = 34;

function CueLine({ code }: { code: number }) {
  const cue = CODE_CUES[code + 1]!;
  const colour = CODE_COLOURS[code + 1]!;
  const w = BOX_LINE_CSS;
  const ys = cue.double ? [w / 2 + 1, 2.5 * w + 1] : [w + 1.5];
  return (
    <svg width={LINE_WIDTH} height={3 * w + 2} aria-hidden="true" className="legend-line">
      <rect x={0} y={0} width={LINE_WIDTH} height={3 * w + 2} fill={CASING_COLOUR} />
      {ys.map((y) => (
        <line key={y} x1={0} x2={LINE_WIDTH} y1={y} y2={y} stroke={colour} strokeWidth={w}
          strokeDasharray={cue.dash.length ? cue.dash.join(' ') : undefined} />
      ))}
    </svg>
  );
}

/** The grey unlabelled line with the dotted suggestion ring above it, in one class's colour. */
function SuggestionLine({ colour }: { colour: string }) {
  const w = BOX_LINE_CSS;
  const r = SUGGESTION_LINE_CSS;
  const h = w + r + 4;
  return (
    <svg width={LINE_WIDTH} height={h} aria-hidden="true" className="legend-line">
      <rect x={0} y={0} width={LINE_WIDTH} height={h} fill={CASING_COLOUR} />
      <line x1={0} x2={LINE_WIDTH} y1={1 + r / 2} y2={1 + r / 2} stroke={colour} strokeWidth={r} strokeDasharray={SUGGESTION_DASH_CSS.join(' ')} />
      <line x1={0} x2={LINE_WIDTH} y1={h - 1 - w / 2} y2={h - 1 - w / 2} stroke={UNLABELLED_COLOUR} strokeWidth={w} />
    </svg>
  );
}

export function OverlayLegend() {
  return (
    <details className="overlay-legend" open style={{ background: LEGEND_BACKGROUND }} data-testid="overlay-legend">
      <summary>Legend</summary>
      {CELL_CLASSES.map((c) => (
        <div key={c.name} className="legend-row" data-class={c.name}>
          <CueLine code={c.apaccId} />
          <b className="legend-letter">{CODE_CUES[c.apaccId + 1]!.letter}</b>
          {c.name}
        </div>
      ))}
      <div className="legend-row">
        <CueLine code={-1} />
        <b className="legend-letter" />
        unlabelled
      </div>
      <div className="legend-row" data-testid="legend-suggested" title="The assistant's suggestion for a cell you have not labelled: its class colour, the letter, the probability. Y accepts it.">
        <SuggestionLine colour={CODE_COLOURS[1 + 1]!} />
        <i className="legend-letter legend-suggestion" style={{ fontSize: SUGGESTION_FONT_CSS }}>r?</i>
        suggested (Y accepts)
      </div>
      <div className="legend-row">
        <svg width={LINE_WIDTH} height={16} aria-hidden="true" className="legend-line">
          <path d="M 6 16 L 6 1 L 19 5.5 L 6 9" fill={FLAG_COLOUR} stroke={FLAG_OUTLINE} strokeWidth={1.5} strokeLinejoin="round" />
        </svg>
        <b className="legend-letter" />
        flagged (F)
      </div>
    </details>
  );
}
