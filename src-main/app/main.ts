// The Electron main process: one instance, one sandboxed window on our own
// scheme, the contract over IPC, tiles and media over custom protocols, the
// application menu from the command table, and the window's bounds
// remembered. Everything else lives in services that run under plain Node.

import { BrowserWindow, Menu, app, dialog, screen } from 'electron';
import { join } from 'node:path';
import { PRELOAD_PATH } from '../files/app-layout.ts';
import { demoFolderFor } from '../demo/demo-slide.ts';
import { openSlide } from '../slide/openslide-reader.ts';
import { SlideRegistry } from '../slide/slide-registry.ts';
import { TileService } from '../slide/tile-service.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { createApiRuntime } from '../runtime/api-runtime.ts';
import type { ApiRuntime } from '../runtime/api-runtime.ts';
import { DEFAULT_RENDERER_DIR } from '../runtime/renderer-files.ts';
import { handleTileProtocol } from './tile-protocol.ts';
import { handleAppProtocol, registerSchemes } from './app-protocol.ts';
import { APP_COMMANDS, menuTemplate } from './commands.ts';
import type { AppCommand } from './commands.ts';
import { attachIpcApi, forwardEvents } from './ipc-api.ts';
import { APP_ORIGIN, TILE_BASE, hardenWindow, isAppUrl, windowWebPreferences } from './security.ts';
import { WINDOW_STATE_FILE, isVisibleOn, loadWindowState, saveWindowState } from './window-state.ts';
import type { WindowState } from './window-state.ts';

const SLIDE_EXTENSIONS = ['mrxs', 'svs', 'tif', 'tiff', 'ndpi', 'vms', 'vmu', 'scn', 'bif', 'svslide'];

/** Options from the command line: --db PATH, --annotator NAME (used by the end-to-end specs). */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

let mainWindow: BrowserWindow | null = null;

async function chooseSlideFile(): Promise<string | null> {
  const options = {
    title: 'Open slide',
    properties: ['openFile' as const],
    filters: [{ name: 'Whole-slide images', extensions: SLIDE_EXTENSIONS }, { name: 'All files', extensions: ['*'] }],
  };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : result.filePaths[0] ?? null;
}

function runCommand(runtime: ApiRuntime, command: AppCommand): void {
  if (command.action.kind === 'renderer') runtime.events.emit('menu-command', { command: command.action.command });
}

async function createWindow(runtime: ApiRuntime, statePath: string): Promise<BrowserWindow> {
  const saved = await loadWindowState(statePath);
  const visible = isVisibleOn(saved, screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(visible && saved.x !== undefined ? { x: saved.x, y: saved.y } : {}),
    show: false,
    backgroundColor: '#111418',
    title: 'Smearlab',
    webPreferences: windowWebPreferences(PRELOAD_PATH),
  });
  // Read back by the Electron end-to-end spec (test/e2e/electron/).
  (globalThis as { smearlabWebPreferences?: unknown }).smearlabWebPreferences = windowWebPreferences(PRELOAD_PATH);
  hardenWindow(window, window.webContents.session);
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const stopEvents = forwardEvents(runtime.events, window.webContents);
  const remember = () => {
    if (window.isDestroyed()) return;
    const state: WindowState = { ...window.getNormalBounds(), maximized: window.isMaximized() };
    void saveWindowState(statePath, state).catch((error) => console.error('[window] could not save its state:', error));
  };
  window.on('close', remember);
  window.on('closed', () => {
    stopEvents();
    mainWindow = null;
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

async function boot(): Promise<void> {
  const dbPath = option('db');
  const store: Store = dbPath ? openStore(dbPath) : openStore();
  const registry = new SlideRegistry(openSlide);
  const tiles = new TileService(registry);
  const runtime = createApiRuntime({
    mode: 'electron',
    store,
    tiles,
    tileBase: TILE_BASE,
    mediaBase: `${APP_ORIGIN}/`,
    dialogs: { chooseSlideFile },
    // Beside the database, like the CLI's: an installed app has no writable folder of its own.
    demoFolder: demoFolderFor(store.path),
    annotatorName: option('annotator') ?? null,
    featuresAfterIngest: true,
  });

  handleTileProtocol(tiles);
  handleAppProtocol(option('renderer') ?? DEFAULT_RENDERER_DIR, runtime.media);
  await attachIpcApi(runtime.invoke, (event) => event.senderFrame !== null && isAppUrl(event.senderFrame.url)
    && mainWindow !== null && event.sender === mainWindow.webContents);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(APP_COMMANDS, (command) => runCommand(runtime, command))));

  const statePath = join(app.getPath('userData'), WINDOW_STATE_FILE);
  mainWindow = await createWindow(runtime, statePath);

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    void runtime.close().finally(() => {
      registry.closeAll();
      store.close();
      app.quit();
    });
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemes();
  // Every web contents, not only the main window's, may open no window.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(boot).catch((error: unknown) => {
    dialog.showErrorBox('Smearlab could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
