/**
 * Electron main process: starts the same Backend the CLI serves (in-process,
 * no HTTP listener needed), opens one hardened window on the built renderer
 * and bridges RPC + events over IPC. Everything that does not need Electron
 * lives in electron/backend and is tested under Node.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Backend } from '../backend/backend.js';
import { CONTENT_SECURITY_POLICY } from '../backend/server.js';
import { defaultServices } from '../backend/services.js';
import { IPC, isAllowedNavigation, windowSpec } from './window.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function registerIpc(backend: Backend, ipc: Pick<typeof ipcMain, 'handle'>): void {
  ipc.handle(IPC.invoke, async (_e, method: unknown, params: unknown) => {
    if (typeof method !== 'string') throw new Error('method must be a string');
    return await backend.rpc.invoke(method, params);
  });
}

export async function createWindow(backend: Backend): Promise<BrowserWindow> {
  const win = new BrowserWindow(windowSpec(outDir, { dev: !app.isPackaged }));
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
  win.on('closed', off);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(indexUrl);
  return win;
}

export async function main(): Promise<void> {
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
  const backend = await Backend.start({ mode: 'electron', listen: false, services: defaultServices({ dataDir: app.getPath('userData') }) });
  registerIpc(backend, ipcMain);
  app.on('web-contents-created', (_e, wc) => wc.on('will-attach-webview', (ev) => ev.preventDefault()));
  await createWindow(backend);
  app.on('window-all-closed', () => {
    void backend.stop().finally(() => app.quit());
  });
}

if (process.versions.electron) void main();
