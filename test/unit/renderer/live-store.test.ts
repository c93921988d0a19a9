import { describe, expect, it } from 'vitest';
import { useLiveStore } from '../../../renderer/src/stores/live-store';

describe('live proxy activity', () => {
  it('tracks open connections and responses still streaming until their exchange completes', () => {
    const s = useLiveStore.getState();
    s.reset();
    s.onEvent({ type: 'connection', data: { type: 'open', connectionId: 1, time: 1 } });
    s.onEvent({ type: 'connection', data: { type: 'open', connectionId: 2, time: 2 } });
    s.onEvent({ type: 'chunk', data: { connectionId: 2, url: '/mapi/emsmdb/', time: 10, offset: 0, length: 12 } });
    s.onEvent({ type: 'chunk', data: { connectionId: 2, url: '/mapi/emsmdb/', time: 40, offset: 12, length: 9 } });
    let st = useLiveStore.getState();
    expect([...st.open]).toEqual([1, 2]);
    expect(st.streaming.get(2)).toEqual({ url: '/mapi/emsmdb/', bytes: 21, since: 10, last: 40 });
    s.onEvent({
      type: 'exchange',
      data: {
        id: 5,
        connectionId: 2,
        time: 0,
        method: 'POST',
        url: '/mapi/emsmdb/',
        endpoint: 'emsmdb',
        requestBytes: 0,
        responseBytes: 21,
      },
    });
    expect(useLiveStore.getState().streaming.size).toBe(0);
    s.onEvent({ type: 'connection', data: { type: 'close', connectionId: 1, time: 50 } });
    s.onEvent({
      type: 'untrusted-certificate',
      data: { host: 'mail:443', error: 'self-signed certificate', exchangeId: 6 },
    });
    // A client refusing our certificate (no exchange, side "client") is kept apart from the upstream one.
    s.onEvent({ type: 'untrusted-certificate', data: { host: 'mail', error: 'unknown ca', side: 'client' } });
    st = useLiveStore.getState();
    expect([...st.open]).toEqual([2]);
    expect(st.refused).toEqual([
      { host: 'mail:443', error: 'self-signed certificate', side: 'upstream' },
      { host: 'mail', error: 'unknown ca', side: 'client' },
    ]);
    s.onEvent({ type: 'capture-state', data: { running: false } });
    expect(useLiveStore.getState().open.size).toBe(0);
  });
});
