// Browser mode in one call: open the store, start the 127.0.0.1 server with
// tiles, media, the contract, events and the renderer's files, and return the
// app URL. Used by `smearlab serve`, the API tests and the end-to-end tests.

import { openSlide } from '../slide/openslide-reader.ts';
import { SlideRegistry } from '../slide/slide-registry.ts';
import { TileService } from '../slide/tile-service.ts';
import type { TileServiceOptions } from '../slide/tile-service.ts';
import { demoFolderFor } from '../demo/demo-slide.ts';
import { MEMORY_DATABASE, defaultDatabasePath, openStore } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { createApiRuntime } from '../runtime/api-runtime.ts';
import type { ApiRuntime, ApiRuntimeOptions } from '../runtime/api-runtime.ts';
import { apiMount } from './api-mount.ts';
import { APP_PREFIX, appMounts } from './app-mount.ts';
import { eventsMount } from './events-mount.ts';
import { createServer } from './http-server.ts';
import type { RunningServer } from './http-server.ts';
import { mediaMounts } from './media-mount.ts';
import { DEFAULT_RENDERER_DIR } from '../runtime/renderer-files.ts';
import { tileMount } from './tile-mount.ts';

export interface BrowserModeOptions {
  /** SQLite file; default: the user's database. */
  dbPath?: string;
  port?: number;
  /** Tests only; default: a fresh random token. */
  token?: string;
  /** Built renderer (default dist/renderer/). */
  rendererDir?: string;
  tileOptions?: TileServiceOptions;
  annotatorName?: string | null;
  /** Where the demo slide is kept; default: demo/ beside the database (none for an in-memory one). */
  demoFolder?: string | null;
  ingestDefaults?: ApiRuntimeOptions['ingestDefaults'];
  featuresAfterIngest?: boolean;
  assistStartModel?: string | null;
  startIngestJob?: ApiRuntimeOptions['startIngestJob'];
  log?: (message: string) => void;
}

export interface BrowserMode {
  server: RunningServer;
  runtime: ApiRuntime;
  store: Store;
  /** http://127.0.0.1:<port>/t/<token>/app/ */
  appUrl: string;
  /** Stops jobs, the server, the scans and the store, in that order. */
  close(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const store = openStore(options.dbPath ?? defaultDatabasePath());
  const registry = new SlideRegistry(openSlide);
  const tiles = new TileService(registry, options.tileOptions);
  let server: RunningServer;
  try {
    server = await createServer({
      port: options.port,
      token: options.token,
      mounts: [tileMount(tiles), ...appMounts(options.rendererDir ?? DEFAULT_RENDERER_DIR)],
      onError: options.log ? (error, request) => options.log!(`[server] ${request.method} failed: ${String(error)}`) : undefined,
    });
  } catch (error) {
    registry.closeAll();
    store.close();
    throw error;
  }
  const runtime = createApiRuntime({
    mode: 'browser',
    store,
    tiles,
    tileBase: server.baseUrl,
    mediaBase: server.baseUrl,
    annotatorName: options.annotatorName,
    demoFolder: options.demoFolder !== undefined ? options.demoFolder : store.path === MEMORY_DATABASE ? null : demoFolderFor(store.path),
    ingestDefaults: options.ingestDefaults,
    startIngestJob: options.startIngestJob,
    featuresAfterIngest: options.featuresAfterIngest,
    ...(options.assistStartModel !== undefined ? { assistStartModel: options.assistStartModel } : {}),
    log: options.log,
  });
  server.router.mount(apiMount(runtime.invoke)).mount(eventsMount(runtime.events));
  for (const mount of mediaMounts(runtime.media)) server.router.mount(mount);

  let closing: Promise<void> | null = null;
  return {
    server,
    runtime,
    store,
    appUrl: `${server.baseUrl}${APP_PREFIX}/`,
    close() {
      closing ??= (async () => {
        try {
          await runtime.close();
          await server.close();
        } finally {
          registry.closeAll();
          store.close();
        }
      })();
      return closing;
    },
  };
}
