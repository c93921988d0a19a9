/**
 * Every diagnosis rule on a constructed capture that shows its problem, and
 * silent on a healthy capture.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import { type Finding, diagnoseModel, rules, rulesById, severityByExchange } from '../../../shared/diagnose/index.js';
import { findAll } from '../../../shared/codec/index.js';
import { SessionModel } from '../../../shared/session/model.js';
import {
  FIXTURES,
  LOGON_HANDLE,
  ROPS,
  ScriptedClient,
  executeRequestBody,
  executeResponseBody,
  healthySession,
  ropBuffer,
} from '../session/helpers.js';

const NONE = 0xffffffff;

function findings(exchanges: readonly Exchange[], rule?: string): Finding[] {
  const m = new SessionModel();
  for (const ex of exchanges) m.add(ex);
  const all = diagnoseModel(m);
  return rule ? all.filter((f) => f.rule === rule) : all;
}

function withLogon(c = new ScriptedClient()): ScriptedClient {
  c.connect();
  c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
  return c;
}

const ntlm = (type: number) => btoa('NTLMSSP\0' + String.fromCharCode(type, 0, 0, 0) + '\0'.repeat(20));

describe('registry', () => {
  it('has one entry per rule id, each with a file-level description', () => {
    expect(rules.length).toBe(25);
    expect(rulesById.size).toBe(25);
    expect(rules.every((r) => r.description.length > 20)).toBe(true);
  });

  it('a healthy capture (Connect … Disconnect, NotificationWait, PING) yields no findings at all', () => {
    expect(findings(healthySession().exchanges)).toEqual([]);
  });

  it('severityByExchange keeps the highest severity per exchange', () => {
    const m = severityByExchange([
      { rule: 'a', severity: 'info', title: '', message: '', fix: '', evidence: [1, 2] },
      { rule: 'b', severity: 'error', title: '', message: '', fix: '', evidence: [2] },
    ]);
    expect([...m]).toEqual([
      [1, 'info'],
      [2, 'error'],
    ]);
  });
});

describe('response-code', () => {
  it('names 10 as session context lost and 16 as endpoint disabled', () => {
    const c = withLogon();
    c.ping({ responseCode: 10 });
    const c2 = new ScriptedClient();
    c2.connect({ responseCode: 16 });
    const f = findings(c.exchanges, 'response-code');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([['error', 'Session context lost', [3]]]);
    expect(f[0]!.message).toContain('X-ResponseCode 10 (Context Not Found) in exchange 3');
    expect(findings(c2.exchanges, 'response-code').map((x) => [x.title, x.evidence])).toEqual([
      ['MAPI over HTTP endpoint disabled', [1]],
    ]);
  });
  it('15 and 18', () => {
    const c = withLogon();
    c.ping({ responseCode: 15 });
    c.ping({ responseCode: 18 });
    expect(findings(c.exchanges, 'response-code').map((x) => [x.severity, x.title, x.evidence])).toEqual([
      ['error', 'Requests out of sequence', [3]],
      ['warning', 'Server shutting down', [4]],
    ]);
  });
});

describe('response-code-mismatch', () => {
  it('fires when the trailer after DONE disagrees with the header', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], { trailerCode: 15 });
    const f = findings(c.exchanges, 'response-code-mismatch');
    expect(f.map((x) => x.evidence)).toEqual([[3]]);
    expect(f[0]!.message).toContain(
      'The HTTP header said 0 (Success) but the trailer after DONE says 15 (Invalid Sequence)',
    );
    // and the final code is the trailer's
    expect(findings(c.exchanges, 'response-code').map((x) => x.evidence)).toEqual([[3]]);
  });
  it('is silent when both agree', () => {
    const c = withLogon();
    c.ping({ trailerCode: 0 });
    expect(findings(c.exchanges, 'response-code-mismatch')).toEqual([]);
  });
});

describe('emsmdb-status', () => {
  it('names ecRpcFormat and server busy', () => {
    const c = withLogon();
    c.send('Execute', {
      requestBody: executeRequestBody(ropBuffer(ROPS.releaseReq(0), [LOGON_HANDLE])),
      responseBody: executeResponseBody(new Uint8Array(0), 0x4b6),
    });
    c.send('Execute', {
      requestBody: executeRequestBody(ropBuffer(ROPS.releaseReq(0), [LOGON_HANDLE])),
      responseBody: executeResponseBody(new Uint8Array(0), 0x6bb),
    });
    expect(findings(c.exchanges, 'emsmdb-status').map((x) => [x.severity, x.title, x.evidence])).toEqual([
      ['error', 'ecRpcFormat: the server could not parse the request', [3]],
      ['warning', 'Server busy', [4]],
    ]);
  });
});

describe('reconnect-loop', () => {
  /** Five sessions of Connect + PING, none disconnected, 20 s apart; `each` changes the client per run. */
  function runs(each: (c: ScriptedClient, i: number) => void = () => {}, gap = 20_000): ScriptedClient {
    const c = new ScriptedClient();
    for (let i = 0; i < 5; i++) {
      c.jar.clear();
      each(c, i);
      c.connect({ gap });
      c.ping();
    }
    return c;
  }

  it('fires for the same client instance (X-ClientInfo GUID, address) reconnecting within the expiry', () => {
    expect(findings(runs().exchanges, 'reconnect-loop')).toEqual([
      {
        rule: 'reconnect-loop',
        severity: 'error',
        title: 'Reconnect loop',
        message:
          'The same client (X-ClientInfo {2F94A2BF-A2E6-4CCC-BF98-B5F22C542226} from 10.0.0.5) started 4 new mailbox sessions within 60 s, each while the previous one was still alive and not disconnected (sessions 2, 3, 4, 5; session 2 started 20 s after session 1, within its X-ExpirationInfo of 900 s). Each new Connect throws away the server-side state, so Outlook keeps resynchronizing.',
        fix: 'Look at what ended each previous session: context-lost responses, dropped connections (load balancer idle timeouts) or authentication failures right before each Connect.',
        evidence: [3, 5, 7, 9],
        session: 2,
      },
    ]);
  });

  it('the X-ClientInfo counter may change per session: only the GUID names the client instance', () => {
    const c = runs((x, i) => (x.clientInfo = `{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}:${i + 1}`));
    expect(findings(c.exchanges, 'reconnect-loop').map((x) => x.evidence)).toEqual([[3, 5, 7, 9]]);
  });

  it('fires when each Connect carries the previous session cookies, even without X-ClientInfo', () => {
    const c = new ScriptedClient({ clientInfo: '' });
    for (let i = 0; i < 5; i++) {
      c.connect({ gap: 20_000 });
      c.ping();
    }
    const f = findings(c.exchanges, 'reconnect-loop');
    expect(f.map((x) => [x.evidence, x.session])).toEqual([[[3, 5, 7, 9], 2]]);
    expect(f[0]!.message).toContain(
      'The same client started 4 new mailbox sessions within 60 s, each while the previous one was still alive and not disconnected (sessions 2, 3, 4, 5; session 2 carried the cookies of session 1).',
    );
  });

  it('is silent for separate client runs: another X-ClientInfo GUID each time', () => {
    const c = runs((x, i) => (x.clientInfo = `{2F94A2BF-A2E6-4CCC-BF98-B5F22C54222${i}}:1`));
    expect(findings(c.exchanges)).toEqual([]);
  });

  it('is silent for separate runs of a client that sends no X-ClientInfo and starts with no cookies', () => {
    const c = runs((x) => (x.clientInfo = ''));
    expect(findings(c.exchanges)).toEqual([]);
  });

  it('is silent when the same GUID comes from another address each time', () => {
    const c = runs((x, i) => (x.address = `10.0.0.${10 + i}`));
    expect(findings(c.exchanges, 'reconnect-loop')).toEqual([]);
  });

  it('is silent when each new session starts after the previous context expired (X-ExpirationInfo 900 s)', () => {
    expect(findings(runs(undefined, 901_000).exchanges, 'reconnect-loop')).toEqual([]);
  });

  it('is silent for sessions the client keeps using side by side (parallel, not replaced)', () => {
    // Five sessions opened one after the other, then each still in use.
    const c = new ScriptedClient();
    const jars: Map<string, string>[] = [];
    for (let i = 0; i < 5; i++) {
      c.jar.clear();
      c.connect();
      jars.push(new Map(c.jar));
    }
    for (const j of jars) {
      c.jar = j;
      c.ping();
    }
    expect(findings(c.exchanges)).toEqual([]);
  });
  it('is silent when each session was disconnected (like ruler in cap1)', () => {
    const c = new ScriptedClient();
    for (let i = 0; i < 5; i++) {
      c.connect();
      c.disconnect();
    }
    expect(findings(c.exchanges, 'reconnect-loop')).toEqual([]);
  });
});

describe('cookie-integrity', () => {
  it('stale and missing cookies', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], {
      cookie: 'MapiContext=ctx1; MapiSequence=seq1',
    });
    c.ping({ cookie: 'MapiContext=ctx1' });
    const f = findings(c.exchanges, 'cookie-integrity');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([
      ['error', 'Sequence cookie went backwards', [3]],
      ['error', 'Sequence cookie missing', [4]],
    ]);
  });
  it('a Connect that set no cookie', () => {
    const c = new ScriptedClient();
    c.connect({ setCookies: [] });
    expect(findings(c.exchanges, 'cookie-integrity').map((x) => [x.title, x.evidence])).toEqual([
      ['Connect/Bind set no cookies', [1]],
    ]);
  });
  it('a session context cookie missing on a request', () => {
    const c = withLogon();
    c.notificationWait({ cookie: '' });
    expect(findings(c.exchanges, 'cookie-integrity').map((x) => [x.title, x.evidence])).toEqual([
      ['Session context cookie missing', [3]],
    ]);
  });
});

describe('used-after-close', () => {
  it('fires for cookies used after Disconnect', () => {
    const c = withLogon();
    c.disconnect();
    c.ping();
    expect(findings(c.exchanges, 'used-after-close').map((x) => [x.severity, x.evidence])).toEqual([['error', [4]]]);
  });
});

describe('request-retry', () => {
  it('the same X-RequestId twice in a session, the retry rejected with 15', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], {
      requestId: '{C715155F-2BE8-44E0-BD34-2960065754C8}:7',
      noResponse: true,
      aborted: { kind: 'upstream-reset', message: 'ECONNRESET' },
    });
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], {
      requestId: '{C715155F-2BE8-44E0-BD34-2960065754C8}:7',
      responseCode: 15,
    });
    const f = findings(c.exchanges, 'request-retry');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['warning', [3, 4]]]);
    expect(f[0]!.message).toContain('was sent 2 times in session 1 (exchanges 3 and 4)');
    expect(f[0]!.message).toContain('the server rejected exchange 4 as out of sequence (15)');
  });
  it('is silent when a client restarts its counter in a new session (ruler in cap1)', () => {
    const a = new ScriptedClient();
    a.connect({ requestId: 'X:1' });
    a.disconnect({ requestId: 'X:2' });
    a.connect({ requestId: 'X:1' });
    a.disconnect({ requestId: 'X:2' });
    expect(findings(a.exchanges, 'request-retry')).toEqual([]);
  });
});

describe('idle-expiry', () => {
  it('fires when the idle gap exceeds X-ExpirationInfo', () => {
    const c = withLogon();
    c.ping({ gap: 1_000_000 });
    const f = findings(c.exchanges, 'idle-expiry');
    expect(f.map((x) => x.evidence)).toEqual([[2, 3]]);
  });
  it('is silent for gaps within it', () => {
    const c = withLogon();
    c.ping({ gap: 800_000 });
    expect(findings(c.exchanges, 'idle-expiry')).toEqual([]);
  });
});

describe('pending-gap and meta-tag-burst', () => {
  it('pending-gap fires for a PENDING 40 s after PROCESSING with X-PendingPeriod 15 s', () => {
    const c = withLogon();
    c.notificationWait({ pending: 1, duration: 41_000, chunkTimes: [3, 40_003, 41_000] });
    const f = findings(c.exchanges, 'pending-gap');
    expect(f.map((x) => x.evidence)).toEqual([[3]]);
    expect(f[0]!.message).toContain('The longest wait between meta-tags was 40 s');
  });
  it('pending-gap is silent with PENDING every 15 s', () => {
    const c = withLogon();
    c.notificationWait({ pending: 2, duration: 45_000, chunkTimes: [3, 15_003, 30_003, 44_000] });
    expect(findings(c.exchanges, 'pending-gap')).toEqual([]);
  });
  it('meta-tag-burst fires when all tags arrive together after 20 s', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], {
      duration: 20_000,
      pending: 1,
      elapsed: 19_900,
    });
    const f = findings(c.exchanges, 'meta-tag-burst');
    expect(f.map((x) => x.evidence)).toEqual([[3]]);
    expect(f[0]!.message).toContain('all 3 meta-tags arrived together after 20 s');
  });
  it('meta-tag-burst is silent for a quick response', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], { duration: 300 });
    expect(findings(c.exchanges, 'meta-tag-burst')).toEqual([]);
  });
});

describe('connection-dropped', () => {
  it('a NotificationWait cut after 120 s gets the idle-timeout hint', () => {
    const c = withLogon();
    c.notificationWait({
      noResponse: true,
      duration: 120_000,
      aborted: { kind: 'upstream-close', message: 'socket closed' },
    });
    const f = findings(c.exchanges, 'connection-dropped');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([
      ['error', 'Connection dropped during NotificationWait', [3]],
    ]);
    expect(f[0]!.message).toContain('It was cut after 120 s');
    expect(f[0]!.message).toContain('idle timeout');
  });
  it('a quick reset has no idle hint', () => {
    const c = withLogon();
    c.ping({ noResponse: true, duration: 50, aborted: { kind: 'client-reset', message: 'ECONNRESET' } });
    const f = findings(c.exchanges, 'connection-dropped');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['warning', [3]]]);
    expect(f[0]!.message).not.toContain('idle timeout');
  });
});

describe('network-change', () => {
  it('fires when the client address changes mid-session', () => {
    const c = withLogon();
    c.ping({ clientAddress: '172.16.0.9' });
    const f = findings(c.exchanges, 'network-change');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['info', [3]]]);
    expect(f[0]!.message).toContain('client address changed from 10.0.0.5 to 172.16.0.9');
  });
});

describe('auth-401-loop', () => {
  const www: RawHeader[] = [{ name: 'WWW-Authenticate', value: 'NTLM' }];
  it('three 401 in a row without success is a loop', () => {
    const c = new ScriptedClient();
    for (let i = 0; i < 3; i++)
      c.connect({
        status: 401,
        responseHeaders: www,
        setCookies: [],
        requestHeaders: [{ name: 'Authorization', value: 'NTLM ' + ntlm(3) }],
      });
    const f = findings(c.exchanges, 'auth-401-loop');
    expect(f.map((x) => x.evidence)).toEqual([[1, 2, 3]]);
    expect(f[0]!.message).toContain('The server offered NTLM; the client sent NTLM');
  });
  it('the normal 401 → 200 is silent', () => {
    const c = new ScriptedClient();
    c.connect({ status: 401, responseHeaders: www, setCookies: [] });
    c.connect();
    c.connect({ status: 401, responseHeaders: www, setCookies: [] });
    c.connect();
    expect(findings(c.exchanges, 'auth-401-loop')).toEqual([]);
  });
});

describe('ntlm-split', () => {
  it('fires when Type 3 goes out on another connection than Type 1', () => {
    const c = new ScriptedClient();
    c.connect({ status: 401, setCookies: [], requestHeaders: [{ name: 'Authorization', value: 'NTLM ' + ntlm(1) }] });
    c.conn = 2;
    c.connect({ requestHeaders: [{ name: 'Authorization', value: 'NTLM ' + ntlm(3) }] });
    expect(findings(c.exchanges, 'ntlm-split').map((x) => x.evidence)).toEqual([[1, 2]]);
  });
  it('is silent when both legs share the connection', () => {
    const c = new ScriptedClient();
    c.connect({ status: 401, setCookies: [], requestHeaders: [{ name: 'Authorization', value: 'NTLM ' + ntlm(1) }] });
    c.connect({ requestHeaders: [{ name: 'Authorization', value: 'NTLM ' + ntlm(3) }] });
    expect(findings(c.exchanges, 'ntlm-split')).toEqual([]);
  });
});

describe('rop-error and unknown-handle', () => {
  it('names the ReturnValue of failed ROPs', () => {
    const c = withLogon();
    c.execute(ROPS.openFolderReq(0, 1), [LOGON_HANDLE, NONE], ROPS.openFolderResp(1, '0F010480'), [LOGON_HANDLE, NONE]);
    const f = findings(c.exchanges, 'rop-error');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([['info', 'ROPs failed: MAPI_E_NOT_FOUND', [3]]]);
    expect(f[0]!.paths).toEqual([{ exchangeId: 3, path: 'RopBuffer/RopsList/RopOpenFolder' }]);
  });
  it('a handle never issued, and one used after release', () => {
    const c = withLogon();
    c.execute(ROPS.queryRowsReq(0), [0x99], `15 00 B9040000`, [0x99]);
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE]);
    c.execute(ROPS.openFolderReq(0, 1), [LOGON_HANDLE, NONE], ROPS.openFolderResp(1, 'B9040000'), [LOGON_HANDLE, NONE]);
    const f = findings(c.exchanges, 'unknown-handle');
    expect(f.map((x) => [x.title, x.evidence])).toEqual([
      ['Handle the server never issued', [3]],
      ['Handle used after release', [5]],
    ]);
    expect(f[1]!.message).toBe(
      'RopOpenFolder used handle 0x00000011, which RopLogon in exchange 2 created and RopRelease in exchange 4 released. Seen in exchange 5; the server answered it with ecNullObject (0x000004B9). The client is using handles it made up or kept from another session.',
    );
  });
});

describe('evidence is only what shows the problem', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  /** The same never-issued handle 0x99 in requests the server ran, rejected, lost, or accepted. */
  function noisy(): ScriptedClient {
    const c = withLogon();
    c.execute(ROPS.queryRowsReq(0), [0x99], '15 00 B9040000', [0x99]); // 3: ran, ecNullObject
    c.execute(ROPS.queryRowsReq(0), [0x99], '', [0x99], {
      status: 500,
      rawResponseBody: true,
      responseBody: text('<html>Internal Server Error</html>'),
      setCookies: [],
    }); // 4: rejected at the HTTP level
    c.execute(ROPS.queryRowsReq(0), [0x99], '', [0x99], {
      responseCode: 15,
      responseBody: text('Invalid sequence'),
      setCookies: [],
    }); // 5: rejected by X-ResponseCode
    c.send('Execute', {
      requestBody: executeRequestBody(ropBuffer(ROPS.queryRowsReq(0), [0x99])),
      responseBody: executeResponseBody(new Uint8Array(0), 0x4b6),
    }); // 6: rejected by StatusCode (ecRpcFormat)
    c.execute(ROPS.queryRowsReq(0), [0x99], '', [0x99], {
      noResponse: true,
      aborted: { kind: 'upstream-reset', message: 'ECONNRESET' },
    }); // 7: response lost
    c.execute(ROPS.queryRowsReq(0), [0x99], '', [0x99]); // 8: the server answered nothing
    c.execute(ROPS.queryRowsReq(0), [0x99], ROPS.queryRowsResp(0), [0x99]); // 9: the server accepted the handle
    c.execute(ROPS.releaseReq(0), [0x98], '', [0x98]); // 10: RopRelease (no response) of a never-issued handle
    return c;
  }

  it('unknown-handle cites the ROPs the server ran and did not accept, nothing rejected or lost', () => {
    const f = findings(noisy().exchanges, 'unknown-handle');
    expect(f.map((x) => [x.title, x.evidence, x.paths])).toEqual([
      [
        'Handle the server never issued',
        [3],
        [{ exchangeId: 3, path: 'RopBuffer/RopsList/RopQueryRows/InputHandleIndex' }],
      ],
      [
        'Handle the server never issued',
        [10],
        [{ exchangeId: 10, path: 'RopBuffer/RopsList/RopRelease/InputHandleIndex' }],
      ],
    ]);
    expect(f[0]!.message).toBe(
      'RopQueryRows used handle 0x00000099, which the server never returned in this session (RopLogon in exchange 2 returned 0x00000011). Seen in exchange 3; the server answered it with ecNullObject (0x000004B9). The client is using handles it made up or kept from another session.',
    );
    expect(f[1]!.message).toContain('Seen in exchange 10; the server ran them without a response (they carry none).');
  });

  it('the model records whether each referenced ROP ran, and its ReturnValue', () => {
    const m = new SessionModel();
    const exs = noisy().exchanges;
    for (const ex of exs) m.add(ex);
    // The generated handle node of the tree says so too.
    const handleNode = (id: number) =>
      findAll(m.decode(exs[id - 1]!).request!.tree, 'InputHandle').map((n) => n.display);
    expect(handleNode(3)).toEqual(['0x00000099: never returned by the server in this session']);
    expect(handleNode(4)).toEqual([
      '0x00000099: never returned by the server in this session; the server did not run this ROP (request rejected, or no response to it)',
    ]);
    expect(
      [3, 4, 5, 6, 7, 8, 9, 10].map((id) => m.factsOf(id)!.handleRefs!.map((r) => [r.ran, r.returnValue])),
    ).toEqual([
      [[true, 0x4b9]],
      [[false, undefined]],
      [[false, undefined]],
      [[false, undefined]],
      [[false, undefined]],
      [[false, undefined]],
      [[true, 0]],
      [[true, undefined]],
    ]);
  });

  it('every rule over the same capture: each finding cites exactly the exchanges that show its problem', () => {
    expect(findings(noisy().exchanges).map((x) => [x.rule, x.title, x.evidence])).toEqual([
      ['unknown-handle', 'Handle the server never issued', [3]],
      ['rop-error', 'ROPs failed: ecNullObject', [3]],
      ['response-code', 'Requests out of sequence', [5]],
      ['emsmdb-status', 'ecRpcFormat: the server could not parse the request', [6]],
      ['connection-dropped', 'Connection dropped during Execute', [7]],
      ['unanswered-rops', 'ROPs left unanswered', [8]],
      ['unknown-handle', 'Handle the server never issued', [10]],
    ]);
  });
});

describe('rop-backoff and buffer-too-small', () => {
  it('RopBackoff is throttling', () => {
    const c = withLogon();
    c.execute(ROPS.queryRowsReq(0), [LOGON_HANDLE], ROPS.backoffResp, [LOGON_HANDLE]);
    const f = findings(c.exchanges, 'rop-backoff');
    expect(f.map((x) => x.evidence)).toEqual([[3]]);
    expect(f[0]!.message).toContain('back off logon 0 for 1.0 s (RopQueryRows for 2.0 s)');
  });
  it('RopBufferTooSmall is reported with the sizes', () => {
    const c = withLogon();
    c.execute(ROPS.logonReq, [NONE], ROPS.bufferTooSmallResp(ROPS.logonReq), [NONE]);
    const f = findings(c.exchanges, 'buffer-too-small');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['info', [3]]]);
    expect(f[0]!.message).toContain('needed 4096 bytes for the remaining ROPs but the request allowed 32768');
  });
});

describe('latency', () => {
  it('a 6 s Execute with 5.8 s X-ElapsedTime is a slow server (error)', () => {
    const c = withLogon();
    c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], { duration: 6000, elapsed: 5800, pending: 0 });
    const f = findings(c.exchanges, 'latency');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([['error', 'Slow Execute (6.0 s)', [3]]]);
    expect(f[0]!.message).toContain('The server spent 5.8 s of it working');
  });
  it('a 3 s PING with 0.1 s server time is a slow path (warning)', () => {
    const c = withLogon();
    c.ping({ duration: 3000, elapsed: 100 });
    const f = findings(c.exchanges, 'latency');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['warning', [3]]]);
    expect(f[0]!.message).toContain('2.9 s went to the path');
  });
  it('NotificationWait held for minutes is not latency', () => {
    const c = withLogon();
    c.notificationWait({ duration: 300_000, elapsed: 299_990, pending: 0, chunkTimes: [3, 300_000] });
    expect(findings(c.exchanges, 'latency')).toEqual([]);
  });
});

describe('upstream-certificate', () => {
  it('reports the certificate error', () => {
    const c = withLogon();
    c.ping({ tls: { protocol: 'TLSv1.3', certificateError: 'self-signed certificate', trustedAnyway: true } });
    const f = findings(c.exchanges, 'upstream-certificate');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['warning', [3]]]);
    expect(f[0]!.message).toContain('self-signed certificate');
  });
});

describe('unsupported-version', () => {
  it('Outlook 2013 RTM and Exchange 2013 RTM are errors, Outlook 2010 SP2 is a hint', () => {
    const a = new ScriptedClient({
      clientApplication: 'Outlook/15.0.4420.1017',
      serverApplication: 'Exchange/15.00.0516.032',
    });
    a.connect();
    const f = findings(a.exchanges, 'unsupported-version');
    expect(f.map((x) => [x.severity, x.title, x.evidence])).toEqual([
      ['error', 'Outlook version does not support MAPI over HTTP', [1]],
      ['error', 'Exchange version does not support MAPI over HTTP', [1]],
    ]);
    const b = new ScriptedClient({ clientApplication: 'Outlook/14.0.7116.5000' });
    b.connect();
    expect(findings(b.exchanges, 'unsupported-version').map((x) => [x.severity, x.evidence])).toEqual([['info', [1]]]);
  });
  it('is silent for Outlook 2013 SP1 on Exchange 2013 SP1 (cap1 headers)', () => {
    const a = new ScriptedClient({
      clientApplication: 'Outlook/15.0.4815.1002',
      serverApplication: 'Exchange/15.00.0847.4040',
    });
    a.connect();
    expect(findings(a.exchanges, 'unsupported-version')).toEqual([]);
  });
});

describe('outlook-anywhere and autodiscover-no-mapihttp', () => {
  it('RPC over HTTP traffic is Outlook Anywhere', () => {
    const c = new ScriptedClient();
    c.send('x', { method: 'RPC_IN_DATA', url: '/rpc/rpcproxy.dll?mail.contoso.com:6001', rawResponseBody: true });
    expect(findings(c.exchanges, 'outlook-anywhere').map((x) => x.evidence)).toEqual([[1]]);
  });
  const ad = (body: Uint8Array) => {
    const c = new ScriptedClient();
    c.send('x', { url: '/autodiscover/autodiscover.xml', rawResponseBody: true, responseBody: body, setCookies: [] });
    return c.exchanges;
  };
  it('an Autodiscover response without mapiHttp', () => {
    const xml = new TextEncoder().encode(
      '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><Protocol><Type>EXPR</Type><Server>mail.contoso.com</Server></Protocol></Account></Response></Autodiscover>',
    );
    expect(findings(ad(xml), 'autodiscover-no-mapihttp').map((x) => x.evidence)).toEqual([[1]]);
  });
  it('is silent for the real gromox response that offers mapiHttp', () => {
    const xml = new Uint8Array(
      readFileSync(path.join(FIXTURES, 'gromox-ruler/gromox24__autodiscover-response_alice.xml')),
    );
    expect(findings(ad(xml), 'autodiscover-no-mapihttp')).toEqual([]);
  });
});

describe('mid-session-capture', () => {
  it('says which context is missing', () => {
    const c = healthySession();
    const f = findings(c.exchanges.slice(3), 'mid-session-capture');
    expect(f.map((x) => [x.severity, x.evidence])).toEqual([['info', [4, 7]]]);
    expect(f[0]!.message).toContain(
      'Session 1 has no Connect in this capture (first exchange 4). 2 exchange(s) lack context: the session has no columns for table handle 0x00000033',
    );
  });
});
