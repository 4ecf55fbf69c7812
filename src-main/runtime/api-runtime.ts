// Everything behind the contract in one object, for any shell: the
// ApiContext the handlers use (store, scans for tiles, media, ingest jobs,
// events, session), plus `invoke` for adapters. The HTTP server and the
// Electron app each build one; they differ only in URL bases and dialogs.

import type { ApiContext, FileDialogs } from '../api/context.ts';
import { invokeOperation } from '../api/dispatch.ts';
import type { ApiResult } from '../api/dispatch.ts';
import { createCountsCache } from '../api/counts-cache.ts';
import { createWorkPackageFiles } from './work-package-files.ts';
import { locateScan } from './scan-locator.ts';
import { AssistJobs } from './assist-jobs.ts';
import { existsSync } from 'node:fs';
import { MEMORY_DATABASE } from '../store/index.ts';
import { createEventBus } from '../api/event-bus.ts';
import type { EventBus } from '../api/event-bus.ts';
import type { ShellMode } from '../api/views.ts';
import { openSlide } from '../slide/openslide-reader.ts';
import { SlideError } from '../slide/slide-error.ts';
import type { SlideRegistry } from '../slide/slide-registry.ts';
import type { TileService } from '../slide/tile-service.ts';
import type { Store } from '../store/index.ts';
import { APP_VERSION } from '../files/app-layout.ts';
import { prepareDemoSlide } from '../demo/demo-slide-job.ts';
import { ExportJobs } from './export-jobs.ts';
import { IngestJobs } from './ingest-jobs.ts';
import type { IngestDefaults, IngestJobsOptions } from './ingest-jobs.ts';
import { MediaService } from './media-service.ts';
import { mediaUrls } from './media-routes.ts';
import { ScanAccess } from './scan-access.ts';
import { createCellEditPixels } from './cell-pixels.ts';

export interface ApiRuntimeOptions {
  mode: ShellMode;
  store: Store;
  /** The tile service's registry: scans opened here get tile URLs. */
  tiles: TileService;
  /** Where tile routes are served, ending in '/': `${tileBase}slides/<id>.dzi`. */
  tileBase: string;
  /** Where media routes (media-routes.ts) are served, ending in '/'. */
  mediaBase: string;
  dialogs?: FileDialogs | null;
  /** Where the demo slide is kept (demoFolderFor(the database path)); null or absent: no demo slide. */
  demoFolder?: string | null;
  ingestDefaults?: IngestDefaults;
  /** Injected in tests (see IngestJobsOptions.start). */
  startIngestJob?: IngestJobsOptions['start'];
  /** The assist starting model's file (default: the shipped one); null: learn from each reader's labels alone. */
  assistStartModel?: string | null;
  /** Compute each ingested slide's cell features right after its ingest, in a worker (the app and `serve`; tests leave it off). */
  featuresAfterIngest?: boolean;
  /** Annotator made current at startup (--annotator NAME), created on first use. */
  annotatorName?: string | null;
  log?: (message: string) => void;
}

export interface ApiRuntime {
  context: ApiContext;
  events: EventBus;
  media: MediaService;
  jobs: IngestJobs;
  registry: SlideRegistry;
  /** Validates and runs one operation; never rejects. */
  invoke(operation: string, input: unknown): Promise<ApiResult>;
  /** Stops running jobs (they resume on the next ingest). The store and registry stay open: their owner closes them. */
  close(): Promise<void>;
}

export function createApiRuntime(options: ApiRuntimeOptions): ApiRuntime {
  const log = options.log ?? ((message: string) => console.error(message));
  const events = createEventBus((error) => log(`[events] a listener failed: ${String(error)}`));
  const scans = new ScanAccess(options.tiles.registry);
  const media = new MediaService(options.store, scans, options.tiles.limiter);
  const jobs = new IngestJobs({
    store: options.store,
    events,
    defaults: options.ingestDefaults,
    start: options.startIngestJob,
    onLog: (message) => log(`[ingest] ${message}`),
  });
  const exportJobs = new ExportJobs(options.store, events);
  const assistJobs = new AssistJobs(options.store, events, options.assistStartModel);
  if (options.featuresAfterIngest && options.store.path !== MEMORY_DATABASE) {
    events.subscribe((event, payload) => {
      const job = payload as { kind?: string; state?: string; slideId?: number | null };
      if (event === 'job-progress' && job.kind === 'ingest' && job.state === 'done' && typeof job.slideId === 'number') assistJobs.features(job.slideId);
    });
  }
  const counts = createCountsCache((slideId, view) => options.store.classCounts(slideId, view));
  // An ingest adds and replaces cells slice by slice: counters of its slide are recounted.
  events.subscribe((event, payload) => {
    if (event === 'job-progress' || event === 'slides-changed') {
      const { slideId } = payload as { slideId: number | null };
      counts.invalidate(slideId ?? undefined);
    }
  });
  const context: ApiContext = {
    mode: options.mode,
    version: APP_VERSION,
    store: options.store,
    urls: mediaUrls(options.mediaBase),
    tiles: {
      dzi: async (slide) => {
        const registered = await scans.open(slide);
        const geometry = await options.tiles.geometry(registered).catch((error: unknown) => {
          throw new SlideError('openslide', slide.path, `The scan has no usable image pyramid: ${error instanceof Error ? error.message : String(error)}`);
        });
        return { url: `${options.tileBase}slides/${registered.id}.dzi`, origin: { x: geometry.originX, y: geometry.originY } };
      },
      info: async (path) => {
        const reader = await openSlide(path);
        try {
          return reader.info;
        } finally {
          reader.close();
        }
      },
    },
    jobs,
    datasets: exportJobs,
    events,
    counts,
    session: { annotatorId: options.annotatorName ? options.store.ensureAnnotator(options.annotatorName).id : null },
    dialogs: options.dialogs ?? null,
    demo: options.demoFolder ? { prepare: () => prepareDemoSlide(options.demoFolder as string) } : null,
    cellPixels: createCellEditPixels(scans, options.tiles.limiter),
    assist: options.store.path === MEMORY_DATABASE ? null : assistJobs,
    workPackages: createWorkPackageFiles(options.store, scans, options.tiles.limiter),
    scanSearch: {
      locate: (slide, folders) => locateScan(slide, folders, {
        quickhashOf: (path) => context.tiles.info(path).then((info) => info.quickhash, () => null),
      }),
      present: (slide) => existsSync(slide.path),
    },
  };
  return {
    context,
    events,
    media,
    jobs,
    registry: options.tiles.registry,
    invoke: (operation, input) => invokeOperation(context, operation, input, {
      onInternalError: (op, error) => log(`[api] ${op} failed: ${error instanceof Error ? error.stack : String(error)}`),
    }),
    close: async () => { await Promise.all([jobs.close(), exportJobs.close(), assistJobs.close()]); },
  };
}
