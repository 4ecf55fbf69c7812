// The focused cell: its image with surroundings at full resolution (the cell
// box marked), its current label and flag, its measures, and its label
// history (who, when), and every reader's label with the decision (for an
// adjudicator, or a reader the slide is not blind to), and the assistant's
// suggestion for the reader (class, probability, every class's share, the
// model; marked overruled once the reader's own label differs). Fetched after the
// focus settles, so fast labelling does not queue a request per keypress.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { CellDetail } from '../../src-main/api/views.ts';
import type { CellSuggestion } from '../../src-main/domain/assist.ts';
import type { CellReadings } from '../../src-main/domain/reading.ts';
import { CELL_CLASSES, cellClassByName } from '../../src-main/domain/cell-class.ts';
import { historyText } from '../model/history-text.ts';
import { probabilityText, suggestionText } from '../model/assist-text.ts';
import { errorCode, errorText } from '../api/smearlab-api.ts';
import { decisionText } from '../model/reading-text.ts';
import { useObservable } from '../model/observable.ts';
import type { WorkspaceController } from '../model/workspace-controller.ts';
import { FLAG_COLOUR, UNLABELLED_COLOUR } from '../viewer/overlay-style.ts';
import { readableTextOn } from '../viewer/swatch-contrast.ts';
import { CropScaleToggle, ScaledCrop } from '../gallery/scaled-crop.tsx';

const SETTLE_MS = 120;

/** What the panel says where the API keeps other readers' labels from this reader. */
export const BLINDED_PANEL_TEXT = 'blind reading: other readers hidden';

/** Every reader's label on the focused cell, or why they are not shown. */
type ReadingsShown = { cellId: number } & ({ readings: CellReadings } | { blinded: true } | { error: string });

export function CellPanel({ api, controller }: { api: SmearlabApi; controller: WorkspaceController }) {
  const state = useObservable(controller.state);
  const cells = controller.cells;
  const cellId = state.focused === null ? null : cells.ids[state.focused]!;
  const [detail, setDetail] = useState<CellDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [readings, setReadings] = useState<ReadingsShown | null>(null);

  useEffect(() => {
    if (cellId === null) {
      setDetail(null);
      setReadings(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.getCell({ cellId }).then(
        (d) => { if (live) { setDetail(d); setError(null); } },
        (e: unknown) => { if (live) setError(errorText(e)); },
      );
      // The API decides who may see other readers' labels: a refusal is the answer for a blinded reader.
      api.cellReadings({ cellId }).then(
        (r) => { if (live) setReadings({ cellId, readings: r }); },
        (e: unknown) => { if (live) setReadings(errorCode(e) === 'blinded' ? { cellId, blinded: true } : { cellId, error: errorText(e) }); },
      );
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, cellId, state.cellsVersion, state.suggestionsVersion]);

  if (state.focused === null || cellId === null) {
    return (
      <aside className="cell-panel empty" data-testid="cell-panel">
        <p>No cell focused.</p>
        <p className="muted">Press <kbd>N</kbd> for the first cell, or click one. <kbd>?</kbd> lists every key.</p>
      </aside>
    );
  }
  const code = cells.labels[state.focused]!;
  const flagged = cells.flagged[state.focused] === 1;
  const hint = cells.shownSuggestion(state.focused);
  const shown = detail && detail.cell.id === cellId ? detail : null;
  const cls = code >= 0 ? CELL_CLASSES[code] : undefined;
  const mpp = controller.slide.mppX ?? controller.slide.mppY;

  return (
    <aside className="cell-panel" data-testid="cell-panel" data-cell-id={cellId}>
      <div className="cell-head">
        <span className="label-badge" style={{ background: cls?.colour ?? UNLABELLED_COLOUR, color: readableTextOn(cls?.colour ?? UNLABELLED_COLOUR) }}
          data-testid="cell-label">
          {cls?.name ?? 'unlabelled'}
        </span>
        {flagged && <span className="label-badge" style={{ background: FLAG_COLOUR, color: readableTextOn(FLAG_COLOUR) }}>⚑ flagged</span>}
        {hint >= 0 && (
          <span className="tile-suggestion inline" style={{ borderColor: CELL_CLASSES[hint]!.colour }} data-testid="cell-suggested">
            {suggestionText(hint, cells.suggestedP[state.focused]!)}
          </span>
        )}
        <span className="muted">cell {cellId}</span>
      </div>
      {shown ? <CellImage detail={shown} mpp={mpp} /> : <div className="cell-image placeholder" />}
      {error && <p className="error">{error}</p>}
      {shown?.suggestion && <Suggestion suggestion={shown.suggestion} ownLabel={cls?.name ?? null} />}
      {readings?.cellId === cellId && <Readers shown={readings} quorum={controller.slide.reading?.settings.quorum} />}
      {shown && <Measures detail={shown} mpp={mpp} />}
      {shown && <History detail={shown} />}
    </aside>
  );
}

/** The assistant's suggestion: the class and its probability, each class's share as a bar, the model. */
function Suggestion({ suggestion, ownLabel }: { suggestion: CellSuggestion; ownLabel: string | null }) {
  const cls = cellClassByName(suggestion.label);
  const overruled = ownLabel !== null && ownLabel !== suggestion.label;
  return (
    <section className={overruled ? 'cell-suggestion overruled' : 'cell-suggestion'} data-testid="cell-suggestion"
      data-suggested={suggestion.label} data-p={suggestion.p} data-model-id={suggestion.modelId} style={{ borderColor: cls?.colour }}>
      <h3>Suggested{ownLabel === null ? ' (Y accepts)' : overruled ? ': your label stands' : ': you agreed'}</h3>
      <div>
        <b>{suggestion.label}</b> {probabilityText(suggestion.p)} <span className="muted small">· model {suggestion.modelId}</span>
      </div>
      <div className="suggestion-bars">
        {CELL_CLASSES.map((c) => {
          const p = suggestion.probabilities[c.name] ?? 0;
          return [
            <span key={`${c.name}-name`}>{c.name}</span>,
            <span key={`${c.name}-bar`} className="suggestion-bar"><span style={{ width: `${100 * p}%`, background: c.colour }} /></span>,
            <span key={`${c.name}-p`} className="muted">{probabilityText(p)}</span>,
          ];
        })}
      </div>
    </section>
  );
}

/** The panel's crop frame: the panel's width; at 0.5 um/px a 168 x 150 um field around the cell. */
const PANEL_FRAME = { width: 336, height: 300 };

function CellImage({ detail, mpp }: { detail: CellDetail; mpp: number | null }) {
  const ctx = detail.contextBox;
  const box = detail.cell.box;
  // The cell box inside the context image, in percent so it follows any display size.
  const mark = {
    left: `${(100 * (box.x - ctx.x)) / ctx.width}%`,
    top: `${(100 * (box.y - ctx.y)) / ctx.height}%`,
    width: `${(100 * box.width) / ctx.width}%`,
    height: `${(100 * box.height) / ctx.height}%`,
  };
  return (
    <div className="cell-image">
      <div className="cell-image-head">
        <span className="muted small">{ctx.width} × {ctx.height} px around a {box.width} × {box.height} px box</span>
        <div className="spacer" />
        <CropScaleToggle mpp={mpp} />
      </div>
      <ScaledCrop url={detail.contextUrl} boxWidth={ctx.width} boxHeight={ctx.height} mpp={mpp} frame={PANEL_FRAME}
        alt={`cell ${detail.cell.id} with surroundings`} testId="cell-crop">
        <span className="cell-image-mark" style={mark} />
      </ScaledCrop>
    </div>
  );
}

function fmt(value: number | null, digits = 2): string {
  return value === null ? '—' : Number(value.toFixed(digits)).toLocaleString();
}

function Measures({ detail, mpp }: { detail: CellDetail; mpp: number | null }) {
  const c = detail.cell;
  const rows: Array<[string, string]> = [
    ['kind', c.kind === 'cluster' ? `cluster of ~${c.nuclei ?? '?'} cells (nuclei overlap)` : c.nuclei === 0 ? 'cell, no visible nucleus' : 'cell'],
    ['nucleus', c.nucleusArea === null ? '—' : `${fmt(c.nucleusArea, 0)} px²${mpp ? ` · ${fmt(c.nucleusArea * mpp * mpp, 1)} µm²` : ''}`],
    ['N:C (area)', c.nucleusArea === null || !c.area ? '—' : fmt(c.nucleusArea / c.area, 2)],
    ['area', c.area === null ? '—' : `${fmt(c.area, 0)} px²${mpp ? ` · ${fmt(c.area * mpp * mpp, 1)} µm²` : ''}`],
    ['perimeter', c.perimeter === null ? '—' : `${fmt(c.perimeter, 0)} px${mpp ? ` · ${fmt(c.perimeter * mpp, 1)} µm` : ''}`],
    ['roundness', fmt(c.roundness, 3)],
    ['solidity', fmt(c.solidity, 3)],
    ['eccentricity', fmt(c.eccentricity, 3)],
    ['box', `${c.box.width} × ${c.box.height} at ${c.box.x}, ${c.box.y}`],
    ['slice', `${c.sliceX}-${c.sliceY}, cell ${c.number}`],
    ['source', c.model ? `${c.source} (${c.model})` : c.source],
  ];
  return (
    <table className="measures">
      <tbody>
        {rows.map(([k, v]) => <tr key={k}><th>{k}</th><td>{v}</td></tr>)}
      </tbody>
    </table>
  );
}

function Readers({ shown, quorum }: { shown: ReadingsShown; quorum: number | undefined }) {
  if ('blinded' in shown) {
    return (
      <section className="readings" data-testid="cell-readings" data-state="blinded">
        <h3>Readers</h3>
        <p className="muted">{BLINDED_PANEL_TEXT}</p>
      </section>
    );
  }
  if ('error' in shown) {
    return (
      <section className="readings" data-testid="cell-readings" data-state="error">
        <h3>Readers</h3>
        <p className="error">{shown.error}</p>
      </section>
    );
  }
  const r = shown.readings;
  const decided = r.decision ? cellClassByName(r.decision) : undefined;
  return (
    <section className="readings" data-testid="cell-readings" data-state={readingsState(r)}>
      <h3>Readers</h3>
      {r.readers.length === 0 && <p className="muted">No reader has labelled it.</p>}
      <ul>
        {r.readers.map((reader) => {
          const cls = reader.label ? cellClassByName(reader.label) : undefined;
          return (
            <li key={reader.annotatorId} data-reader={reader.name} data-label={reader.label ?? 'unlabelled'}>
              <span className="swatch" style={{ background: cls?.colour ?? UNLABELLED_COLOUR }} />
              <span className="reading-name">{reader.name}</span>
              <span className="reading-label">{reader.label ?? 'unlabelled'}</span>
              {reader.flagged && <span className="reading-flag"> ⚑ flagged</span>}
            </li>
          );
        })}
      </ul>
      <p className="reading-decision" data-testid="cell-decision" data-decision={r.decision ?? 'none'}>
        {decided && <span className="swatch" style={{ background: decided.colour }} />}
        <b>Decision</b> {decisionText(r, quorum)}
      </p>
    </section>
  );
}

/** adjudicated; open (in the adjudicator's queue: readers differ or someone flagged); decided by the readers; or undecided. */
function readingsState(r: CellReadings): 'adjudicated' | 'open' | 'decided' | 'undecided' {
  if (r.adjudicated) return 'adjudicated';
  if (r.disputed || r.flagged) return 'open';
  return r.decision ? 'decided' : 'undecided';
}

function History({ detail }: { detail: CellDetail }) {
  const events = [...detail.history].reverse();
  return (
    <section className="history" data-testid="cell-history">
      <h3>History</h3>
      {events.length === 0 && <p className="muted">Never labelled.</p>}
      <ol>
        {events.map((e) => {
          const what = historyText(e);
          const colour = e.kind === 'label' && e.value ? cellClassByName(e.value)?.colour : undefined;
          return (
            <li key={e.id}>
              {colour && <span className="swatch" style={{ background: colour }} />}
              <span className="history-what">{what}</span>
              {e.action !== 'do' && <span className="history-action"> ({e.action})</span>}
              <span className="muted"> · {e.annotatorName} · {new Date(e.createdAt).toLocaleString()}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
