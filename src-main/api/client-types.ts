// The interface the renderer programs against, whichever shell it runs in:
// `window.smearlab` from the Electron preload, or createHttpClient(...) in
// browser mode. One async function per contract operation, plus `on`.
// Every promise rejects with an ApiCallError ({ code, message, detail }).

import type { Input, Output } from './contract.ts';
import type { ApiError } from './errors.ts';
import type { ApiEventListener, ApiEventName } from './events.ts';
import type { OperationName } from './operation-names.ts';

/** Operations whose input has no required field may be called with no argument. */
export type OperationFunction<K extends OperationName> = Record<string, never> extends Input<K>
  ? (input?: Input<K>) => Promise<Output<K>>
  : (input: Input<K>) => Promise<Output<K>>;

export type SmearlabOperations = { [K in OperationName]: OperationFunction<K> };

export interface SmearlabEvents {
  /** Calls listener for every event of that name until the returned function is called. */
  on<E extends ApiEventName>(event: E, listener: ApiEventListener<E>): () => void;
}

export type SmearlabApi = SmearlabOperations & SmearlabEvents;

/** What the Electron preload puts on window (the renderer may declare `window.smearlab?: SmearlabApi`). */
export const PRELOAD_GLOBAL = 'smearlab';

/** IPC channel of an operation (preload <-> main). */
export function ipcChannel(operation: OperationName): string {
  return `smearlab:api:${operation}`;
}

/** IPC channel on which main sends every event as { event, payload }. */
export const IPC_EVENT_CHANNEL = 'smearlab:event';

/** What an IPC call resolves to: Electron would strip a thrown error to its message, so errors travel as values. */
export type IpcReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };
