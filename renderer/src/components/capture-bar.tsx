/** Top bar: capture start/stop, the CA and its trust instructions, open/import, export, theme. */
import { useEffect, useRef, useState } from 'react';
import type { CaStatusDto } from '../../../shared/api/contract';
import { api } from '../api/client';
import { exportAs, exportCa, importFile, OPEN_ACCEPT, openFile, saveCaptureAs, type ExportFormat } from '../commands';
import { useConnectionStore } from '../stores/connection-store';
import { useExchangesStore } from '../stores/exchanges-store';
import { useUiStore } from '../stores/ui-store';
import { routeOutlook, useDesktopStore } from '../stores/desktop-store';
import { OutlookChecklist } from './outlook-checklist';

/** What `ca.status` answers (electron/backend/ca/ca.ts CaStatus). */

/** Which stores of the backend's machine trust the CA, with buttons to trust and untrust it. */
function TrustSection() {
  const trust = useDesktopStore((s) => s.trust);
  const message = useDesktopStore((s) => s.message);
  const act = useDesktopStore((s) => s.act);
  const refresh = useDesktopStore((s) => s.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  if (!trust) return null;
  const trusted = trust.stores.some((s) => s.trusted);
  return (
    <>
      <h4>Trust on this computer</h4>
      <table className="kv" data-testid="ca-trust">
        <tbody>
          {trust.stores.map((s) => (
            <tr key={s.store}>
              <th>{s.label}</th>
              <td className={s.trusted ? 'ok-text' : ''}>
                {s.trusted ? 'trusted' : s.error ? `unknown: ${s.error}` : 'not trusted'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        {!trusted && (
          <button onClick={() => void act(async () => (await api().call('ca.trust', {})).message)}>Trust CA</button>
        )}
        {trusted && (
          <button
            onClick={() => void act(async () => (await api().call('ca.untrust', {})).messages.join('; '))}
            title="Removes exactly this certificate, by its fingerprint"
          >
            Remove trust
          </button>
        )}
      </div>
      {message && <p className={message.error ? 'err-text' : 'ok-text'}>{message.text}</p>}
    </>
  );
}

function CaPanel({ onClose }: { onClose: () => void }) {
  const [ca, setCa] = useState<CaStatusDto | undefined>();
  const [help, setHelp] = useState<string | undefined>();
  const [err, setErr] = useState<string | undefined>();
  const desktop = api().desktop;
  useEffect(() => {
    let live = true;
    void api()
      .call('ca.status', {})
      .then((c) => live && setCa(c))
      .catch((e: unknown) => live && setErr(e instanceof Error ? e.message : String(e)));
    void api()
      .call('ca.trustHelp', desktop ? { platform: desktop.platform } : {})
      .then((h) => live && setHelp(h.text))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const dl = (f: 'pem' | 'der') =>
    void exportCa(f).catch((e: unknown) => setErr(e instanceof Error ? e.message : String(e)));
  return (
    <div className="popover ca-panel" role="dialog" aria-label="Certificate authority">
      <div className="popover-head">
        <strong>MapiScope CA</strong>
        <button onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {err && <p className="aborted">{err}</p>}
      {!ca && !err && <p className="hint">Reading the CA…</p>}
      {ca && (
        <table className="kv">
          <tbody>
            <tr>
              <th>Status</th>
              <td data-testid="ca-state" className={ca.expired ? 'err-text' : 'ok-text'}>
                {ca.expired ? 'expired — restart capture to renew' : ca.created ? 'created in this run' : 'valid'}
              </td>
            </tr>
            <tr>
              <th>Subject</th>
              <td>{ca.subject}</td>
            </tr>
            <tr>
              <th>Valid</th>
              <td>
                {ca.notBefore.slice(0, 10)} → {ca.notAfter.slice(0, 10)}
              </td>
            </tr>
            <tr>
              <th>SHA-256</th>
              <td className="mono fp">{ca.fingerprint256}</td>
            </tr>
            {ca.nameConstraints.length > 0 && (
              <tr>
                <th>Limited to</th>
                <td>{ca.nameConstraints.join(', ')}</td>
              </tr>
            )}
            <tr>
              <th>File</th>
              <td className="mono">{ca.certPath}</td>
            </tr>
          </tbody>
        </table>
      )}
      <div className="row">
        <button onClick={() => dl('pem')}>Export PEM…</button>
        <button onClick={() => dl('der')}>Export DER (.cer)…</button>
      </div>
      <TrustSection />
      {help && (
        <>
          <h4>Trust it on the client machine</h4>
          <pre className="trust-help">{help}</pre>
        </>
      )}
    </div>
  );
}

export function CaptureBar() {
  const status = useConnectionStore((s) => s.status);
  const setError = useConnectionStore((s) => s.setError);
  const capture = status?.capture;
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const redact = useUiStore((s) => s.redact);
  const setRedact = useUiStore((s) => s.setRedact);
  const caOpen = useUiStore((s) => s.caOpen);
  const setCaOpen = useUiStore((s) => s.setCaOpen);
  const reload = useExchangesStore((s) => s.reload);
  const selected = useExchangesStore((s) => s.selectedIds.size);
  const count = useExchangesStore((s) => s.items.length);
  const [port, setPort] = useState('8888');
  const [target, setTarget] = useState('');
  const [format, setFormat] = useState<ExportFormat>('har');
  const [onlySelected, setOnlySelected] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  const hasCapture = status?.services.includes('capture') ?? false;
  const desktop = api().desktop;
  // The CA's state on the button itself: valid, or expired (interception would fail).
  const [caState, setCaState] = useState<'ok' | 'expired' | undefined>();
  useEffect(() => {
    if (!hasCapture) return;
    let live = true;
    void api()
      .call('ca.status', {})
      .then((c) => live && setCaState(c.expired ? 'expired' : 'ok'))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [hasCapture]);
  useEffect(() => {
    if (!note) return;
    const t = setTimeout(() => setNote(undefined), 6000);
    return () => clearTimeout(t);
  }, [note]);

  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const routeSwitch = useDesktopStore((s) => s.routeOutlook);
  const setRouteSwitch = useDesktopStore((s) => s.setRouteOutlook);
  const checklistOpen = useDesktopStore((s) => s.checklistOpen);
  const setChecklistOpen = useDesktopStore((s) => s.setChecklistOpen);
  const toggleCapture = () =>
    run(async () => {
      if (capture?.running) {
        // The backend puts the proxy settings back when the capture stops.
        await api().call('capture.stop', {});
        return;
      }
      await api().call('capture.start', {
        port: Number(port) || 0,
        ...(target ? { mode: 'reverse', target } : { mode: 'forward' }),
      });
      if (routeSwitch && !target) {
        try {
          setNote(await routeOutlook());
        } catch (e) {
          throw new Error(`Capturing, but routing Outlook failed: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          void useDesktopStore.getState().refresh();
        }
      }
    });

  const doExport = () =>
    run(async () => {
      const ids = onlySelected && selected > 0 ? [...useExchangesStore.getState().selectedIds] : undefined;
      const r = await exportAs(format, { redact, ...(ids ? { ids } : {}) });
      if (!r) return;
      const n = r.redaction?.redactedExchanges;
      setNote(
        `Exported ${r.exchanges ?? (ids?.length || count)} exchange(s) as ${format.toUpperCase()}${redact ? (n !== undefined ? `, ${n} redacted` : ', redacted') : ', not redacted'}${r.path ? ` to ${r.path}` : ''}`,
      );
    });

  return (
    <header className="capture-bar">
      <div className="brand">
        <span className="logo" aria-hidden>
          ◉
        </span>{' '}
        MapiScope
      </div>
      <div className="group">
        <button
          className={`primary ${capture?.running ? 'recording' : ''}`}
          disabled={busy || !hasCapture}
          onClick={() => void toggleCapture()}
          title={hasCapture ? '' : 'capture service not available'}
        >
          {capture?.running ? '■ Stop capture' : '● Start capture'}
        </button>
        <label title="Set this computer's proxy settings so Outlook's Exchange traffic goes through MapiScope while capturing (put back when it stops)">
          <input
            type="checkbox"
            checked={routeSwitch && !target}
            disabled={capture?.running || !!target}
            onChange={(e) => setRouteSwitch(e.target.checked)}
            aria-label="Route Outlook through MapiScope"
          />{' '}
          Route Outlook through MapiScope
        </label>
        <label>
          Port
          <input
            value={port}
            onChange={(e) => setPort(e.target.value)}
            size={5}
            disabled={capture?.running}
            aria-label="Proxy port"
          />
        </label>
        <label>
          Reverse to
          <input
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="(forward proxy)"
            size={22}
            disabled={capture?.running}
            aria-label="Reverse proxy target"
          />
        </label>
        {capture?.running && (
          <span className="live">
            {capture.mode} proxy on 127.0.0.1:{capture.port}
            {capture.target ? ` → ${capture.target}` : ''}
          </span>
        )}
        <span className="anchor">
          <button
            onClick={() => setChecklistOpen(!checklistOpen)}
            disabled={!hasCapture}
            aria-expanded={checklistOpen}
            title="Checks, with a fix for each, for capturing Outlook on this computer"
          >
            Capture Outlook…
          </button>
          {checklistOpen && <OutlookChecklist onClose={() => setChecklistOpen(false)} />}
        </span>
        <span className="anchor">
          <button
            className={caState ? `ca-${caState}` : ''}
            onClick={() => setCaOpen(!caOpen)}
            disabled={!hasCapture}
            aria-expanded={caOpen}
            title="The proxy's certificate authority: export and trust instructions"
          >
            CA…
          </button>
          {caOpen && <CaPanel onClose={() => setCaOpen(false)} />}
        </span>
      </div>
      <div className="group">
        <button
          onClick={() => {
            if (desktop) void run(() => openFile('capture'));
            else fileInput.current?.click();
          }}
          disabled={busy}
        >
          Open / import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept={OPEN_ACCEPT}
          hidden
          aria-label="Open file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void run(() => importFile(f));
            e.target.value = '';
          }}
        />
        <button
          onClick={() => void run(() => saveCaptureAs())}
          disabled={busy || count === 0}
          title="Save the loaded exchanges as a MapiScope capture (.mscap)"
        >
          Save…
        </button>
        <span className="export-group">
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} aria-label="Export format">
            <option value="har">HAR</option>
            <option value="saz">SAZ</option>
            <option value="json">Decoded JSON</option>
          </select>
          <label title="Replace credentials, NTLM blobs, cookie values and tokens (consistent pseudonyms)">
            <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} aria-label="Redact" />{' '}
            Redact
          </label>
          {selected > 1 && (
            <label>
              <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} />{' '}
              {selected} selected
            </label>
          )}
          <button onClick={() => void doExport()} disabled={busy || count === 0}>
            Export…
          </button>
        </span>
        <button
          onClick={() =>
            void run(async () => {
              await api().call('exchanges.clear', {});
              await reload();
            })
          }
          disabled={busy}
        >
          Clear
        </button>
        <button
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-label="Toggle dark mode"
          title="Toggle dark mode"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
      {note && (
        <div className="toast" role="status" onClick={() => setNote(undefined)}>
          {note}
        </div>
      )}
    </header>
  );
}
