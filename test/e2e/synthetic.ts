/**
 * A synthetic capture of N small MAPI exchanges (Connect, Executes,
 * NotificationWaits, Disconnect per session of 50), written as a real
 * MapiScope capture file, for the 100k-row list check and the UI bench.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Exchange } from '../../shared/capture/exchange';
import { CaptureWriter } from '../../electron/backend/store/capture-file';

export function syntheticExchange(i: number, t0 = Date.UTC(2026, 10, 30, 9, 0, 0)): Exchange {
  const s = Math.floor((i - 1) / 50);
  const k = (i - 1) % 50;
  const type = k === 0 ? 'Connect' : k === 49 ? 'Disconnect' : k % 7 === 0 ? 'NotificationWait' : 'Execute';
  const start = t0 + i * 20;
  const dur = type === 'NotificationWait' ? 300 : 5 + (i % 13);
  const cookie = `sid=s${s}; sequence=q${i - 1}`;
  return {
    id: i,
    connectionId: s * 2 + (type === 'NotificationWait' ? 1 : 0) + 1,
    client: { address: '127.0.0.1', port: 50000 + (s % 10000) },
    server: { address: '127.0.0.1', port: 443 },
    timings: { requestStart: start, requestEnd: start + 1, responseHeaders: start + dur - 1, responseEnd: start + dur },
    request: {
      method: 'POST',
      url: `/mapi/emsmdb/?MailboxId=user${s % 100}@lab.test`,
      httpVersion: '1.1',
      headers: [
        { name: 'Host', value: 'mail.lab.test' },
        { name: 'Content-Type', value: 'application/mapi-http' },
        { name: 'X-RequestType', value: type },
        { name: 'X-RequestId', value: `{synthetic}:${i}` },
        ...(k ? [{ name: 'Cookie', value: cookie }] : []),
      ],
      body: new Uint8Array(8 + (i % 40)),
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [
        { name: 'Content-Type', value: 'application/mapi-http' },
        { name: 'X-ResponseCode', value: i % 997 === 0 ? '10' : '0' },
        ...(k === 0 ? [{ name: 'Set-Cookie', value: `sid=s${s}; path=/mapi/emsmdb` }] : []),
        { name: 'Set-Cookie', value: `sequence=q${i}; path=/mapi/emsmdb` },
      ],
      body: new Uint8Array(16 + (i % 100)),
      chunks: [],
    },
  };
}

/** Writes `n` synthetic exchanges to a new capture file in a temporary folder; returns its path. */
export async function writeSyntheticCapture(n: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-synthetic-'));
  const file = path.join(dir, `synthetic-${n}.mscap`);
  const w = await CaptureWriter.create(file, { note: 'synthetic UI benchmark capture' });
  try {
    const pending: Promise<unknown>[] = [];
    for (let i = 1; i <= n; i++) {
      pending.push(w.append(syntheticExchange(i)));
      if (pending.length >= 256) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  } finally {
    await w.close();
  }
  return file;
}

/** Writes `exchanges` to a new capture file in a temporary folder; returns its path. */
export async function writeCaptureOf(exchanges: readonly Exchange[], name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-e2e-'));
  const file = path.join(dir, `${name}.mscap`);
  const w = await CaptureWriter.create(file, { note: name });
  try {
    for (const ex of exchanges) await w.append(ex);
  } finally {
    await w.close();
  }
  return file;
}
