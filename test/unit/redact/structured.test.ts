/**
 * The decoder-guided body rewrite on its own: names inside XOR-obfuscated and
 * LZ77-compressed RPC_HEADER_EXT payloads (the real Outlook 2007
 * ModifyRecipients ROP buffer from openchange, re-framed), and a name's bytes
 * inside a numeric field left alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../shared/capture/redact.js';
import { walkTree } from '../../../shared/codec/index.js';
import { decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { RpcExtFlags, encodeRpcExtBuffer } from '../../../shared/protocol/rpcext/index.js';
import { structuredBodies } from '../../../shared/redact/structured.js';
import { FIXTURES } from '../protocol/transport-helpers.js';
import { leaks } from './leaks.js';
import { mapiExchange } from './sources.js';

const payload = new Uint8Array(
  readFileSync(join(FIXTURES, 'openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin')),
);
const NAMES = [
  '/o=First Organization/ou=First Administrative Group/cn=Recipients/cn=jkerihuel',
  'Julien Kerihuel',
  'jkerihuel@openchange2003.local',
  'jkerihuel',
];

/** Execute request body around one extended buffer. */
function executeRequest(chain: Uint8Array): Uint8Array {
  const body = new Uint8Array(16 + chain.length);
  const v = new DataView(body.buffer);
  v.setUint32(4, chain.length, true); // RopBufferSize
  body.set(chain, 8);
  v.setUint32(8 + chain.length, 0x8000, true); // MaxRopOut
  return body;
}

function shape(ex: ReturnType<typeof mapiExchange>) {
  const d = decodeExchange(ex);
  const nodes: string[] = [];
  walkTree(d.request!.tree, (n, _p, buffer) => {
    if (buffer !== 'body') nodes.push(`${n.name}@${n.offset}+${n.length}`);
  });
  return { errors: d.request!.errors, nodes, rops: d.request!.rops.map((r) => r.name), buffers: d.request!.buffers };
}

describe('names inside transformed payloads', () => {
  for (const [label, opts] of [
    ['XOR-obfuscated', { xor: true }],
    ['LZ77-compressed and XOR-obfuscated', { xor: true, compress: true, forceCompress: true }],
  ] as const) {
    it(`${label}: replaced in the payload, which decodes to the same ROPs at the same offsets`, () => {
      const chain = encodeRpcExtBuffer(payload, opts);
      const flags = chain[2]! | (chain[3]! << 8);
      expect(flags & RpcExtFlags.XorMagic).toBe(RpcExtFlags.XorMagic);
      const ex = mapiExchange(1, 'Execute', executeRequest(chain), new Uint8Array(0));
      const before = shape(ex);
      expect(before.errors).toEqual([]);
      expect(leaks(before.buffers['rpcext#1']!, NAMES).length).toBeGreaterThan(0);
      // The wire bytes hide the names from a plain byte search.
      expect(leaks(ex.request.body, NAMES)).toEqual([]);

      const r = new Redactor({ names: NAMES, structured: structuredBodies });
      const out = r.exchange(ex);
      const after = shape(out);
      expect(leaks(after.buffers['rpcext#1']!, NAMES)).toEqual([]);
      expect(after.errors).toEqual([]);
      expect(after.rops).toEqual([
        'RopRemoveAllRecipients',
        'RopModifyRecipients',
        'RopSetProperties',
        'RopSubmitMessage',
        'RopGetPropertiesSpecific',
      ]);
      expect(after.nodes).toEqual(before.nodes);
      if (!('compress' in opts)) expect(out.request.body.length).toBe(ex.request.body.length);
      expect(r.report().items.every((i) => i.where === 'request body (rpcext#1)')).toBe(true);
      // X500DN, DisplayName, SimpleDisplayName, the DN of the AddressBookEntryId, and four recipient properties.
      expect(r.report().counts.name).toBe(8);
    });
  }
});

describe('numeric fields are never written', () => {
  it('a FolderId whose bytes spell a name keeps its value', () => {
    // RopOpenFolder: RopId 02, LogonId 0, InputHandleIndex 0, OutputHandleIndex 1, FolderId "alice\0\0\0", OpenModeFlags 0.
    const rop = new Uint8Array([0x02, 0, 0, 1, 0x61, 0x6c, 0x69, 0x63, 0x65, 0, 0, 0, 0]);
    const buf = new Uint8Array(2 + rop.length + 8);
    new DataView(buf.buffer).setUint16(0, 2 + rop.length, true);
    buf.set(rop, 2);
    buf.fill(0xff, 2 + rop.length);
    const ex = mapiExchange(1, 'Execute', executeRequest(encodeRpcExtBuffer(buf)), new Uint8Array(0));
    const out = new Redactor({ names: ['alice'], structured: structuredBodies }).exchange(ex);
    expect(out.request.body).toEqual(ex.request.body);
  });
});
