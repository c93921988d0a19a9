/**
 * The backend's field index is built on demand: the session pass and the diagnoses do not feed
 * it, a filter on list or session fields never builds it, and the first filter on a decoded
 * field builds it from the exchanges decoded again with their versioned session context —
 * the same index the pass would have fed (compared value by value with one fed by the pass's
 * own decodes), kept up to date for exchanges added later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend.js';
import { FilterService } from '../../../electron/backend/filter-service.js';
import { type SessionService, sessionService } from '../../../electron/backend/session-service.js';
import type { FilterRunResult } from '../../../shared/api/contract.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { FieldIndexer, compileCaptureFilter, filterCapture } from '../../../shared/filter/index.js';
import type { FieldIndex } from '../../../shared/filter/field-index.js';
import { SessionModel } from '../../../shared/session/model.js';
import { ROPS, TABLE_HANDLE, healthySession, loadCap1 } from '../session/helpers.js';

let backend: Backend | undefined;
afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

/** Every (field, value, positions) of an index, in a comparable form. */
function contents(ix: FieldIndex): [string, string, number[]][] {
  const out: [string, string, number[]][] = [];
  for (const k of [...ix.fieldKeys()].sort())
    ix.forEachValue(k, (v, pos) =>
      out.push([k, v instanceof Uint8Array ? `bytes:${[...v].join(',')}` : `${typeof v}:${String(v)}`, [...pos]]),
    );
  return out;
}

/** The index the session pass feeds itself (SessionModel's onDecoded), over the same exchanges. */
function fedByThePass(list: readonly Exchange[]): FieldIndex {
  const ix = new FieldIndexer();
  const m = new SessionModel({ cacheSize: 0, onDecoded: ix.observe });
  for (const ex of list) m.add(ex);
  return ix.index;
}

async function start(): Promise<SessionService> {
  const sessions = sessionService();
  backend = await Backend.start({ listen: false, services: [sessions, new FilterService(sessions)] });
  return sessions;
}

const run = async (expr: string) => (await backend!.rpc.invoke('filter.run', { expr })) as FilterRunResult;

describe('field index on demand', () => {
  it('not built by the pass, the diagnoses or a list filter; built by the first decoded-field filter', async () => {
    const sessions = await start();
    const list = [...loadCap1()];
    const c = healthySession();
    const n0 = list.length;
    for (const ex of c.exchanges)
      list.push({ ...ex, id: ex.id + n0, timings: { ...ex.timings, requestStart: ex.timings.requestStart + 1e6 } });
    await backend!.workspace.replace(list);

    await backend!.rpc.invoke('findings.list', {});
    expect(sessions.progress()).toEqual({ fed: list.length, total: list.length });
    expect(sessions.indexProgress()).toEqual({ indexed: 0, total: list.length });

    // A filter on list and session fields reads no index.
    const bySession = await run('session == 1');
    const model = sessions.fieldIndex().model;
    const inSession1 = model
      .facts()
      .filter((f) => f.session === 1)
      .map((f) => f.id);
    expect(inSession1.length).toBeGreaterThan(0);
    expect(bySession).toMatchObject({ ids: inSession1, evaluated: list.length, total: list.length, errors: [] });
    expect(sessions.indexProgress().indexed).toBe(0);

    // A decoded field: the index is built, equal to the one the pass feeds, and answers as it would.
    const rows = await run('RopQueryRows.RowCount > 0');
    expect(sessions.indexProgress()).toEqual({ indexed: list.length, total: list.length });
    const eager = fedByThePass(list);
    const lazy = sessions.fieldIndex().indexer.index;
    expect(lazy.ids).toEqual(list.map((x) => x.id));
    expect(lazy.stats()).toEqual(eager.stats());
    expect(contents(lazy)).toEqual(contents(eager));
    const expected = filterCapture(compileCaptureFilter('RopQueryRows.RowCount > 0'), {
      index: eager,
      record: () => ({}),
    });
    // The scripted session's QueryRows (its 4th exchange) returns two rows.
    expect(expected).toContain(n0 + 4);
    expect(rows).toMatchObject({ ids: expected, evaluated: list.length, errors: [] });

    // Exchanges added later are indexed on the next need.
    c.execute(ROPS.queryRowsReq(0), [TABLE_HANDLE], ROPS.queryRowsResp(2), [TABLE_HANDLE]);
    const more = c.exchanges[c.exchanges.length - 1]!;
    backend!.workspace.add({ ...more, id: more.id + n0 });
    const again = await run('RopQueryRows.RowCount > 0');
    expect(sessions.indexProgress().indexed).toBe(list.length + 1);
    expect(again.ids).toEqual([...expected, more.id + n0]);
  });

  it('completion builds the index first and answers from it', async () => {
    const sessions = await start();
    const c = healthySession();
    await backend!.workspace.replace(c.exchanges);
    expect(sessions.indexProgress().indexed).toBe(0);
    const field = 'http.header["X-RequestType"]';
    const r = (await backend!.rpc.invoke('filter.values', { field })) as { values: string[] };
    expect(sessions.indexProgress().indexed).toBe(c.exchanges.length);
    expect(r.values.sort()).toEqual(['Connect', 'Disconnect', 'Execute', 'NotificationWait', 'PING']);
  });
});
