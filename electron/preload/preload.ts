/**
 * The only bridge between the sandboxed renderer and the backend: typed
 * `invoke`, events, native file dialogs and menu commands, exposed as
 * `window.mapiscope`. Channel names match electron/main/window.ts (a sandboxed
 * preload cannot import local modules at run time, so they are repeated here
 * and checked by a unit test).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BackendEvent, PreloadBridge } from '../../shared/api/contract.js';

export const CHANNELS = {
  invoke: 'mapiscope:invoke',
  event: 'mapiscope:event',
  openFile: 'mapiscope:open-file',
  saveFile: 'mapiscope:save-file',
  menu: 'mapiscope:menu',
} as const;

function subscribe<T>(channel: string, listener: (v: T) => void): () => void {
  const h = (_e: IpcRendererEvent, v: T) => listener(v);
  ipcRenderer.on(channel, h);
  return () => ipcRenderer.removeListener(channel, h);
}

const bridge: PreloadBridge = {
  invoke: (method, params) => ipcRenderer.invoke(CHANNELS.invoke, method, params),
  onEvent: (listener) => subscribe<BackendEvent>(CHANNELS.event, listener),
  openFile: (kind) => ipcRenderer.invoke(CHANNELS.openFile, kind) as Promise<string | undefined>,
  saveFile: (kind, name) => ipcRenderer.invoke(CHANNELS.saveFile, kind, name) as Promise<string | undefined>,
  onMenu: (listener) => subscribe<string>(CHANNELS.menu, listener),
  platform: process.platform,
};

contextBridge.exposeInMainWorld('mapiscope', bridge);
