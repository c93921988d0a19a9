/**
 * Random and mutated bytes through the [MS-OXCDATA] codecs (ROP widths):
 * never a throw, never an internal failure, the root covers the input.
 * Seeded; FUZZ_ITERATIONS raises the count for a long run.
 */
import { describe, expect, it } from 'vitest';
import { type Codec, collectErrors, decode, encode } from '../../../../shared/codec/index.js';
import {
  propertyName,
  propertyRow,
  propertyRowSet,
  propertyValue,
  recipientRow,
  restriction,
  ruleAction,
  sortOrderSet,
  taggedPropertyValue,
} from '../../../../shared/protocol/oxcdata/index.js';
import { xorshift32Float } from '../../../helpers/prng.js';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 400);

const rng = xorshift32Float;

const COLS = [0x0e070003, 0x0037001f, 0x0ff90102, 0x67480014, 0x0000, 0x301f, 0x0e060040, 0x1003];
// A few well-formed seeds to mutate, next to pure random input.
const SEEDS: [string, Codec<unknown>, unknown][] = [
  [
    'restriction',
    restriction,
    {
      RestrictType: 0,
      Restricts: [
        { RestrictType: 8, PropTag: 0x0037001f },
        {
          RestrictType: 4,
          RelOp: 4,
          PropTag: 0x0037001f,
          TaggedValue: { PropertyTag: 0x0037001f, PropertyValue: 'abc' },
        },
      ],
    },
  ],
  [
    'propertyRow',
    propertyRow(COLS.slice(0, 4)),
    {
      Flag: 1,
      ValueArray: [
        { Flag: 0, PropertyValue: 5 },
        { Flag: 1 },
        { Flag: 0x0a, ErrorCode: 0x8004010f },
        { Flag: 0, PropertyValue: 7n },
      ],
    },
  ],
  [
    'ruleAction',
    ruleAction,
    {
      ActionBlocks: [
        {
          ActionType: 9,
          ActionFlavor: 0,
          ActionFlags: 0,
          ActionData: { TaggedValue: { PropertyTag: 0x66760003, PropertyValue: 1 } },
        },
      ],
    },
  ],
  ['PtypMultipleBinary', propertyValue(0x1102), [Uint8Array.of(1, 2), Uint8Array.of(3)]],
];
const TARGETS: [string, Codec<unknown>][] = [
  ['restriction', restriction],
  ['taggedPropertyValue', taggedPropertyValue],
  ['propertyRow', propertyRow(COLS)],
  ['propertyRowSet', propertyRowSet(COLS.slice(0, 3))],
  ['recipientRow', recipientRow(COLS.slice(0, 3))],
  ['ruleAction', ruleAction],
  ['propertyName', propertyName],
  ['sortOrderSet', sortOrderSet],
  ['PtypServerId', propertyValue(0x00fb)],
  ['PtypMultipleString', propertyValue(0x101f)],
];

describe('oxcdata: fuzz', () => {
  for (const [name, codec] of TARGETS) {
    it(`${name}: ${ITERATIONS} random and mutated inputs`, () => {
      const r = rng(name.length * 977 + 3);
      const seeds = SEEDS.map(([, c, v]) => encode(c, v));
      for (let i = 0; i < ITERATIONS; i++) {
        let b: Uint8Array;
        if (i % 2 === 0) {
          b = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
        } else {
          b = Uint8Array.from(seeds[i % seeds.length]!);
          for (let k = 0; k < 3 && b.length; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        }
        const { tree } = decode(codec, b);
        expect(tree.length).toBe(b.length);
        expect(collectErrors(tree).filter((e) => e.message.startsWith('internal decoder failure'))).toEqual([]);
      }
    });
  }
});
