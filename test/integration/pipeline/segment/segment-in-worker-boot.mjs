// Worker entry for segment-in-worker.test.ts: registers tsx, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./segment-in-worker.ts');
