/**
 * Every fixture capture and body of test/fixtures as exchanges, for the
 * redaction tests: the two ruler ⇄ gromox captures as recorded; the syncgw
 * bodies paired request/response by number into exchanges with the headers a
 * client sends; the openchange EcDoRpcExt2 input stub's compressed ROP buffer
 * (its RPC_HEADER_EXT at offset 28) inside an Execute request; the Exchange SE
 * header sets; the gromox Autodiscover response; the Fiddler SAZ.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import { readSaz } from '../../../shared/capture/saz/reader.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { canonicalRequestType } from '../../../shared/protocol/decode-exchange.js';
import { FIXTURES } from '../protocol/transport-helpers.js';

const read = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));
const T0 = Date.UTC(2026, 10, 22, 11, 0, 0);
const NSPI_TYPES = new Set(['Bind', 'Unbind', 'GetSpecialTable', 'GetMatches', 'QueryRows', 'DNToMId', 'GetProps']);

/** A POST with `type`, its bodies and the usual MAPI/HTTP headers. */
export function mapiExchange(id: number, type: string, req: Uint8Array, resp: Uint8Array, url?: string): Exchange {
  const nspi = NSPI_TYPES.has(type);
  const headers: RawHeader[] = [
    { name: 'Host', value: 'mail.example.test' },
    { name: 'Content-Type', value: 'application/mapi-http' },
    { name: 'X-RequestType', value: type },
    { name: 'X-ClientInfo', value: '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}:1' },
  ];
  const t = T0 + id * 100;
  return {
    id,
    connectionId: id,
    client: { address: '127.0.0.1', port: 50000 + id },
    server: { address: '127.0.0.1', port: 80 },
    timings: { requestStart: t, requestEnd: t + 1, responseHeaders: t + 2, responseEnd: t + 3 },
    request: {
      method: 'POST',
      url: url ?? `/mapi/${nspi ? 'nspi' : 'emsmdb'}/?MailboxId=00000000-0000-0000-0000-000000000001@example.test`,
      httpVersion: '1.1',
      headers,
      body: req,
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [
        { name: 'Content-Type', value: 'application/mapi-http' },
        { name: 'X-RequestType', value: type },
        { name: 'X-ResponseCode', value: '0' },
      ],
      body: resp,
      chunks: [{ time: t + 3, offset: 0, length: resp.length }],
    },
  };
}

export function syncgw(): Exchange[] {
  const files = readdirSync(join(FIXTURES, 'syncgw'));
  const pairs = files
    .map((f) => /^([a-z]+)_req(\d+)\.bin$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ type: canonicalRequestType(m[1]!)!, n: Number(m[2]), name: m[1]! }))
    .sort((a, b) => a.n - b.n);
  return pairs.map((p, i) =>
    mapiExchange(i + 1, p.type, read(`syncgw/${p.name}_req${p.n}.bin`), read(`syncgw/${p.name}_resp${p.n}.bin`)),
  );
}

/** The Outlook 2007 ModifyRecipients ROP buffer, LZ77-compressed as captured, in an Execute request. */
export function openchange(): Exchange[] {
  const dat = read('openchange/001_Outlook_2007_in_ModifyRecipients_comp.dat');
  const size = dat[28 + 4]! | (dat[28 + 5]! << 8); // RPC_HEADER_EXT.Size
  const chain = dat.subarray(28, 28 + 8 + size);
  const body = new Uint8Array(8 + chain.length + 8);
  const v = new DataView(body.buffer);
  v.setUint32(0, 0, true); // Flags
  v.setUint32(4, chain.length, true); // RopBufferSize
  body.set(chain, 8);
  v.setUint32(8 + chain.length, 0x8000, true); // MaxRopOut
  v.setUint32(12 + chain.length, 0, true); // AuxiliaryBufferSize
  const ex = mapiExchange(1, 'Execute', body, new Uint8Array(0));
  delete (ex as { response?: unknown }).response;
  return [ex];
}

function metaSection(text: string, name: string): RawHeader[] {
  const ls = text.split('\n');
  const i = ls.indexOf(`[${name}]`);
  const out: RawHeader[] = [];
  for (let k = i + 1; i >= 0 && k < ls.length && ls[k]!.trim() && !ls[k]!.startsWith('['); k++) {
    const c = ls[k]!.indexOf(':');
    out.push({ name: ls[k]!.slice(0, c), value: ls[k]!.slice(c + 1).trim() });
  }
  return out;
}

export function exchangeSe(): Exchange[] {
  return readdirSync(join(FIXTURES, 'exchange-se'))
    .filter((f) => f.endsWith('.meta.txt'))
    .sort()
    .map((f, i) => {
      const text = readFileSync(join(FIXTURES, 'exchange-se', f), 'latin1');
      const url = /^url = (.*)$/m.exec(text)![1]!;
      const type = /^request-type = (.*)$/m.exec(text)![1]!;
      const ex = mapiExchange(i + 1, type, new Uint8Array(0), new Uint8Array(0), url.replace(/^https?:\/\/[^/]+/, ''));
      const host = { name: 'Host', value: /^https?:\/\/([^/]+)/.exec(url)![1]! };
      return {
        ...ex,
        request: { ...ex.request, headers: [host, ...metaSection(text, 'request-headers')] },
        response: { ...ex.response!, headers: metaSection(text, 'response-headers') },
      };
    });
}

export function autodiscover(): Exchange[] {
  const xml = read('gromox-ruler/gromox24__autodiscover-response_alice.xml');
  const ex = mapiExchange(1, 'x', new TextEncoder().encode('<Autodiscover/>'), xml, '/autodiscover/autodiscover.xml');
  return [
    {
      ...ex,
      request: {
        ...ex.request,
        headers: [
          { name: 'Host', value: 'localhost' },
          { name: 'Content-Type', value: 'text/xml' },
        ],
      },
      response: { ...ex.response!, headers: [{ name: 'Content-Type', value: 'text/xml; charset=utf-8' }] },
    },
  ];
}

export function saz(): Exchange[] {
  return readSaz(read('saz/fiddler-wopi-not-mapi-NewCaseName1.saz')).exchanges;
}

export function capture(name: 'cap1' | 'cap2'): Exchange[] {
  const r = loadBodyFolder(join(FIXTURES, 'gromox-ruler', name));
  if (r.problems.length) throw new Error(r.problems.join('\n'));
  return r.exchanges;
}

export const SOURCES: Record<string, () => Exchange[]> = {
  'gromox-ruler/cap1': () => capture('cap1'),
  'gromox-ruler/cap2': () => capture('cap2'),
  syncgw,
  openchange,
  'exchange-se': exchangeSe,
  'gromox-ruler autodiscover': autodiscover,
  'saz (Fiddler)': saz,
};
