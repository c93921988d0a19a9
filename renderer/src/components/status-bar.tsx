import { useConnectionStore } from '../stores/connection-store';
import { useExchangesStore } from '../stores/exchanges-store';

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
      {status?.file && <span>{status.file}</span>}
      {err && (
        <span className="err" role="alert">
          {err}
        </span>
      )}
    </footer>
  );
}
