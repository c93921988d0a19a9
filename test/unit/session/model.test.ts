/**
 * Constructed captures for every context rule of the session model: grouping
 * by cookies (and secondary keys), the sequence cookie, lifecycle events, and
 * the versioned ROP state the decoders read (columns across Executes, release,
 * logons, named properties, subscriptions, mid-session starts).
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { findAll } from '../../../shared/codec/index.js';
import { decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { SessionModel, cookieRoleOf } from '../../../shared/session/model.js';
import { LOGON_HANDLE, ROPS, ScriptedClient, TABLE_HANDLE, healthySession } from './helpers.js';

const NONE = 0xffffffff;

function run(exchanges: readonly Exchange[], opts: { cacheSize?: number } = {}): SessionModel {
  const m = new SessionModel(opts);
  for (const ex of exchanges) m.add(ex);
  return m;
}

function rowTexts(m: SessionModel, ex: Exchange): string[] {
  const d = m.decode(ex);
  return findAll(d.response!.tree, 'PropertyRow').map((r) =>
    (r.children ?? [])
      .map((c) => `${c.name}=${typeof c.value === 'object' ? JSON.stringify(c.value) : c.value}`)
      .join(','),
  );
}

describe('grouping and cookies', () => {
  it('groups a healthy session by MapiContext and checks MapiSequence on every request', () => {
    const c = healthySession();
    const m = run(c.exchanges);
    const [s] = m.sessions();
    expect(m.sessions().length).toBe(1);
    expect(s!.exchangeIds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s!.contextCookies).toEqual([{ name: 'MapiContext', value: 'ctx1' }]);
    expect(s!.sequenceCookie).toBe('MapiSequence');
    expect(s!.state).toBe('closed');
    expect(m.facts().map((f) => f.cookieCheck)).toEqual(['not-applicable', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(s!.events.map((e) => e.kind)).toEqual(['connect', 'disconnect']);
  });

  it('learns unknown cookie names: the one that changes is the sequence cookie', () => {
    const c = new ScriptedClient({ contextName: 'SessionKey', sequenceName: 'ReqSeq' });
    healthySession(c);
    const s = run(c.exchanges).session(1)!;
    expect(s.contextCookies.map((x) => x.name)).toEqual(['SessionKey']);
    expect(s.sequenceCookie).toBe('ReqSeq');
  });

  it('flags a stale sequence cookie (a value older than the latest one set)', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], {
      cookie: 'MapiContext=ctx1; MapiSequence=seq1',
    });
    const m = run(c.exchanges);
    expect(m.factsOf(3)!.cookieCheck).toBe('sequence-stale');
    expect(m.factsOf(3)!.cookieDetail).toBe(
      'MapiSequence sent is the value set by exchange 1; exchange 2 had already set a newer one',
    );
  });

  it('flags a missing sequence cookie and an unknown value', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE], { cookie: 'MapiContext=ctx1' });
    c.ping({ cookie: 'MapiContext=ctx1; MapiSequence=forged' });
    const m = run(c.exchanges);
    expect(m.factsOf(2)!.cookieCheck).toBe('sequence-missing');
    expect(m.factsOf(3)!.cookieCheck).toBe('sequence-unknown');
  });

  it('matches a request without the context cookie by MailboxId and X-ClientInfo', () => {
    const c = new ScriptedClient();
    c.connect();
    c.notificationWait({ cookie: '' });
    const m = run(c.exchanges);
    expect(m.factsOf(2)!.session).toBe(1);
    expect(m.factsOf(2)!.cookieCheck).toBe('context-missing');
    expect(m.sessions().length).toBe(1);
  });

  it('a PING without session cookies is a reachability probe, not a session (Exchange answers it with routing cookies only)', () => {
    const c = new ScriptedClient();
    c.ping({ cookie: '', setCookies: ['MapiRouting=r1; path=/mapi/', 'X-BackEndCookie=b1; path=/mapi'] });
    c.connect();
    const m = run(c.exchanges);
    expect(m.factsOf(1)!.session).toBeUndefined();
    expect(m.factsOf(1)!.cookieCheck).toBe('not-applicable');
    expect(m.sessions().map((s) => s.exchangeIds)).toEqual([[2]]);
  });

  it('classifies the cookie names real servers use (Exchange SE header sets, gromox)', () => {
    expect(
      ['MapiContext', 'MapiSequence', 'MapiRouting', 'X-BackEndCookie', 'sid', 'sequence', 'MyCtx', 'ReqSeq'].map(
        cookieRoleOf,
      ),
    ).toEqual(['context', 'sequence', 'affinity', 'affinity', 'context', 'sequence', 'context', 'sequence']);
  });

  it('keeps overlapping NotificationWait and Execute apart from stale cookies (only responses already received count)', () => {
    const c = new ScriptedClient();
    c.connect();
    const nw = c.notificationWait({ duration: 5000 });
    c.t = nw.timings.requestStart + 100; // Execute sent while NotificationWait is held
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    const m = run(c.exchanges);
    expect(m.facts().map((f) => f.cookieCheck)).toEqual(['not-applicable', 'ok', 'ok']);
  });
});

describe('lifecycle', () => {
  it('a Connect carrying the old cookies starts a new session that replaces the old one', () => {
    const c = new ScriptedClient();
    c.connect();
    c.ping();
    c.connect(); // the jar still holds ctx1: a reconnect
    c.ping();
    const m = run(c.exchanges);
    const [a, b] = m.sessions();
    expect(a!.exchangeIds).toEqual([1, 2]);
    expect(b!.exchangeIds).toEqual([3, 4]);
    expect(a!.state).toBe('replaced');
    expect(a!.replacedBy).toBe(2);
    expect(b!.reconnectOf).toBe(1);
    expect(b!.reconnects).toBe(1);
    expect(b!.events.map((e) => e.kind)).toEqual(['reconnect']);
    expect(a!.events.map((e) => [e.kind, e.exchangeId])).toEqual([
      ['connect', 1],
      ['replaced', 3],
    ]);
  });

  it('Context Not Found (10) marks the session lost', () => {
    const c = new ScriptedClient();
    c.connect();
    c.ping({ responseCode: 10 });
    const s = run(c.exchanges).session(1)!;
    expect(s.state).toBe('lost');
    expect(s.events.map((e) => e.kind)).toEqual(['connect', 'context-lost']);
  });

  it('an idle gap beyond X-ExpirationInfo is an idle-expired event', () => {
    const c = new ScriptedClient();
    c.connect();
    c.ping({ gap: 901_000 });
    const s = run(c.exchanges).session(1)!;
    expect(s.events.map((e) => e.kind)).toEqual(['connect', 'idle-expired']);
    expect(s.events[1]!.detail).toContain('901 s idle');
  });

  it('a dropped request and the resume on a new connection; connections and client addresses per session', () => {
    const c = new ScriptedClient();
    c.connect();
    c.notificationWait({ noResponse: true, aborted: { kind: 'upstream-reset', message: 'ECONNRESET' } });
    c.conn = 2;
    c.notificationWait({ clientAddress: '10.9.9.9' });
    const s = run(c.exchanges).session(1)!;
    expect(s.events.map((e) => [e.kind, e.exchangeId])).toEqual([
      ['connect', 1],
      ['dropped', 2],
      ['resumed-after-drop', 3],
      ['network-change', 3],
    ]);
    expect(s.connections).toEqual([1, 2]);
    expect(s.clientAddresses).toEqual(['10.0.0.5:50001', '10.9.9.9:50002']);
  });

  it('requests with the cookies of a disconnected session are used-after-close', () => {
    const c = new ScriptedClient();
    c.connect();
    c.disconnect();
    c.ping();
    const s = run(c.exchanges).session(1)!;
    expect(s.events.map((e) => e.kind)).toEqual(['connect', 'disconnect', 'used-after-close']);
  });

  it('a failed Connect is a failed session', () => {
    const c = new ScriptedClient();
    c.connect({ responseCode: 16, setCookies: [] });
    const s = run(c.exchanges).session(1)!;
    expect(s.state).toBe('failed');
    expect(s.events.map((e) => e.kind)).toEqual(['connect-failed']);
  });

  it('timeline items per session with types, times, connections and events', () => {
    const c = healthySession();
    const m = run(c.exchanges);
    const t = m.timeline(1);
    expect(t.map((x) => x.requestType)).toEqual([
      'Connect',
      'Execute',
      'Execute',
      'Execute',
      'NotificationWait',
      'PING',
      'Execute',
      'Disconnect',
    ]);
    expect(t[0]!.events.map((e) => e.kind)).toEqual(['connect']);
    expect(t[4]!.end! - t[4]!.time).toBe(2000);
    expect(t.every((x) => x.connectionId === 1 && x.client === '10.0.0.5:50001')).toBe(true);
  });
});

describe('ROP context across Executes', () => {
  it('QueryRows rows get named columns from the RopSetColumns of an earlier Execute', () => {
    const c = healthySession();
    const m = run(c.exchanges);
    expect(rowTexts(m, c.exchanges[3]!)).toEqual([
      'Flag=0,PidTagSubject=A,PidTagMessageSize=10',
      'Flag=1,PidTagSubject=undefined,PidTagMessageSize=undefined',
    ]);
    expect(m.factsOf(4)!.missingContext).toBeUndefined();
  });

  it('without the session model the same response says which context is missing', () => {
    const c = healthySession();
    const d = decodeExchange(c.exchanges[3]!);
    expect(d.response!.errors.map((e) => e.message)).toEqual([
      'context unavailable: no RopSetColumns for handle index 0 in this Execute and no session model',
    ]);
  });

  it('context is the state before the exchange: versioned, so an evicted decode comes back the same', () => {
    const c = healthySession();
    const m = run(c.exchanges, { cacheSize: 1 });
    expect(m.viewFor(3)!.columnsForHandle(TABLE_HANDLE)).toBeUndefined();
    expect(m.viewFor(4)!.columnsForHandle(TABLE_HANDLE)).toEqual([0x0037001f, 0x0e080003]);
    expect(m.cachedDecode(4)).toBeUndefined();
    expect(rowTexts(m, c.exchanges[3]!)).toEqual([
      'Flag=0,PidTagSubject=A,PidTagMessageSize=10',
      'Flag=1,PidTagSubject=undefined,PidTagMessageSize=undefined',
    ]);
    expect(m.contextFor(c.exchanges[3]!)!.session).toBeDefined();
  });

  it('handles resolve to the ROP that created them, with parent and release', () => {
    const c = healthySession();
    const m = run(c.exchanges);
    const t = m.handle(1, TABLE_HANDLE, 7)!;
    expect(t.kind).toBe('table');
    expect(t.createdBy).toEqual({ exchangeId: 3, ropIndex: 1, ropId: 0x05, ropName: 'RopGetContentsTable' });
    expect(t.parent).toBe(0x22);
    expect(m.handle(1, 0x22)!.createdBy!.ropName).toBe('RopOpenFolder');
    expect(m.handle(1, 0x22)!.parent).toBe(LOGON_HANDLE);
    expect(t.releasedBy).toEqual({ exchangeId: 7, ropIndex: 0, ropId: 0x01, ropName: 'RopRelease' });
    expect(m.viewFor(8)!.columnsForHandle(TABLE_HANDLE)).toBeUndefined();
    expect(m.viewFor(7)!.columnsForHandle(TABLE_HANDLE)).toEqual([0x0037001f, 0x0e080003]);
    expect(m.factsOf(4)!.handleRefs).toEqual([
      {
        ropIndex: 0,
        ropName: 'RopQueryRows',
        handleIndex: 0,
        handle: TABLE_HANDLE,
        status: 'known',
        kind: 'table',
        createdBy: { exchangeId: 3, ropIndex: 1, ropId: 0x05, ropName: 'RopGetContentsTable' },
        ran: true,
        returnValue: 0,
      },
    ]);
    expect(m.handles(1).map((h) => h.kind)).toEqual(['logon', 'folder', 'table']);
    // The second pass adds generated nodes next to the raw InputHandleIndex.
    const gen = (id: number) =>
      findAll(m.decode(c.exchanges[id - 1]!).request!.tree, 'InputHandle').map((n) => [n.generated, n.display]);
    expect(gen(4)).toEqual([[true, '0x00000033: table created by RopGetContentsTable in exchange 3']]);
    expect(gen(3)).toEqual([
      [true, '0x00000011: logon created by RopLogon in exchange 2'],
      [true, '0x00000022: folder created by RopOpenFolder in exchange 3 (earlier in this request)'],
      [true, '0x00000033: table created by RopGetContentsTable in exchange 3 (earlier in this request)'],
    ]);
  });

  it('a handle used after RopRelease resolves as released, and its rows lack columns', () => {
    const c = healthySession();
    c.exchanges.pop(); // no Disconnect
    c.execute(ROPS.queryRowsReq(0), [TABLE_HANDLE], ROPS.queryRowsResp(0), [TABLE_HANDLE]);
    const m = run(c.exchanges);
    const ref = m.factsOf(8)!.handleRefs![0]!;
    expect(ref.status).toBe('released');
    expect(ref.releasedBy!.exchangeId).toBe(7);
    expect(m.factsOf(8)!.missingContext!.map((x) => x.reason)).toEqual([
      'the session has no columns for table handle 0x00000033',
    ]);
  });

  it('LogonFlags come from the RopLogon of the session', () => {
    const m = run(healthySession().exchanges);
    expect(m.viewFor(3)!.logonFlags(0)).toBe(1);
    expect(m.session(1)!.logons).toEqual([
      { logonId: 0, flags: 1, store: 'mailbox', exchangeId: 2, handle: LOGON_HANDLE, essdn: 'x' },
    ]);
  });

  it('named-property ids map to names from RopGetPropertyIdsFromNames', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    const keywords = '01 29030200 0000 0000 C000 000000000046 12 4B00650079007700 6F00720064007300 0000';
    c.execute(`56 00 00 02 0100 ${keywords}`, [LOGON_HANDLE], `56 00 00000000 0100 0180`, [LOGON_HANDLE]);
    c.ping();
    const m = run(c.exchanges);
    expect(m.factsOf(3)!.decodeErrors).toBe(0);
    expect(m.viewFor(3)!.namedPropertyName(0x8001)).toBeUndefined();
    const name = m.viewFor(4)!.namedPropertyName(0x8001)!;
    expect(name).toMatch(/Keywords/);
    expect(m.viewFor(4)!.namedPropertyId(name)).toBe(0x8001);
    expect(m.viewFor(3)!.namedPropertyId(name)).toBeUndefined();
  });

  it('a FastTransfer value split across two GetBuffer responses decodes whole with the carry from the model', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    c.execute('4D 00 00 01 00 00200000 01 0100 0D00130E', [LOGON_HANDLE, NONE], '4D 01 00000000', [LOGON_HANDLE, 0x66]);
    // PidTagSubject "Hi": tag 1F003700, length 06000000, "Hi\0" — split after 6 bytes.
    c.execute('4E 00 00 0010', [0x66], '4E 00 00000000 0100 0100 0200 00 0600 1F0037000600', [0x66]);
    c.execute('4E 00 00 0010', [0x66], '4E 00 00000000 0300 0200 0200 00 0800 0000480069000000', [0x66]);
    const m = run(c.exchanges);
    const ft = m.handle(1, 0x66)!;
    expect(ft.kind).toBe('fasttransfer-source');
    expect(ft.createdBy!.ropName).toBe('RopFastTransferSourceCopyTo');
    expect({ ...ft.fastTransfer!, carry: ft.fastTransfer!.carry.map((x) => [x.exchangeId, [...x.value]]) }).toEqual({
      buffers: 2,
      bytes: 14,
      done: true,
      lastStatus: 'Done',
      exchangeIds: [4, 5],
      carry: [
        [4, [0x1f, 0x00, 0x37, 0x00, 0x06, 0x00]],
        [5, []],
      ],
      // RopFastTransferSourceCopyTo on a logon: a content stream, which one the object does not say.
      kind: {
        kind: 'folderContent, messageContent or attachmentContent',
        source: 'RopFastTransferSourceCopyTo on a logon, exchange 3',
      },
    });
    const d = m.decode(c.exchanges[4]!);
    expect(d.response!.errors).toEqual([]);
    expect(findAll(d.response!.tree, 'Continued').map((n) => n.display)).toEqual([
      'end of PidTagSubject (0x0037001F): "Hi" (begun in the previous buffer with 6 byte(s))',
    ]);
    // Without the model the second buffer is misread from its first byte.
    expect(decodeExchange(c.exchanges[4]!).response!.errors.map((e) => e.message)).toEqual([
      'unknown property type 0x0000 in the FastTransfer stream',
    ]);
  });

  it('RopNotify is matched to the RopRegisterNotification subscription', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    c.execute('29 00 00 01 0200 01', [LOGON_HANDLE, NONE], '29 01 00000000', [LOGON_HANDLE, 0x44]);
    c.execute('', [], '2A 44000000 00 0001 0100', []);
    c.execute('', [], '2A 55000000 00 0001 0100', []);
    const m = run(c.exchanges);
    expect(m.factsOf(4)!.notifications).toEqual([{ handle: 0x44, known: true, subscribedIn: 3 }]);
    expect(m.factsOf(5)!.notifications).toEqual([{ handle: 0x55, known: false }]);
    expect(m.handle(1, 0x44)!.subscription).toEqual({ notifications: 1, notificationTypes: 2 });
  });

  it('RopBufferTooSmall sizes are kept with the request MaxRopOut', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [NONE], ROPS.bufferTooSmallResp(ROPS.logonReq), [NONE]);
    const m = run(c.exchanges);
    expect(m.factsOf(2)!.bufferTooSmall).toEqual([{ sizeNeeded: 0x1000, maxRopOut: 0x8000 }]);
  });
});

describe('robustness', () => {
  it('finds facts by id whether ids arrive in order or not', () => {
    const c = healthySession();
    const shuffled = c.exchanges.map((ex, i) => ({ ...ex, id: [5, 1, 9, 2, 7, 3, 8, 4][i]! }));
    const m = run(shuffled);
    expect(shuffled.map((ex) => m.factsOf(ex.id)!.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(m.factsOf(6)).toBeUndefined();
    const inOrder = run(c.exchanges);
    expect([1, 4, 8].map((id) => inOrder.factsOf(id)!.requestType)).toEqual(['Connect', 'Execute', 'Disconnect']);
    expect(inOrder.factsOf(9)).toBeUndefined();
  });

  it('an exchange that breaks the analysis is recorded and the pass goes on', () => {
    const c = healthySession();
    const bad = c.exchanges[2]!;
    const broken: Exchange = {
      ...bad,
      request: Object.defineProperty({ ...bad.request }, 'body', {
        get() {
          throw new Error('boom');
        },
      }),
    };
    const m = run([c.exchanges[0]!, c.exchanges[1]!, broken, ...c.exchanges.slice(3)]);
    expect(m.factsOf(3)!.missingContext).toEqual([
      { path: '', reason: 'internal failure while analyzing this exchange: boom' },
    ]);
    expect(m.session(1)!.exchangeIds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(m.session(1)!.state).toBe('closed');
  });
});

describe('captures that start mid-session', () => {
  it('decodes what it can and says exactly which context is missing and why', () => {
    const c = healthySession();
    const m = run(c.exchanges.slice(3)); // starts at the QueryRows Execute
    const s = m.session(1)!;
    expect(s.startedMidSession).toBe(true);
    expect(s.exchangeIds).toEqual([4, 5, 6, 7, 8]);
    expect(s.events[0]!.kind).toBe('mid-session-start');
    expect(m.factsOf(4)!.cookieCheck).toBe('sequence-unknown');
    expect(m.factsOf(5)!.cookieCheck).toBe('ok');
    expect(m.factsOf(4)!.missingContext).toEqual([
      {
        path: 'MapiHttpResponse/ExecuteResponse/RopBuffer/ExtendedBuffer/ROP_RESPONSE_BUFFER/RopsList/RopQueryRows/RowData',
        reason:
          'the session has no columns for table handle 0x00000033 (the capture starts inside session 1, after its Connect)',
      },
      {
        path: 'RopsList/RopQueryRows',
        reason: 'handle 0x00000033 was created before the capture started (session 1 has no Connect in it)',
      },
    ]);
  });

  it('a RopSetColumns seen mid-session gives later QueryRows their columns', () => {
    const c = healthySession();
    c.exchanges.splice(7); // drop the Disconnect
    c.execute(ROPS.setColumnsReq(0), [0x77], ROPS.setColumnsResp(0), [0x77]);
    c.execute(ROPS.queryRowsReq(0), [0x77], ROPS.queryRowsResp(0), [0x77]);
    const m = run(c.exchanges.slice(4));
    expect(c.exchanges[8]!.id).toBe(9);
    // The rows decode; only the table's origin stays unknown.
    expect(m.factsOf(9)!.missingContext!.map((x) => x.reason)).toEqual([
      'handle 0x00000077 was created before the capture started (session 1 has no Connect in it)',
    ]);
    expect(rowTexts(m, c.exchanges[8]!)).toEqual([
      'Flag=0,PidTagSubject=A,PidTagMessageSize=10',
      'Flag=1,PidTagSubject=undefined,PidTagMessageSize=undefined',
    ]);
  });
});
