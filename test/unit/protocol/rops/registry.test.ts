/**
 * Registry completeness: every RopId of [MS-OXCROPS] 2.2.2 has exactly one
 * definition with the spec's name; duplicates are rejected at startup.
 */
import { describe, expect, it } from 'vitest';
import { defineRop } from '../../../../shared/protocol/rops/define.js';
import { ROP_NAMES } from '../../../../shared/protocol/rops/header.js';
import { SPECIAL_RESPONSE_IDS } from '../../../../shared/protocol/rops/known-rops.js';
import { buildRegistry, ropFamilies, ropsById } from '../../../../shared/protocol/rops/registry.js';
import { objectKind } from '../../../../shared/session/rop-values.js';
import {
  NO_RESPONSE,
  RESPONSE_ONLY,
  SPEC_CHAINABLE,
  SPEC_CONTEXT_EFFECTS,
  SPEC_CREATES,
  SPEC_RESPONSE_IDS,
  SPEC_ROP_IDS,
} from './spec-table.js';

describe('ROP registry', () => {
  it('lists 132 RopIds', () => {
    expect(SPEC_ROP_IDS).toHaveLength(132);
    expect(new Set(SPEC_ROP_IDS.map(([id]) => id)).size).toBe(SPEC_ROP_IDS.length);
  });

  for (const [id, name] of SPEC_ROP_IDS) {
    it(`0x${id.toString(16).padStart(2, '0').toUpperCase()} ${name} has a definition`, () => {
      const d = ropsById.get(id);
      expect(d, `${name} is not registered`).toBeDefined();
      expect(d!.name).toBe(name);
      expect(ROP_NAMES[id]).toBe(name);
      expect(d!.specRef).toMatch(/^MS-OXCROPS 2\.2\.\d+\.\d+$/);
      expect(d!.request === undefined).toBe(RESPONSE_ONLY.has(id));
      expect(d!.response === undefined).toBe(NO_RESPONSE.has(id));
      expect(d!.responseId).toBe(SPEC_RESPONSE_IDS.get(id) ?? id);
      expect(d!.creates).toBe(SPEC_CREATES.get(id));
      expect(objectKind(id)).toBe(SPEC_CREATES.get(id) ?? 'object');
      expect(d!.chainable).toBe(SPEC_CHAINABLE.has(id));
    });
  }

  it('each context effect is declared by its ROP, and by no other', () => {
    const declared = new Map([...ropsById].flatMap(([id, d]) => (d.contextEffect ? [[id, d.contextEffect]] : [])));
    expect(declared).toEqual(SPEC_CONTEXT_EFFECTS);
  });

  it('holds nothing but those ids (reserved ids stay unknown)', () => {
    expect([...ropsById.keys()].sort((a, b) => a - b)).toEqual(SPEC_ROP_IDS.map(([id]) => id).sort((a, b) => a - b));
    for (const reserved of [
      0x00, 0x28, 0x3c, 0x3d, 0x62, 0x65, 0x6a, 0x71, 0x7c, 0x7d, 0x83, 0x8a, 0xa4, 0xf8, 0xfa, 0xfd,
    ])
      expect(ropsById.has(reserved)).toBe(false);
    expect(ropFamilies.flat().length).toBe(SPEC_ROP_IDS.length);
  });

  it('names and response-only ids are read from the definitions, nothing more', () => {
    expect(
      Object.keys(ROP_NAMES)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(SPEC_ROP_IDS.map(([id]) => id).sort((a, b) => a - b));
    expect([...SPECIAL_RESPONSE_IDS].sort((a, b) => a - b)).toEqual([...RESPONSE_ONLY].sort((a, b) => a - b));
  });

  it('throws on a duplicate RopId', () => {
    const a = defineRop({ id: 0x02, name: 'RopOpenFolder', specRef: 'MS-OXCROPS 2.2.4.1', request: [], response: [] });
    const b = defineRop({ id: 0x02, name: 'RopOther', specRef: 'MS-OXCROPS 2.2.4.1', request: [], response: [] });
    expect(() => buildRegistry([[a], [b]])).toThrow(/duplicate RopId 0x2: RopOpenFolder and RopOther/);
  });
});
