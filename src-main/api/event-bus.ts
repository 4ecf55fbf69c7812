// The main side's event fan-out: handlers and jobs emit, each transport (SSE
// connections, Electron windows) subscribes. A listener that throws is
// reported and the others still run: one broken connection must not stop
// the others from hearing about a label.

import type { ApiEventName, ApiEvents } from './events.ts';
import type { EventSink } from './context.ts';

export type AnyEventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

export interface EventBus extends EventSink {
  subscribe(listener: AnyEventListener): () => void;
  readonly listenerCount: number;
}

export function createEventBus(onListenerError: (error: unknown) => void = (error) => console.error('[events] listener failed:', error)): EventBus {
  const listeners = new Set<AnyEventListener>();
  return {
    emit(event, payload) {
      for (const listener of [...listeners]) {
        try {
          listener(event, payload);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
