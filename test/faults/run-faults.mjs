#!/usr/bin/env node
// `npm run test:faults`: the fault campaign (test/faults/*.faults.ts), one
// file at a time like test/run-tests.mjs, then one table of cases tried and
// passed per group. Not part of `npm test`: it takes a few minutes.
// Usage: node test/faults/run-faults.mjs [substring filter ...]
// Env: SMEARLAB_FAULTS_RUNS (fuzz runs multiplier), SMEARLAB_FAULTS_SEED
// (replay a fuzz run), SMEARLAB_FAULTS_ONLY (damaged-slide cases by name).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.faults.ts'))
  .map((name) => relative(root, join(here, name)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no fault suites match ${filters.join(' ')}`);
  process.exit(1);
}

const summaryDir = mkdtempSync(join(tmpdir(), 'smearlab-faults-summary-'));
const summary = join(summaryDir, 'summary.jsonl');
const began = Date.now();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SMEARLAB_FAULTS_SUMMARY: summary },
});

let rows = [];
try {
  rows = readFileSync(summary, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // No suite got as far as its report.
}
rmSync(summaryDir, { recursive: true, force: true });

const width = Math.max(5, ...rows.map((r) => r.group.length));
console.log(`\nFault campaign: ${files.length} suite(s), ${((Date.now() - began) / 1000).toFixed(0)} s`);
console.log(`  ${'group'.padEnd(width)}  tried  passed`);
for (const r of rows) {
  console.log(`  ${r.group.padEnd(width)}  ${String(r.tried).padStart(5)}  ${String(r.passed).padStart(6)}`);
  for (const name of r.failed) console.log(`    failed: ${name}${r.pending[name] ? ` (${r.pending[name]})` : ''}`);
}
process.exit(result.status ?? 1);
