// Worker entry: TypeScript sources run through tsx in development and tests;
// a packaged build points the worker at the bundled JavaScript instead.
import { register } from 'tsx/esm/api';

register();
await import('./export-worker.ts');
