// The window's security settings in one place: web preferences, the page's
// CSP, and the guards against navigation, new windows and permission prompts.
// The page is our bundled renderer only; nothing remote is ever loaded.

import type { BrowserWindow, Session, WebPreferences } from 'electron';
import { rendererCsp } from '../runtime/renderer-files.ts';
import { TILE_SCHEME } from './tile-protocol.ts';

export const APP_SCHEME = 'smearlab';
export const APP_HOST = 'app';
/** Where the page, its files and the media routes live: smearlab://app/... */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const TILE_BASE = `${TILE_SCHEME}://local/`;

export function windowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

/** The renderer's CSP in Electron: as in browser mode, plus the tile scheme for images and the DZI. */
export const ELECTRON_CSP = rendererCsp([`${TILE_SCHEME}:`]);

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Refuses new windows, navigation away from the app, and every permission request; sets the CSP on app responses. */
export function hardenWindow(window: BrowserWindow, session: Session): void {
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });
  // Anything but our two schemes (http, https, file, ...) is cancelled before it leaves.
  session.webRequest.onBeforeRequest((details, callback) => {
    const scheme = details.url.slice(0, details.url.indexOf(':'));
    callback({ cancel: !(scheme === APP_SCHEME || scheme === TILE_SCHEME || scheme === 'devtools' || scheme === 'data' || scheme === 'blob') });
  });
}
