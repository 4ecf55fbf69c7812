// Inter-reader agreement, shown from a computed report: a table of reader
// pairs (raw agreement, Cohen's kappa with its bootstrap interval) ending in
// the Fleiss row, a per-class table, a readers x readers heatmap of kappa,
// and the confusion matrix of the pair picked in the heatmap (or the pairs
// table) as a second heatmap. Colours come from one perceptually ordered
// scale (heat-scale.ts); every cell prints its number in a colour chosen for
// contrast, so nothing is read from colour alone.

import { useMemo, useState } from 'react';
import type { AgreementReport, Interval, ReaderPairAgreement } from '../../src-main/domain/agreement.ts';
import { cellClassByName } from '../../src-main/domain/cell-class.ts';
import { heatColour, heatGradient, heatTextColour, kappaColour } from './heat-scale.ts';

const NONE = 'n/a';

function figure(value: number | null, decimals = 3): string {
  if (value === null) return NONE;
  const text = value.toFixed(decimals);
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

function IntervalText({ interval }: { interval: Interval }) {
  if (interval.estimate === null) return <span className="muted">{NONE}</span>;
  return (
    <>
      {figure(interval.estimate)}
      {interval.low !== null && interval.high !== null && (
        <span className="agreement-ci"> [{figure(interval.low)}, {figure(interval.high)}]</span>
      )}
    </>
  );
}

function intervalWords(interval: Interval, confidence: number): string {
  if (interval.estimate === null) return 'not defined';
  const ci = interval.low !== null && interval.high !== null
    ? `, ${Math.round(confidence * 1000) / 10}% interval ${figure(interval.low)} to ${figure(interval.high)}`
    : '';
  return `${figure(interval.estimate)}${ci}`;
}

function ClassName({ name }: { name: string }) {
  const colour = cellClassByName(name)?.colour;
  return (
    <>
      {colour && <span className="swatch" style={{ background: colour }} aria-hidden="true" />}
      {name}
    </>
  );
}

function PairsTable({ report, selected, onSelect }: { report: AgreementReport; selected: number; onSelect: (pair: number) => void }) {
  const { fleiss } = report;
  return (
    <table className="agreement-table" data-testid="agreement-pairs">
      <caption>Reader pairs</caption>
      <thead>
        <tr>
          <th scope="col">Reader A</th>
          <th scope="col">Reader B</th>
          <th scope="col" className="num">Cells</th>
          <th scope="col" className="num">Agreement</th>
          <th scope="col" className="num">Kappa [low, high]</th>
        </tr>
      </thead>
      <tbody>
        {report.pairs.length === 0 && (
          <tr><td colSpan={5} className="muted">No pairs: fewer than 2 readers.</td></tr>
        )}
        {report.pairs.map((p, k) => (
          <tr key={`${p.a}\u0000${p.b}`} className={k === selected ? 'selected' : undefined}>
            <td>
              <button type="button" className="agreement-link" aria-pressed={k === selected} onClick={() => onSelect(k)}
                title="Show this pair's confusion matrix">{p.a}</button>
            </td>
            <td>{p.b}</td>
            <td className="num">{p.cells.toLocaleString()}</td>
            <td className="num"><IntervalText interval={p.observed} /></td>
            <td className="num"><IntervalText interval={p.kappa} /></td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            Fleiss' kappa{fleiss ? `, all ${fleiss.raters} readers` : ''}
          </th>
          <td className="num">{fleiss ? fleiss.cells.toLocaleString() : ''}</td>
          <td className="num muted">–</td>
          <td className="num">
            {fleiss ? <IntervalText interval={fleiss.kappa} /> : <span className="muted" title="Needs 2 or more readers and a cell every reader rated">{NONE}</span>}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function ClassTable({ report }: { report: AgreementReport }) {
  return (
    <table className="agreement-table" data-testid="agreement-classes">
      <caption>Per class</caption>
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col" className="num" title="Fleiss (1971) kappa of the class against the rest, cells every reader rated">Kappa</th>
          <th scope="col" className="num" title="2 x agreements on the class / both readers' uses of it, pooled over pairs">Specific agreement</th>
        </tr>
      </thead>
      <tbody>
        {report.perClass.map((c) => (
          <tr key={c.label}>
            <th scope="row"><ClassName name={c.label} /></th>
            <td className="num">{figure(c.kappa)}</td>
            <td className="num">{figure(c.specificAgreement)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HeatLegend({ low, high, label }: { low: string; high: string; label: string }) {
  return (
    <div className="agreement-legend" aria-hidden="true">
      <span>{low}</span>
      <span className="agreement-legend-bar" style={{ background: heatGradient() }} />
      <span>{high}</span>
      <span className="muted">{label}</span>
    </div>
  );
}

function KappaHeatmap({ report, pairOf, selected, onSelect }: {
  report: AgreementReport;
  pairOf: (a: number, b: number) => number;
  selected: number;
  onSelect: (pair: number) => void;
}) {
  const { readers } = report;
  return (
    <figure className="agreement-figure">
      <figcaption>Cohen's kappa, reader by reader</figcaption>
      <table className="agreement-heat" data-testid="agreement-kappa-heatmap">
        <thead>
          <tr>
            <td />
            {readers.map((r) => <th key={r} scope="col">{r}</th>)}
          </tr>
        </thead>
        <tbody>
          {readers.map((row, i) => (
            <tr key={row}>
              <th scope="row">{row}</th>
              {readers.map((column, j) => {
                if (i === j) return <td key={column} className="agreement-heat-self" aria-label={`${row} with itself`}>–</td>;
                const k = pairOf(i, j);
                const pair = report.pairs[k]!;
                const kappa = pair.kappa.estimate;
                const background = kappa === null ? undefined : kappaColour(kappa);
                return (
                  <td key={column} className="agreement-heat-cell">
                    <button
                      type="button"
                      className={k === selected ? 'agreement-heat-button selected' : 'agreement-heat-button'}
                      style={background ? { background, color: heatTextColour(background) } : undefined}
                      aria-pressed={k === selected}
                      aria-label={`${row} and ${column}: kappa ${intervalWords(pair.kappa, report.bootstrap.confidence)}, ${pair.cells} cells. Show the confusion matrix.`}
                      onClick={() => onSelect(k)}
                    >
                      {figure(kappa, 2)}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <HeatLegend low="≤ 0" high="1" label="kappa" />
    </figure>
  );
}

function ConfusionHeatmap({ report, pair }: { report: AgreementReport; pair: ReaderPairAgreement }) {
  const rowTotals = pair.confusion.map((row) => row.reduce((a, b) => a + b, 0));
  return (
    <figure className="agreement-figure">
      <figcaption>
        Confusion: <b>{pair.a}</b> (rows) × <b>{pair.b}</b> (columns), {pair.cells.toLocaleString()} cells
      </figcaption>
      <table className="agreement-heat" data-testid="agreement-confusion-heatmap">
        <thead>
          <tr>
            <td />
            {report.classes.map((c) => <th key={c} scope="col"><ClassName name={c} /></th>)}
            <th scope="col" className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {report.classes.map((rowClass, i) => (
            <tr key={rowClass}>
              <th scope="row"><ClassName name={rowClass} /></th>
              {report.classes.map((columnClass, j) => {
                const count = pair.confusion[i]?.[j] ?? 0;
                const total = rowTotals[i]!;
                const share = total === 0 ? null : count / total;
                const background = share === null ? undefined : heatColour(share);
                const words = `${pair.a} ${rowClass}, ${pair.b} ${columnClass}: ${count} cells` +
                  (share === null ? '' : `, ${(share * 100).toFixed(1)}% of ${pair.a}'s ${rowClass}`);
                return (
                  <td key={columnClass} className={i === j ? 'agreement-heat-count diagonal' : 'agreement-heat-count'}
                    style={background ? { background, color: heatTextColour(background) } : undefined}
                    title={words} aria-label={words}>
                    {count.toLocaleString()}
                  </td>
                );
              })}
              <td className="num muted">{rowTotals[i]!.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <HeatLegend low="0%" high="100%" label={`share of ${pair.a}'s row`} />
    </figure>
  );
}

export function AgreementView({ report }: { report: AgreementReport }) {
  const [chosen, setChosen] = useState(0);
  const selected = Math.min(chosen, report.pairs.length - 1);
  const pairOf = useMemo(() => {
    const index = new Map<string, number>();
    report.pairs.forEach((p, k) => index.set(`${p.a}\u0000${p.b}`, k));
    return (i: number, j: number) => {
      const [a, b] = i < j ? [i, j] : [j, i];
      return index.get(`${report.readers[a]}\u0000${report.readers[b]}`) ?? -1;
    };
  }, [report]);
  const { rounds, confidence, seed } = report.bootstrap;
  const pair = report.pairs[selected];

  return (
    <section className="agreement" aria-label="Inter-reader agreement" data-testid="agreement-view">
      <header className="agreement-head">
        <h2>Inter-reader agreement</h2>
        <p className="muted small">
          {report.readers.length} readers · {report.cells.toLocaleString()} cells rated by 2 or more readers on {report.slides.length} slides ·{' '}
          {rounds > 0
            ? `${Math.round(confidence * 1000) / 10}% intervals: percentile bootstrap over cells, ${rounds.toLocaleString()} rounds, seed ${seed}`
            : 'no intervals (no bootstrap rounds)'}
        </p>
      </header>
      <div className="agreement-row">
        <PairsTable report={report} selected={selected} onSelect={setChosen} />
        <ClassTable report={report} />
      </div>
      {report.pairs.length > 0 && (
        <div className="agreement-row">
          <KappaHeatmap report={report} pairOf={pairOf} selected={selected} onSelect={setChosen} />
          {pair && <ConfusionHeatmap report={report} pair={pair} />}
        </div>
      )}
    </section>
  );
}
