/**
 * The Replay panel's store follows a run through `replay-progress` events: no polling, the report fetched
 * once on the final state, events for other runs ignored, early events (before replay.start answers) kept,
 * and one `replay.status` after a reconnect for a run still shown as running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, setApi, type Transport } from '../../../renderer/src/api/client';
import { useReplayStore } from '../../../renderer/src/stores/replay-store';
import type { ReplayReportData, ReplayRunData } from '../../../shared/api/replay';

const report: ReplayReportData = {
  target: 'http://sim',
  sessions: [{ index: 1, endpoint: 'emsmdb', exchanges: 4 }],
  startedAt: 1,
  durationMs: 5,
  exchanges: [],
  switches: [],
  summary: { replayed: 4, succeeded: 4, failed: 0, matched: 4, withDiffs: 0, recoveryRequests: 0 },
  problems: [],
};
const run = (id: number, extra: Partial<ReplayRunData> = {}): ReplayRunData => ({
  id,
  state: 'running',
  target: 'simulator',
  startedAt: 1,
  exchangesDone: 0,
  switchesDone: 0,
  ...extra,
});

let calls: string[];
let handlers: Record<string, (params: unknown) => unknown>;

function install(): void {
  const transport: Transport = {
    kind: 'http',
    async invoke(method, params) {
      calls.push(method);
      const h = handlers[method];
      if (!h) throw new Error(`unexpected ${method}`);
      return h(params);
    },
    subscribe: () => () => undefined,
  };
  setApi(new ApiClient(transport));
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('replay store: push-based progress', () => {
  beforeEach(() => {
    vi.useRealTimers();
    calls = [];
    handlers = {
      'replay.start': () => ({ id: 7, state: 'running' }),
      'replay.report': (p) => ({ ...report, exchanges: [{ position: (p as { id: number }).id }] }),
      'replay.status': () => run(7, { exchangesDone: 2 }),
    };
    install();
    useReplayStore.setState({ run: undefined, report: undefined, error: undefined, plan: [], session: 1 });
  });
  afterEach(() => vi.useRealTimers());

  it('applies events of its run, ignores others, fetches the report once, and never polls', async () => {
    vi.useFakeTimers();
    const s = useReplayStore.getState();
    await s.start();
    expect(calls).toEqual(['replay.start']);
    expect(useReplayStore.getState().run).toMatchObject({ id: 7, state: 'running' });

    s.onProgress(run(7, { exchangesDone: 1 }));
    s.onProgress(run(3, { exchangesDone: 99, state: 'done' })); // another client's run
    expect(useReplayStore.getState().run).toMatchObject({ id: 7, exchangesDone: 1, state: 'running' });
    s.onProgress(run(7, { exchangesDone: 3, switchesDone: 1 }));
    expect(useReplayStore.getState().run).toMatchObject({ exchangesDone: 3, switchesDone: 1 });
    // Time passes while it runs: no replay.status calls (the old panel polled every 250 ms).
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(['replay.start']);

    const final = run(7, { state: 'done', exchangesDone: 4, switchesDone: 1, report: { ...report } });
    s.onProgress(final);
    s.onProgress(final); // a duplicate final (e.g. after a resync) fetches nothing more
    s.onProgress(run(7, { exchangesDone: 2 })); // nor does anything after it change the run
    await vi.advanceTimersByTimeAsync(0);
    expect(useReplayStore.getState().run).toEqual(final);
    expect(useReplayStore.getState().report).toMatchObject({ exchanges: [{ position: 7 }] });
    expect(calls).toEqual(['replay.start', 'replay.report']);
    // A reconnect after the end asks nothing either.
    await s.resync();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(['replay.start', 'replay.report']);
  });

  it('keeps events that arrive before replay.start answers', async () => {
    let answer!: (v: unknown) => void;
    handlers['replay.start'] = () => new Promise((r) => (answer = r));
    const s = useReplayStore.getState();
    const started = s.start();
    await flush();
    // A fast replay against the simulator can end before its start call returns.
    s.onProgress(run(7, { exchangesDone: 1 }));
    s.onProgress(run(7, { state: 'done', exchangesDone: 4, report: { ...report } }));
    s.onProgress(run(8, { state: 'done' }));
    answer({ id: 7, state: 'running' });
    await started;
    await flush();
    expect(useReplayStore.getState().run).toMatchObject({ id: 7, state: 'done', exchangesDone: 4 });
    expect(useReplayStore.getState().report).toMatchObject({ exchanges: [{ position: 7 }] });
    expect(calls).toEqual(['replay.start', 'replay.report']);
  });

  it('after a reconnect: one replay.status, which can end the run a missed event would have ended', async () => {
    const s = useReplayStore.getState();
    await s.start();
    s.onProgress(run(7, { exchangesDone: 1 }));
    await s.resync();
    expect(useReplayStore.getState().run).toMatchObject({ state: 'running', exchangesDone: 2 });
    expect(calls).toEqual(['replay.start', 'replay.status']);

    handlers['replay.status'] = () => run(7, { state: 'done', exchangesDone: 4, report: { ...report } });
    await s.resync();
    await flush();
    expect(useReplayStore.getState().run).toMatchObject({ state: 'done' });
    expect(useReplayStore.getState().report).toBeDefined();
    expect(calls).toEqual(['replay.start', 'replay.status', 'replay.status', 'replay.report']);
  });

  it('a failed run shows its error and fetches no report', async () => {
    const s = useReplayStore.getState();
    await s.start();
    s.onProgress(run(7, { state: 'failed', error: 'Invalid URL' }));
    await flush();
    expect(useReplayStore.getState()).toMatchObject({ run: { state: 'failed' }, error: 'Invalid URL' });
    expect(useReplayStore.getState().report).toBeUndefined();
    expect(calls).toEqual(['replay.start']);
  });
});

describe('replay store: allow changes to the mailbox', () => {
  let started: unknown[];
  beforeEach(() => {
    calls = [];
    started = [];
    handlers = {
      'replay.start': (p) => {
        started.push(p);
        return { id: 9, state: 'running' };
      },
      'replay.changes': (p) =>
        (p as { session?: number }).session === 6 ? [{ capturedId: 26, session: 6, rops: ['RopCreateFolder'] }] : [],
    };
    install();
    useReplayStore.setState({
      run: undefined,
      report: undefined,
      error: undefined,
      plan: [],
      session: 1,
      targetKind: 'simulator',
      allowChanges: false,
      changes: [],
    });
  });

  it('lists the session changes, sends allowChanges only for a server with the switch on, resets it per session', async () => {
    const s = useReplayStore.getState();
    s.setSession(6);
    await flush();
    expect(useReplayStore.getState().changes).toEqual([{ capturedId: 26, session: 6, rops: ['RopCreateFolder'] }]);
    s.setTarget('url', 'http://127.0.0.1:9');
    await s.start();
    s.setAllowChanges(true);
    await s.start();
    // The simulator never gets the flag, whatever the switch says.
    s.setTarget('simulator');
    await s.start();
    expect(started).toEqual([
      { target: 'http://127.0.0.1:9', session: 6 },
      { target: 'http://127.0.0.1:9', session: 6, allowChanges: true },
      { target: 'simulator', session: 6 },
    ]);
    s.setSession(2);
    await flush();
    expect(useReplayStore.getState()).toMatchObject({ allowChanges: false, changes: [] });
    expect(calls.filter((c) => c === 'replay.changes')).toHaveLength(2);
  });
});
