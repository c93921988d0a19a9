import { describe, expect, it } from 'vitest';
import {
  collectErrors,
  decode,
  encode,
  findNode,
  fromHex,
  toHex,
  unclaimedBytes,
  type StructValue,
} from '../../../../shared/codec/index.js';
import {
  auxBlockValue,
  auxBlocks,
  auxiliaryBuffer,
  buildAuxiliaryBuffer,
  encodeAuxBlocks,
} from '../../../../shared/protocol/aux/index.js';
import { fixture } from '../transport-helpers.js';

const blockOf = (v: StructValue[] | undefined, i: number) => v![i]!.Block as StructValue;

describe('AUX blocks: real Outlook Connect request (syncgw connect_req18)', () => {
  const body = fixture('syncgw/connect_req18.bin');
  // AuxiliaryBufferSize at 117 (= 214), RPC_HEADER_EXT at 121, blocks from 129.
  const aux = body.subarray(121, 121 + 214);
  const { value, tree } = decode(auxiliaryBuffer, aux);
  const blocks = (value![0]!.Payload as { value: StructValue[] }).value;

  it('five blocks, capped to their AUX_HEADER.Size, no errors, every byte claimed', () => {
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', aux.length)).toBe(0);
    const nodes = findNode(tree, 'ExtendedBuffer/AuxBlocks')!.children!;
    expect(nodes.map((n) => [n.display, n.offset, n.length])).toEqual([
      ['AUX_TYPE_PERF_CLIENTINFO', 8, 70],
      ['AUX_TYPE_PERF_ACCOUNTINFO', 78, 24],
      ['AUX_TYPE_PERF_SESSIONINFO', 102, 28],
      ['AUX_TYPE_PERF_PROCESSINFO', 130, 52],
      ['AUX_CLIENT_CONNECTION_INFO', 182, 32],
    ]);
    expect(nodes.map((n) => findNode(n, 'Block')!.display)).toEqual([
      'AUX_PERF_CLIENTINFO',
      'AUX_PERF_ACCOUNTINFO',
      'AUX_PERF_SESSIONINFO_V2',
      'AUX_PERF_PROCESSINFO',
      'AUX_CLIENT_CONNECTION_INFO',
    ]);
  });

  it('AUX_PERF_CLIENTINFO: fixed fields and the AdapterName string at its offset', () => {
    const b = blockOf(blocks, 0);
    expect(b).toMatchObject({
      AdapterSpeed: 520000,
      ClientID: 1,
      AdapterNameOffset: 32,
      ClientMode: 2,
      MachineNameOffset: 0,
    });
    expect(b.AdapterName).toBe('vEthernet (Extern)');
    const n = findNode(tree, 'ExtendedBuffer/AuxBlocks/AuxBlock[0]/Block/AdapterName')!;
    // AUX_HEADER at 8 + offset 32 = 40; 18 UTF-16 chars + terminator = 38 bytes.
    expect(n).toMatchObject({ offset: 40, length: 38, value: 'vEthernet (Extern)' });
    expect(findNode(tree, 'ExtendedBuffer/AuxBlocks/AuxBlock[0]/Block/ClientMode')!.display).toBe(
      'CLIENTMODE_CACHED (0x0002)',
    );
  });

  it('AUX_PERF_SESSIONINFO_V2 (version 2), PROCESSINFO (v2, OUTLOOK.EXE), CLIENT_CONNECTION_INFO', () => {
    expect(blockOf(blocks, 1)).toMatchObject({ ClientID: 1, Account: 'f79da01a-49a2-4db4-a7b1-618a3b18aa00' });
    expect(blockOf(blocks, 2)).toMatchObject({
      SessionID: 1,
      SessionGuid: '04b43a7f-c5fe-4fa9-b6d6-f6c5326634a9',
      ConnectionID: 21,
    });
    expect(blockOf(blocks, 3)).toMatchObject({ ProcessID: 1, ProcessNameOffset: 28, ProcessName: 'OUTLOOK.EXE' });
    expect(findNode(tree, 'ExtendedBuffer/AuxBlocks/AuxBlock[3]/Block/ProcessName')).toMatchObject({
      offset: 130 + 28,
      length: 24,
    });
    expect(blockOf(blocks, 4)).toMatchObject({
      ConnectionGUID: '7ae2e001-b0e9-4b68-913a-c780f1067f4e',
      OffsetConnectionContextInfo: 0,
      ConnectionAttempts: 2,
      ConnectionFlags: 0,
    });
  });

  it('round-trips byte for byte', () => {
    expect(toHex(encode(auxiliaryBuffer, value!))).toBe(toHex(aux));
  });
});

describe('AUX blocks: gromox Connect response (syncgw connect_resp18)', () => {
  const aux = fixture('syncgw/connect_resp18.bin').subarray(63, 99);
  const { value, tree } = decode(auxiliaryBuffer, aux);
  const blocks = (value![0]!.Payload as { value: StructValue[] }).value;
  it('EXORGINFO, CLIENT_CONTROL and ENDPOINT_CAPABILITIES with their flag names', () => {
    expect(collectErrors(tree)).toEqual([]);
    expect(blockOf(blocks, 0)).toEqual({ OrgFlags: 3 });
    expect(blockOf(blocks, 1)).toEqual({ EnableFlags: 0x0c, ExpiryTime: 604800000 });
    expect(blockOf(blocks, 2)).toEqual({ EndpointCapabilityFlag: 1 });
    expect(findNode(tree, 'ExtendedBuffer/AuxBlocks/AuxBlock[1]/Block/EnableFlags')).toMatchObject({
      offset: 8 + 8 + 4,
      display: '0x0000000C (ENABLE_COMPRESSION | ENABLE_HTTP_TUNNELING)',
    });
  });
});

describe('AUX blocks: layouts from the digest, unknown types, bad sizes', () => {
  // TRANSPORT.md §4.B V6 aux payload: EXORGINFO + CLIENT_CONTROL.
  it('V6 blocks', () => {
    const { value } = decode(auxBlocks, fromHex('08000117 01000000 0c00010a 05000000 00840c24'));
    expect(value!.map((b) => b.Block)).toEqual([{ OrgFlags: 1 }, { EnableFlags: 5, ExpiryTime: 0x240c8400 }]);
  });

  it('each known type decodes with its fixed size (v1 and v2 variants)', () => {
    const cases: [number, number, number, string][] = [
      [1, 0x01, 4, 'AUX_PERF_REQUESTID'],
      [1, 0x03, 8, 'AUX_PERF_SERVERINFO'],
      [1, 0x04, 20, 'AUX_PERF_SESSIONINFO'],
      [1, 0x05, 12, 'AUX_PERF_DEFMDB_SUCCESS'],
      [1, 0x11, 12, 'AUX_PERF_DEFMDB_SUCCESS'],
      [1, 0x0d, 16, 'AUX_PERF_DEFGC_SUCCESS'],
      [1, 0x07, 16, 'AUX_PERF_MDB_SUCCESS'],
      [2, 0x13, 20, 'AUX_PERF_MDB_SUCCESS_V2'],
      [1, 0x08, 20, 'AUX_PERF_GC_SUCCESS'],
      [2, 0x0f, 20, 'AUX_PERF_GC_SUCCESS_V2'],
      [1, 0x09, 24, 'AUX_PERF_FAILURE'],
      [2, 0x15, 28, 'AUX_PERF_FAILURE_V2'],
      [1, 0x16, 156, 'AUX_OSVERSIONINFO'],
      [1, 0x46, 4, 'AUX_SERVER_CAPABILITIES'],
      [1, 0x4b, 2, 'AUX_SERVER_SESSION_INFO'],
      [1, 0x4e, 10, 'AUX_PROTOCOL_DEVICE_IDENTIFICATION'],
    ];
    for (const [ver, type, fixed, kind] of cases) {
      const b = new Uint8Array(4 + fixed);
      b[0] = b.length;
      b[2] = ver;
      b[3] = type;
      // first field = 7 unless it is an offset; all offsets 0 (absent)
      for (let i = 4; i < b.length; i++) b[i] = i === 4 && type !== 0x4b && type !== 0x4e ? 7 : 0;
      const { tree, value } = decode(auxBlocks, b);
      expect(collectErrors(tree), kind).toEqual([]);
      expect(findNode(tree, 'AuxBlock/Block')!.display, kind).toBe(kind);
      expect(unclaimedBytes(tree, 'body', b.length), kind).toBe(0);
      expect(toHex(encode(auxBlocks, value!)), kind).toBe(toHex(b));
    }
  });

  it('AUX_PERF_SERVERINFO strings and AUX_SERVER_SESSION_INFO at their offsets', () => {
    const s = encodeAuxBlocks([
      auxBlockValue(1, 0x03, { ServerID: 2, ServerType: 1, ServerDN: '/o=X', ServerName: 'mbx1' }),
      auxBlockValue(1, 0x4b, { ServerSessionContextInfo: 'ctx' }),
    ]);
    const { value, tree } = decode(auxBlocks, s);
    expect(collectErrors(tree)).toEqual([]);
    expect(value![0]!.Block).toMatchObject({
      ServerDNOffset: 12,
      ServerNameOffset: 22,
      ServerDN: '/o=X',
      ServerName: 'mbx1',
    });
    expect(findNode(tree, 'AuxBlock[0]/Block/ServerName')).toMatchObject({ offset: 22, length: 10 });
    expect(value![1]!.Block).toMatchObject({ OffsetServerSessionContextInfo: 6, ServerSessionContextInfo: 'ctx' });
  });

  it('an unknown type (0x52) is kept raw and skipped by Size; the next block still decodes', () => {
    const b = fromHex('08000152 aabbccdd 08000117 01000000');
    const { value, tree } = decode(auxBlocks, b);
    expect(collectErrors(tree)).toEqual([]);
    expect(findNode(tree, 'AuxBlock[0]/Block')!.display).toBe('unknown block type, kept as raw bytes');
    expect(toHex((value![0]!.Block as StructValue).BlockData as Uint8Array)).toBe('aabbccdd');
    expect(value![1]!.Block).toEqual({ OrgFlags: 1 });
  });

  it('a block shorter than its fixed part is an error inside its window; the next block decodes', () => {
    const b = fromHex('06000117 0100 08000117 02000000');
    const { tree, value } = decode(auxBlocks, b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ path: 'AuxBlock[]/AuxBlock/Block/OrgFlags', offset: 4 });
    expect(value![1]!.Block).toEqual({ OrgFlags: 2 });
  });

  it('AUX_HEADER.Size below 4 or beyond the payload is an error, not an exception or a loop', () => {
    for (const hex of ['02000117', '40000117 01000000']) {
      const { tree } = decode(auxBlocks, fromHex(hex));
      expect(collectErrors(tree).length).toBeGreaterThan(0);
    }
  });

  it('an offset pointing outside the block is reported on that item', () => {
    // PROCESSINFO with ProcessNameOffset 0x80 in a 32-byte block.
    const b = new Uint8Array(32);
    b.set([32, 0, 1, 0x0b]);
    b[4 + 20] = 0x80;
    const { tree } = decode(auxBlocks, b);
    expect(collectErrors(tree).map((e) => e.message)).toEqual([
      "ProcessNameOffset 128 points outside the block's variable part",
    ]);
  });

  it('buildAuxiliaryBuffer frames blocks in one RPC_HEADER_EXT (compressed when asked)', () => {
    const blocks = [
      auxBlockValue(1, 0x17, { OrgFlags: 1 }),
      auxBlockValue(1, 0x0a, { EnableFlags: 5, ExpiryTime: 604800000 }),
    ];
    const v = buildAuxiliaryBuffer(blocks);
    expect(toHex(encode(auxiliaryBuffer, v))).toBe(
      '0000040014001400' + '0800011701000000' + '0c00010a0500000000840c24',
    );
    expect(buildAuxiliaryBuffer([])).toEqual([]);
    const big = buildAuxiliaryBuffer(
      Array.from({ length: 20 }, () => blocks[0]!),
      { compress: true },
    );
    const bytes = encode(auxiliaryBuffer, big);
    expect(bytes[2]).toBe(0x05); // Compressed | Last
    const again = decode(auxiliaryBuffer, bytes);
    expect(collectErrors(again.tree)).toEqual([]);
    expect((again.value![0]!.Payload as { value: StructValue[] }).value).toHaveLength(20);
  });
});
