/**
 * Values-only decoding (`decode(…, { tree: false })`, `decodeBody` /
 * `decodeExchange` with `{ tree: false }`) must give exactly the values of
 * the tree decode, on every fixture and on mutated bodies; and a decode whose
 * tree has an error node must report failures, since that is what tells a
 * values-only caller to decode again for the errors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { type DecodeContext, collectErrors, decode } from '../../../shared/codec/index.js';
import {
  type BodyDecode,
  type ExchangeDecode,
  bodyCodec,
  decodeBody,
  decodeExchange,
  ropBuffersOf,
} from '../../../shared/protocol/decode-exchange.js';
import { type BodyFixture, emsmdbBodyFixtures, fixture } from './transport-helpers.js';
import { xorshift32 } from '../../helpers/prng.js';

const FIXTURES = join(__dirname, '../../fixtures');
/** Mutations per body fixture; VO_ROUNDS raises it for a long run. */
const ROUNDS = Number(process.env.VO_ROUNDS ?? 20);

const rng = xorshift32;

function mutate(src: Uint8Array, next: () => number): Uint8Array {
  const b = new Uint8Array(src);
  const at = src.length ? next() % src.length : 0;
  switch (next() % 4) {
    case 0:
      for (let i = 0, n = 1 + (next() % 4); i < n && b.length; i++) b[next() % b.length]! ^= 1 << (next() % 8);
      return b;
    case 1:
      return b.subarray(0, at);
    case 2:
      return new Uint8Array([
        ...b.subarray(0, at),
        ...Array.from({ length: 1 + (next() % 8) }, () => next() & 0xff),
        ...b.subarray(at),
      ]);
    default:
      for (let i = 0, n = 1 + (next() % 8); i < n && b.length; i++) b[next() % b.length] = next() & 0xff;
      return b;
  }
}

/** What a values-only body decode must reproduce. */
function valuesOf(d: BodyDecode | undefined) {
  if (!d) return undefined;
  return {
    requestType: d.requestType,
    direction: d.direction,
    value: d.value,
    streamValue: d.streamValue,
    responseCode: d.responseCode,
    complete: d.complete,
    metaTags: d.metaTags,
    rops: d.rops,
    errors: d.errors,
    buffers: d.buffers,
  };
}

function exchangeValues(d: ExchangeDecode) {
  return {
    endpoint: d.endpoint,
    requestType: d.requestType,
    cookies: d.cookies,
    setCookies: d.setCookies,
    responseCode: d.responseCode,
    metaTags: d.metaTags,
    request: valuesOf(d.request),
    response: valuesOf(d.response),
  };
}

function checkBody(full: BodyDecode | undefined, lean: BodyDecode | undefined, what: string): void {
  if (!full || !lean) {
    expect(lean, what).toBe(full);
    return;
  }
  expect(valuesOf(lean), what).toEqual(valuesOf(full));
  if (lean.valuesOnly) {
    expect(full.errors, what).toEqual([]);
    expect(lean.unparsedBytes, what).toBe(-1);
    expect(lean.tree.children, what).toBeUndefined();
  } else {
    // Decoded again with the tree: the whole result is the tree decode's.
    expect(lean.tree, what).toEqual(full.tree);
    expect(lean.unparsedBytes, what).toBe(full.unparsedBytes);
  }
}

function exchanges(): { name: string; ex: Exchange }[] {
  const out: { name: string; ex: Exchange }[] = [];
  for (const cap of ['cap1', 'cap2'])
    for (const ex of loadBodyFolder(join(FIXTURES, 'gromox-ruler', cap)).exchanges)
      out.push({ name: `${cap} #${ex.id}`, ex });
  return out;
}

/** Request fixtures first, then each response with its request's ROP buffers as context (as decodeExchange gives them). */
function bodiesWithContext(): { f: BodyFixture; bytes: Uint8Array; context: DecodeContext }[] {
  const all = emsmdbBodyFixtures();
  const out: { f: BodyFixture; bytes: Uint8Array; context: DecodeContext }[] = [];
  for (const f of all) {
    const bytes = fixture(f.file);
    let context: DecodeContext = {};
    if (f.direction === 'response' && f.requestType === 'Execute') {
      const reqFile = f.file.replace('_resp', '_req').replace('.response.bin', '.request.bin');
      const req = all.find((x) => x.file === reqFile);
      if (req) {
        const bufs = ropBuffersOf(decodeBody('Execute', 'request', fixture(req.file)).value);
        context = bufs.length === 1 ? { execRequest: bufs[0] } : bufs.length ? { execRequest: bufs } : {};
      }
    }
    out.push({ f, bytes, context });
  }
  return out;
}

describe('values-only decoding', () => {
  it('decodeExchange with { tree: false } gives the values of the tree decode on every gromox-ruler exchange', () => {
    const list = exchanges();
    expect(list.length).toBeGreaterThan(50);
    let lean = 0;
    for (const { name, ex } of list) {
      const full = decodeExchange(ex);
      const vo = decodeExchange(ex, {}, { tree: false });
      expect(exchangeValues(vo), name).toEqual(exchangeValues(full));
      expect(vo.http.request.name, name).toBe(full.http.request.name);
      expect(vo.http.request.buffer, name).toBe(full.http.request.buffer);
      expect(vo.http.response?.name, name).toBe(full.http.response?.name);
      expect(vo.http.request.children, name).toBeUndefined(); // head trees are left out too
      checkBody(full.request, vo.request, `${name} request`);
      checkBody(full.response, vo.response, `${name} response`);
      if (vo.request?.valuesOnly) lean++;
    }
    expect(lean).toBeGreaterThan(list.length / 2); // most bodies decode cleanly, so most skip the tree
  });

  it('decodeBody with { tree: false } gives the values of the tree decode on every body fixture', () => {
    for (const { f, bytes, context } of bodiesWithContext()) {
      const full = decodeBody(f.requestType, f.direction, bytes, context);
      const vo = decodeBody(f.requestType, f.direction, bytes, context, { tree: false });
      checkBody(full, vo, f.file);
    }
  });

  it('on mutated bodies: a tree with error nodes reports failures, and failure-free values-only decodes equal the tree decode', () => {
    const next = rng(Number(process.env.VO_SEED ?? 0x5eed));
    let clean = 0;
    let failed = 0;
    for (const { f, bytes, context } of bodiesWithContext()) {
      for (let i = 0; i < ROUNDS; i++) {
        const m = i === 0 ? bytes : mutate(bytes, next);
        const what = `${f.file} mutation #${i}`;
        const codec = bodyCodec(f.requestType, f.direction);
        const full = decode(codec, m, { context });
        const vo = decode(codec, m, { context, tree: false });
        if (collectErrors(full.tree).length) expect(full.failures, what).toBeGreaterThan(0);
        expect(vo.failures === 0, what).toBe(full.failures === 0);
        if (vo.failures === 0) {
          clean++;
          expect(vo.value, what).toEqual(full.value);
          expect([...vo.buffers.keys()], what).toEqual([...full.buffers.keys()]);
        } else failed++;
      }
    }
    expect(clean).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(100);
  });

  it('mutated non-emsmdb fixtures (NSPI, autodiscover) keep the same rule', () => {
    const next = rng(42);
    const nspi = readdirSync(join(FIXTURES, 'syncgw')).filter((x) =>
      /^(bind|getmatches|getprops|queryrows|dntomid|getspecialtable|unbind)_(req|resp)\d+\.bin$/.test(x),
    );
    const types: Record<string, string> = {
      bind: 'Bind',
      getmatches: 'GetMatches',
      getprops: 'GetProps',
      queryrows: 'QueryRows',
      dntomid: 'DNToMId',
      getspecialtable: 'GetSpecialTable',
      unbind: 'Unbind',
    };
    expect(nspi.length).toBeGreaterThan(10);
    for (const file of nspi) {
      const [, kind, dir] = /^([a-z]+)_(req|resp)/.exec(file)!;
      const codec = bodyCodec(types[kind!]!, dir === 'req' ? 'request' : 'response');
      const src = fixture(`syncgw/${file}`);
      for (let i = 0; i < 20; i++) {
        const m = i === 0 ? src : mutate(src, next);
        const full = decode(codec, m);
        const vo = decode(codec, m, { tree: false });
        if (collectErrors(full.tree).length) expect(full.failures, file).toBeGreaterThan(0);
        expect(vo.failures === 0, file).toBe(full.failures === 0);
        if (vo.failures === 0) expect(vo.value, file).toEqual(full.value);
      }
    }
  });
});
