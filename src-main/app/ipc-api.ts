// The Electron IPC adapter over the contract: one ipcMain.handle channel per
// operation, answering ApiResult values (Electron would reduce a thrown error
// to its message), and every ApiEvent forwarded with webContents.send. The
// only module that touches ipcMain; registerIpcApi takes it as a parameter so
// tests drive it with a fake under plain Node.

import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ApiResult } from '../api/dispatch.ts';
import { apiError } from '../api/errors.ts';
import type { EventBus } from '../api/event-bus.ts';
import { IPC_EVENT_CHANNEL, ipcChannel } from '../api/client-types.ts';
import { OPERATION_NAMES } from '../api/operation-names.ts';

export type IpcRegistry = Pick<IpcMain, 'handle' | 'removeHandler'>;

export type Invoke = (operation: string, input: unknown) => Promise<ApiResult>;

/** Whether a call comes from our own page (not a frame or a page that navigated elsewhere). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Handles every contract operation on `ipc`; returns a function that removes the handlers. */
export function registerIpcApi(ipc: IpcRegistry, invoke: Invoke, isTrustedSender: SenderCheck): () => void {
  for (const operation of OPERATION_NAMES) {
    ipc.handle(ipcChannel(operation), async (event, ...args: unknown[]): Promise<ApiResult> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: apiError('unsupported', `${operation} was called from a page that is not Smearlab's`) };
      }
      if (args.length > 1) return { ok: false, error: apiError('bad-input', `${operation}: takes one input object, got ${args.length} arguments`) };
      return invoke(operation, args[0]);
    });
  }
  return () => {
    for (const operation of OPERATION_NAMES) ipc.removeHandler(ipcChannel(operation));
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends every event to the window's page as { event, payload } until unsubscribed or the page is gone. */
export function forwardEvents(bus: EventBus, target: EventTarget): () => void {
  const unsubscribe = bus.subscribe((event, payload) => {
    if (target.isDestroyed()) {
      unsubscribe();
      return;
    }
    target.send(IPC_EVENT_CHANNEL, { event, payload });
  });
  return unsubscribe;
}

/** In Electron: registers on the real ipcMain (loaded here only, so tests never load Electron). */
export async function attachIpcApi(invoke: Invoke, isTrustedSender: SenderCheck): Promise<() => void> {
  const { ipcMain } = await import('electron');
  return registerIpcApi(ipcMain, invoke, isTrustedSender);
}
