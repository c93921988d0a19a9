import { describe, expect, it } from 'vitest';
import {
  collectErrors,
  decode,
  encode,
  findNode,
  fromHex,
  toHex,
  unclaimedBytes,
  type PayloadValue,
  type StructValue,
} from '../../../../shared/codec/index.js';
import { decodeBody, encodeBody } from '../../../../shared/protocol/decode-exchange.js';
import {
  connectRequest,
  connectResponse,
  disconnectRequest,
  disconnectResponse,
  executeRequestRaw,
  executeResponseRaw,
  notificationWaitRequest,
  notificationWaitResponse,
  rawRopRequestBuffer,
} from '../../../../shared/protocol/emsmdb/index.js';
import { buildExtendedBufferChain, extendedBufferChain } from '../../../../shared/protocol/rpcext/index.js';
import { emsmdbBodyFixtures, fixture } from '../transport-helpers.js';

const RAW = { rawRops: true };

describe('every real mailbox-endpoint body (syncgw, gromox-ruler cap1/cap2)', () => {
  const all = emsmdbBodyFixtures();
  it('there are the expected fixtures', () => {
    // syncgw: 36 emsmdb bodies; cap1: 49 emsmdb exchanges × 2; cap2: 5 × 2.
    expect(all.length).toBe(36 + 98 + 10);
  });
  for (const f of all)
    it(`${f.file}: zero error nodes, zero unparsed bytes at the transport layer, identical re-encoding`, () => {
      const bytes = fixture(f.file);
      const d = decodeBody(f.requestType, f.direction, bytes, RAW);
      expect(d.errors).toEqual([]);
      expect(d.unparsedBytes).toBe(0);
      expect(d.requestType).toBe(f.requestType);
      expect(toHex(encodeBody(d, RAW))).toBe(toHex(bytes));
    });
});

describe('Connect', () => {
  it('syncgw connect_req18 (real Outlook): fields and offsets', () => {
    const b = fixture('syncgw/connect_req18.bin');
    const { value, tree } = decode(connectRequest, b);
    expect(value).toMatchObject({
      UserDn: '/O=I638513D0/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=0100000001000000-T1',
      Flags: 0,
      DefaultCodePage: 1252,
      LcidSort: 0x407,
      LcidString: 0x407,
      AuxiliaryBufferSize: 214,
    });
    const at = (p: string) => findNode(tree, p)!;
    expect(at('UserDn')).toMatchObject({ offset: 0, length: 101 });
    expect(at('Flags')).toMatchObject({ offset: 101, length: 4 });
    expect(at('DefaultCodePage')).toMatchObject({ offset: 105, value: 1252 });
    expect(at('LcidSort')).toMatchObject({ offset: 109, display: '0x00000407' });
    expect(at('LcidString')).toMatchObject({ offset: 113 });
    expect(at('AuxiliaryBufferSize')).toMatchObject({ offset: 117, value: 214 });
    expect(at('AuxiliaryBuffer')).toMatchObject({ offset: 121, length: 214 });
    expect(at('AuxiliaryBuffer/ExtendedBuffer/RPC_HEADER_EXT/SizeActual')).toMatchObject({ offset: 127, value: 206 });
    expect(at('AuxiliaryBuffer/ExtendedBuffer/AuxBlocks/AuxBlock[3]/Block/ProcessName')).toMatchObject({
      value: 'OUTLOOK.EXE',
      offset: 279,
    });
  });

  it('syncgw connect_resp18 (gromox): success layout', () => {
    const b = fixture('syncgw/connect_resp18.bin');
    const { value, tree } = decode(connectResponse, b);
    expect(value).toMatchObject({
      StatusCode: 0,
      ErrorCode: 0,
      PollsMax: 60000,
      RetryCount: 6,
      RetryDelay: 10000,
      DnPrefix: '',
      DisplayName: 't1@gromm.fritz.box',
      AuxiliaryBufferSize: 36,
    });
    expect(findNode(tree, 'DnPrefix')).toMatchObject({ offset: 20, length: 1 });
    expect(findNode(tree, 'DisplayName')).toMatchObject({ offset: 21, length: 38 });
    expect(findNode(tree, 'AuxiliaryBuffer')).toMatchObject({ offset: 63, length: 36 });
    expect(tree.display).toBe('success');
  });

  it('cap1 Connect response: body after the PROCESSING/DONE preamble keeps absolute offsets', () => {
    const d = decodeBody('Connect', 'response', fixture('gromox-ruler/cap1/001-mapi-emsmdb-Connect.response.bin'));
    expect(d.errors).toEqual([]);
    expect(d.value).toMatchObject({ StatusCode: 0, DisplayName: 'Alice Tester', PollsMax: 60000 });
    expect(findNode(d.tree, 'ConnectResponse')).toMatchObject({ offset: 82, length: 87 });
    expect(findNode(d.tree, 'ConnectResponse/DisplayName')).toMatchObject({ offset: 103, length: 26 });
    expect(d.metaTags).toEqual([
      { tag: 'PROCESSING', offset: 0 },
      { tag: 'DONE', offset: 12 },
    ]);
  });

  it('AuxiliaryBufferSize is derived on encode; V6 response vector; the failure layout has no ErrorCode', () => {
    const v5 = decode(connectRequest, fixture('syncgw/connect_req18.bin')).value!;
    const built = encode(connectRequest, { ...v5, AuxiliaryBufferSize: undefined });
    expect(toHex(built)).toBe(toHex(fixture('syncgw/connect_req18.bin')));
    const v6 = fromHex(
      '00000000 00000000 60ea0000 06000000 10270000 00 4a0061006e006500200044006f0077000000 1c000000 00000400 14001400 08000117 01000000 0c00010a 05000000 00840c24',
    );
    const r = decode(connectResponse, v6);
    expect(collectErrors(r.tree)).toEqual([]);
    expect(r.value).toMatchObject({ DisplayName: 'Jane Dow', RetryDelay: 10000, AuxiliaryBufferSize: 28 });
    const fail = decode(connectResponse, fromHex('bb060000 00000000'));
    expect(fail.value).toEqual({ StatusCode: 0x6bb, AuxiliaryBufferSize: 0, AuxiliaryBuffer: [] });
    expect(fail.tree.children!.map((c) => c.name)).toEqual(['StatusCode', 'AuxiliaryBufferSize', 'AuxiliaryBuffer']);
    expect(fail.tree.display).toBe('failure, StatusCode RPC_S_SERVER_TOO_BUSY');
  });
});

describe('Execute', () => {
  it('execute_req45: compressed RopBuffer → its own buffer equal to the golden payload', () => {
    const b = fixture('syncgw/execute_req45.bin');
    const d = decodeBody('Execute', 'request', b, RAW);
    expect(d.errors).toEqual([]);
    expect(d.value).toMatchObject({ Flags: 2, RopBufferSize: 41, MaxRopOut: 32775, AuxiliaryBufferSize: 0 });
    expect(Object.keys(d.buffers)).toEqual(['body', 'rpcext#1']);
    expect(toHex(d.buffers['rpcext#1']!)).toBe(toHex(fixture('syncgw/execute_req45.decompressed.bin')));
    const hdr = findNode(d.tree, 'RopBuffer/ExtendedBuffer/RPC_HEADER_EXT')!;
    expect(hdr).toMatchObject({ offset: 8, length: 8, display: 'Size 33, SizeActual 57, compressed, last' });
    const p = findNode(d.tree, 'RopBuffer/ExtendedBuffer/Payload')!;
    expect(p).toMatchObject({ offset: 16, length: 33, display: '33 bytes on the wire → 57 bytes (rpcext#1)' });
    expect(findNode(p, 'WireBytes')).toMatchObject({ offset: 16, length: 33 });
    const rb = findNode(p, 'ROP_REQUEST_BUFFER')!;
    expect(rb).toMatchObject({ buffer: 'rpcext#1', offset: 0, length: 57 });
    expect(findNode(rb, 'RopSize')).toMatchObject({ value: 41, offset: 0 });
    expect(findNode(rb, 'RopsBytes')).toMatchObject({ offset: 2, length: 39 });
    expect(findNode(rb, 'ServerObjectHandleTable')).toMatchObject({ offset: 41, length: 16 });
    const pv = (d.value!.RopBuffer as StructValue[])[0]!.Payload as PayloadValue<StructValue>;
    expect(pv.value!.ServerObjectHandleTable).toEqual([0, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(findNode(d.tree, 'MaxRopOut')).toMatchObject({ offset: 49, value: 0x8007 });
  });

  it('openchange Outlook 2007 rgbIn (compressed) frames as one extended buffer with the golden payload', () => {
    const stub = fixture('openchange/001_Outlook_2007_in_ModifyRecipients_comp.dat');
    const rgbIn = stub.subarray(28, 28 + 8 + 0x145);
    const { value, tree, buffers } = decode(extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER'), rgbIn);
    expect(collectErrors(tree)).toEqual([]);
    const golden = fixture('openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin');
    expect(toHex(buffers.get('rpcext#1')!)).toBe(toHex(golden));
    const rop = (value![0]!.Payload as PayloadValue<StructValue>).value!;
    const ropSize = golden[0]! | (golden[1]! << 8);
    expect(rop.RopSize).toBe(ropSize);
    expect((rop.RopsBytes as Uint8Array).length).toBe(ropSize - 2);
    expect((rop.ServerObjectHandleTable as number[]).length).toBe((0x1cb - ropSize) / 4);
    expect(unclaimedBytes(tree, 'rpcext#1', 0x1cb)).toBe(0);
  });

  it('execute_resp45 (uncompressed): payload decoded in place in "body"', () => {
    const { value, tree } = decode(executeResponseRaw, fixture('syncgw/execute_resp45.bin'));
    expect(value).toMatchObject({ StatusCode: 0, ErrorCode: 0, Flags: 0, RopBufferSize: 50, AuxiliaryBufferSize: 0 });
    const rb = findNode(tree, 'RopBuffer/ExtendedBuffer/ROP_RESPONSE_BUFFER')!;
    expect(rb).toMatchObject({ offset: 24, length: 42 });
    expect(rb.buffer).toBeUndefined();
    expect(findNode(rb, 'RopSize')).toMatchObject({ value: 26, offset: 24 });
  });

  it('V7 request / V8 response vectors round-trip; a built request derives its sizes', () => {
    const v7 = fromHex('03000000 11000000 00000400 09000900 0500 010000 01000000 00000400 00000000');
    const d7 = decode(executeRequestRaw, v7);
    expect(collectErrors(d7.tree)).toEqual([]);
    expect(d7.value).toMatchObject({ Flags: 3, RopBufferSize: 17, MaxRopOut: 0x40000 });
    expect(findNode(d7.tree, 'Flags')!.display).toBe('0x00000003 (NoCompression | NoXorMagic)');
    const built = encode(executeRequestRaw, {
      Flags: 3,
      RopBuffer: buildExtendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER', [fromHex('0500 010000 01000000')]),
      MaxRopOut: 0x40000,
      AuxiliaryBuffer: [],
    });
    expect(toHex(built)).toBe(toHex(v7));
    const v8 = fromHex('00000000 00000000 00000000 0e000000 00000400 06000600 0200 01000000 00000000');
    const d8 = decode(executeResponseRaw, v8);
    expect(collectErrors(d8.tree)).toEqual([]);
    expect(toHex(encode(executeResponseRaw, d8.value!))).toBe(toHex(v8));
  });

  it('a RopBufferSize beyond the body is contained: the error stays in RopBuffer', () => {
    const bad = fromHex('00000000 ff000000 00000400 02000200 0200');
    const d = decode(executeRequestRaw, bad);
    const errs = collectErrors(d.tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('ExecuteRequest/RopBuffer');
    expect(errs[0]!.message).toMatch(/needs 255 byte/);
  });

  it('with ROP decoding on, the response sees the request ROPs through context.execRequest', () => {
    const req = decodeBody('Execute', 'request', fixture('gromox-ruler/cap1/002-mapi-emsmdb-Execute.request.bin'));
    const rb = (req.value!.RopBuffer as StructValue[])[0]!.Payload as PayloadValue<StructValue>;
    const resp = decodeBody('Execute', 'response', fixture('gromox-ruler/cap1/002-mapi-emsmdb-Execute.response.bin'), {
      execRequest: rb.value,
    });
    expect(resp.errors).toEqual([]);
    expect(resp.rops.map((r) => [r.id, r.name])).toEqual([['0xFE', 'RopLogon']]);
    expect(req.rops.map((r) => r.name)).toEqual(['RopLogon']);
  });
});

describe('Disconnect, NotificationWait', () => {
  it('V9–V12 vectors and the real bodies', () => {
    expect(decode(disconnectRequest, fromHex('00000000')).value).toEqual({
      AuxiliaryBufferSize: 0,
      AuxiliaryBuffer: [],
    });
    expect(decode(disconnectResponse, fixture('syncgw/disconnect_resp23.bin')).value).toEqual({
      StatusCode: 0,
      ErrorCode: 0,
      AuxiliaryBufferSize: 0,
      AuxiliaryBuffer: [],
    });
    expect(decode(notificationWaitRequest, fixture('syncgw/notificationwait_req79.bin')).value).toEqual({
      Flags: 0,
      AuxiliaryBufferSize: 0,
      AuxiliaryBuffer: [],
    });
    const v12 = decode(notificationWaitResponse, fromHex('00000000 00000000 01000000 00000000'));
    expect(v12.value).toMatchObject({ EventPending: 1 });
    expect(findNode(v12.tree, 'EventPending')).toMatchObject({ offset: 8, display: 'Events pending (0x00000001)' });
    expect(decode(notificationWaitResponse, fixture('syncgw/notificationwait_resp79.bin')).value).toMatchObject({
      EventPending: 0,
    });
  });

  it('truncated bodies give error nodes, never exceptions', () => {
    const b = fixture('syncgw/connect_req18.bin');
    for (let n = 0; n < b.length; n += 7) {
      const d = decodeBody('Connect', 'request', b.subarray(0, n));
      expect(d.errors.length, `length ${n}`).toBeGreaterThan(0);
    }
  });
});

describe('building bodies from values (for the simulator)', () => {
  it('a Connect response with AUX blocks: sizes derived, decodes back to the same values', async () => {
    const { auxBlockValue, buildAuxiliaryBuffer } = await import('../../../../shared/protocol/aux/index.js');
    const bytes = encode(connectResponse, {
      StatusCode: 0,
      ErrorCode: 0,
      PollsMax: 60000,
      RetryCount: 6,
      RetryDelay: 10000,
      DnPrefix: '',
      DisplayName: 'Jane Dow',
      AuxiliaryBuffer: buildAuxiliaryBuffer([
        auxBlockValue(1, 0x17, { OrgFlags: 1 }),
        auxBlockValue(1, 0x0a, { EnableFlags: 5, ExpiryTime: 604800000 }),
      ]),
    });
    // Exactly TRANSPORT.md §4.B V6.
    expect(toHex(bytes)).toBe(
      toHex(
        fromHex(
          '00000000 00000000 60ea0000 06000000 10270000 00 4a0061006e006500200044006f0077000000 1c000000 00000400 14001400 08000117 01000000 0c00010a 05000000 00840c24',
        ),
      ),
    );
  });

  it('a failure response is StatusCode + AuxiliaryBufferSize only (V13)', () => {
    expect(toHex(encode(executeResponseRaw, { StatusCode: 0x6bb, AuxiliaryBuffer: [] }))).toBe('bb06000000000000');
  });
});
