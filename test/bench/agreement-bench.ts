// Agreement benchmark (not a test: it prints figures and writes
// bench-results/agreement-bench.json). Run: node --import tsx test/bench/agreement-bench.ts
// Measures computeAgreement with its default 1,000 bootstrap rounds on
// simulated readers (APACC-like class shares, 85% copy the truth, 5% of
// ratings missing): 20,000 and 100,000 cells x 3 readers, 20,000 x 8 readers.
// Why hand-written: the bootstrap resamples cells reduced to label patterns
// (readers/bootstrap.ts), one PRNG draw per cell per round on typed arrays.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReaderRating } from '../../src-main/domain/agreement.ts';
import { CELL_CLASS_NAMES } from '../../src-main/domain/cell-class.ts';
import { seededRng } from '../../src-main/domain/random.ts';
import { computeAgreement } from '../../src-main/readers/agreement.ts';

const CASES = [[20_000, 3], [100_000, 3], [20_000, 8]] as const;
const RUNS = 3;
/** healthy, rubbish, unhealthy, bothcells. */
const SHARES = [0.34, 0.6, 0.03, 0.03];

function ratings(cells: number, readers: number, seed: number): ReaderRating[] {
  const rng = seededRng(seed);
  const out: ReaderRating[] = [];
  for (let c = 0; c < cells; c++) {
    let u = rng.next();
    let truth = 0;
    while (truth < SHARES.length - 1 && u >= SHARES[truth]!) u -= SHARES[truth++]!;
    for (let r = 0; r < readers; r++) {
      if (rng.chance(0.05)) continue;
      const label = rng.chance(0.85) ? truth : rng.int(0, 3);
      out.push({ cellId: c + 1, slideId: 1 + (c % 7), reader: `reader-${r}`, label: CELL_CLASS_NAMES[label]! });
    }
  }
  return out;
}

function main(): void {
  const results: Record<string, unknown>[] = [];
  for (const [cells, readers] of CASES) {
    const input = ratings(cells, readers, 7);
    const ms: number[] = [];
    let rounds = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      rounds = computeAgreement(input).bootstrap.rounds;
      ms.push(Math.round(performance.now() - t));
    }
    const row = { cells, readers, ratings: input.length, rounds, ms, bestMs: Math.min(...ms) };
    console.log(`${cells} cells x ${readers} readers, ${rounds} rounds: ${ms.join(', ')} ms`);
    results.push(row);
  }
  const outDir = join(process.cwd(), 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'agreement-bench.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
}

main();
