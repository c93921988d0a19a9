/**
 * The only bridge between the sandboxed renderer and the backend: one typed
 * `invoke` and one event subscription, exposed as `window.mapiscope`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BackendEvent, PreloadBridge } from '../../shared/api/contract.js';

const IPC_INVOKE = 'mapiscope:invoke';
const IPC_EVENT = 'mapiscope:event';

const bridge: PreloadBridge = {
  invoke: (method, params) => ipcRenderer.invoke(IPC_INVOKE, method, params),
  onEvent(listener) {
    const h = (_e: IpcRendererEvent, ev: BackendEvent) => listener(ev);
    ipcRenderer.on(IPC_EVENT, h);
    return () => ipcRenderer.removeListener(IPC_EVENT, h);
  },
  platform: process.platform,
};

contextBridge.exposeInMainWorld('mapiscope', bridge);
