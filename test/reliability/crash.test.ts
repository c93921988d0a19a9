/**
 * Crash: `kill -9` the capturing CLI (`mapiscope capture --reverse`) at random points while
 * six clients send Execute and NotificationWait traffic with bodies up to 200 KB, then
 * restart it on the same file (append), several times. After each kill the file is reopened
 * (openCapture and readCapture) and checked:
 *  - the file is readable; a torn tail, if any, is reported by both readers at the same
 *    offset, and the restarted CLI says so and moves it aside;
 *  - every exchange the CLI reported as written is present, and every exchange present is
 *    byte-identical (request and response bodies) to what the client sent and received;
 *  - every exchange the client saw complete is in the file: the capture's writer thread acknowledges
 *    a record once its write() returned (the kernel has it, a kill -9 cannot lose it), and the proxy
 *    holds the end of each response until then (ARCHITECTURE.md, "Durability contract").
 * Short form: 3 kills; long form (RELIABILITY_LONG=1): 25 kills.
 */
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headerValue } from '../../shared/capture/exchange.js';
import { openCapture, readCapture } from '../../electron/backend/store/capture-file.js';
import { sleep, until } from '../integration/proxy/helpers.js';
import { LONG, rng } from './fuzz-lib.js';
import { type CliCapture, LeanClient, mapiUpstream, sha, slice, startCliCapture } from './harness.js';

const KILLS = LONG ? 25 : 3;

let root: string;
const kids: CliCapture[] = [];
afterAll(async () => {
  for (const k of kids) if (k.child.exitCode === null && k.child.signalCode === null) k.child.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

describe(`crash: kill -9 the capturing process at ${KILLS} random points`, () => {
  it(
    'every exchange the client saw complete is present byte-identical, the file readable, a torn tail reported',
    async () => {
      root = await mkdtemp(path.join(tmpdir(), 'mscrash-'));
      const up = await mapiUpstream({
        holdMs: (n) => 300 + (n % 7) * 100,
        pendingMs: 100,
        executeBytes: (n) => 1024 + ((n * 40503) % (200 * 1024)),
        executeDelayMs: (n) => n % 5,
      });
      const out = path.join(root, 'crash.mscap');
      const rand = rng(0xdead);
      const client = new Map<string, { req: string; res: string; at: number }>();
      const reported = new Set<number>();
      const stats = { kills: 0, torn: 0, lostInWindow: 0, present: 0, tornNoted: 0, points: [] as number[] };
      let nextId = 1;
      for (let k = 0; k < KILLS; k++) {
        const cli = await startCliCapture(`http://127.0.0.1:${up.port}`, out, path.join(root, 'data'));
        kids.push(cli);
        await until(() => /Ctrl-C stops/.test(cli.io.stderr), 10_000, 'the CLI banner');
        if (/ended in a torn record/.test(cli.io.stderr)) stats.tornNoted++;
        let stop = false;
        const loops = Array.from({ length: 6 }, async (_, w) => {
          const c = await LeanClient.connect(cli.port).catch(() => undefined);
          if (!c) return;
          try {
            while (!stop) {
              const n = nextId++;
              const kind = w === 0 ? 'NotificationWait' : 'Execute';
              const id = `k${k}-${n}`;
              const body = slice(n + 3, kind === 'Execute' ? 256 + ((n * 8191) % (64 * 1024)) : 8);
              const head = `POST /mapi/emsmdb/?MailboxId=crash@mapiscope.test HTTP/1.1\r\nHost: mail\r\nX-RequestType: ${kind}\r\nX-Soak-Id: ${id}\r\n`;
              try {
                const r = await c.request(head, body, 10_000);
                client.set(id, { req: sha(body), res: sha(r.body), at: Date.now() });
              } catch {
                return; // the proxy died under us
              }
            }
          } finally {
            c.close();
          }
        });
        // A random point: after 20–400 ms of traffic (past the first few exchanges).
        const waitMs = 20 + Math.floor((rand() / 2 ** 32) * 380);
        await until(() => /^#\d+ /m.test(cli.io.stderr), 20_000, 'first exchange');
        await sleep(waitMs);
        const killAt = Date.now();
        cli.child.kill('SIGKILL');
        const r = await cli.exited;
        stop = true;
        await Promise.all(loops);
        expect(r.signal).toBe('SIGKILL');
        stats.kills++;
        stats.points.push(waitMs);
        for (const m of cli.io.stderr.matchAll(/^#(\d+) /gm)) reported.add(Number(m[1]));

        // Reopen: readable, consistent, torn tail reported by both readers.
        const cap = await openCapture(out);
        let streamedTorn: number | undefined;
        const inFile = new Map<string, { req: string; res: string; id: number }>();
        for await (const ex of readCapture(out, { onTornTail: (t) => (streamedTorn = t.offset) })) {
          inFile.set(headerValue(ex.request.headers, 'X-Soak-Id') ?? `?${ex.id}`, {
            req: sha(ex.request.body),
            res: sha(ex.response?.body ?? new Uint8Array()),
            id: ex.id,
          });
        }
        expect(cap.count).toBe(inFile.size);
        expect(cap.ids).toEqual(Array.from({ length: cap.count }, (_, i) => i + 1));
        if (cap.tornTail) {
          stats.torn++;
          expect(cap.tornTail.bytes).toBeGreaterThan(0);
          expect(streamedTorn).toBe(cap.tornTail.offset);
        } else expect(streamedTorn).toBeUndefined();
        for (const id of reported) expect(cap.ids, `exchange #${id} was reported as written`).toContain(id);
        // Spot-check random access too.
        if (cap.count) expect((await cap.get(cap.ids[cap.count - 1]!)).id).toBe(cap.ids[cap.count - 1]);
        await cap.close();
        for (const [id, c] of client) {
          const f = inFile.get(id);
          if (f) {
            expect(f.req, `${id} request bytes`).toBe(c.req);
            expect(f.res, `${id} response bytes`).toBe(c.res);
          } else {
            // The proxy holds the end of every response until its exchange is written, so an
            // exchange the client saw complete is always in the file.
            stats.lostInWindow++;
            expect.fail(`${id} completed ${killAt - c.at} ms before the kill and is not in the file`);
          }
        }
        stats.present = inFile.size;
      }
      // A tear made on purpose (a kill -9 in the middle of a record's write leaves exactly this):
      // both readers report it, the restarted CLI moves it aside and appends after the last
      // complete record.
      const before = await openCapture(out);
      const keep = before.tornTail ? before.tornTail.offset : (await stat(out)).size;
      await before.close();
      await truncate(out, keep - 7);
      const torn = await openCapture(out);
      expect(torn.tornTail).toMatchObject({ offset: expect.any(Number), bytes: expect.any(Number) });
      expect(torn.count).toBe(Math.max(0, before.count - 1));
      const tornAt = torn.tornTail!.offset;
      await torn.close();
      const cli = await startCliCapture(`http://127.0.0.1:${up.port}`, out, path.join(root, 'data'));
      kids.push(cli);
      await until(() => /Ctrl-C stops/.test(cli.io.stderr), 10_000, 'the CLI banner');
      expect(cli.io.stderr).toContain(`moved to ${out}.torn-${tornAt}`);
      const c = await LeanClient.connect(cli.port);
      await c.request(
        'POST /mapi/emsmdb/ HTTP/1.1\r\nHost: mail\r\nX-RequestType: Execute\r\nX-Soak-Id: after\r\n',
        slice(1, 100),
        10_000,
      );
      c.close();
      await until(() => /^#\d+ /m.test(cli.io.stderr), 10_000, 'the exchange after the restart');
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
      const after = await openCapture(out);
      expect(after.tornTail).toBeUndefined();
      expect(after.count).toBe(Math.max(0, before.count - 1) + 1);
      expect(headerValue((await after.get(after.ids[after.count - 1]!)).request.headers, 'X-Soak-Id')).toBe('after');
      await after.close();
      await up.close();
      const aside = (await readdir(root)).filter((f) => f.startsWith('crash.mscap.torn-'));
      expect(aside.length).toBeGreaterThanOrEqual(1);
      console.log(
        `[reliability crash] ${stats.kills} kill -9 at ${stats.points.join(', ')} ms into the traffic: ${stats.present} exchanges in the file at the end, all byte-identical; ` +
          `${reported.size} reported as written, all present; ${stats.torn} torn tail(s) from the kills (${stats.tornNoted} noted by the restarted CLI), plus one made on purpose: reported, moved aside, appended after; ` +
          `${stats.lostInWindow} exchange(s) the client saw complete were missing from the file`,
      );
    },
    (KILLS * 30 + 60) * 1000,
  );
});
