/**
 * SPNEGO ([RFC 4178] 4.2, [MS-SPNG] 2.2) carrying NTLM, as the client sends it
 * under `Authorization: Negotiate`: the first token is a GSS-API
 * InitialContextToken ([RFC 2743] 3.1) around a NegTokenInit that lists the
 * NTLMSSP mechanism and carries the NEGOTIATE_MESSAGE; the server answers a
 * NegTokenResp with the CHALLENGE_MESSAGE; the client's NegTokenResp carries
 * the AUTHENTICATE_MESSAGE. Only DER tag/length framing is done here; the
 * NTLM messages come from the NTLM library.
 */
import { concatBytes } from '../../../shared/codec/bytes.js';

/** 1.3.6.1.5.5.2, the SPNEGO mechanism. */
const OID_SPNEGO = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
/** 1.3.6.1.4.1.311.2.2.10, NTLMSSP ([MS-NLMP] 1.9). */
export const OID_NTLMSSP = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a];
/** 1.2.840.113554.1.2.2 (Kerberos V5) and 1.2.840.48018.1.2.2 (its Microsoft variant). */
const OID_KERBEROS = [
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02],
  [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02],
];

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const c = content instanceof Uint8Array ? content : Uint8Array.from(content);
  const head = [tag, ...len(c.length)];
  const out = new Uint8Array(head.length + c.length);
  out.set(head, 0);
  out.set(c, head.length);
  return out;
}

const cat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** InitialContextToken { SPNEGO, NegTokenInit { mechTypes [NTLMSSP], mechToken } }. */
export function negTokenInit(ntlmNegotiate: Uint8Array): Uint8Array {
  const mechTypes = tlv(0xa0, tlv(0x30, tlv(0x06, OID_NTLMSSP)));
  const mechToken = tlv(0xa2, tlv(0x04, ntlmNegotiate));
  const init = tlv(0xa0, tlv(0x30, cat(mechTypes, mechToken)));
  return tlv(0x60, cat(tlv(0x06, OID_SPNEGO), init));
}

/** NegTokenResp { responseToken } (the client's second leg). */
export function negTokenResp(ntlmAuthenticate: Uint8Array): Uint8Array {
  return tlv(0xa1, tlv(0x30, tlv(0xa2, tlv(0x04, ntlmAuthenticate))));
}

export interface ServerNegTokenResp {
  /** 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic. */
  negState?: number;
  supportedMech?: 'ntlm' | 'kerberos' | 'other';
  responseToken?: Uint8Array;
}

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(b: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new Error('SPNEGO token truncated');
  const tag = b[at]!;
  let n = b[at + 1]!;
  let p = at + 2;
  if (n & 0x80) {
    const k = n & 0x7f;
    if (k === 0 || k > 3 || p + k > limit) throw new Error('SPNEGO length not understood');
    n = 0;
    for (let i = 0; i < k; i++) n = (n << 8) | b[p++]!;
  }
  if (p + n > limit) throw new Error('SPNEGO token truncated');
  return { tag, start: p, end: p + n };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end;) {
    const c = readTlv(b, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

const sameOid = (b: Uint8Array, t: Tlv, oid: number[]) =>
  t.end - t.start === oid.length && oid.every((v, i) => b[t.start + i] === v);

/**
 * The server's NegTokenResp. A bare NTLMSSP message (servers that answer
 * Negotiate with raw NTLM) is returned as its responseToken.
 */
export function parseNegTokenResp(b: Uint8Array): ServerNegTokenResp {
  if (b.length >= 8 && String.fromCharCode(...b.subarray(0, 7)) === 'NTLMSSP') return { responseToken: b };
  const outer = readTlv(b, 0, b.length);
  if (outer.tag !== 0xa1) throw new Error(`not a SPNEGO NegTokenResp (tag 0x${outer.tag.toString(16)})`);
  const seq = readTlv(b, outer.start, outer.end);
  if (seq.tag !== 0x30) throw new Error('SPNEGO NegTokenResp is not a SEQUENCE');
  const out: ServerNegTokenResp = {};
  for (const f of children(b, seq)) {
    const inner = readTlv(b, f.start, f.end);
    if (f.tag === 0xa0 && inner.tag === 0x0a) {
      const negState = b[inner.start];
      if (negState !== undefined) out.negState = negState;
    } else if (f.tag === 0xa1 && inner.tag === 0x06)
      out.supportedMech = sameOid(b, inner, OID_NTLMSSP)
        ? 'ntlm'
        : OID_KERBEROS.some((o) => sameOid(b, inner, o))
          ? 'kerberos'
          : 'other';
    else if (f.tag === 0xa2 && inner.tag === 0x04) out.responseToken = b.subarray(inner.start, inner.end);
  }
  return out;
}
