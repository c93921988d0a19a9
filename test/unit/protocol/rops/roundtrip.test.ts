/**
 * Every ROP definition of the engine's families (store, folder, table,
 * message, transport, RopRelease and the special responses): each has wire
 * samples that decode with no error node and no unclaimed byte and encode back
 * to the identical bytes; mutated and truncated samples never throw, never
 * hang, and whatever decodes cleanly still round-trips (property-based).
 */
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  type StructValue,
  collectErrors,
  decode,
  encode,
  fromHex,
  unclaimedBytes,
} from '../../../../shared/codec/index.js';
import type { RopDefinition } from '../../../../shared/protocol/rops/define.js';
import { folderRops } from '../../../../shared/protocol/rops/folder.js';
import { messageRops } from '../../../../shared/protocol/rops/message.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { specialRops } from '../../../../shared/protocol/rops/special.js';
import { storeRops } from '../../../../shared/protocol/rops/store.js';
import { tableRops } from '../../../../shared/protocol/rops/table.js';
import { transportRops } from '../../../../shared/protocol/rops/transport.js';
import { rng, roundTrip } from './rop-helpers.js';
import { SAMPLES, type Sample } from './samples.js';

const MINE: readonly RopDefinition[] = [
  ...storeRops,
  ...folderRops,
  ...tableRops,
  ...messageRops,
  ...transportRops,
  ...specialRops,
];

/** RopNotify's NotificationData belongs to the notification family; its samples live there. */
const NOT_SAMPLED_HERE = new Set([0x2a]);

const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0').toUpperCase();
const codecOf = (s: Sample): Codec<StructValue> => {
  const d = ropsById.get(s.id)!;
  return (s.side === 'request' ? d.request : d.response)!;
};

describe('every definition has request and response samples', () => {
  for (const d of MINE) {
    if (NOT_SAMPLED_HERE.has(d.id)) continue;
    it(`${d.name} (${hex(d.id)})`, () => {
      expect(ropsById.get(d.id)).toBe(d);
      const mine = SAMPLES.filter((s) => s.id === d.id);
      expect(mine.some((s) => s.side === 'request')).toBe(d.request !== undefined);
      expect(mine.some((s) => s.side === 'response')).toBe(d.response !== undefined);
    });
  }
});

describe('samples decode cleanly and round-trip byte for byte', () => {
  for (const s of SAMPLES) {
    const d = ropsById.get(s.id)!;
    it(`${d.name} ${s.side}${s.note ? ` (${s.note})` : ''}`, () => {
      const { value } = roundTrip(codecOf(s), s.hex, s.context);
      expect(value.RopId).toBe(s.side === 'response' ? d.responseId : d.id);
    });
  }
});

describe('property: mutated samples never throw, and clean decodes round-trip', () => {
  it('truncations of every sample give error nodes (or a shorter valid form), never exceptions', () => {
    let errors = 0;
    let total = 0;
    for (const s of SAMPLES) {
      const b = fromHex(s.hex);
      for (let n = 0; n < b.length; n++) {
        const cut = b.subarray(0, n);
        const { value, tree } = decode(codecOf(s), cut, { context: s.context });
        total++;
        expect(tree.length, `${hex(s.id)} ${s.side} cut at ${n}: the tree covers the input`).toBe(n);
        if (collectErrors(tree).length > 0) errors++;
        // A failure response cut after ReturnValue, or a trailing byte run, is a valid shorter form.
        else expect(encode(codecOf(s), value!, s.context), `${hex(s.id)} ${s.side} cut at ${n}`).toEqual(cut);
      }
    }
    expect(errors / total).toBeGreaterThan(0.95);
  });

  it('2000 byte-level mutations per side: no throw; error-free decodes re-encode identically', () => {
    const rand = rng(0x5eed);
    let clean = 0;
    for (let round = 0; round < 2000 * 2; round++) {
      const s = SAMPLES[Math.floor(rand() * SAMPLES.length)]!;
      const b = fromHex(s.hex);
      const m = b.slice();
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = 1 + Math.floor(rand() * Math.max(1, m.length - 1)); // keep the RopId
        if (at < m.length) m[at] = Math.floor(rand() * 256);
      }
      const { value, tree } = decode(codecOf(s), m, { context: s.context });
      if (collectErrors(tree).length === 0 && unclaimedBytes(tree, 'body', m.length) === 0) {
        clean++;
        expect(encode(codecOf(s), value!, s.context), `${hex(s.id)} ${s.side} mutated`).toEqual(m);
      }
    }
    // Most single-byte edits hit values, not structure: the property is exercised many times.
    expect(clean).toBeGreaterThan(1000);
  });
});
