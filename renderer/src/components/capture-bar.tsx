/** Top bar: capture start/stop, open/import a file, theme. */
import { useRef, useState } from 'react';
import { base64Encode } from '../../../shared/api/contract';
import { api } from '../api/client';
import { useConnectionStore } from '../stores/connection-store';
import { useExchangesStore } from '../stores/exchanges-store';
import { useUiStore } from '../stores/ui-store';

export function CaptureBar() {
  const status = useConnectionStore((s) => s.status);
  const setError = useConnectionStore((s) => s.setError);
  const capture = status?.capture;
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const reload = useExchangesStore((s) => s.reload);
  const [port, setPort] = useState('8888');
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const hasCapture = status?.services.includes('capture') ?? false;

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

  const toggleCapture = () =>
    run(async () => {
      if (capture?.running) await api().callRaw('capture.stop');
      else
        await api().callRaw('capture.start', {
          port: Number(port) || 0,
          ...(target ? { mode: 'reverse', target } : { mode: 'forward' }),
        });
    });

  const onFile = (file: File) =>
    run(async () => {
      const buf = new Uint8Array(await file.arrayBuffer());
      await api().call('file.importBytes', { name: file.name, base64: base64Encode(buf) });
      await reload();
    });

  return (
    <header className="capture-bar">
      <div className="brand">
        <span className="logo" aria-hidden>◉</span> MapiScope
      </div>
      <div className="group">
        <button className={`primary ${capture?.running ? 'recording' : ''}`} disabled={busy || !hasCapture} onClick={() => void toggleCapture()} title={hasCapture ? '' : 'capture service not available'}>
          {capture?.running ? '■ Stop capture' : '● Start capture'}
        </button>
        <label>
          Port
          <input value={port} onChange={(e) => setPort(e.target.value)} size={5} disabled={capture?.running} aria-label="Proxy port" />
        </label>
        <label>
          Reverse to
          <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="(forward proxy)" size={26} disabled={capture?.running} aria-label="Reverse proxy target" />
        </label>
        {capture?.running && (
          <span className="live">
            {capture.mode} proxy on 127.0.0.1:{capture.port}
            {capture.target ? ` → ${capture.target}` : ''}
          </span>
        )}
      </div>
      <div className="group">
        <button onClick={() => fileInput.current?.click()} disabled={busy}>
          Open / import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".har,.saz,.mscap,.json,.bin"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void onFile(f);
            e.target.value = '';
          }}
        />
        <button onClick={() => void run(async () => { await api().call('exchanges.clear', {}); await reload(); })} disabled={busy}>
          Clear
        </button>
        <button onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="Toggle dark mode" title="Toggle dark mode">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
    </header>
  );
}
