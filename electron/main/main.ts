/**
 * Electron main process: starts the same Backend the CLI serves (in-process,
 * no HTTP listener needed), opens one hardened window on the built renderer
 * and bridges RPC, events, native dialogs and menu commands over IPC.
 * Everything that does not need Electron lives in electron/backend (and the
 * pure helpers beside this file) and is tested under Node.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  session,
  shell,
  type MenuItemConstructorOptions,
  type SaveDialogOptions,
} from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Backend } from '../backend/backend.js';
import { CONTENT_SECURITY_POLICY } from '../backend/server.js';
import { defaultServices } from '../backend/services.js';
import { defaultDataDir } from '../backend/data-dir.js';
import { menuTemplate, type MenuItemSpec } from './menu.js';
import { FILE_FILTERS, IPC, isAllowedNavigation, windowSpec } from './window.js';
import { clampToDisplays, loadWindowState, saveWindowState } from './window-state.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function registerIpc(
  backend: Backend,
  ipc: Pick<typeof ipcMain, 'handle'>,
  getWindow: () => BrowserWindow | undefined,
): void {
  ipc.handle(IPC.invoke, async (_e, method: unknown, params: unknown) => {
    if (typeof method !== 'string') throw new Error('method must be a string');
    return await backend.rpc.invoke(method, params);
  });
  ipc.handle(IPC.openFile, async (_e, kind: unknown) => {
    const win = getWindow();
    const opts = { properties: ['openFile' as const], filters: FILE_FILTERS[String(kind)] ?? [] };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return r.canceled ? undefined : r.filePaths[0];
  });
  ipc.handle(IPC.saveFile, async (_e, kind: unknown, defaultName: unknown) => {
    const win = getWindow();
    const opts: SaveDialogOptions = { filters: FILE_FILTERS[String(kind)] ?? [] };
    if (typeof defaultName === 'string') opts.defaultPath = defaultName;
    const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    return r.canceled ? undefined : r.filePath;
  });
}

function toElectronMenu(items: MenuItemSpec[], send: (action: string) => void): MenuItemConstructorOptions[] {
  return items.map((i) => {
    const o: MenuItemConstructorOptions = {};
    if (i.label) o.label = i.label;
    if (i.accelerator) o.accelerator = i.accelerator;
    if (i.role) o.role = i.role;
    if (i.type) o.type = i.type;
    if (i.action) {
      const action = i.action;
      o.click = () => send(action);
    }
    if (i.submenu) o.submenu = toElectronMenu(i.submenu, send);
    return o;
  });
}

export async function createWindow(backend: Backend): Promise<BrowserWindow> {
  const dataDir = app.getPath('userData');
  const saved = clampToDisplays(loadWindowState(dataDir), screen?.getAllDisplays?.().map((d) => d.workArea) ?? []);
  const win = new BrowserWindow({ ...windowSpec(outDir, { dev: !app.isPackaged }), ...saved });
  if (saved.maximized) win.maximize?.();
  const indexUrl = pathToFileURL(path.join(outDir, 'renderer', 'index.html')).toString();
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, indexUrl)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const off = backend.events.on((ev) => {
    if (!win.isDestroyed()) win.webContents.send(IPC.event, ev);
  });
  win.on('close', () => {
    const b = win.getNormalBounds?.();
    if (b) saveWindowState(dataDir, { ...b, maximized: win.isMaximized?.() ?? false });
  });
  win.on('closed', off);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(indexUrl);
  return win;
}

export async function main(): Promise<void> {
  // One instance: a second launch focuses the first window.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No remote content, ever: refuse every request that is not a local file or devtools.
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
    const ok = details.url.startsWith('file://') || details.url.startsWith('devtools://');
    cb({ cancel: !ok });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  const backend = await Backend.start({
    mode: 'electron',
    listen: false,
    // The restore journal where the CLI keeps it too: either repairs what the other left after a crash.
    services: defaultServices({
      dataDir: app.getPath('userData'),
      command: 'MapiScope app',
      journalDir: defaultDataDir(),
    }),
  });
  // The window exists only after the IPC handlers and menu are in place; they reach it through this holder.
  const shown: { win?: BrowserWindow } = {};
  registerIpc(backend, ipcMain, () => shown.win);
  const send = (action: string) => shown.win?.webContents.send(IPC.menu, action);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(toElectronMenu(menuTemplate({ platform: process.platform, dev: !app.isPackaged }), send)),
  );
  app.on('web-contents-created', (_e, wc) => wc.on('will-attach-webview', (ev) => ev.preventDefault()));
  app.on('second-instance', () => {
    const win = shown.win;
    if (win) {
      if (win.isMinimized?.()) win.restore?.();
      win.focus?.();
    }
  });
  shown.win = await createWindow(backend);
  // Stopping the backend puts back the proxy settings the capture set. Quitting (Cmd-Q, the menu, a
  // logout) does not always close the windows first, so quitting and signals stop it too.
  let stopping = false;
  const stopThenQuit = () => {
    if (stopping) return;
    stopping = true;
    void backend.stop().finally(() => app.quit());
  };
  app.on('window-all-closed', stopThenQuit);
  app.on('before-quit', (e: { preventDefault(): void }) => {
    if (stopping) return;
    e.preventDefault();
    stopThenQuit();
  });
  if (process.versions.electron) {
    process.once('SIGTERM', stopThenQuit);
    process.once('SIGINT', stopThenQuit);
  }
}

if (process.versions.electron) void main();
