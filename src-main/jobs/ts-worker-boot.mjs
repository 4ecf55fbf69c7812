// Development worker entry: runs a job's TypeScript worker module through tsx
// (tests, `npm run demo`). Bundled builds start dist/main/<job>-worker.mjs
// instead and never load this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.sourceEntry);
