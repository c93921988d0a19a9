import { useEffect } from 'react';
import { api } from './api/client';
import { CaptureBar } from './components/capture-bar';
import { DetailPane } from './components/detail-pane';
import { ExchangeList } from './components/exchange-list';
import { StatusBar } from './components/status-bar';
import { useConnectionStore } from './stores/connection-store';
import { createIngest, useExchangesStore } from './stores/exchanges-store';
import { useUiStore } from './stores/ui-store';
import { HelpOverlay, useShortcuts, ViewTabs } from './components/shortcuts';

/** Connects to the backend once: status, the current list, then live events. */
function useBackend() {
  useEffect(() => {
    const conn = useConnectionStore.getState();
    const ex = useExchangesStore.getState();
    const client = api();
    conn.setState('connecting');
    useConnectionStore.setState({ transport: client.transport.kind });
    const refresh = async () => {
      try {
        conn.setStatus(await client.call('status', {}));
        await ex.reload();
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (/token/i.test(msg)) conn.setState('unauthorized');
        conn.setError(msg);
      }
    };
    const ingest = createIngest((batch) => useExchangesStore.getState().appendBatch(batch));
    const off = client.transport.subscribe(
      (e) => {
        if (e.type === 'exchange') ingest(e.data);
        else if (e.type === 'exchanges-reset') void useExchangesStore.getState().reload();
        else if (e.type === 'capture-state') {
          const st = useConnectionStore.getState().status;
          if (st) useConnectionStore.getState().setStatus({ ...st, capture: e.data });
        } else if (e.type === 'hello') void refresh();
      },
      (s) => useConnectionStore.getState().setState(s),
    );
    void refresh();
    return off;
  }, []);
}

function MainView() {
  const view = useUiStore((s) => s.view);
  if (view === 'exchanges')
    return (
      <main className="workspace">
        <ExchangeList />
        <DetailPane />
      </main>
    );
  return <main className="placeholder-view">The {view} view is loading…</main>;
}

export function App() {
  useBackend();
  useShortcuts();
  const theme = useUiStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className="app">
      <CaptureBar />
      <div className="view-bar">
        <ViewTabs />
      </div>
      <MainView />
      <StatusBar />
      <HelpOverlay />
    </div>
  );
}
