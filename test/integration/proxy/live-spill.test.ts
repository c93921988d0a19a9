/**
 * A live capture through the backend: once the workspace holds more than `liveMemoryBytes` of
 * live exchanges, the older ones are served from the capture file (they are written before they
 * are announced); appending to an existing capture shows its exchanges from the file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Backend, type BackendService } from '../../../electron/backend/backend.js';
import { CaptureService, type CaptureServiceState } from '../../../electron/backend/capture-service.js';
import { FileService } from '../../../electron/backend/file-service.js';
import { sessionService } from '../../../electron/backend/session-service.js';
import { readCapture } from '../../../electron/backend/store/capture-file.js';
import { exchangeToDto } from '../../../shared/api/dto.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { rawClient, rawUpstream, until } from './helpers.js';

let root: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'msspill-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const BODY = 8 * 1024;

/** An upstream answering each request with `reply(request)`, and a backend whose live capture keeps at most 4 bodies in memory. */
async function liveBackend(reply: (r: { startLine: string }) => string, more: BackendService[] = []) {
  const up = await rawUpstream((r) => {
    const body = reply(r);
    r.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  cleanups.push(() => up.close());
  const backend = await Backend.start({
    listen: false,
    services: [
      new FileService(),
      new CaptureService({ dataDir: path.join(root, 'data'), liveMemoryBytes: 4 * BODY }),
      ...more,
    ],
  });
  cleanups.push(() => backend.stop());
  return { up, backend };
}

describe('live capture served from its file', () => {
  it('hands older live exchanges to the file; appending shows the existing ones from it', async () => {
    const { up, backend } = await liveBackend(
      (r) => `reply ${r.startLine.split(' ')[1]} ${'y'.repeat(BODY)}`,
      [sessionService()],
    );
    const file = path.join(root, 'live.mscap');
    const ws = backend.workspace;
    const send = async (port: number, n: number, from: number) => {
      const c = await rawClient(port);
      for (let i = from; i < from + n; i++) {
        c.send(`POST /p${i} HTTP/1.1\r\nHost: a\r\nContent-Length: ${BODY}\r\n\r\n${'x'.repeat(BODY)}`);
        await c.response();
      }
      c.close();
    };

    const st = (await backend.rpc.invoke('capture.start', {
      port: 0,
      mode: 'reverse',
      target: `http://127.0.0.1:${up.port}`,
      out: file,
    })) as CaptureServiceState;
    await send(st.port!, 20, 1);
    await until(() => ws.count === 20, 10_000, '20 exchanges');
    await until(() => ws.onDisk > 0, 10_000, 'a hand-over to the file');
    expect(ws.storeBacked).toBe(true);
    await backend.rpc.invoke('capture.stop', {});
    // Once stopped, what is still in memory is below the limit (exchanges that arrived while a
    // hand-over ran were handed over by the next round).
    expect(ws.memoryBytes).toBeLessThan(4 * BODY);
    const inFile: Exchange[] = [];
    for await (const ex of readCapture(file)) inFile.push(ex);
    expect(inFile.map((e) => e.id)).toEqual(ws.list().items.map((s) => s.id));
    // Every exchange reads back as written, whether served by the file or from memory.
    for (const ex of inFile)
      expect(await backend.rpc.invoke('exchanges.get', { id: ex.id })).toEqual(exchangeToDto(ex));
    const exported = (await backend.rpc.invoke('file.export', { format: 'json', redact: false })) as {
      exchanges: number;
    };
    expect(exported.exchanges).toBe(20);

    // Appending to it: the 20 are shown from the file at once, the new ones after them.
    const again = (await backend.rpc.invoke('capture.start', {
      port: 0,
      mode: 'reverse',
      target: `http://127.0.0.1:${up.port}`,
      out: file,
    })) as CaptureServiceState;
    expect(ws.count).toBe(20);
    expect(ws.onDisk).toBe(20);
    await send(again.port!, 3, 21);
    await until(() => ws.count === 23, 10_000, '23 exchanges');
    await backend.rpc.invoke('capture.stop', {});
    const ids = ws.list().items.map((s) => s.id);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    const last = (await backend.rpc.invoke('exchanges.get', { id: 23 })) as { request: { url: string } };
    expect(last.request.url).toContain('/p23');
    const first = (await backend.rpc.invoke('exchanges.get', { id: 1 })) as { request: { url: string } };
    expect(first.request.url).toContain('/p1');
  }, 60_000);

  it('hands over the exchanges that arrived while a hand-over ran, with no exchange after them', async () => {
    const { up, backend } = await liveBackend(() => `reply ${'y'.repeat(BODY)}`);
    const file = path.join(root, 'burst.mscap');
    const ws = backend.workspace;
    // The first hand-over, once it has read the file (3 exchanges), waits until 9 more have been
    // announced: they are not in its snapshot, and no exchange follows them.
    const adopt = ws.adopt.bind(ws);
    const adopted: number[] = [];
    let snapshotTaken: () => void = () => undefined;
    const snapshot = new Promise<void>((resolve) => (snapshotTaken = resolve));
    ws.adopt = async (store, ids) => {
      if (adopted.length === 0) {
        snapshotTaken();
        await until(() => ws.count === 12, 10_000, 'the burst');
      }
      adopted.push(ids.length);
      return adopt(store, ids);
    };
    const st = (await backend.rpc.invoke('capture.start', {
      port: 0,
      mode: 'reverse',
      target: `http://127.0.0.1:${up.port}`,
      out: file,
    })) as CaptureServiceState;
    const c = await rawClient(st.port!);
    for (let i = 1; i <= 12; i++) {
      if (i === 4) await snapshot;
      c.send(`POST /b${i} HTTP/1.1\r\nHost: a\r\nContent-Length: ${BODY}\r\n\r\n${'x'.repeat(BODY)}`);
      await c.response();
    }
    c.close();
    await until(() => ws.count === 12, 10_000, '12 exchanges');
    await backend.rpc.invoke('capture.stop', {});
    expect(adopted.length).toBeGreaterThanOrEqual(2);
    expect(adopted[0]).toBeLessThanOrEqual(3);
    expect(ws.memoryBytes).toBeLessThan(4 * BODY);
    expect(ws.onDisk).toBeGreaterThanOrEqual(11);
    for (const s of ws.list().items) {
      const ex = (await backend.rpc.invoke('exchanges.get', { id: s.id })) as { request: { url: string } };
      expect(ex.request.url).toMatch(/\/b\d+$/);
    }
  }, 60_000);
});
