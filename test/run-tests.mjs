#!/usr/bin/env node
// Runs every *.test.ts under test/ with Node's own test runner (through tsx),
// one file at a time: the machine has 2 cores and several suites start
// OpenSlide, ONNX Runtime or Chromium, which would fight for them.
// Usage: node test/run-tests.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = listTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
