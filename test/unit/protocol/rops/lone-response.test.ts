/**
 * A response decoded without its request (a single body, a capture that
 * starts mid-session): layouts the request chooses are decoded where the
 * bytes allow one reading only, and marked "layout inferred from the
 * response"; where several remain, the "context unavailable" node stays.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, findAll, fromHex } from '../../../../shared/codec/index.js';
import { decodeBody, encodeBody } from '../../../../shared/protocol/decode-exchange.js';
import { decodeRopResponseBuffer, encodeRopResponseBuffer } from '../../../../shared/protocol/rops/buffer.js';

const cap1 = (n: string, k: 'request' | 'response') =>
  new Uint8Array(
    readFileSync(new URL(`../../../fixtures/gromox-ruler/cap1/${n}-mapi-emsmdb-Execute.${k}.bin`, import.meta.url)),
  );

/** RopSize, the ROPs, one server handle. */
const buffer = (rops: string) =>
  fromHex(
    (2 + rops.length / 2)
      .toString(16)
      .padStart(4, '0')
      .replace(/(..)(..)/, '$2$1') +
      rops +
      '01000000',
  );

describe('RopLogon response without its request ([MS-OXCROPS] 2.2.3.1.2)', () => {
  it('real gromox private logon (cap1 exchange 2): 160 bytes, LogonFlags Private, inferred as private', () => {
    const alone = decodeBody('Execute', 'response', cap1('002', 'response'));
    expect(alone.errors).toEqual([]);
    expect(alone.unparsedBytes).toBe(0);
    const [n] = findAll(alone.tree, 'LogonResponse');
    expect([n!.offset, n!.length]).toEqual([114, 160]);
    expect(n!.display).toBe(
      'private logon: layout inferred from the response (160 bytes, LogonFlags with Private; the public layout does not fit)',
    );
    expect(n!.children!.map((c) => c.name)).toEqual([
      'LogonFlags',
      'FolderIds',
      'ResponseFlags',
      'MailboxGuid',
      'ReplId',
      'ReplGuid',
      'LogonTime',
      'GwartTime',
      'StoreState',
      'Layout',
    ]);
    // The same fields as with the request.
    const q = decodeBody('Execute', 'request', cap1('002', 'request'));
    const paired = decodeBody('Execute', 'response', cap1('002', 'response'), { execRequest: q.value });
    const withRequest = findAll(paired.tree, 'RopLogon')[0]!;
    const inferred = findAll(alone.tree, 'RopLogon')[0]!;
    const leaves = (x: typeof n) =>
      (x!.children ?? []).filter((c) => c.name !== 'Layout').map((c) => [c.name, c.offset, c.length, c.display]);
    expect(leaves(n)).toEqual(leaves({ ...withRequest, children: withRequest.children!.slice(3) }));
    expect(inferred.offset).toBe(withRequest.offset);
    expect(encodeBody(alone)).toEqual(cap1('002', 'response'));
  });

  const FOLDERS = '0100000000000001'.repeat(13);
  const GUID = '00112233445566778899AABBCCDDEEFF';

  it('a public logon (139 bytes, LogonFlags without Private) is inferred as public', () => {
    const bytes = buffer(`FE 00 00000000 00 ${FOLDERS} 0100 ${GUID} ${'00'.repeat(16)}`.replace(/ /g, ''));
    const d = decodeRopResponseBuffer(bytes);
    expect(collectErrors(d.tree)).toEqual([]);
    const v = d.value!.RopsList[0].LogonResponse;
    expect(v).toMatchObject({
      Layout: 'public',
      LogonFlags: 0,
      ReplId: 1,
      ReplGuid: '33221100-5544-7766-8899-aabbccddeeff',
    });
    expect(findAll(d.tree, 'LogonResponse')[0]!.length).toBe(139);
    expect(encodeRopResponseBuffer(d.value!)).toEqual(bytes);
  });

  it('bytes that fit neither layout (160 bytes but LogonFlags without Private) stay "context unavailable"', () => {
    // The public reading ends inside ReplGuid, at its last byte (0x00, not a RopId): it does not fit either.
    const guid = '00112233445566778899AABBCCDDEE00';
    const priv = `FE 00 00000000 00 ${FOLDERS} 00 ${GUID} 0100 ${guid} 0000000000000000 0000000000000000 00000000`;
    const d = decodeRopResponseBuffer(buffer(priv.replace(/ /g, '')));
    expect(collectErrors(d.tree).map((e) => e.message)).toEqual([
      'context unavailable: the RopLogon request (its LogonFlags choose private or public layout) is not known',
    ]);
  });
});

describe('rows without their columns', () => {
  it('RopQueryRows with RowCount 0 needs no columns: no error', () => {
    const d = decodeRopResponseBuffer(buffer('1500000000000200' + '00'));
    expect(collectErrors(d.tree)).toEqual([]);
    expect(d.value!.RopsList[0]).toMatchObject({ Origin: 2, RowCount: 0, RowData: [] });
  });

  it('RopQueryRows with rows and RopGetPropertiesSpecific keep the "context unavailable" node', () => {
    const rows = decodeRopResponseBuffer(buffer('15000000000002' + '0100' + '0041000000'));
    expect(collectErrors(rows.tree).map((e) => e.message)).toEqual([
      'context unavailable: the request of this Execute is not known, so the columns of handle index 0 are not either',
    ]);
    const props = decodeRopResponseBuffer(buffer('070000000000' + '0001020304'));
    expect(collectErrors(props.tree)[0]!.message).toMatch(/^context unavailable: /);
  });
});
