import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProxyAgent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { Backend } from '../../../electron/backend/backend.js';
import { CaptureService, type CaptureServiceState } from '../../../electron/backend/capture-service.js';
import { openCapture, readCapture } from '../../../electron/backend/store/capture-file.js';
import { rawClient, rawUpstream, selfSignedCert, sleep, until } from './helpers.js';

let root: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mscs-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('CaptureService', () => {
  it('captures HTTPS through undici ProxyAgent (CA trusted), writes each exchange before announcing it', async () => {
    const cert = selfSignedCert();
    const up = await rawUpstream((r) => r.socket.write(ok(`hello ${r.startLine.split(' ')[1]}`)), { tls: cert });
    cleanups.push(() => up.close());
    const svc = new CaptureService({ dataDir: path.join(root, 'data1') });
    const file = path.join(root, 'one.mscap');
    const states: CaptureServiceState[] = [];
    svc.on('state', (s) => states.push(s));
    const seen: { id: number; inFile: number }[] = [];
    svc.on('exchange', (ex) => {
      // At announcement time the record is already in the file.
      void openCapture(file).then(async (c) => {
        seen.push({ id: ex.id, inFile: c.ids.includes(ex.id) ? 1 : 0 });
        await c.close();
      });
    });
    const st = await svc.start({ out: file, upstreamCa: [cert.cert] });
    cleanups.push(async () => void (await svc.stop()));
    expect(st).toMatchObject({ running: true, mode: 'forward', host: '127.0.0.1', file, exchanges: 0 });
    expect(st.caPath).toBe(path.join(root, 'data1', 'ca', 'certs', 'ca.pem'));
    const caPem = (await svc.exportCa('pem')) as string;
    const dispatcher = new ProxyAgent({ uri: `http://127.0.0.1:${st.port}`, requestTls: { ca: caPem } });
    cleanups.push(() => dispatcher.close());
    for (const p of ['/a', '/b']) {
      const r = await fetch(`https://127.0.0.1:${up.port}${p}`, {
        dispatcher,
        method: 'POST',
        body: 'x'.repeat(10_000),
      });
      expect(await r.text()).toBe(`hello ${p}`);
    }
    await until(() => seen.length === 2);
    expect(seen).toEqual([
      { id: 1, inFile: 1 },
      { id: 2, inFile: 1 },
    ]);
    expect(svc.list().items.map((s) => [s.id, s.method, s.status])).toEqual([
      [1, 'POST', 200],
      [2, 'POST', 200],
    ]);
    const ex = await svc.get(2);
    expect(ex?.request.body.length).toBe(10_000);
    const fin = await svc.stop();
    expect(fin).toMatchObject({ running: false, exchanges: 2 });
    const c = await openCapture(file);
    expect(c.count).toBe(2);
    expect(c.meta?.mode).toBe('forward');
    expect(Buffer.from((await c.get(1)).response!.body).toString()).toBe('hello /a');
    await c.close();
    expect(states[0]!.running).toBe(true);
    expect(states[states.length - 1]!.running).toBe(false);
  });

  it('records a MAPI NotificationWait held open with PENDING keep-alives, and writes it as aborted when capture stops mid-wait', async () => {
    const up = await rawUpstream((r) => {
      r.socket.write('HTTP/1.1 200 OK\r\nX-RequestType: NotificationWait\r\nTransfer-Encoding: chunked\r\n\r\n');
      r.socket.write('c\r\nPROCESSING\r\n\r\n');
      const t = setInterval(() => !r.socket.destroyed && r.socket.write('9\r\nPENDING\r\n\r\n'), 100);
      r.socket.on('close', () => clearInterval(t));
    });
    cleanups.push(() => up.close());
    const file = path.join(root, 'nw.mscap');
    const svc = new CaptureService({ dataDir: path.join(root, 'data2') });
    const chunks: number[] = [];
    svc.on('chunk', (c) => chunks.push(c.offset));
    const st = await svc.start({ reverse: `http://127.0.0.1:${up.port}`, out: file });
    const c = await rawClient(st.port!);
    c.send(
      'POST /mapi/emsmdb/?MailboxId=x HTTP/1.1\r\nHost: mail\r\nX-RequestType: NotificationWait\r\nContent-Length: 0\r\n\r\n',
    );
    await sleep(450);
    const pendings = (
      c
        .received()
        .toString('latin1')
        .match(/PENDING/g) ?? []
    ).length;
    expect(pendings).toBeGreaterThanOrEqual(3);
    expect(pendings).toBeLessThanOrEqual(5);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(svc.state().inFlight).toBe(1);
    await svc.stop();
    expect(await c.ended).not.toBe('hang');
    const all: Exchange[] = [];
    for await (const ex of readCapture(file)) all.push(ex);
    expect(all).toHaveLength(1);
    expect(all[0]!.aborted).toEqual({
      kind: 'client-reset',
      message: 'capture stopped while the exchange was in flight',
    });
    const body = Buffer.from(all[0]!.response!.body).toString();
    expect(body.startsWith('PROCESSING\r\nPENDING\r\n')).toBe(true);
    expect(all[0]!.response!.chunks.length).toBe(chunks.length);
  });

  it('appends to an existing capture, continuing the ids', async () => {
    const up = await rawUpstream((r) => r.socket.write(ok('x')));
    cleanups.push(() => up.close());
    const file = path.join(root, 'cont.mscap');
    for (let round = 0; round < 2; round++) {
      const svc = new CaptureService({ dataDir: path.join(root, 'data3') });
      const st = await svc.start({ reverse: `http://127.0.0.1:${up.port}`, out: file });
      const c = await rawClient(st.port!);
      c.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await c.response();
      await until(() => svc.state().exchanges === 1);
      c.close();
      await svc.stop();
    }
    const cap = await openCapture(file);
    expect(cap.ids).toEqual([1, 2]);
    await cap.close();
  });

  it('registers its RPC methods on the backend and feeds the workspace and capture-state events', async () => {
    const up = await rawUpstream((r) => r.socket.write(ok('via backend')));
    cleanups.push(() => up.close());
    const svc = new CaptureService({ dataDir: path.join(root, 'data4') });
    const backend = await Backend.start({ listen: false, services: [svc] });
    cleanups.push(() => backend.stop());
    const events: string[] = [];
    backend.events.on((e) => events.push(e.type));
    expect(backend.rpc.names()).toEqual(
      expect.arrayContaining([
        'capture.start',
        'capture.stop',
        'capture.status',
        'capture.trustHost',
        'ca.status',
        'ca.export',
        'ca.trustHelp',
      ]),
    );
    // The UI's capture bar sends { port, mode, target }.
    const st = (await backend.rpc.invoke('capture.start', {
      port: 0,
      mode: 'reverse',
      target: `http://127.0.0.1:${up.port}`,
      out: path.join(root, 'be.mscap'),
    })) as CaptureServiceState;
    const c = await rawClient(st.port!);
    cleanups.push(() => c.close());
    c.send('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    expect((await c.response()).body.toString()).toBe('via backend');
    await until(() => backend.workspace.count === 1);
    expect(backend.status().capture).toMatchObject({ running: true, mode: 'reverse', port: st.port });
    const ca = (await backend.rpc.invoke('ca.export', { format: 'der' })) as { format: string; base64: string };
    expect(ca.format).toBe('der');
    expect(Buffer.from(ca.base64, 'base64').equals((await svc.exportCa('der')) as Buffer)).toBe(true);
    await backend.rpc.invoke('capture.stop', {});
    expect(backend.status().capture.running).toBe(false);
    expect(events.filter((t) => t === 'capture-state' || t === 'exchange')).toEqual([
      'capture-state',
      'exchange',
      'capture-state',
    ]);
    // Live progress reaches the UI too: the connection opened and the response's bytes arrived.
    expect(events).toEqual(expect.arrayContaining(['connection', 'chunk']));
  });
});

describe('CA export to a path (desktop save dialog)', () => {
  it('writes the PEM or DER where asked', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Backend } = await import('../../../electron/backend/backend.js');
    const { CaptureService } = await import('../../../electron/backend/capture-service.js');
    const dir = mkdtempSync(join(tmpdir(), 'caexp-'));
    const svc = new CaptureService({ dataDir: dir });
    const backend = await Backend.start({ listen: false, services: [svc] });
    try {
      const out = join(dir, 'ca.cer');
      expect(await backend.rpc.invoke('ca.export', { format: 'der', path: out })).toEqual({ format: 'der', path: out });
      expect(readFileSync(out).equals((await svc.exportCa('der')) as Buffer)).toBe(true);
      const pem = join(dir, 'ca.pem');
      await backend.rpc.invoke('ca.export', { format: 'pem', path: pem });
      expect(readFileSync(pem, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    } finally {
      await backend.stop();
    }
  });
});
