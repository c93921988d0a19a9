import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend.js';
import { FileService } from '../../../electron/backend/file-service.js';
import { sessionService } from '../../../electron/backend/session-service.js';
import type { BackendEvent } from '../../../shared/api/contract.js';

let b: Backend | undefined;
afterEach(async () => {
  await b?.stop();
  b = undefined;
});

describe('sessions service on an opened file', () => {
  it('runs the pass in the background and announces when rows carry sessions', async () => {
    b = await Backend.start({ listen: false, services: [new FileService(), sessionService()] });
    const events: BackendEvent[] = [];
    const ready = new Promise<void>((resolve) =>
      b!.events.on((e) => {
        events.push(e);
        if (e.type === 'analysis-ready') resolve();
      }),
    );
    await b.rpc.invoke('file.open', { path: 'test/fixtures/gromox-ruler/cap1' });
    await ready;
    expect(events.find((e) => e.type === 'analysis-ready')!.data).toEqual({ sessions: 11, findings: 3, exchanges: 52 });
    const rows = b.workspace.list().items;
    expect(rows.map((r) => r.session).slice(0, 9)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(rows.filter((r) => r.severity).length).toBeGreaterThan(0);
    expect(rows[1]!.rops).toEqual(['RopLogon']);
    const list = (await b.rpc.invoke('sessions.list', {})) as { total: number };
    expect(list.total).toBe(11);
  });

  it('feeds live exchanges as they arrive and decodes each with its session context', async () => {
    b = await Backend.start({ listen: false, services: [sessionService()] });
    const { loadBodyFolder } = await import('../../../electron/backend/store/body-folder.js');
    const all = loadBodyFolder('test/fixtures/gromox-ruler/cap1').exchanges;
    // Live feeding: each row gets its session number when it arrives.
    for (const ex of all.slice(0, 3)) b.workspace.add(ex);
    const d = (await b.decodes.get(3))!;
    expect(d.request?.errors).toEqual([]);
    expect(b.workspace.list().items.map((r) => r.session)).toEqual([1, 1, 1]);
  });
});
