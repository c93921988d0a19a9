import { useConnectionStore } from '../stores/connection-store';
import { useLiveStore } from '../stores/live-store';
import { useExchangesStore } from '../stores/exchanges-store';
import { routingText, useDesktopStore } from '../stores/desktop-store';

function Routing() {
  const proxy = useDesktopStore((s) => s.proxy);
  const r = routingText(proxy);
  const title = proxy
    ? [
        ...(proxy.pacUrl ? [`PAC: ${proxy.pacUrl}`] : []),
        ...(proxy.hosts.length ? [`Hosts: ${proxy.hosts.join(', ')}`] : []),
        ...proxy.stores.map((s) => `${s.label}: ${s.routing}`),
        ...(proxy.recovered ? [proxy.recovered] : []),
      ].join('\n')
    : '';
  return (
    <span data-testid="routing-state" data-tone={r.tone} className={r.tone === 'warn' ? 'err' : ''} title={title}>
      {r.text}
    </span>
  );
}

function LiveActivity() {
  const open = useLiveStore((s) => s.open.size);
  const streaming = useLiveStore((s) => s.streaming);
  const refused = useLiveStore((s) => s.refused);
  const held = [...streaming.values()];
  return (
    <>
      <span data-testid="live-connections" title="client connections open to the proxy">
        {open} connection{open === 1 ? '' : 's'}
      </span>
      {held.length > 0 && (
        <span data-testid="live-streaming" title={held.map((h) => `${h.url}: ${h.bytes} B so far`).join('\n')}>
          {held.length} streaming
        </span>
      )}
      {refused.length > 0 && (
        <span className="err" title={refused.map((r) => `${r.host}: ${r.error}`).join('\n')}>
          {refused[refused.length - 1]!.side === 'client'
            ? 'certificate refused by a client for'
            : 'untrusted certificate:'}{' '}
          {refused[refused.length - 1]!.host}
        </span>
      )}
    </>
  );
}

export function StatusBar() {
  const state = useConnectionStore((s) => s.state);
  const status = useConnectionStore((s) => s.status);
  const transport = useConnectionStore((s) => s.transport);
  const err = useConnectionStore((s) => s.lastError);
  const count = useExchangesStore((s) => s.items.length);
  const selected = useExchangesStore((s) => s.selectedIds.size);
  const label = {
    connecting: 'Connecting…',
    connected: 'Connected',
    disconnected: 'Disconnected — retrying',
    unauthorized: 'Unauthorized (wrong token)',
  }[state];
  return (
    <footer className="status-bar" data-state={state}>
      <span className={`dot ${state}`} aria-hidden />
      <span data-testid="backend-state">
        Backend: {label}
        {transport ? ` (${transport === 'electron' ? 'desktop bridge' : 'local API'})` : ''}
      </span>
      {status && <span>v{status.version}</span>}
      <span data-testid="exchange-count">
        {count} exchange{count === 1 ? '' : 's'}
      </span>
      {selected > 1 && <span data-testid="selected-count">{selected} selected</span>}
      {status?.capture.running && <span className="rec">● capturing on :{status.capture.port}</span>}
      {status?.capture.running && <LiveActivity />}
      {status?.services.includes('desktop') && <Routing />}
      {status?.file && <span>{status.file}</span>}
      {err && (
        <span className="err" role="alert">
          {err}
        </span>
      )}
    </footer>
  );
}
