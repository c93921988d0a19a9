/**
 * Every definition of the property, stream, permission, rule, FastTransfer,
 * ICS and notification families (and RopNotify's NotificationData): wire
 * samples decode with no error node and no unclaimed byte and encode back to
 * the identical bytes; truncated and mutated samples never throw, and whatever
 * decodes cleanly still round-trips (property-based, seeded).
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
import { fastTransferRops } from '../../../../shared/protocol/rops/fasttransfer.js';
import { icsRops } from '../../../../shared/protocol/rops/ics.js';
import { notificationRops } from '../../../../shared/protocol/rops/notification.js';
import { permissionRops } from '../../../../shared/protocol/rops/permission.js';
import { propertyRops } from '../../../../shared/protocol/rops/property.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { ruleRops } from '../../../../shared/protocol/rops/rule.js';
import { ropNotify } from '../../../../shared/protocol/rops/special.js';
import { streamRops } from '../../../../shared/protocol/rops/stream.js';
import { rng, roundTrip } from './rop-helpers.js';
import type { Sample } from './samples.js';
import { SAMPLES2 } from './samples2.js';

const FAMILIES: readonly RopDefinition[] = [
  ...propertyRops,
  ...streamRops,
  ...permissionRops,
  ...ruleRops,
  ...fastTransferRops,
  ...icsRops,
  ...notificationRops,
  ropNotify,
];

const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0').toUpperCase();
const codecOf = (s: Sample): Codec<StructValue> => {
  const d = ropsById.get(s.id)!;
  return (s.side === 'request' ? d.request : d.response)!;
};

describe('every definition of these families is registered and has request and response samples', () => {
  it('55 definitions', () => expect(FAMILIES).toHaveLength(55));
  for (const d of FAMILIES) {
    it(`${d.name} (${hex(d.id)})`, () => {
      expect(ropsById.get(d.id)).toBe(d);
      const mine = SAMPLES2.filter((s) => s.id === d.id);
      expect(mine.some((s) => s.side === 'request')).toBe(d.request !== undefined);
      expect(mine.some((s) => s.side === 'response')).toBe(d.response !== undefined);
    });
  }
});

describe('every declared field has a one-sentence doc (the tree tooltip)', () => {
  for (const d of FAMILIES) {
    if (d === ropNotify) continue; // special.ts, the engine's file
    it(`${d.name}`, () => {
      for (const part of [d.spec.request, d.spec.response, d.spec.failure])
        for (const f of part ?? []) expect(f.opts.doc, `${d.name}.${f.name}`).toMatch(/^[A-Z0-9'"].*\.$/);
    });
  }
});

describe('samples decode cleanly and round-trip byte for byte', () => {
  for (const s of SAMPLES2) {
    const d = ropsById.get(s.id)!;
    it(`${d.name} ${s.side}${s.note ? ` (${s.note})` : ''}`, () => {
      const { value } = roundTrip(codecOf(s), s.hex, s.context);
      expect(value.RopId).toBe(s.side === 'response' ? d.responseId : d.id);
    });
  }
});

describe('property: truncated and mutated samples never throw; clean decodes round-trip', () => {
  it('every truncation decodes to a tree covering the input; error-free ones re-encode identically', () => {
    let errors = 0;
    let total = 0;
    for (const s of SAMPLES2) {
      const b = fromHex(s.hex);
      for (let n = 0; n < b.length; n++) {
        const cut = b.subarray(0, n);
        const { value, tree } = decode(codecOf(s), cut, { context: s.context });
        total++;
        expect(tree.length, `${hex(s.id)} ${s.side} cut at ${n}`).toBe(n);
        if (collectErrors(tree).length > 0) errors++;
        // A shorter valid form (failure header, partial FastTransfer tail): it must still round-trip.
        else expect(encode(codecOf(s), value!, s.context), `${hex(s.id)} ${s.side} cut at ${n}`).toEqual(cut);
      }
    }
    expect(errors / total).toBeGreaterThan(0.8);
  });

  it('4000 seeded byte mutations: no throw; error-free decodes re-encode identically', () => {
    const rand = rng(0xc0ffee);
    let clean = 0;
    for (let round = 0; round < 4000; round++) {
      const s = SAMPLES2[Math.floor(rand() * SAMPLES2.length)]!;
      const m = fromHex(s.hex).slice();
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = 1 + Math.floor(rand() * Math.max(1, m.length - 1)); // keep the RopId
        if (at < m.length) m[at] = Math.floor(rand() * 256);
      }
      const { value, tree } = decode(codecOf(s), m, { context: s.context });
      expect(tree.length).toBe(m.length);
      if (collectErrors(tree).length === 0 && unclaimedBytes(tree, 'body', m.length) === 0) {
        clean++;
        expect(encode(codecOf(s), value!, s.context), `${hex(s.id)} ${s.side} mutated`).toEqual(m);
      }
    }
    expect(clean).toBeGreaterThan(1500);
  });
});
