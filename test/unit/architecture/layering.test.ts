// The architecture's arrows are lint rules (eslint.config.js): a wrong import
// in any layer fails `npm run lint`, a right one passes. Linted as text under
// a path in the folder, so nothing is written to the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('../../../', import.meta.url).pathname });

async function importErrors(filePath: string, from: string): Promise<string[]> {
  const code = `import { thing } from '${from}';\nexport const used = thing;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const WRONG: [file: string, from: string][] = [
  ['src-main/domain/x.ts', '../store/index.ts'],
  ['src-main/files/x.ts', '../pipeline/scale.ts'],
  ['src-main/store/x.ts', '../api/contract.ts'],
  ['src-main/pipeline/ingest/x.ts', '../../runtime/api-runtime.ts'],
  ['src-main/slide/x.ts', '../server/http-server.ts'],
  ['src-main/jobs/x.ts', '../api/errors.ts'],
  ['src-main/api/handlers/x.ts', '../../runtime/ingest-jobs.ts'],
  ['src-main/runtime/x.ts', '../server/router.ts'],
  ['src-main/app/x.ts', '../server/http-server.ts'],
  ['src-main/server/x.ts', '../app/security.ts'],
  ['src-main/cli/commands/x.ts', '../../app/main.ts'],
  ['src-main/cli/commands/x.ts', '../../store/index.ts'],
  ['src-main/cli/commands/x.ts', '../../pipeline/ingest/ingest-job.ts'],
  ['src-main/cli/x.ts', '../dataset/export-job.ts'],
  ['src-main/store/x.ts', 'electron'],
  ['src-renderer/library/x.ts', '../../src-main/store/index.ts'],
];

const RIGHT: [file: string, from: string][] = [
  ['src-main/store/x.ts', '../domain/cell.ts'],
  ['src-main/pipeline/ingest/x.ts', '../../slide/slide-reader.ts'],
  ['src-main/api/handlers/x.ts', '../../dataset/index.ts'],
  ['src-main/runtime/x.ts', '../api/dispatch.ts'],
  ['src-main/app/x.ts', '../runtime/api-runtime.ts'],
  ['src-main/app/x.ts', 'electron'],
  ['src-main/server/x.ts', '../runtime/media-routes.ts'],
  ['src-main/cli/commands/x.ts', '../../runtime/local-runtime.ts'],
  ['src-main/cli/commands/x.ts', '../../api/contract.ts'],
  ['src-main/cli/x.ts', './slide-summary.ts'],
  ['src-renderer/library/x.ts', '../../src-main/api/views.ts'],
];

test('an import against the arrows fails lint, in every layer', async () => {
  for (const [file, from] of WRONG) {
    const errors = await importErrors(file, from);
    assert.equal(errors.length, 1, `${file} importing ${from} should fail lint`);
  }
});

test('imports along the arrows pass', async () => {
  for (const [file, from] of RIGHT) {
    assert.deepEqual(await importErrors(file, from), [], `${file} importing ${from} should pass`);
  }
});
