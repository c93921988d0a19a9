import { useEffect } from 'react';
import { api } from './api/client';
import { CaptureBar } from './components/capture-bar';
import { DetailPane } from './components/detail-pane';
import { ExchangeList } from './components/exchange-list';
import { StatusBar } from './components/status-bar';
import { useConnectionStore } from './stores/connection-store';
import { createIngest, useExchangesStore } from './stores/exchanges-store';
import { useUiStore } from './stores/ui-store';
import { useLiveStore } from './stores/live-store';
import { useDesktopStore } from './stores/desktop-store';
import { AboutOverlay, HelpOverlay, useShortcuts, ViewTabs } from './components/shortcuts';
import { SessionsView } from './components/sessions-view';
import { DiagnosesView } from './components/diagnoses-view';
import { ReplayView } from './components/replay-view';
import { ServerLogsView } from './components/server-logs-view';
import { ProbeView } from './components/probe-view';
import { useProbeStore } from './stores/probe-store';
import { useAnalysisStore } from './stores/analysis-store';
import { useReplayStore } from './stores/replay-store';
import { useMenuCommands } from './menu-commands';
import { Splitter } from './components/splitter';
import { useFilterStore } from './stores/filter-store';

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
        if (!useFilterStore.getState().catalog) void useFilterStore.getState().loadCatalog();
        void useDesktopStore.getState().refresh();
        await ex.reload();
        void useAnalysisStore.getState().reload();
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (/token/i.test(msg)) conn.setState('unauthorized');
        conn.setError(msg);
      }
    };
    let rerunTimer: ReturnType<typeof setTimeout> | undefined;
    /** A filter on decoded fields follows new content, re-run at most about once a second. */
    const rerunFilter = (ms: number) => {
      if (!useFilterStore.getState().backend || rerunTimer) return;
      rerunTimer = setTimeout(() => {
        rerunTimer = undefined;
        useFilterStore.getState().rerun();
      }, ms);
    };
    const ingest = createIngest((batch) => {
      useExchangesStore.getState().appendBatch(batch);
      rerunFilter(1000);
      // Sessions and findings follow a live capture, re-read at most about once a second.
      useAnalysisStore.getState().invalidate();
    });
    const off = client.transport.subscribe(
      (e) => {
        switch (e.type) {
          case 'exchange':
            ingest(e.data);
            useLiveStore.getState().onEvent(e);
            return;
          case 'exchanges-reset':
            void useExchangesStore.getState().reload();
            rerunFilter(50);
            useAnalysisStore.getState().invalidate(50);
            return;
          case 'analysis-ready':
            void useExchangesStore.getState().refreshRows();
            useAnalysisStore.getState().invalidate(0);
            return;
          case 'log':
            useReplayStore.getState().onLog(e.data.message);
            return;
          case 'replay-progress':
            useReplayStore.getState().onProgress(e.data);
            return;
          case 'filter-progress':
            useFilterStore.getState().onProgress(e.data);
            return;
          case 'probe-progress':
            useProbeStore.getState().onProgress(e.data);
            return;
          case 'connection':
          case 'chunk':
          case 'untrusted-certificate':
            useLiveStore.getState().onEvent(e);
            if (e.type === 'untrusted-certificate' && useDesktopStore.getState().checklistOpen)
              void useDesktopStore.getState().refreshChecklist();
            return;
          case 'system-proxy':
            useDesktopStore.getState().onProxy(e.data);
            return;
          case 'capture-state': {
            useLiveStore.getState().onEvent(e);
            const st = useConnectionStore.getState().status;
            if (st) useConnectionStore.getState().setStatus({ ...st, capture: e.data });
            return;
          }
          case 'hello':
            // The WebSocket (re)connected: events may have been missed meanwhile.
            void refresh();
            void useReplayStore.getState().resync();
            return;
          default: {
            // Every BackendEvent has a case (a new one fails to compile here); at run time an unknown
            // event from a newer backend is ignored.
            const unhandled: never = e;
            void unhandled;
          }
        }
      },
      (s) => useConnectionStore.getState().setState(s),
    );
    void refresh();
    return off;
  }, []);
}

function MainView() {
  const view = useUiStore((s) => s.view);
  const listWidth = useUiStore((s) => s.listWidth);
  const setListWidth = useUiStore((s) => s.setListWidth);
  if (view === 'exchanges') {
    const w = listWidth ?? Math.max(520, Math.round(window.innerWidth * 0.44));
    return (
      <main className="workspace" style={{ gridTemplateColumns: `${w}px 5px minmax(0, 1fr)` }}>
        <ExchangeList />
        <Splitter width={w} onWidth={setListWidth} label="Resize the exchange list" />
        <DetailPane />
      </main>
    );
  }
  if (view === 'sessions') return <SessionsView />;
  if (view === 'diagnoses') return <DiagnosesView />;
  if (view === 'replay') return <ReplayView />;
  if (view === 'logs') return <ServerLogsView />;
  if (view === 'probe') return <ProbeView />;
  return assertNever(view);
}

function assertNever(x: never): never {
  throw new Error(`unhandled view ${String(x)}`);
}

export function App() {
  useBackend();
  useShortcuts();
  useMenuCommands();
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
      <AboutOverlay />
    </div>
  );
}
