/** Global keyboard shortcuts and the help overlay that documents them. */
import { useEffect } from 'react';
import { useUiStore, type View } from '../stores/ui-store';
import { useConnectionStore } from '../stores/connection-store';
import { attempt, openFile, resetColumnWidths } from '../commands';

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'Ctrl+F', what: 'Focus the filter bar' },
  { keys: '↑ ↓ / j k', what: 'Previous / next exchange (list focused)' },
  { keys: 'Ctrl+click  Shift+click', what: 'Add to / extend the selection (export only the selected)' },
  { keys: 'Shift+↑ ↓  Ctrl+A', what: 'Extend the selection / select every shown exchange' },
  { keys: 'Home End PgUp PgDn', what: 'Jump in the list' },
  {
    keys: 'drag  double-click  ← →',
    what: 'A column header’s right edge: resize, default width; 10 px steps when focused (Shift: 50 px)',
  },
  { keys: '← →  Enter', what: 'Collapse / expand tree nodes (tree focused)' },
  { keys: 'Tab (in filter)', what: 'Accept a completion' },
  { keys: 'Esc (in filter)', what: 'Clear the filter' },
  { keys: 'Ctrl+1 … Ctrl+6', what: 'Exchanges, Sessions, Diagnoses, Replay, Server logs, Probe' },
  { keys: 'wheel  drag  + − 0 ← →', what: 'Sessions: zoom, pan, fit (timeline focused)' },
  { keys: 'Ctrl+O', what: 'Open a capture, HAR or SAZ' },
  { keys: 'Ctrl+Shift+D', what: 'Toggle dark mode' },
  { keys: 'F1 or ?', what: 'This help' },
];

const VIEWS: View[] = ['exchanges', 'sessions', 'diagnoses', 'replay', 'logs', 'probe'];
const VIEW_LABELS: Partial<Record<View, string>> = { logs: 'Server logs' };

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ui = useUiStore.getState();
      const typing =
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.target instanceof HTMLSelectElement;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        if (ui.view !== 'exchanges') ui.setView('exchanges');
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')?.focus());
      } else if (mod && /^[1-6]$/.test(e.key)) {
        e.preventDefault();
        ui.setView(VIEWS[Number(e.key) - 1]!);
      } else if (mod && e.shiftKey && e.key.toLowerCase() === 'd') {
        e.preventDefault();
        ui.setTheme(ui.theme === 'dark' ? 'light' : 'dark');
      } else if (mod && e.key.toLowerCase() === 'o' && !window.mapiscope) {
        // Inside Electron the menu accelerator sends file.open instead.
        e.preventDefault();
        void attempt(() => openFile('capture'));
      } else if (e.key === 'F1' || (e.key === '?' && !typing)) {
        e.preventDefault();
        ui.setHelpOpen(!ui.helpOpen);
      } else if (e.key === 'Escape' && ui.helpOpen) ui.setHelpOpen(false);
      else if (e.key === 'Escape' && ui.aboutOpen) ui.setAboutOpen(false);
      else if (e.key === 'Escape' && ui.caOpen) ui.setCaOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function HelpOverlay() {
  const open = useUiStore((s) => s.helpOpen);
  const setOpen = useUiStore((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={() => setOpen(false)}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th>
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">
          Filter fields: id, type, rop, code, status, session, latency, endpoint, method, url, host, conn, req, resp,
          aborted, severity, client — operators : = != &gt; &gt;= &lt; &lt;= ~, values joined by | mean “or”, a leading
          - negates.
        </p>
        <div className="overlay-actions">
          <button onClick={() => resetColumnWidths()} title="Every exchange-list column back to its default width">
            Reset column widths
          </button>
          <button onClick={() => setOpen(false)}>Close</button>
        </div>
      </div>
    </div>
  );
}

export function ViewTabs() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views">
      {VIEWS.map((v, i) => (
        <button
          key={v}
          role="tab"
          aria-selected={view === v}
          className={view === v ? 'active' : ''}
          onClick={() => setView(v)}
          title={`Ctrl+${i + 1}`}
        >
          {VIEW_LABELS[v] ?? v[0]!.toUpperCase() + v.slice(1)}
        </button>
      ))}
    </nav>
  );
}

export function AboutOverlay() {
  const open = useUiStore((s) => s.aboutOpen);
  const setOpen = useUiStore((s) => s.setAboutOpen);
  const status = useConnectionStore((s) => s.status);
  if (!open) return null;
  return (
    <div className="overlay" role="dialog" aria-label="About MapiScope" onClick={() => setOpen(false)}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>MapiScope {status ? `v${status.version}` : ''}</h2>
        <p>A protocol inspector and traffic replayer for Outlook's MAPI over HTTP ([MS-OXCMAPIHTTP]).</p>
        {status && (
          <p className="hint">
            Backend {status.mode}, services: {status.services.join(', ') || 'none'}; started{' '}
            {new Date(status.startedAt).toLocaleString()}.
          </p>
        )}
        <button onClick={() => setOpen(false)}>Close</button>
      </div>
    </div>
  );
}
