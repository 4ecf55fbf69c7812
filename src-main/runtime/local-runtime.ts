// A runtime with everything it needs opened locally: the store, a scan
// registry for tiles and an api runtime over them, closed together. For
// shells that run the contract in-process without a transport (the CLI).
import { openSlide } from '../slide/openslide-reader.ts';
import { SlideRegistry } from '../slide/slide-registry.ts';
import { TileService } from '../slide/tile-service.ts';
import { defaultDatabasePath, openStore } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { createApiRuntime } from './api-runtime.ts';
import type { ApiRuntime, ApiRuntimeOptions } from './api-runtime.ts';

/** Where the library lives unless a shell is told otherwise (SMEARLAB_DB, or the user data folder). */
export { defaultDatabasePath };

export interface LocalRuntimeOptions {
  /** SQLite file; default: the user's database. ':memory:' for commands that only read files. */
  dbPath?: string;
  mode?: ApiRuntimeOptions['mode'];
  annotatorName?: string | null;
  demoFolder?: string | null;
  ingestDefaults?: ApiRuntimeOptions['ingestDefaults'];
  log?: (message: string) => void;
}

export interface LocalRuntime {
  runtime: ApiRuntime;
  store: Store;
  tiles: TileService;
  /** Stops jobs (they resume on the next run), then closes the scans and the store. */
  close(): Promise<void>;
}

export function openLocalRuntime(options: LocalRuntimeOptions = {}): LocalRuntime {
  const store = openStore(options.dbPath ?? defaultDatabasePath());
  const registry = new SlideRegistry(openSlide);
  const tiles = new TileService(registry);
  const runtime = createApiRuntime({
    mode: options.mode ?? 'cli',
    store,
    tiles,
    // Nothing is served: views carry no usable URLs.
    tileBase: '',
    mediaBase: '',
    annotatorName: options.annotatorName ?? null,
    demoFolder: options.demoFolder ?? null,
    ingestDefaults: options.ingestDefaults,
    log: options.log,
  });
  let closing: Promise<void> | null = null;
  return {
    runtime,
    store,
    tiles,
    close() {
      closing ??= (async () => {
        try {
          await runtime.close();
        } finally {
          registry.closeAll();
          store.close();
        }
      })();
      return closing;
    },
  };
}
