// The production renderer carries no test hooks: window.smearlabDebug exists
// only in dev/test builds (SMEARLAB_TEST_HOOKS in src-renderer/build.mjs).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const buildScript = new URL('../../../src-renderer/build.mjs', import.meta.url).href;
const { buildRenderer } = await import(buildScript) as {
  buildRenderer(options: { outDir: string; quiet: boolean; testHooks?: boolean }): Promise<string>;
};

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))); });

async function builtScript(options: { testHooks?: boolean }): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'smearlab-renderer-'));
  dirs.push(outDir);
  await buildRenderer({ outDir, quiet: true, ...options });
  return readFile(join(outDir, 'app.js'), 'utf8');
}

test('a production renderer build has no smearlabDebug; a test build has it', async () => {
  const production = await builtScript({});
  assert.ok(production.length > 100_000, 'the production bundle was built');
  assert.equal(production.includes('smearlabDebug'), false);
  assert.equal(production.includes('SMEARLAB_TEST_HOOKS'), false);
  const withHooks = await builtScript({ testHooks: true });
  assert.equal(withHooks.includes('smearlabDebug'), true);
});
