/**
 * Reader for the protocol examples transcribed from the open specifications
 * (test/fixtures/spec-examples/<spec>/<section>-<what>.hex). No vitest import,
 * so the coverage script can use it too.
 *
 * File format: `# key: value` header lines (spec, section, title, url, kind,
 * status, note), then the bytes exactly as the spec prints them — `0010: 65 00
 * 72 00-31 00 …` lines, the offset column and the 8-byte dash included. The
 * reader checks every printed offset against the bytes before it, so a skipped
 * or doubled byte in a transcription fails loudly. A spec dump that ends in
 * "..." (the spec cut it off) is read as far as it goes and marked truncated.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SPEC_EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/spec-examples');

/** What the bytes are, which decides how a test and the coverage table read them. */
export type SpecExampleKind =
  | 'rop-request' // one ROP request as printed (RopId first), no RopSize or handle table
  | 'rop-response' // one ROP response as printed
  | 'rop-requests' // several ROP requests printed back to back
  | 'rop-input-buffer' // a whole ROP input buffer: RopSize · RopsList · handle table
  | 'rop-output-buffer'
  | 'handle-table' // a Server object handle table printed on its own
  | 'property-value' // a TaggedPropertyValue or other [MS-OXCDATA] structure
  | 'fasttransfer-stream'
  | 'nspi-request'
  | 'nspi-response'
  | 'mapihttp-request'
  | 'mapihttp-response'
  | 'lz77-compressed'
  | 'lz77-plain'
  | 'other';

export interface SpecExample {
  /** Path below test/fixtures/spec-examples, e.g. "ms-oxcfold/4.1.1-RopCreateFolder-request.hex". */
  file: string;
  spec: string;
  section: string;
  title: string;
  url: string;
  kind: SpecExampleKind;
  /** "complete" (default), "truncated" (the spec ends the dump with "..."), "inconsistent" (see note). */
  status: 'complete' | 'truncated' | 'inconsistent';
  note?: string | undefined;
  /** `# plain:` — the uncompressed text a compression example states. */
  plain?: string | undefined;
  bytes: Uint8Array;
  /** Printed offset → byte count check passed for every line. */
  lines: number;
}

const KINDS = new Set<string>([
  'rop-request',
  'rop-response',
  'rop-requests',
  'rop-input-buffer',
  'rop-output-buffer',
  'handle-table',
  'property-value',
  'fasttransfer-stream',
  'nspi-request',
  'nspi-response',
  'mapihttp-request',
  'mapihttp-response',
  'lz77-compressed',
  'lz77-plain',
  'other',
]);

/** Parses one example file's text; throws with the line number on any malformed or misnumbered line. */
export function parseSpecExample(file: string, text: string): SpecExample {
  const meta: Record<string, string> = {};
  const bytes: number[] = [];
  let truncated = false;
  let lines = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    if (line.startsWith('#')) {
      const m = /^#\s*([a-z]+):\s*(.*)$/.exec(line);
      if (m) meta[m[1]!] = meta[m[1]!] ? `${meta[m[1]!]} ${m[2]!}` : m[2]!;
      return;
    }
    if (truncated) throw new Error(`${where}: bytes after "..."`);
    const m = /^([0-9a-fA-F]{4,8}):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${where}: not an offset-prefixed dump line: ${line}`);
    const offset = parseInt(m[1]!, 16);
    if (offset !== bytes.length)
      throw new Error(`${where}: printed offset 0x${m[1]} but ${bytes.length} bytes precede it`);
    let rest = m[2]!;
    if (/\.\.\.$/.test(rest)) {
      truncated = true;
      rest = rest.replace(/\.\.\.$/, '');
    }
    for (const tok of rest.split(/[\s-]+/).filter(Boolean)) {
      if (!/^[0-9a-fA-F]{2}$/.test(tok)) throw new Error(`${where}: not a byte: ${tok}`);
      bytes.push(parseInt(tok, 16));
    }
    lines++;
  });
  for (const k of ['spec', 'section', 'title', 'url', 'kind'])
    if (!meta[k]) throw new Error(`${file}: missing "# ${k}:" header`);
  if (!KINDS.has(meta.kind!)) throw new Error(`${file}: unknown kind ${meta.kind}`);
  const status = (meta.status ?? 'complete') as SpecExample['status'];
  if (!['complete', 'truncated', 'inconsistent'].includes(status)) throw new Error(`${file}: unknown status ${status}`);
  if (truncated !== (status === 'truncated'))
    throw new Error(`${file}: status ${status} but the dump ${truncated ? 'ends' : 'does not end'} in "..."`);
  if (bytes.length === 0) throw new Error(`${file}: no bytes`);
  return {
    file,
    spec: meta.spec!,
    section: meta.section!,
    title: meta.title!,
    url: meta.url!,
    kind: meta.kind as SpecExampleKind,
    status,
    note: meta.note,
    plain: meta.plain,
    bytes: new Uint8Array(bytes),
    lines,
  };
}

/** Every example file, sorted by path. */
export function allSpecExamples(): SpecExample[] {
  const out: SpecExample[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.hex'))
        out.push(parseSpecExample(relative(SPEC_EXAMPLES_DIR, p).split('\\').join('/'), readFileSync(p, 'utf8')));
    }
  };
  walk(SPEC_EXAMPLES_DIR);
  return out;
}

/** One example by its path below test/fixtures/spec-examples. */
export function specExample(file: string): SpecExample {
  return parseSpecExample(file, readFileSync(join(SPEC_EXAMPLES_DIR, file), 'utf8'));
}

/** RopSize · ROPs · handle table around printed ROP bytes (the specs print single ROPs without them). */
export function asRopBuffer(rops: Uint8Array | readonly Uint8Array[], handles: readonly number[]): Uint8Array {
  const parts = rops instanceof Uint8Array ? [rops] : rops;
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(2 + len + 4 * handles.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 2 + len, true);
  let at = 2;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  handles.forEach((h, i) => v.setUint32(at + 4 * i, h, true));
  return out;
}
