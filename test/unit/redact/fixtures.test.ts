/**
 * Name redaction on every fixture capture and body: the names the decoder
 * finds, then HAR, SAZ and JSON exports searched byte for byte for every
 * original value in every encoding it could take there; the redacted bodies
 * decode with the same structure and no new error node.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { readHar } from '../../../shared/capture/har/reader.js';
import { readSaz } from '../../../shared/capture/saz/reader.js';
import { decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { DecodedNameCollector } from '../../../shared/redact/identities.js';
import { SessionModel } from '../../../shared/session/model.js';
import { exportExchanges } from '../../../electron/backend/store/export.js';
import { SOURCES } from './sources.js';
import { leaks } from './leaks.js';

const CAP_DN =
  '/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000001000000-alice';
const ALICE_GUID = '616c6963-6540-6c61-622e-746501000000'; // "alice@lab.te" 01 00 00 00
const SG_DN = '/O=I638513D0/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)';
const T1_GUID = '74314067-726F-6D6D-2E66-726901000000'; // "t1@gromm.fri" 01 00 00 00

/** What the decoder must find in each source (the exact list). */
const EXPECTED: Record<string, string[]> = {
  'gromox-ruler/cap1': [
    CAP_DN,
    '0100000001000000-alice',
    ALICE_GUID,
    'Alice Tester',
    'alice',
    'alice@lab.test',
    'lab.test',
  ],
  'gromox-ruler/cap2': [CAP_DN, '0100000001000000-alice', ALICE_GUID, 'Alice Tester', 'alice', 'lab.test'],
  syncgw: [
    `${SG_DN}/CN=CONFIGURATION/CN=SERVERS/CN=${T1_GUID}@GROMM.FRITZ.BOX`,
    `${SG_DN}/CN=CONFIGURATION/CN=SERVERS/CN=${T1_GUID}@GROMM.FRITZ.BOX/cn=Microsoft Private MDB`,
    `${SG_DN}/CN=RECIPIENTS/CN=0100000001000000-T1`,
    '0100000001000000-T1',
    T1_GUID,
    'GROMM.FRITZ.BOX',
    'example.test',
    't1@gromm.fritz.box',
  ],
  openchange: [
    '/o=First Organization/ou=First Administrative Group/cn=Recipients/cn=jkerihuel',
    'Jkerihuel',
    'Julien Kerihuel',
    'example.test',
    'jkerihuel',
    'jkerihuel@openchange2003.local',
  ],
  'exchange-se': ['lab.local'],
  'gromox-ruler autodiscover': [
    `/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=${ALICE_GUID}@lab.test`,
    `/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=${ALICE_GUID}@lab.test/cn=Microsoft Private MDB`,
    CAP_DN,
    '0100000001000000-alice',
    ALICE_GUID,
    'Alice Tester',
    'alice',
    'alice@lab.test',
    'lab.test',
    'public.folder.root',
    'public.folder.root@lab.test',
  ],
  'saz (Fiddler)': [],
};

async function exported(exs: readonly Exchange[], format: 'har' | 'saz' | 'json') {
  const chunks: Uint8Array[] = [];
  const sink = {
    bytes: 0,
    async write(p: string | Uint8Array) {
      chunks.push(typeof p === 'string' ? new TextEncoder().encode(p) : p.slice());
    },
  };
  const r = await exportExchanges(
    async function* () {
      yield* exs;
    },
    sink,
    { format, redact: true, discoverNames: true },
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return { out, r };
}

/** Every byte an exchange carries: URL, headers, bodies. */
function exchangeBytes(ex: Exchange): Uint8Array {
  const head = [ex.request.url, ...ex.request.headers.map((h) => `${h.name}: ${h.value}`)];
  if (ex.response) head.push(...ex.response.headers.map((h) => `${h.name}: ${h.value}`));
  const parts = [new TextEncoder().encode(head.join('\n')), ex.request.body, ex.response?.body ?? new Uint8Array(0)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Per exchange, what the session model's pass sees: request type, ROPs, decode errors. */
function structure(exs: readonly Exchange[]) {
  const m = new SessionModel();
  return exs.map((ex) => {
    const f = m.add(ex).facts;
    const d = m.decode(ex);
    const names: string[] = [];
    const walk = (n: { name: string; children?: unknown[] }) => {
      names.push(n.name);
      for (const c of (n.children ?? []) as { name: string }[]) walk(c);
    };
    if (d.request) walk(d.request.tree);
    if (d.response) walk(d.response.tree);
    return { id: ex.id, type: f.requestType, rops: f.ropNames, errors: f.decodeErrors, nodes: names.join(',') };
  });
}

describe('name redaction over every fixture', () => {
  for (const [source, get] of Object.entries(SOURCES)) {
    describe(source, () => {
      const exs = get();
      const c = new DecodedNameCollector();
      for (const ex of exs) c.add(ex);
      const names = c.names();

      it('the decoder finds its names, addresses, DNs and address-spelling MailboxIds', () => {
        expect(names).toEqual([...EXPECTED[source]!].sort());
      });

      it('HAR: no original value in the file, nor in the bodies read back', async () => {
        const { out, r } = await exported(exs, 'har');
        expect(r.discoveredNames).toBe(names.length);
        expect(leaks(out, names)).toEqual([]);
        const back = readHar(out).exchanges;
        expect(back.length).toBe(exs.length);
        for (const ex of back) expect([ex.id, leaks(exchangeBytes(ex), names)]).toEqual([ex.id, []]);
        // Inside compressed or obfuscated payloads too: every buffer the decoder exposes.
        for (const ex of back) {
          const d = decodeExchange(ex);
          for (const b of [d.request, d.response])
            for (const [id, bytes] of Object.entries(b?.buffers ?? {}))
              expect([ex.id, id, leaks(bytes, names)]).toEqual([ex.id, id, []]);
        }
        if (names.length) expect(r.redaction!.counts.name).toBeGreaterThan(0);
      });

      it('SAZ: no original value in any session read back', async () => {
        const { out } = await exported(exs, 'saz');
        const back = readSaz(out).exchanges;
        expect(back.length).toBe(exs.length);
        for (const ex of back) expect([ex.id, leaks(exchangeBytes(ex), names)]).toEqual([ex.id, []]);
      });

      it('JSON trees: no original value, in text or hex', async () => {
        const { out } = await exported(exs, 'json');
        expect(leaks(out, names)).toEqual([]);
      });

      it('the redacted exchanges decode with the same structure and no new error node', async () => {
        const { out } = await exported(exs, 'har');
        const back = readHar(out).exchanges;
        const before = structure(exs);
        const after = structure(back);
        expect(after.map((x) => [x.id, x.type, x.rops, x.errors])).toEqual(
          before.map((x) => [x.id, x.type, x.rops, x.errors]),
        );
        expect(after.map((x) => x.nodes)).toEqual(before.map((x) => x.nodes));
      });
    });
  }
});
