/**
 * The desktop shell's menu commands (electron/main/menu.ts sends them through
 * `window.mapiscope.onMenu`). The table is keyed by every action so that a new
 * menu item fails to compile until it is handled; a unit test checks the list
 * against the menu template.
 */
import { useEffect } from 'react';
import { api } from './api/client';
import { attempt, exportAs, openFile, resetColumnWidths, saveCaptureAs } from './commands';
import { useExchangesStore } from './stores/exchanges-store';
import { useUiStore } from './stores/ui-store';

export const MENU_ACTIONS = [
  'file.open',
  'file.import',
  'file.saveAs',
  'export.har',
  'export.saz',
  'export.json',
  'view.exchanges',
  'view.sessions',
  'view.diagnoses',
  'view.replay',
  'view.probe',
  'view.toggleTheme',
  'view.resetColumnWidths',
  'help.shortcuts',
  'help.about',
] as const;

export type MenuAction = (typeof MENU_ACTIONS)[number];

function exportOpts() {
  const ids = [...useExchangesStore.getState().selectedIds];
  // A multi-selection exports just those rows; a single focused row still means "everything".
  return { redact: useUiStore.getState().redact, ...(ids.length > 1 ? { ids } : {}) };
}

export const MENU_HANDLERS: Record<MenuAction, () => void | Promise<unknown>> = {
  'file.open': () => attempt(() => openFile('capture')),
  'file.import': () => attempt(() => openFile('import')),
  'file.saveAs': () => attempt(() => saveCaptureAs()),
  'export.har': () => attempt(() => exportAs('har', exportOpts())),
  'export.saz': () => attempt(() => exportAs('saz', exportOpts())),
  'export.json': () => attempt(() => exportAs('json', exportOpts())),
  'view.exchanges': () => useUiStore.getState().setView('exchanges'),
  'view.sessions': () => useUiStore.getState().setView('sessions'),
  'view.diagnoses': () => useUiStore.getState().setView('diagnoses'),
  'view.replay': () => useUiStore.getState().setView('replay'),
  'view.probe': () => useUiStore.getState().setView('probe'),
  'view.toggleTheme': () => {
    const ui = useUiStore.getState();
    ui.setTheme(ui.theme === 'dark' ? 'light' : 'dark');
  },
  'view.resetColumnWidths': () => resetColumnWidths(),
  'help.shortcuts': () => useUiStore.getState().setHelpOpen(true),
  'help.about': () => useUiStore.getState().setAboutOpen(true),
};

export function runMenuAction(action: string): boolean {
  const h = (MENU_HANDLERS as Record<string, (() => unknown) | undefined>)[action];
  if (!h) return false;
  void h();
  return true;
}

/** Subscribes to the shell's menu (no-op in a browser). */
export function useMenuCommands(): void {
  useEffect(() => api().desktop?.onMenu((a) => void runMenuAction(a)), []);
}
