/**
 * The capture writer on its worker thread (append-thread.ts), as live captures use it: the same
 * bytes as the in-thread writer, an append resolves only once its record is in the file, order
 * and ids kept under concurrent appends, and a failed write rejects that append and every later one.
 */
import { open, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendThread } from '../../../electron/backend/store/append-thread.js';
import { CaptureWriter, indexPath, openCapture, readCapture } from '../../../electron/backend/store/capture-file.js';
import { INDEX_ENTRY, INDEX_HEADER, RecordType } from '../../../electron/backend/store/format.js';
import { makeExchange } from './capture-file.test.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'msappend-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Data file bytes after the meta record (which holds the creation time) and index entries after its entry. */
async function afterMeta(file: string): Promise<{ data: Buffer; index: Buffer }> {
  const data = await readFile(file);
  const index = await readFile(indexPath(file));
  const metaEnd = index.readDoubleLE(INDEX_HEADER) + index.readUInt32LE(INDEX_HEADER + 8);
  return { data: data.subarray(metaEnd), index: index.subarray(INDEX_HEADER + INDEX_ENTRY) };
}

describe('capture writer on a worker thread', () => {
  it('writes the same bytes and index entries as the in-thread writer', async () => {
    const files = [path.join(dir, 'here.mscap'), path.join(dir, 'thread.mscap')];
    for (const [i, file] of files.entries()) {
      const w = await CaptureWriter.create(file, { mode: 'forward' }, { thread: i === 1 });
      const done: Promise<void>[] = [];
      for (let id = 1; id <= 40; id++) {
        done.push(w.append(makeExchange(id, (id * 997) % 70_000, (id * 7919) % 300_000)));
        if (id % 7 === 0) done.push(w.appendConnectionEvent({ type: 'close', connectionId: id, time: 1e12 + id }));
      }
      // An exchange without a response (aborted before the headers).
      const { response: _r, ...noResponse } = makeExchange(41, 5, 0);
      done.push(w.append({ ...noResponse, aborted: { kind: 'upstream-reset', message: 'reset' } }));
      // No body bytes at all (a GET answered 204), then connection events: records whose last part is empty.
      done.push(w.append(makeExchange(42, 0, 0)));
      for (let n = 0; n < 30; n++)
        done.push(w.appendConnectionEvent({ type: 'open', connectionId: 100 + n, time: 1.5e12 + n * 7.25 }));
      await Promise.all(done);
      expect(w.count).toBe(42);
      expect(w.nextId).toBe(43);
      await w.close();
    }
    const [here, thread] = await Promise.all(files.map(afterMeta));
    expect(thread!.data.length).toBeGreaterThan(1_000_000);
    expect(thread!.data.equals(here!.data)).toBe(true);
    // Index offsets are absolute: equal because both meta records have the same length.
    expect(thread!.index.equals(here!.index)).toBe(true);
    const c = await openCapture(files[1]!);
    expect(c.scanned).toBe(false);
    expect(c.ids).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(c.tornTail).toBeUndefined();
    expect((await c.get(33)).response!.body).toEqual(makeExchange(33, 0, (33 * 7919) % 300_000).response!.body);
    expect((await c.get(41)).aborted).toEqual({ kind: 'upstream-reset', message: 'reset' });
    await c.close();
  });

  it('resolves an append only once its record can be read from the file by another reader', async () => {
    const file = path.join(dir, 'live.mscap');
    const w = await CaptureWriter.create(file, {}, { thread: true, syncIntervalMs: 60_000 });
    for (let id = 1; id <= 5; id++) {
      const ex = makeExchange(id, 2000, 50_000);
      await w.append(ex);
      // Not closed, not synced: the bytes are in the kernel, which is what survives a kill -9.
      const seen: number[] = [];
      for await (const got of readCapture(file)) {
        seen.push(got.id);
        if (got.id === id) expect(got.response!.body).toEqual(ex.response!.body);
      }
      expect(seen).toEqual(Array.from({ length: id }, (_, i) => i + 1));
    }
    await w.close();
  });

  it('keeps call order across loop turns and continues a reopened file', async () => {
    const file = path.join(dir, 'order.mscap');
    const w = await CaptureWriter.create(file, {}, { thread: true });
    const done: Promise<void>[] = [];
    for (let id = 1; id <= 300; id++) {
      done.push(w.append(makeExchange(id, 10, 100)));
      if (id % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    await w.close();
    const again = await CaptureWriter.openForAppend(file, { thread: true });
    expect(again.nextId).toBe(301);
    await again.append(makeExchange(301, 10, 100));
    await again.close();
    await expect(again.append(makeExchange(302))).rejects.toThrow(/closed/);
    const c = await openCapture(file);
    expect(c.ids).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    await c.close();
  });

  it('rejects the append whose write failed and every later one', async () => {
    const file = path.join(dir, 'readonly.mscap');
    await (await CaptureWriter.create(file)).close();
    // Descriptors opened read-only: write() fails with EBADF on the thread.
    const fh = await open(file, 'r');
    const ifh = await open(indexPath(file), 'r');
    const t = new AppendThread(file, { fd: fh.fd, indexFd: ifh.fd, pos: 0, ipos: 0, syncMs: 0 });
    try {
      await expect(t.appendExchange(makeExchange(1))).rejects.toThrow(/writing .*readonly\.mscap failed: EBADF/);
      await expect(t.appendJson(RecordType.Connection, { type: 'open' })).rejects.toThrow(/EBADF/);
      await expect(t.close()).rejects.toThrow(/EBADF/);
    } finally {
      await fh.close();
      await ifh.close();
    }
  });
});
