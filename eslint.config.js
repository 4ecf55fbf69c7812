// Lint rules that keep the architecture honest: the contract is the only way
// across processes, and nothing below src-main/api imports Electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronBan = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'electron', message: 'Only src-main/app/ and src-preload/ may import Electron.' }],
  }],
};

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
  { files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'], ignores: ['src-main/app/**'], rules: electronBan },
  { files: ['eslint.config.js'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['**/*.mjs', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
