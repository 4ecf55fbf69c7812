// Browser-mode client: the same SmearlabApi as the Electron preload, over
// fetch (POST <base>api/<operation>) and one EventSource (<base>events).
// DOM APIs only, so the renderer bundles it. The base URL is the server's
// /t/<token>/ prefix; in the served app it follows from location:
//   createHttpClient(apiBaseFromLocation(location.href))

import { ApiCallError, apiError, isApiError } from './errors.ts';
import type { ApiEventListener, ApiEventName, ApiEvents } from './events.ts';
import { API_EVENT_NAMES } from './events.ts';
import { OPERATION_NAMES } from './operation-names.ts';
import type { OperationName } from './operation-names.ts';
import type { SmearlabApi } from './client-types.ts';
import { fromWireJson } from './wire.ts';

export interface HttpClientOptions {
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injected in tests; defaults to the global EventSource (none: `on` never fires). */
  EventSource?: new (url: string) => EventSource;
}

/** `http://127.0.0.1:port/t/<token>/app/...` -> `http://127.0.0.1:port/t/<token>/`. */
export function apiBaseFromLocation(href: string): string {
  const url = new URL(href);
  const match = /^\/t\/[^/]+\//.exec(url.pathname);
  if (!match) throw new Error(`not a Smearlab server URL (expected /t/<token>/...): ${url.pathname}`);
  return `${url.origin}${match[0]}`;
}

export function createHttpClient(baseUrl: string, options: HttpClientOptions = {}): SmearlabApi {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const EventSourceCtor = options.EventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource);

  async function call(operation: OperationName, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}api/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        // Ahead of the tile images a pan or zoom queues on the same six connections: a key's call must not wait behind them.
        // (Fetch Priority: Chromium honours it; Node's types do not list it yet.)
        ...({ priority: 'high' } as Record<string, string>),
      });
    } catch (error) {
      throw new ApiCallError(operation, apiError('internal', 'Smearlab is not answering (is `smearlab serve` still running?)', String(error)));
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = fromWireJson(text);
    } catch {
      throw new ApiCallError(operation, apiError('internal', `The server sent an unreadable answer (HTTP ${response.status})`, text.slice(0, 500)));
    }
    if (response.ok) return body;
    throw new ApiCallError(operation, isApiError(body)
      ? body
      : apiError('internal', `The server refused the call (HTTP ${response.status})`, text.slice(0, 500)));
  }

  // One EventSource for all listeners, opened on the first `on` and closed with the last unsubscribe.
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const openSource = () => {
    if (source || !EventSourceCtor) return;
    source = new EventSourceCtor(`${base}events`);
    for (const name of API_EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        const payload = fromWireJson((event as unknown as { data: string }).data);
        for (const listener of [...(listeners.get(name) ?? [])]) listener(payload);
      });
    }
  };
  const closeSourceIfUnused = () => {
    if ([...listeners.values()].some((set) => set.size > 0)) return;
    source?.close();
    source = null;
  };

  const api: Record<string, unknown> = {
    on<E extends ApiEventName>(event: E, listener: ApiEventListener<E>): () => void {
      if (!API_EVENT_NAMES.includes(event)) throw new RangeError(`unknown event "${String(event)}"`);
      const wrapped = (payload: unknown) => listener(payload as ApiEvents[E]);
      let set = listeners.get(event);
      if (!set) listeners.set(event, set = new Set());
      set.add(wrapped);
      openSource();
      return () => {
        set.delete(wrapped);
        closeSourceIfUnused();
      };
    },
  };
  for (const name of OPERATION_NAMES) api[name] = (input?: unknown) => call(name, input);
  return api as unknown as SmearlabApi;
}
