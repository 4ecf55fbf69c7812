// Worker-thread side of writing the demo slide: scene building and JPEG
// tiles are CPU work that must not stall the thread serving the UI.
import { runJobInWorker } from '../jobs/job-worker.ts';
import { ensureDemoSlide } from './demo-slide.ts';

runJobInWorker(async (options: { folder: string }) => (await ensureDemoSlide(options.folder)).mrxsPath);
