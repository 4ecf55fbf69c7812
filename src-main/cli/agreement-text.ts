// An agreement report as plain text for a terminal: who was compared, each
// pair's raw agreement and Cohen's kappa, Fleiss' kappa, the per-class table
// and each pair's confusion matrix. Reader names are printed as given: a
// caller that prints to a terminal passes the text through printableLines
// (terminal-text.ts), as it does every user-chosen string.

import type { AgreementReport, Interval } from '../domain/agreement.ts';

const DECIMALS = 3;
const NONE = 'n/a';

function figure(value: number | null): string {
  if (value === null) return NONE;
  const text = value.toFixed(DECIMALS);
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/** "0.812 [0.790, 0.833]", or the estimate alone without an interval. */
function withInterval(interval: Interval): string {
  const { estimate, low, high } = interval;
  if (estimate === null) return NONE;
  return low === null || high === null ? figure(estimate) : `${figure(estimate)} [${figure(low)}, ${figure(high)}]`;
}

/** Columns padded to their widest cell: the first `textColumns` left-aligned, the figures after them right-aligned. */
function table(rows: string[][], textColumns = 1): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => `  ${row.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd());
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function agreementText(report: AgreementReport): string {
  const lines: string[] = [];
  const { rounds, confidence, seed } = report.bootstrap;
  lines.push(`Readers: ${report.readers.length === 0 ? 'none' : report.readers.join(', ')}`);
  lines.push(`Cells rated by 2 or more readers: ${report.cells}, on ${plural(report.slides.length, 'slide')}`);
  lines.push(rounds > 0
    ? `Intervals: ${Math.round(confidence * 1000) / 10}% percentile bootstrap over cells, ${plural(rounds, 'round')}, seed ${seed}`
    : 'Intervals: none (no bootstrap rounds)');

  lines.push('', "Pairs (agreement = share of shared cells given the same class; Cohen's kappa):");
  if (report.pairs.length === 0) lines.push('  none: fewer than 2 readers');
  else {
    lines.push(...table([
      ['reader A', 'reader B', 'cells', 'agreement', 'kappa'],
      ...report.pairs.map((p) => [p.a, p.b, String(p.cells), withInterval(p.observed), withInterval(p.kappa)]),
    ], 2));
  }

  lines.push('');
  lines.push(report.fleiss === null
    ? "Fleiss' kappa: n/a (needs 2 or more readers and a cell every reader rated)"
    : `Fleiss' kappa (${plural(report.fleiss.raters, 'reader')}, ${plural(report.fleiss.cells, 'cell')} rated by all): ${withInterval(report.fleiss.kappa)}`);

  lines.push('', 'Per class (kappa: Fleiss 1971, cells rated by all; specific agreement: pooled over pairs):');
  lines.push(...table([
    ['class', 'kappa', 'specific agreement'],
    ...report.perClass.map((c) => [c.label, figure(c.kappa), figure(c.specificAgreement)]),
  ]));

  for (const p of report.pairs) {
    lines.push('', `Confusion: ${p.a} (rows) x ${p.b} (columns), ${p.cells === 0 ? 'no shared cells' : plural(p.cells, 'cell')}`);
    if (p.cells === 0) continue;
    lines.push(...table([
      ['', ...report.classes],
      ...report.classes.map((name, i) => [name, ...(p.confusion[i] ?? []).map(String)]),
    ]));
  }
  return `${lines.join('\n')}\n`;
}
