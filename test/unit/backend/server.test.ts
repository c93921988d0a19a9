import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Backend } from '../../../electron/backend/backend.js';
import type { Exchange } from '../../../shared/capture/exchange.js';

const enc = new TextEncoder();
function exchange(id: number): Exchange {
  return {
    id,
    connectionId: 1,
    timings: { requestStart: 1_700_000_000_000 + id, responseEnd: 1_700_000_000_050 + id },
    request: {
      method: 'POST',
      url: '/mapi/emsmdb/?MailboxId=a@b',
      httpVersion: '1.1',
      headers: [
        { name: 'Host', value: 'mail.contoso.com' },
        { name: 'X-RequestType', value: 'PING' },
      ],
      body: new Uint8Array(),
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [{ name: 'X-ResponseCode', value: '0' }],
      body: enc.encode('PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n'),
      chunks: [],
    },
  };
}

let backend: Backend | undefined;
afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

async function rpc(b: Backend, method: string, params: unknown, token = b.api.token) {
  const r = await fetch(`http://127.0.0.1:${b.api.port}/api/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('backend local API', () => {
  it('listens on 127.0.0.1 only and requires the per-run token', async () => {
    backend = await Backend.start();
    expect(backend.api.token).toMatch(/^[0-9a-f]{64}$/);
    expect(backend.api.uiUrl).toBe(`http://127.0.0.1:${backend.api.port}/#token=${backend.api.token}`);
    expect((await rpc(backend, 'status', {}, 'wrong')).status).toBe(401);
    const ok = await rpc(backend, 'status', {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      version: '0.1.0',
      mode: 'headless',
      exchangeCount: 0,
      capture: { running: false },
    });
    const other = await Backend.start();
    expect(other.api.token).not.toBe(backend.api.token);
    await other.stop();
  });

  it('answers list/get/decode over RPC and reports unknown methods and ids', async () => {
    backend = await Backend.start();
    backend.workspace.add(exchange(1));
    backend.workspace.add(exchange(2));
    const list = await rpc(backend, 'exchanges.list', {});
    expect(list.body.total).toBe(2);
    expect(
      (list.body.items as { requestType: string; endpoint: string; responseCode: number; durationMs: number }[])[1],
    ).toMatchObject({
      id: 2,
      requestType: 'PING',
      endpoint: 'emsmdb',
      responseCode: 0,
      durationMs: 50,
    });
    const one = await rpc(backend, 'exchanges.get', { id: 2 });
    expect(one.body.request).toMatchObject({
      headers: [
        { name: 'Host', value: 'mail.contoso.com' },
        { name: 'X-RequestType', value: 'PING' },
      ],
    });
    const dec = await rpc(backend, 'exchanges.decode', { id: 1 });
    expect(dec.status).toBe(200);
    expect(dec.body).toMatchObject({ id: 1, endpoint: 'emsmdb', requestType: 'PING', responseCode: 0 });
    expect(Object.keys(dec.body.headBuffers as object)).toEqual(['request-head', 'response-head']);
    expect((await rpc(backend, 'exchanges.get', { id: 9 })).status).toBe(404);
    expect((await rpc(backend, 'nope', {})).body).toEqual({ code: 'not-found', message: 'no such method: nope' });
  });

  it('streams events over the WebSocket and refuses it without the token', async () => {
    backend = await Backend.start();
    const b = backend;
    const url = `ws://127.0.0.1:${b.api.port}/api/events`;
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url + '?token=bad');
      ws.on('error', (e) => resolve(String(e.message)));
      ws.on('open', () => resolve('opened'));
    });
    expect(refused).toMatch(/401/);
    const ws = new WebSocket(`${url}?token=${b.api.token}`);
    const got: { type: string; data: { id?: number } }[] = [];
    let hello!: () => void;
    const greeted = new Promise<void>((r) => (hello = r));
    const done = new Promise<void>((resolve) =>
      ws.on('message', (m) => {
        got.push(JSON.parse(rawText(m)));
        if (got.length === 1) hello();
        if (got.length === 3) resolve();
      }),
    );
    await greeted;
    b.workspace.add(exchange(7));
    b.setCaptureState({ running: true, mode: 'forward', port: 8888 });
    await done;
    ws.close();
    expect(got.map((e) => e.type)).toEqual(['hello', 'exchange', 'capture-state']);
    expect(got[1]!.data.id).toBe(7);
  });

  it('serves the renderer with a strict CSP and never outside its folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msr-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    backend = await Backend.start({ rendererDir: dir });
    const base = `http://127.0.0.1:${backend.api.port}`;
    const page = await fetch(base + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect((await fetch(base + '/app.js')).headers.get('content-type')).toMatch(/javascript/);
    const trav = await fetch(base + '/..%2f..%2fetc%2fpasswd');
    expect(await trav.text()).not.toContain('root:');
    // Client-side routes fall back to the shell.
    expect(await (await fetch(base + '/sessions')).text()).toContain('<title>x</title>');
  });
});

/** A WebSocket message's text (a text frame arrives as one Buffer; fragments as a list). */
function rawText(m: WebSocket.RawData): string {
  return (Buffer.isBuffer(m) ? m : Array.isArray(m) ? Buffer.concat(m) : Buffer.from(m)).toString('utf8');
}
