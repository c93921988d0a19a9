/** Execute-body unwrapping for ROP tests (no vitest import, so scripts can use it too). */
/**
 * The ROP buffer (RopSize · RopsList · handle table) of an Execute body
 * ([MS-OXCMAPIHTTP] 2.2.4.2): strips the response preamble (PROCESSING/DONE
 * lines up to the empty line), reads the first RPC_HEADER_EXT and undoes
 * XorMagic. Compressed payloads are not handled here (the tests pick
 * uncompressed ones). `rops` is the RopsList alone, `handles` the table.
 */
export function executeRopBuffer(
  body: Uint8Array,
  side: 'request' | 'response',
): { rops: Uint8Array; handles: number[] } {
  let b = body;
  if (side === 'response' && b[0]! >= 0x41 && b[0]! <= 0x5a) {
    for (let i = 0; i + 3 < b.length; i++)
      if (b[i] === 0x0d && b[i + 1] === 0x0a && b[i + 2] === 0x0d && b[i + 3] === 0x0a) {
        b = b.subarray(i + 4);
        break;
      }
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = side === 'request' ? 4 : 12; // Flags | StatusCode, ErrorCode, Flags
  const size = v.getUint32(at, true);
  const buf = b.subarray(at + 4, at + 4 + size);
  const hv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = hv.getUint16(2, true);
  const len = hv.getUint16(4, true);
  if (flags & 1) throw new Error('compressed payload: pick another fixture');
  let p = buf.subarray(8, 8 + len);
  if (flags & 2) p = p.map((x) => x ^ 0xa5);
  const pv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const ropSize = pv.getUint16(0, true);
  const handles: number[] = [];
  for (let i = ropSize; i + 4 <= p.length; i += 4) handles.push(pv.getUint32(i, true));
  return { rops: p.subarray(2, ropSize), handles };
}

export function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
