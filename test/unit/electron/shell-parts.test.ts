import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { menuActions, menuTemplate } from '../../../electron/main/menu.js';
import { IPC } from '../../../electron/main/window.js';
import { clampToDisplays, loadWindowState, saveWindowState } from '../../../electron/main/window-state.js';

describe('menu', () => {
  it('has File/Edit/View/Help with platform accelerators and unique actions', () => {
    const t = menuTemplate({ platform: 'linux', dev: false });
    expect(t.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(t[0]!.submenu!.find((i) => i.action === 'file.open')!.accelerator).toBe('Ctrl+O');
    expect(menuTemplate({ platform: 'darwin', dev: false })[0]!.submenu![0]!.accelerator).toBe('Cmd+O');
    const actions = menuActions(t);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toEqual(
      expect.arrayContaining([
        'file.open',
        'file.import',
        'export.har',
        'export.saz',
        'view.sessions',
        'help.shortcuts',
      ]),
    );
    expect(JSON.stringify(t)).not.toContain('toggleDevTools');
    expect(JSON.stringify(menuTemplate({ platform: 'linux', dev: true }))).toContain('toggleDevTools');
  });
});

describe('window state', () => {
  it('round-trips and survives a corrupt file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ws-'));
    expect(loadWindowState(dir)).toEqual({ width: 1440, height: 900, maximized: false });
    saveWindowState(dir, { x: 5, y: 6, width: 1200, height: 700, maximized: true });
    expect(loadWindowState(dir)).toEqual({ x: 5, y: 6, width: 1200, height: 700, maximized: true });
  });
  it('drops a position that is on no display and enforces a minimum size', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(clampToDisplays({ x: 3000, y: 10, width: 500, height: 400, maximized: false }, displays)).toEqual({
      width: 960,
      height: 600,
      maximized: false,
    });
    expect(clampToDisplays({ x: 100, y: 100, width: 1300, height: 800, maximized: false }, displays)).toEqual({
      x: 100,
      y: 100,
      width: 1300,
      height: 800,
      maximized: false,
    });
  });
});

describe('preload', () => {
  it('uses the same channel names as the main process', () => {
    const src = readFileSync('electron/preload/preload.ts', 'utf8');
    for (const [k, v] of Object.entries(IPC)) expect(src).toContain(`${k}: '${v}'`);
  });
});
