/**
 * The RopId coverage table: every registered ROP with its family, section and
 * what exercises it, by kind of evidence:
 *  - real bytes: the ROP occurs in a captured Execute body under test/fixtures
 *    (found by decoding every such body, request and response);
 *  - spec example: the ROP occurs in a complete protocol example transcribed
 *    from the open specifications (test/fixtures/spec-examples);
 *  - hand-built: test files here that name the ROP, its definition, or have a
 *    wire sample of its RopId (registry.test.ts, which names every ROP, and
 *    fixtures.test.ts, which is the real-bytes test, are not counted).
 * `npx tsx test/unit/protocol/rops/coverage-table.ts` regenerates
 * shared/protocol/rops/COVERAGE.md; coverage.test.ts fails (and regenerates
 * the file) when it is stale.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StructValue } from '../../../../shared/codec/index.js';
import { decodeBody } from '../../../../shared/protocol/decode-exchange.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  ropSummary,
} from '../../../../shared/protocol/rops/buffer.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { type SpecExample, allSpecExamples } from '../spec-examples/spec-example.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROPS = join(HERE, '../../../../shared/protocol/rops');
const FIXTURES = join(HERE, '../../../fixtures');
export const COVERAGE_MD = join(ROPS, 'COVERAGE.md');

type Side = 'request' | 'response';

export interface CoverageRow {
  id: number;
  name: string;
  specRef: string;
  family: string;
  request: boolean;
  response: boolean;
  /** Sides seen in captured bodies. */
  real: Side[];
  /** "MS-OXCFOLD 4.1.1 (request)", one per complete spec example holding the ROP. */
  spec: string[];
  /** Hand-built test files. */
  tests: string[];
}

const hex2 = (id: number) => '0x' + id.toString(16).padStart(2, '0').toUpperCase();

/** Captured Execute bodies (request, response) under test/fixtures. */
function realExecutePairs(): { request: string; response: string }[] {
  const pairs: { request: string; response: string }[] = [];
  const sg = join(FIXTURES, 'syncgw');
  for (const f of readdirSync(sg).sort()) {
    const m = /^execute_req(\d+)\.bin$/.exec(f);
    if (m && existsSync(join(sg, `execute_resp${m[1]}.bin`)))
      pairs.push({ request: join(sg, f), response: join(sg, `execute_resp${m[1]}.bin`) });
  }
  const gr = join(FIXTURES, 'gromox-ruler');
  for (const cap of readdirSync(gr)
    .filter((d) => /^cap\d+$/.test(d))
    .sort())
    for (const f of readdirSync(join(gr, cap)).sort()) {
      const m = /^(\d+-mapi-emsmdb-Execute)\.request\.bin$/.exec(f);
      if (m && existsSync(join(gr, cap, `${m[1]}.response.bin`)))
        pairs.push({ request: join(gr, cap, f), response: join(gr, cap, `${m[1]}.response.bin`) });
    }
  return pairs;
}

/** RopId → sides seen in real captured bytes. */
export function realRopSides(): Map<number, Set<Side>> {
  const byName = new Map([...ropsById.values()].map((d) => [d.name, d.id]));
  const seen = new Map<number, Set<Side>>();
  const add = (name: string, side: Side) => {
    const id = byName.get(name);
    if (id === undefined) return;
    if (!seen.has(id)) seen.set(id, new Set());
    seen.get(id)!.add(side);
  };
  const read = (p: string) => new Uint8Array(readFileSync(p));
  for (const p of realExecutePairs()) {
    const q = decodeBody('Execute', 'request', read(p.request));
    const r = decodeBody('Execute', 'response', read(p.response), { execRequest: q.value });
    for (const x of q.rops) add(x.name, 'request');
    for (const x of r.rops) add(x.name, 'response');
  }
  // A real Outlook 2007 ROP input buffer (an LZ77 payload decompressed by a third-party decoder).
  const oc = join(FIXTURES, 'openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin');
  if (existsSync(oc)) for (const x of ropSummary(decodeRopRequestBuffer(read(oc)).value)) add(x.name, 'request');
  return seen;
}

/** RopId → "MS-XXX 4.y.z (side)" for every complete (or inconsistent-label) spec example holding it. */
export function specRopExamples(examples: SpecExample[] = allSpecExamples()): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (id: number, ex: SpecExample, side: Side, failure = false) => {
    const ref = `${ex.spec} ${ex.section} (${side}${failure ? ', failure' : ''})`;
    const list = out.get(id) ?? [];
    if (!list.includes(ref)) list.push(ref);
    out.set(id, list);
  };
  for (const ex of examples) {
    if (ex.status === 'truncated') continue;
    if (ex.kind === 'rop-request' || ex.kind === 'rop-response') {
      const def = ropsById.get(ex.bytes[0]!);
      // A response's ReturnValue follows RopId and the handle index ([MS-OXCROPS] 2.2.1).
      const failed =
        ex.kind === 'rop-response' && new DataView(ex.bytes.buffer, ex.bytes.byteOffset).getUint32(2, true) !== 0;
      if (def) add(def.id, ex, ex.kind === 'rop-request' ? 'request' : 'response', failed);
    } else if (ex.kind === 'rop-input-buffer' || ex.kind === 'rop-output-buffer') {
      const side: Side = ex.kind === 'rop-input-buffer' ? 'request' : 'response';
      const v = (side === 'request' ? decodeRopRequestBuffer : decodeRopResponseBuffer)(ex.bytes).value;
      for (const r of (v?.RopsList as StructValue[] | undefined) ?? []) {
        const def = ropsById.get(r.RopId as number);
        if (def) add(def.id, ex, side);
      }
    }
  }
  return out;
}

export function coverageRows(): CoverageRow[] {
  const sources = readdirSync(ROPS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(ROPS, f), 'utf8') }));
  const tests = readdirSync(HERE)
    // registry.test.ts names every ROP by design (presence, not behaviour); fixtures.test.ts is the real-bytes test.
    .filter(
      (f) =>
        (f.endsWith('.test.ts') || /^samples\d*\.ts$/.test(f)) &&
        !['registry.test.ts', 'coverage.test.ts', 'fixtures.test.ts'].includes(f),
    )
    .map((f) => ({ file: f, text: readFileSync(join(HERE, f), 'utf8') }));
  const real = realRopSides();
  const spec = specRopExamples();
  const rows: CoverageRow[] = [];
  for (const d of [...ropsById.values()].sort((a, b) => a.id - b.id)) {
    const base = d.name.replace(/^Rop/, '');
    const exportName = `rop${base}`;
    const family = sources.find((s) => new RegExp(`export const ${exportName}\\b`).test(s.text))?.file ?? '?';
    const idPattern = new RegExp(`\\bid: 0x${d.id.toString(16).padStart(2, '0')}\\b`, 'i');
    const hits = tests
      .filter(
        (t) =>
          t.text.includes(d.name) ||
          new RegExp(`\\b${exportName}\\b`).test(t.text) ||
          t.text.includes(`'${base}'`) ||
          idPattern.test(t.text),
      )
      .map((t) => t.file);
    rows.push({
      id: d.id,
      name: d.name,
      specRef: d.specRef,
      family,
      request: d.request !== undefined,
      response: d.response !== undefined,
      real: (['request', 'response'] as Side[]).filter((s) => real.get(d.id)?.has(s)),
      spec: spec.get(d.id) ?? [],
      tests: hits,
    });
  }
  return rows;
}

function evidence(r: CoverageRow): string {
  const kinds = [
    r.real.length ? 'real bytes' : '',
    r.spec.length ? 'spec example' : '',
    r.tests.length ? 'hand-built' : '',
  ];
  return kinds.filter(Boolean).join(' / ') || '**none**';
}

export function coverageMarkdown(rows: CoverageRow[]): string {
  const n = (f: (r: CoverageRow) => boolean) => rows.filter(f).length;
  const lines = [
    '# ROP coverage',
    '',
    'Generated by `npx tsx test/unit/protocol/rops/coverage-table.ts` from the registry, the captured Execute',
    'bodies under `test/fixtures/` (decoded: the ROPs their requests and responses hold), the complete protocol',
    'examples transcribed from the specifications (`test/fixtures/spec-examples/`), and the hand-built tests in',
    '`test/unit/protocol/rops/` (a test file counts when it names the ROP, its definition, or has a wire sample of',
    'its RopId; registry.test.ts, which names every ROP, and fixtures.test.ts, the real-bytes test, are not',
    'counted). `coverage.test.ts` fails, and rewrites this file, when it is stale. Do not edit by hand.',
    '',
    `${rows.length} RopIds: ${n((r) => r.real.length > 0)} with real bytes, ${n((r) => r.spec.length > 0)} with a spec example` +
      ` (${n((r) => r.spec.length > 0 && r.real.length === 0)} of them without real bytes), ` +
      `${n((r) => r.real.length === 0 && r.spec.length === 0 && r.tests.length > 0)} with hand-built bytes only, ` +
      `${n((r) => r.real.length === 0 && r.spec.length === 0 && r.tests.length === 0)} with none.`,
    '',
    '| RopId | ROP | Section | Family | Request | Response | Evidence | Real bytes | Spec example | Hand-built tests |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${hex2(r.id)} | ${r.name} | ${r.specRef} | ${r.family} | ${r.request ? 'yes' : '—'} | ${r.response ? 'yes' : '—'} | ` +
        `${evidence(r)} | ${r.real.join(', ') || '—'} | ${r.spec.join(', ') || '—'} | ${r.tests.join(', ') || '—'} |`,
    );
  return lines.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(COVERAGE_MD, coverageMarkdown(coverageRows()));
  process.stderr.write(`wrote ${COVERAGE_MD}\n`);
}
