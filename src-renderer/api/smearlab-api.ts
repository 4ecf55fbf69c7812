// How the renderer reaches the contract: the Electron preload's
// window.smearlab when it is there, else the browser-mode HTTP client for the
// server this page was loaded from. Nothing else in the renderer knows which.

import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import { apiBaseFromLocation, createHttpClient } from '../../src-main/api/http-client.ts';

declare global {
  interface Window {
    smearlab?: SmearlabApi;
  }
}

export type { SmearlabApi };

export function connectApi(): SmearlabApi {
  return window.smearlab ?? createHttpClient(apiBaseFromLocation(window.location.href));
}

/** What the UI shows for a failed call: the ApiError's message, or the Error's. */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

/** The ApiError code of a failed call ('blinded', 'not-found', ...), or null for anything else. */
export function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return null;
}
