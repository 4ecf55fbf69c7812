// Lint rules that keep the architecture honest (README, "Layout"): imports
// point one way, app/, server/, cli/ -> runtime/ -> api/ -> services
// (dataset, jobs, pipeline, slide, store, demo) -> domain/ and files/; the
// CLI reaches services only through the contract;
// only app/ and the preload import Electron; the renderer sees only api/
// and domain/. test/unit/architecture/layering.test.ts proves a wrong
// import fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ELECTRON = { name: 'electron', message: 'Only src-main/app/ and src-preload/ may import Electron.' };
const SHELLS = ['app', 'server', 'cli'];
const SERVICES = ['dataset', 'jobs', 'pipeline', 'slide', 'store', 'demo', 'readers', 'sync', 'assist'];

/** The rule for one folder of src-main: the folders it may not import from (matched on the import path). */
function layer(folder, forbidden, { electron = false } = {}) {
  const pattern = `(^|/)(${forbidden.join('|')})/`;
  return {
    files: [`src-main/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: electron ? [] : [ELECTRON],
        patterns: [{ regex: pattern, message: `src-main/${folder}/ may not import from ${forbidden.join(', ')} (see README, "Layout").` }],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'native/build/**', 'bench-results/**', 'test-artifacts/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', performance: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly',
        fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly',
        window: 'readonly', document: 'readonly', navigator: 'readonly', requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly', HTMLElement: 'readonly', HTMLCanvasElement: 'readonly',
        KeyboardEvent: 'readonly', EventSource: 'readonly', Image: 'readonly', localStorage: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  layer('domain', [...SHELLS, 'runtime', 'api', ...SERVICES, 'files']),
  layer('files', [...SHELLS, 'runtime', 'api', ...SERVICES]),
  ...SERVICES.map((service) => layer(service, [...SHELLS, 'runtime', 'api'])),
  layer('api', [...SHELLS, 'runtime']),
  layer('runtime', SHELLS),
  layer('server', ['app', 'cli']),
  // Every command is a call of the contract (cli/cli-api.ts): no service below it directly.
  layer('cli', ['app', 'store', 'pipeline', 'dataset', 'slide', 'jobs', 'readers', 'sync', 'assist']),
  layer('app', ['server', 'cli'], { electron: true }),
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [ELECTRON],
        patterns: [{ regex: `(^|/)src-main/(?!api/|domain/)`, message: 'The renderer imports only api/ and domain/ from src-main (types and pure helpers).' }],
      }],
    },
  },
  { files: ['eslint.config.js'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['**/*.mjs', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
