/**
 * HAR and SAZ reader fuzzing, structure-aware (test/unit/capture/robustness.test.ts does
 * plain truncations and byte flips; this goes into the structures):
 *  - HAR: our export of real exchanges (gromox cap1) parsed as JSON, one or more values
 *    replaced by a value of the wrong type, removed, duplicated or made extreme (negative
 *    sizes, huge numbers, bad base64, bad dates, deep nesting), then serialised and read —
 *    plus the text cut at random places and split across push() calls like a stream;
 *  - SAZ: our export unzipped, members' HTTP messages and session XML mutated (heads, chunk
 *    framing, Content-Length, attributes), members dropped or renamed, re-zipped, read.
 * Asserted: the reader returns or throws CaptureFileError whose message starts with the file
 * name; nothing else escapes; no single read over 50 ms (best of 3); heap bounded.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureFileError } from '../../shared/capture/errors.js';
import { HarReader, readHar, writeHar } from '../../shared/capture/har/index.js';
import { ZipWriter, openZip, readSaz, writeSaz } from '../../shared/capture/saz/index.js';
import { gromoxCapture } from '../unit/capture/gromox.js';
import { LONG, MB, type Rand, Stopwatch, heapAfterGc, mutateBytes, report, rng } from './fuzz-lib.js';

const CEILING_MS = 50;
const SECONDS = LONG ? { har: 90, saz: 90 } : { har: 1.5, saz: 1.5 };
const TARGET = LONG ? { har: 60_000, saz: 60_000 } : { har: Infinity, saz: Infinity };

function pickCapture(): Exchange[] {
  const all = gromoxCapture();
  // Small bodies keep each case fast: Connect, a few Executes, Disconnect.
  return [all[0]!, all[1]!, all[2]!, all[all.length - 1]!];
}

async function harText(cap: Exchange[]): Promise<string> {
  let t = '';
  for await (const p of writeHar(cap)) t += p;
  return t;
}
async function sazBytes(cap: Exchange[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of writeSaz(cap)) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** Every [parent, key] in a JSON tree, so one can be picked at random. */
function slots(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 30 || !v || typeof v !== 'object') return;
    if (Array.isArray(v))
      v.forEach((e, i) => {
        out.push([v, i]);
        walk(e, depth + 1);
      });
    else
      for (const k of Object.keys(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk((v as Record<string, unknown>)[k], depth + 1);
      }
  };
  walk(root, 0);
  return out;
}

function wrongValue(old: unknown, next: Rand): unknown {
  const deep = (n: number): unknown => (n ? [deep(n - 1)] : 0);
  const options: (() => unknown)[] = [
    () => null,
    () => true,
    () => -1,
    () => 1e308,
    () => 2 ** 53 + 1,
    () => Number.MAX_SAFE_INTEGER,
    () => 'x',
    () => '',
    () => '!!!not base64!!!',
    () => '2026-13-45T99:99:99Z',
    () => [],
    () => ({}),
    () => [old, old],
    () => ({ nested: old }),
    () => deep(200 + (next() % 2000)),
    () => 'A'.repeat(next() % 5000),
    () => (typeof old === 'string' ? old.slice(0, next() % (old.length + 1)) : String(old)),
    () => (typeof old === 'number' ? -old : 0),
  ];
  return options[next() % options.length]!();
}

function mutateJson(root: unknown, next: Rand): void {
  const all = slots(root);
  for (let k = 0, n = 1 + (next() % 3); k < n && all.length; k++) {
    const [parent, key] = all[next() % all.length]!;
    const op = next() % 4;
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (op === 1 && Array.isArray(parent)) {
      parent.splice(key as number, 0, parent[key as number]);
    } else {
      const old = (parent as Record<string | number, unknown>)[key];
      (parent as Record<string | number, unknown>)[key] = wrongValue(old, next);
    }
  }
}

function expectReaderOutcome(what: string, file: string, f: () => unknown): 'ok' | 'error' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw new Error(`${what}: ${e instanceof Error ? e.stack : String(e)}`);
    if (!e.message.startsWith(`${file}: `)) throw new Error(`${what}: message does not name the file: ${e.message}`);
    return 'error';
  }
}

describe('HAR reader fuzz (JSON-aware)', () => {
  it('mutated values, wrong types, cut text, streamed in random pieces: a result or a CaptureFileError naming the file', async () => {
    const text = await harText(pickCapture());
    const base = JSON.parse(text) as unknown;
    const next = rng(0xa11ce);
    const sw = new Stopwatch(CEILING_MS);
    const tally = { ok: 0, error: 0 };
    heapAfterGc();
    const heap0 = heapAfterGc();
    const until = performance.now() + SECONDS.har * 1000;
    let i = 0;
    for (; performance.now() < until && i < TARGET.har; i++) {
      let t: string;
      const mode = i % 4;
      if (mode === 3) {
        // Cut text: inside strings, numbers, between tokens.
        t = text.slice(0, next() % text.length);
      } else {
        const v = structuredClone(base);
        mutateJson(v, next);
        t = JSON.stringify(v);
      }
      const file = `case-${i}.har`;
      const streamed = i % 5 === 0;
      const r = sw.run(
        () => `${file} (${streamed ? 'streamed' : 'whole'})`,
        () =>
          expectReaderOutcome(file, file, () => {
            if (!streamed) return readHar(t, file);
            // The streaming reader, fed in random pieces like createReadStream chunks.
            const reader = new HarReader(file, false);
            for (let at = 0; at < t.length;) {
              const n = 1 + (next() % 4096);
              for (const _ex of reader.push(t.slice(at, at + n))) void _ex;
              at += n;
            }
            reader.finish();
          }),
      );
      tally[r]++;
    }
    const grown = heapAfterGc() - heap0;
    expect(grown).toBeLessThan(48 * MB);
    expect(tally.error).toBeGreaterThan(0);
    expect(tally.ok).toBeGreaterThan(0);
    report('HAR reader', sw, `${tally.ok} read, ${tally.error} CaptureFileError, heap +${(grown / MB).toFixed(1)} MB`);
  }, 600_000);
});

describe('SAZ reader fuzz (zip- and message-aware)', () => {
  it('mutated members (heads, framing, XML), dropped and renamed members, damaged zips: a result or a CaptureFileError naming the file', async () => {
    const zip = await sazBytes(pickCapture());
    const members = openZip(zip, 'base.saz');
    const files = members.entries.map((e) => ({ name: e.name, data: members.read(e) }));
    const next = rng(0xb0b);
    const sw = new Stopwatch(CEILING_MS);
    const tally = { ok: 0, error: 0 };
    heapAfterGc();
    const heap0 = heapAfterGc();
    const enc = new TextEncoder();
    const dec = new TextDecoder('latin1');
    const textMut = (s: string): string => {
      const k = next() % 8;
      const at = next() % (s.length + 1);
      switch (k) {
        case 0:
          return s.replace(/Content-Length: \d+/i, `Content-Length: ${[0, 1, 99999999, -5][next() % 4]}`);
        case 1:
          return s.replace(/\r\n\r\n/, '\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
        case 2:
          return s.replace(/\r\n/g, next() % 2 ? '\n' : '\r');
        case 3:
          return s.replace(/HTTP\/1\.1/, ['HTTP/9', 'XYZ', '', 'HTTP/1.1 HTTP/1.1'][next() % 4]!);
        case 4:
          return s.replace(/V="[^"]*"/, `V="${['', '{', '9999-99-99', 'x'.repeat(3000)][next() % 4]}"`);
        case 5:
          return s.slice(0, at);
        case 6:
          return s.slice(0, at) + '\u0000\u00ff<>&"' + s.slice(at);
        default:
          return s
            .replace(/<Session /, '<Session SID="x" ')
            .replace(/<\/Session>/, next() % 2 ? '' : '</Session></Session>');
      }
    };
    const until = performance.now() + SECONDS.saz * 1000;
    let i = 0;
    for (; performance.now() < until && i < TARGET.saz; i++) {
      let out: Uint8Array;
      if (i % 5 === 4) out = mutateBytes(zip, next);
      else {
        const w = new ZipWriter();
        const parts: Uint8Array[] = [];
        const victim = next() % files.length;
        const op = next() % 5;
        for (let k = 0; k < files.length; k++) {
          const f = files[k]!;
          let name = f.name;
          let data = f.data;
          if (k === victim) {
            if (op === 0) continue; // member missing
            if (op === 1) name = name.replace(/_[csm]\./, '_x.').replace('raw/', next() % 2 ? '' : 'raw/raw/');
            else if (op === 2) data = mutateBytes(data, next);
            else data = enc.encode(textMut(dec.decode(data)));
          }
          parts.push(...w.add(name, data));
        }
        parts.push(...w.finish());
        out = new Uint8Array(Buffer.concat(parts));
      }
      const file = `case-${i}.saz`;
      tally[
        sw.run(
          () => file,
          () => expectReaderOutcome(file, file, () => readSaz(out, file)),
        )
      ]++;
    }
    const grown = heapAfterGc() - heap0;
    expect(grown).toBeLessThan(48 * MB);
    expect(tally.error).toBeGreaterThan(0);
    expect(tally.ok).toBeGreaterThan(0);
    report('SAZ reader', sw, `${tally.ok} read, ${tally.error} CaptureFileError, heap +${(grown / MB).toFixed(1)} MB`);
  }, 600_000);
});
