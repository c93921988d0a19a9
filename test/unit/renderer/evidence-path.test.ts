import { describe, expect, it } from 'vitest';
import type { TreeNodeDto } from '../../../shared/api/contract';
import { resolveNamePath } from '../../../renderer/src/tree/evidence-path';

const n = (name: string, offset: number, length: number, children?: TreeNodeDto[], buffer?: string): TreeNodeDto => ({
  name,
  offset,
  length,
  ...(children ? { children } : {}),
  ...(buffer ? { buffer } : {}),
});

// The shape of an Execute request: framing levels between RopBuffer and RopsList.
const tree = n('ExecuteRequest', 0, 40, [
  n('Flags', 0, 4),
  n('RopBuffer', 8, 30, [
    n('ExtendedBuffer', 8, 30, [
      n('RPC_HEADER_EXT', 8, 8),
      n(
        'ROP_REQUEST_BUFFER',
        0,
        22,
        [
          n('RopSize', 0, 2),
          n('RopsList', 2, 12, [
            n('RopLogon', 2, 6, [n('RopId', 2, 1), n('InputHandleIndex', 4, 1)]),
            n('RopOpenFolder', 8, 6, [n('RopId', 8, 1), n('InputHandleIndex', 10, 1)]),
          ]),
        ],
        'payload-1',
      ),
    ]),
  ]),
]);

describe('evidence paths', () => {
  it('skips framing levels and finds the named field', () => {
    const r = resolveNamePath(tree, 'RopBuffer/RopsList/RopOpenFolder/InputHandleIndex')!;
    expect(r.path).toBe('0.1.0.1.1.1.1');
    expect(r.node).toMatchObject({ name: 'InputHandleIndex', offset: 10, length: 1 });
    expect(r.buffer).toBe('payload-1');
  });
  it('takes the nearest match first', () => {
    expect(resolveNamePath(tree, 'RopBuffer/RopsList/InputHandleIndex')!.path).toBe('0.1.0.1.1.0.1');
  });
  it('accepts the root name as the first segment, and a bare root', () => {
    expect(resolveNamePath(tree, 'ExecuteRequest/Flags')!.path).toBe('0.0');
    expect(resolveNamePath(tree, '')!.path).toBe('0');
    expect(resolveNamePath(tree, 'Flags')!.buffer).toBe('body');
  });
  it('is undefined when a name is missing (a header name, or the other side)', () => {
    expect(resolveNamePath(tree, 'RopBuffer/RopsList/RopRelease')).toBeUndefined();
    expect(resolveNamePath(tree, 'X-ResponseCode')).toBeUndefined();
  });
});
