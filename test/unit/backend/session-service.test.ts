/**
 * The sessions backend service: fed from the workspace (live adds and file
 * resets), gives decodes their session context, serves sessions.list,
 * sessions.get and findings.list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend.js';
import { sessionService } from '../../../electron/backend/session-service.js';
import type { SessionInfo } from '../../../shared/session/types.js';
import type { Finding } from '../../../shared/diagnose/index.js';
import { ROPS, TABLE_HANDLE, healthySession, loadCap1 } from '../session/helpers.js';

let backend: Backend | undefined;
afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

interface Node {
  name: string;
  value?: unknown;
  children?: Node[];
}
function find(n: Node, name: string, out: Node[] = []): Node[] {
  if (n.name === name) out.push(n);
  for (const c of n.children ?? []) find(c, name, out);
  return out;
}

describe('sessions service', () => {
  it('live exchanges: decodes get the session context (QueryRows rows with named columns)', async () => {
    backend = await Backend.start({ listen: false, services: [sessionService()] });
    const c = healthySession();
    for (const ex of c.exchanges) backend.workspace.add(ex);
    const dto = (await backend.decodes.get(4))!;
    const rows = find(dto.response!.tree, 'PropertyRow');
    expect(rows.map((r) => (r.children ?? []).map((x) => x.name))).toEqual([
      ['Flag', 'PidTagSubject', 'PidTagMessageSize'],
      ['Flag', 'PidTagSubject', 'PidTagMessageSize'],
    ]);
    expect(backend.workspace.list().items.map((r) => r.session)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // The second pass reaches the DTO: generated handle-origin nodes in the request tree.
    const gen = find(dto.request!.tree, 'InputHandle') as (Node & { display?: string; generated?: boolean })[];
    expect(gen.map((n) => [n.generated, n.display])).toEqual([
      [true, '0x00000033: table created by RopGetContentsTable in exchange 3'],
    ]);
    const list = (await backend.rpc.invoke('sessions.list', {})) as { total: number; items: SessionInfo[] };
    expect(list.total).toBe(1);
    expect(list.items[0]!.exchangeIds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const one = (await backend.rpc.invoke('sessions.get', { id: 1 })) as {
      timeline: { exchangeId: number; requestType: string; connectionId: number }[];
      handles: {
        handle: number;
        kind: string;
        createdBy?: { ropName: string; exchangeId: number };
        releasedBy?: { exchangeId: number };
      }[];
    };
    expect(one.timeline.map((t) => t.requestType)).toEqual([
      'Connect',
      'Execute',
      'Execute',
      'Execute',
      'NotificationWait',
      'PING',
      'Execute',
      'Disconnect',
    ]);
    expect(one.handles.find((h) => h.handle === TABLE_HANDLE)).toMatchObject({
      kind: 'table',
      createdBy: { ropName: 'RopGetContentsTable', exchangeId: 3 },
      releasedBy: { exchangeId: 7 },
    });
    await expect(backend.rpc.invoke('sessions.get', { id: 9 })).rejects.toThrow('no session 9');
    expect(((await backend.rpc.invoke('findings.list', {})) as { total: number }).total).toBe(0);
    // a live problem shows up on the next query
    c.ping({ cookie: 'MapiContext=ctx1; MapiSequence=seq1' });
    c.execute(ROPS.queryRowsReq(0), [0x99], '15 00 B9040000', [0x99]);
    backend.workspace.add(c.exchanges[8]!);
    backend.workspace.add(c.exchanges[9]!);
    const f = (await backend.rpc.invoke('findings.list', {})) as { items: Finding[] };
    expect(f.items.map((x) => [x.rule, x.evidence])).toEqual([
      ['used-after-close', [9, 10]],
      ['unknown-handle', [10]],
      ['rop-error', [10]],
    ]);
  });

  it('a workspace reset (file opened) starts over; findings filter by session and severity', async () => {
    backend = await Backend.start({ listen: false, services: [sessionService()] });
    for (const ex of healthySession().exchanges) backend.workspace.add(ex);
    expect(((await backend.rpc.invoke('sessions.list', {})) as { total: number }).total).toBe(1);
    await backend.workspace.replace(loadCap1(), 'cap1');
    expect(((await backend.rpc.invoke('sessions.list', {})) as { total: number }).total).toBe(11);
    const errors = (await backend.rpc.invoke('findings.list', { severity: 'error' })) as { items: Finding[] };
    expect(errors.items.map((x) => x.rule)).toEqual(['unknown-handle', 'unknown-handle']);
    const byEx = (await backend.rpc.invoke('findings.list', { exchangeId: 8 })) as { items: Finding[] };
    expect(byEx.items.map((x) => x.rule)).toEqual(['rop-error', 'unknown-handle']);
    expect(backend.status().services).toEqual(['sessions']);
    const rows = backend.workspace.list().items;
    expect(rows.slice(0, 5).map((r) => r.session)).toEqual([1, 1, 1, 1, 2]);
    expect(rows[12]!.session).toBe(4);
    expect(rows.filter((r) => r.severity === 'error').map((r) => r.id)).toEqual([
      3, 7, 8, 12, 19, 20, 24, 25, 26, 30, 31, 32, 36, 37, 41, 42, 46, 47, 50, 51,
    ]);
    expect(rows[0]!.severity).toBeUndefined();
  });
});
