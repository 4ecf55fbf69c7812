// The sandboxed preload: exposes the contract as window.smearlab, one async
// function per operation name (from the contract's own list, so it cannot
// drift) plus on(event, listener). The page never sees ipcRenderer. Bundled
// into one CommonJS file (build-app.mjs): a sandboxed preload cannot require
// project modules.

import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, PRELOAD_GLOBAL, ipcChannel } from '../src-main/api/client-types.ts';
import type { ApiResult } from '../src-main/api/dispatch.ts';
import { API_EVENT_NAMES } from '../src-main/api/events.ts';
import type { ApiEventName } from '../src-main/api/events.ts';
import { OPERATION_NAMES } from '../src-main/api/operation-names.ts';

type Listener = (payload: unknown) => void;

const listeners = new Map<ApiEventName, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: { event: ApiEventName; payload: unknown }) => {
  for (const listener of [...(listeners.get(message.event) ?? [])]) {
    try {
      listener(message.payload);
    } catch (error) {
      console.error(`[smearlab] ${message.event} listener failed:`, error);
    }
  }
});

const api: Record<string, unknown> = {
  on(event: ApiEventName, listener: Listener): () => void {
    if (!API_EVENT_NAMES.includes(event)) throw new RangeError(`unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

for (const operation of OPERATION_NAMES) {
  api[operation] = async (input?: unknown) => {
    const result = (await ipcRenderer.invoke(ipcChannel(operation), input ?? {})) as ApiResult;
    if (result.ok) return result.value;
    // contextBridge would copy an Error without its own properties (code, detail): reject with a plain object.
    throw { name: 'ApiCallError', code: result.error.code, message: result.error.message, detail: result.error.detail, operation };
  };
}

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
