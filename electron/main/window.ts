/**
 * The hardened BrowserWindow options and navigation rules, kept free of the
 * `electron` import so they can be unit-tested under plain Node.
 */
import path from 'node:path';

export interface WindowSpec {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: false;
    devTools: boolean;
  };
}

export function windowSpec(outDir: string, opts: { dev?: boolean } = {}): WindowSpec {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'MapiScope',
    show: false,
    backgroundColor: '#111418',
    webPreferences: {
      preload: path.join(outDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: opts.dev ?? false,
    },
  };
}

/** The renderer may only ever show its own files: every other navigation is refused. */
export function isAllowedNavigation(url: string, rendererIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const base = new URL(rendererIndexUrl);
    return u.protocol === base.protocol && u.host === base.host && u.pathname === base.pathname;
  } catch {
    return false;
  }
}

/** IPC channel names of the bridge, shared by main and preload. */
export const IPC = {
  invoke: 'mapiscope:invoke',
  event: 'mapiscope:event',
  openFile: 'mapiscope:open-file',
  saveFile: 'mapiscope:save-file',
  menu: 'mapiscope:menu',
} as const;

/** Dialog filters per file kind. */
export const FILE_FILTERS: Record<string, { name: string; extensions: string[] }[]> = {
  capture: [
    { name: 'MapiScope capture', extensions: ['mscap'] },
    { name: 'All captures', extensions: ['mscap', 'har', 'saz'] },
  ],
  import: [{ name: 'HAR or Fiddler SAZ', extensions: ['har', 'saz', 'json'] }],
  har: [{ name: 'HAR 1.2', extensions: ['har'] }],
  saz: [{ name: 'Fiddler SAZ', extensions: ['saz'] }],
  json: [{ name: 'Decoded JSON', extensions: ['json'] }],
  cert: [
    { name: 'Certificate (PEM)', extensions: ['pem', 'crt'] },
    { name: 'Certificate (DER)', extensions: ['cer', 'der'] },
  ],
};
