/**
 * The main process with the `electron` module mocked (the binary cannot run
 * here): window hardening, CSP, navigation and permission refusal, IPC.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const state = {
    windows: [] as {
      opts: unknown;
      handlers: Record<string, (...a: unknown[]) => void>;
      loaded?: string;
      openHandler?: (d: { url: string }) => unknown;
      sent: unknown[];
    }[],
    ipc: new Map<string, (...a: unknown[]) => unknown>(),
    headersHook: undefined as undefined | ((d: unknown, cb: (r: unknown) => void) => void),
    requestHook: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
    permissionHook: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    appHandlers: {} as Record<string, (...a: unknown[]) => void>,
    menu: undefined as unknown,
    dialogs: [] as unknown[],
  };
  class BrowserWindow {
    handlers: Record<string, (...a: unknown[]) => void> = {};
    rec: (typeof state.windows)[number];
    webContents: unknown;
    constructor(opts: unknown) {
      this.rec = { opts, handlers: this.handlers, sent: [] };
      state.windows.push(this.rec);
      const rec = this.rec;
      this.webContents = {
        on: (ev: string, f: (...a: unknown[]) => void) => (rec.handlers['wc:' + ev] = f),
        setWindowOpenHandler: (f: (d: { url: string }) => unknown) => (rec.openHandler = f),
        send: (...a: unknown[]) => rec.sent.push(a),
      };
    }
    on(ev: string, f: () => void) {
      this.handlers[ev] = f;
    }
    once(ev: string, f: () => void) {
      this.handlers[ev] = f;
    }
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1300, height: 800 };
    }
    isMaximized() {
      return false;
    }
    show() {}
    async loadURL(u: string) {
      this.rec.loaded = u;
    }
  }
  return { state, BrowserWindow };
});

vi.mock('electron', () => ({
  app: {
    whenReady: async () => undefined,
    isPackaged: true,
    getPath: () => '/tmp/mapiscope-test-userdata',
    on: (ev: string, f: (...a: unknown[]) => void) => (h.state.appHandlers[ev] = f),
    quit: () => undefined,
    requestSingleInstanceLock: () => true,
  },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (h.state.menu = m) },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  dialog: {
    showOpenDialog: async (...a: unknown[]) => (
      h.state.dialogs.push(a),
      { canceled: false, filePaths: ['/tmp/x.har'] }
    ),
    showSaveDialog: async (...a: unknown[]) => (h.state.dialogs.push(a), { canceled: true }),
  },
  BrowserWindow: h.BrowserWindow,
  ipcMain: { handle: (ch: string, f: (...a: unknown[]) => unknown) => h.state.ipc.set(ch, f) },
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived: (f: typeof h.state.headersHook) => (h.state.headersHook = f),
        onBeforeRequest: (f: typeof h.state.requestHook) => (h.state.requestHook = f),
      },
      setPermissionRequestHandler: (f: typeof h.state.permissionHook) => (h.state.permissionHook = f),
    },
  },
  shell: { openExternal: vi.fn(async () => undefined) },
}));

describe('electron main process', () => {
  beforeEach(() => {
    h.state.windows.length = 0;
    h.state.ipc.clear();
  });

  it('opens one hardened window on the local renderer and bridges RPC over IPC', async () => {
    const { main } = await import('../../../electron/main/main.js');
    await main();
    expect(h.state.windows).toHaveLength(1);
    const win = h.state.windows[0]!;
    expect(win.opts).toMatchObject({
      show: false,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        devTools: false,
      },
    });
    expect((win.opts as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(
      /\/preload\/preload\.cjs$/,
    );
    expect(win.loaded).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);

    // Navigation away from the renderer is refused, in-page is allowed.
    const nav = win.handlers['wc:will-navigate']!;
    const away = { preventDefault: vi.fn() };
    nav(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalledOnce();
    const same = { preventDefault: vi.fn() };
    nav(same, win.loaded + '#token=x');
    expect(same.preventDefault).not.toHaveBeenCalled();
    expect(win.openHandler!({ url: 'https://learn.microsoft.com/' })).toEqual({ action: 'deny' });

    // Strict CSP on every response, no remote requests, no permissions.
    let headers: unknown;
    h.state.headersHook!({ responseHeaders: { a: ['b'] } }, (r) => (headers = r));
    expect(JSON.stringify(headers)).toContain("default-src 'self'");
    let verdict: { cancel: boolean } | undefined;
    h.state.requestHook!({ url: 'https://example.com/x.js' }, (r) => (verdict = r));
    expect(verdict).toEqual({ cancel: true });
    h.state.requestHook!({ url: 'file:///app/index.html' }, (r) => (verdict = r));
    expect(verdict).toEqual({ cancel: false });
    let granted: boolean | undefined;
    h.state.permissionHook!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);

    // The IPC channels, answered by the in-process backend and native dialogs.
    expect([...h.state.ipc.keys()]).toEqual(['mapiscope:invoke', 'mapiscope:open-file', 'mapiscope:save-file']);
    expect(await h.state.ipc.get('mapiscope:open-file')!({}, 'import')).toBe('/tmp/x.har');
    expect(await h.state.ipc.get('mapiscope:save-file')!({}, 'har', 'capture.har')).toBeUndefined();
    expect(JSON.stringify(h.state.dialogs[0])).toContain('"extensions":["har","saz","json"]');
    // The menu is installed and its items send actions to the window.
    const menu = h.state.menu as { label: string; submenu: { label?: string; click?: () => void }[] }[];
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    menu[0]!.submenu.find((i) => i.label === 'Open Capture…')!.click!();
    expect(win.sent).toContainEqual(['mapiscope:menu', 'file.open']);
    const status = (await h.state.ipc.get('mapiscope:invoke')!({}, 'status', {})) as { mode: string; version: string };
    expect(status.mode).toBe('electron');
    await expect(h.state.ipc.get('mapiscope:invoke')!({}, 42, {})).rejects.toThrow(/method must be a string/);
    await expect(h.state.ipc.get('mapiscope:invoke')!({}, 'nope', {})).rejects.toThrow(/no such method: nope/);
  });
});

describe('window rules', () => {
  it('allows only the renderer page itself', async () => {
    const { isAllowedNavigation } = await import('../../../electron/main/window.js');
    const idx = 'file:///opt/app/out/renderer/index.html';
    expect(isAllowedNavigation(idx + '#x', idx)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', idx)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1/', idx)).toBe(false);
    expect(isAllowedNavigation('not a url', idx)).toBe(false);
  });
});
