/**
 * The application menu as data (no `electron` import, so it is unit-tested):
 * File (open/save/import/export), View, Help. Items send a command to the
 * renderer or call a main-process action by id.
 */
export type MenuAction =
  | 'file.open'
  | 'file.import'
  | 'file.saveAs'
  | 'export.har'
  | 'export.saz'
  | 'export.json'
  | 'view.exchanges'
  | 'view.sessions'
  | 'view.diagnoses'
  | 'view.replay'
  | 'view.probe'
  | 'view.toggleTheme'
  | 'view.resetColumnWidths'
  | 'help.shortcuts'
  | 'help.about';

export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  action?: MenuAction;
  role?:
    | 'quit'
    | 'reload'
    | 'toggleDevTools'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'undo'
    | 'redo'
    | 'cut';
  type?: 'separator';
  submenu?: MenuItemSpec[];
}

export function menuTemplate(opts: { platform: string; dev: boolean }): MenuItemSpec[] {
  const mod = opts.platform === 'darwin' ? 'Cmd' : 'Ctrl';
  const view: MenuItemSpec[] = [
    { label: 'Exchanges', accelerator: `${mod}+1`, action: 'view.exchanges' },
    { label: 'Sessions', accelerator: `${mod}+2`, action: 'view.sessions' },
    { label: 'Diagnoses', accelerator: `${mod}+3`, action: 'view.diagnoses' },
    { label: 'Replay', accelerator: `${mod}+4`, action: 'view.replay' },
    { label: 'Probe', accelerator: `${mod}+6`, action: 'view.probe' },
    { type: 'separator' },
    { label: 'Toggle Dark Mode', accelerator: `${mod}+Shift+D`, action: 'view.toggleTheme' },
    { label: 'Reset Column Widths', action: 'view.resetColumnWidths' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { role: 'togglefullscreen' },
  ];
  if (opts.dev) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open Capture…', accelerator: `${mod}+O`, action: 'file.open' },
        { label: 'Import HAR or SAZ…', accelerator: `${mod}+I`, action: 'file.import' },
        { label: 'Save Capture As…', accelerator: `${mod}+S`, action: 'file.saveAs' },
        { type: 'separator' },
        { label: 'Export HAR…', action: 'export.har' },
        { label: 'Export SAZ…', action: 'export.saz' },
        { label: 'Export Decoded JSON…', action: 'export.json' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    {
      label: 'Help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'F1', action: 'help.shortcuts' },
        { label: 'About MapiScope', action: 'help.about' },
      ],
    },
  ];
}

/** Every action reachable from the menu (for tests and the renderer's handler table). */
export function menuActions(items: readonly MenuItemSpec[]): MenuAction[] {
  return items.flatMap((i) => [...(i.action ? [i.action] : []), ...menuActions(i.submenu ?? [])]);
}
