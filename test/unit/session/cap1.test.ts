/**
 * The real ruler ⇄ gromox capture (cap1, 52 exchanges) through the session
 * model: sessions by the sid cookie, sequence cookies followed, handles
 * resolved to the ROP that created them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { findAll } from '../../../shared/codec/index.js';
import { diagnoseModel } from '../../../shared/diagnose/index.js';
import { SessionModel } from '../../../shared/session/model.js';
import { loadCap1 } from './helpers.js';

let exchanges: Exchange[];
let model: SessionModel;

beforeAll(() => {
  exchanges = loadCap1();
  model = new SessionModel();
  for (const ex of exchanges) model.add(ex);
});

describe('cap1 sessions', () => {
  it('loads all 52 exchanges from the body folder, one TCP connection each', () => {
    expect(exchanges.length).toBe(52);
    expect(new Set(exchanges.map((e) => e.connectionId)).size).toBe(52);
    expect(exchanges[0]!.client).toEqual({ address: '127.0.0.1', port: 52734 });
  });

  it('groups exchanges into 10 mailbox sessions and 1 address book session by the sid cookie', () => {
    const s = model.sessions();
    expect(s.map((x) => x.exchangeIds)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 16],
      [13, 14, 15],
      [17, 18, 19, 20, 21],
      [22, 23, 24, 25, 26, 27],
      [28, 29, 30, 31, 32, 33],
      [34, 35, 36, 37, 38],
      [39, 40, 41, 42, 43],
      [44, 45, 46, 47],
      [48, 49, 50, 51, 52],
    ]);
    expect(s.map((x) => x.endpoint)).toEqual(['emsmdb', 'emsmdb', 'emsmdb', 'nspi', ...Array(7).fill('emsmdb')]);
    expect(s.map((x) => x.state)).toEqual([
      'closed',
      'closed',
      'closed',
      'open',
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'open',
      'closed',
    ]);
  });

  it('learns sid as the context cookie and sequence as the sequence cookie from Set-Cookie', () => {
    const s1 = model.session(1)!;
    expect(s1.contextCookies).toEqual([{ name: 'sid', value: 'alx6iclbe2u0lap2b7qdten0stcd00sb' }]);
    expect(s1.sequenceCookie).toBe('sequence');
    expect(s1.cookieNames).toEqual(['sid', 'sequence']);
    expect(model.session(4)!.contextCookies).toEqual([{ name: 'sid', value: 'alv6icebe1k0lau2b4ydtec0sthd00yb' }]);
    expect(s1.mailbox).toBe('616c6963-6540-6c61-622e-746501000000@lab.test');
    expect(s1.clientApplication).toBe('Outlook/15.0.4815.1002');
    expect(s1.serverApplication).toBe('Exchange/15.00.0847.4040');
    expect(s1.expirationMs).toBe(900000);
    expect(s1.events.map((e) => [e.kind, e.exchangeId])).toEqual([
      ['connect', 1],
      ['disconnect', 4],
    ]);
  });

  it('follows the sequence cookie from each response to the next request: every request sent the latest value', () => {
    const checks = model.facts().map((f) => f.cookieCheck);
    const opens = [1, 5, 10, 13, 17, 22, 28, 34, 39, 44, 48];
    expect(checks.filter((c, i) => !opens.includes(i + 1) && c === 'ok').length).toBe(41);
    expect(opens.map((id) => model.factsOf(id)!.cookieCheck)).toEqual(Array(11).fill('not-applicable'));
  });

  it('records the logon and resolves handle 0x00000000 to the RopLogon that created it', () => {
    expect(model.session(1)!.logons).toEqual([
      {
        logonId: 12,
        flags: 1,
        store: 'mailbox',
        exchangeId: 2,
        handle: 0,
        essdn: expect.stringContaining('cn=0100000001000000-alice'),
      },
    ]);
    const h = model.handle(1, 0)!;
    expect(h.kind).toBe('logon');
    expect(h.createdBy).toEqual({ exchangeId: 2, ropIndex: 0, ropId: 0xfe, ropName: 'RopLogon' });
    expect(model.viewFor(3)!.logonFlags(12)).toBe(1);
    expect(model.viewFor(2)!.logonFlags(12)).toBeUndefined();
  });

  it('sees that ruler acts on handle 0x0C000000, which the server never issued (answered ecNullObject)', () => {
    expect(model.factsOf(3)!.handleRefs).toEqual([
      {
        ropIndex: 0,
        ropName: 'RopOpenFolder',
        handleIndex: 0,
        handle: 0x0c000000,
        status: 'unknown',
        ran: true,
        returnValue: 0x4b9,
      },
    ]);
    const gen = findAll(model.decode(exchanges[2]!).request!.tree, 'InputHandle');
    expect(gen.map((n) => [n.generated, n.display])).toEqual([
      [true, '0x0C000000: never returned by the server in this session'],
    ]);
    expect(model.factsOf(8)!.ropErrors!.map((e) => [e.ropName, e.returnValue])).toEqual([
      ['RopGetRulesTable', 0x4b9],
      ['RopSetColumns', 0x4b9],
      ['RopQueryRows', 0x4b9],
    ]);
  });

  it('QueryRows in cap1 all fail with ecNullObject, so there are no rows to name (constructed captures cover named rows)', () => {
    const qr = model.facts().filter((f) => f.ropErrors?.some((e) => e.ropName === 'RopQueryRows'));
    expect(qr.map((f) => f.id)).toEqual([8, 32, 37, 42]);
  });

  it('diagnoses exactly the invented handles and the ecNullObject failures', () => {
    const f = diagnoseModel(model);
    expect(f.map((x) => [x.rule, x.severity, x.evidence])).toEqual([
      ['unknown-handle', 'error', [3, 7, 12, 19, 20, 24, 25, 30, 36, 41, 46, 47, 50, 51]],
      ['rop-error', 'warning', [3, 7, 8, 12, 19, 20, 24, 25, 26, 30, 31, 32, 36, 37, 41, 42, 46, 47, 50, 51]],
      ['unknown-handle', 'error', [8, 26, 31, 32, 37, 42]],
    ]);
    expect(f[0]!.message).toContain('RopOpenFolder used handle 0x0C000000, which the server never returned');
  });

  it('keeps facts for all; trees are built on first view and the last N kept (a lookup, not a re-parse)', () => {
    // The pass itself decodes values only (no trees) for clean exchanges.
    const small = new SessionModel({ cacheSize: 2 });
    for (const ex of exchanges) small.add(ex);
    expect(small.facts()).toHaveLength(52);
    expect(small.cachedDecode(51)).toBeUndefined();
    const third = small.decode(exchanges[2]!);
    expect(third.requestType).toBe('Execute');
    expect(third.request!.valuesOnly).toBeUndefined();
    expect(third.request!.tree.children!.length).toBeGreaterThan(0);
    expect(small.cachedDecode(3)).toBe(third);
    expect(small.decode(exchanges[2]!)).toBe(third);
    small.decode(exchanges[3]!);
    small.decode(exchanges[4]!);
    expect(small.cachedDecode(3)).toBeUndefined(); // LRU of 2
    // The same tree again after eviction: the versioned state gives identical context.
    expect(JSON.stringify(small.decode(exchanges[2]!).request!.tree)).toBe(JSON.stringify(third.request!.tree));
  });
});

describe('cap2 (NotificationWait held ~75 s with PENDING keep-alives)', () => {
  it('one session Connect … Disconnect with PING and NotificationWait; the NotificationWait never completed', async () => {
    const { loadBodyFolder } = await import('../../../electron/backend/store/body-folder.js');
    const { FIXTURES } = await import('./helpers.js');
    const path = await import('node:path');
    const { exchanges: ex2 } = loadBodyFolder(path.join(FIXTURES, 'gromox-ruler/cap2'));
    const m = new SessionModel();
    for (const ex of ex2) m.add(ex);
    const [s] = m.sessions();
    expect(m.sessions().length).toBe(1);
    expect(m.timeline(1).map((t) => t.requestType)).toEqual([
      'Connect',
      'Execute',
      'NotificationWait',
      'PING',
      'Disconnect',
    ]);
    expect(s!.events.map((e) => e.kind)).toEqual(['connect', 'disconnect']);
    // The held NotificationWait never reached DONE in this capture: the stream stops after two keep-alives.
    expect(m.factsOf(3)!.metaTags!.map((t) => t.tag)).toEqual(['PROCESSING', 'PENDING', 'PENDING']);
    expect(m.factsOf(3)!.responseComplete).toBe(false);
    expect(m.facts().map((f) => f.cookieCheck)).toEqual(['not-applicable', 'ok', 'ok', 'ok', 'ok']);
    const f = diagnoseModel(m);
    expect(f.map((x) => [x.rule, x.severity, x.evidence])).toEqual([['connection-dropped', 'error', [3]]]);
    expect(f[0]!.message).toContain('the stream stopped after PROCESSING, PENDING, PENDING, without DONE');
  });
});
