/**
 * Replay progress as `replay-progress` events: the throttle on a fake clock, and the events of real runs
 * against the built-in simulator (start, throttled progress, the final state at once and nothing after it).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../../shared/api/contract.js';
import type { ReplayRunData } from '../../../shared/api/replay.js';
import { Backend } from '../../../electron/backend/backend.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { ProgressThrottle, type ThrottleClock } from '../../../electron/backend/replay/progress-throttle.js';
import { ReplayService, type ReplayServiceOptions } from '../../../electron/backend/replay/service.js';
import { SimulatorService } from '../../../electron/backend/simulator/service.js';

const CAP1 = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler/cap1');

/** A clock that moves only when told to, running due timers in order. */
function fakeClock(): ThrottleClock & { advance(ms: number): void; pending(): number } {
  let t = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
      }
      t = end;
    },
    pending: () => timers.size,
  };
}

describe('ProgressThrottle', () => {
  it('sends the first change at once, then at most one per interval with the latest state', () => {
    const clock = fakeClock();
    let state = 0;
    const sent: [number, number][] = [];
    const th = new ProgressThrottle(() => sent.push([clock.now(), state]), 100, clock);
    state = 1;
    th.changed();
    expect(sent).toEqual([[0, 1]]);
    // A burst inside the interval: one send when it has passed, carrying the last state.
    for (let i = 2; i <= 50; i++) {
      clock.advance(1);
      state = i;
      th.changed();
    }
    expect(sent).toHaveLength(1);
    expect(clock.pending()).toBe(1);
    clock.advance(100);
    expect(sent).toEqual([
      [0, 1],
      [100, 50],
    ]);
    // Quiet for longer than the interval: the next change goes out at once again.
    clock.advance(500);
    state = 51;
    th.changed();
    expect(sent.at(-1)).toEqual([649, 51]);
    // 1000 changes over one simulated second: about ten sends, not a thousand.
    const before = sent.length;
    for (let i = 0; i < 1000; i++) {
      clock.advance(1);
      state++;
      th.changed();
    }
    clock.advance(100);
    expect(sent.length - before).toBeGreaterThanOrEqual(9);
    expect(sent.length - before).toBeLessThanOrEqual(11);
    expect(sent.at(-1)![1]).toBe(state);
  });

  it('flush sends the final state immediately, drops what was scheduled, and nothing follows it', () => {
    const clock = fakeClock();
    let state = 'running';
    const sent: string[] = [];
    const th = new ProgressThrottle(() => sent.push(state), 100, clock);
    th.changed();
    clock.advance(10);
    th.changed(); // scheduled for t=100
    expect(clock.pending()).toBe(1);
    state = 'done';
    th.flush();
    expect(sent).toEqual(['running', 'done']);
    expect(clock.pending()).toBe(0);
    clock.advance(1000);
    th.changed();
    th.flush();
    clock.advance(1000);
    expect(sent).toEqual(['running', 'done']);
  });
});

describe('ReplayService progress events', () => {
  const backends: Backend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.stop();
  });

  async function setup(opts: ReplayServiceOptions) {
    const simulator = new SimulatorService();
    const replay = new ReplayService(simulator, opts);
    const backend = await Backend.start({ listen: false, services: [simulator, replay] });
    backends.push(backend);
    await backend.workspace.replace(loadBodyFolder(CAP1).exchanges);
    const events: ReplayRunData[] = [];
    backend.events.on((e: BackendEvent) => {
      if (e.type === 'replay-progress') events.push(structuredClone(e.data));
    });
    return { backend, replay, events };
  }

  async function startAndWait(backend: Backend, replay: ReplayService, params: Record<string, unknown>) {
    const { id } = (await backend.rpc.invoke('replay.start', params)) as { id: number };
    await replay.wait(id);
    // Anything still scheduled would arrive within the interval; there must be nothing.
    await new Promise((r) => setTimeout(r, 150));
    return id;
  }

  it('with no throttling: the start, every exchange and verdict, then the final state equal to replay.status', async () => {
    const { backend, replay, events } = await setup({ progressIntervalMs: 0 });
    const id = await startAndWait(backend, replay, { target: 'simulator', session: 1, plan: 'drop@3' });
    const final = events.at(-1)!;
    expect(events[0]).toMatchObject({ id, state: 'running', exchangesDone: 0, switchesDone: 0 });
    expect(final).toMatchObject({ id, state: 'done', switchesDone: 1 });
    // One event per completed exchange and per verdict, between the start and the end.
    expect(events).toHaveLength(2 + final.exchangesDone + final.switchesDone);
    expect(events.slice(0, -1).every((e) => e.state === 'running')).toBe(true);
    const done = events.map((e) => e.exchangesDone + e.switchesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // The same DTO replay.status returns: the report's verdicts and summary, not its exchanges.
    expect(final).toEqual(await backend.rpc.invoke('replay.status', { id }));
    expect(final.report?.exchanges).toEqual([]);
    expect(final.report?.switches).toMatchObject([{ step: 'drop:after-send@3', verdict: 'context-reestablished' }]);
    expect(final.report && 'recorded' in final.report).toBe(false);
  });

  it('throttled: a burst collapses into the start and the final state, sent at once', async () => {
    const { backend, replay, events } = await setup({ progressIntervalMs: 60_000 });
    const t0 = Date.now();
    const id = await startAndWait(backend, replay, { target: 'simulator', session: 2, record: true });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(events.map((e) => e.state)).toEqual(['running', 'done']);
    expect(events[1]).toMatchObject({ id, state: 'done' });
    expect(events[1]!.exchangesDone).toBeGreaterThan(1);
    expect(events[1]!.report?.summary.replayed).toBe(events[1]!.exchangesDone);
    expect(events[1]!.report && 'recorded' in events[1]!.report).toBe(false);
  });

  it('at the default rate: at most about ten events a second per run, and the last one is final', async () => {
    const { backend, replay, events } = await setup({});
    const t0 = Date.now();
    for (const session of [1, 2, 3]) await startAndWait(backend, replay, { target: 'simulator', session });
    const elapsed = Date.now() - t0;
    for (const id of [1, 2, 3]) {
      const mine = events.filter((e) => e.id === id);
      expect(mine.at(-1)!.state).toBe('done');
      expect(mine.filter((e) => e.state !== 'running')).toHaveLength(1);
    }
    // Three starts, three final states, and at most one throttled event per 100 ms otherwise.
    expect(events.length).toBeLessThanOrEqual(6 + Math.ceil(elapsed / 100) * 3);
  });

  it('a failed and a cancelled run end with their final state', async () => {
    const { backend, replay, events } = await setup({ progressIntervalMs: 60_000 });
    const failed = await startAndWait(backend, replay, { target: 'not a url', session: 1 });
    const f = events.filter((e) => e.id === failed);
    expect(f.map((e) => e.state)).toEqual(['running', 'failed']);
    expect(f[1]).toMatchObject({ error: 'Invalid URL' });
    expect(f[1]).toEqual(await backend.rpc.invoke('replay.status', { id: failed }));

    const { id } = (await backend.rpc.invoke('replay.start', { target: 'simulator', session: 2, realtime: true })) as {
      id: number;
    };
    await backend.rpc.invoke('replay.cancel', { id });
    await replay.wait(id);
    const c = events.filter((e) => e.id === id);
    expect(c.map((e) => e.state)).toEqual(['running', 'cancelled']);
  });
});
