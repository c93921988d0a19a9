/**
 * The simulator's NTLM and Negotiate acceptor, the server side of [MS-NLMP]
 * 3.2 and [MS-SPNG] 3.2, written apart from the client on purpose: message
 * layouts are read here from the spec ([MS-NLMP] 2.2.1.2 CHALLENGE_MESSAGE,
 * 2.2.1.3 AUTHENTICATE_MESSAGE, 2.2.2.1 AV_PAIR), MD4 comes from hash-wasm and
 * SPNEGO's DER from node-forge, none of which the client uses, so a wrong
 * client cannot pass against a wrong server. Only NTLMv2 responses are
 * accepted: NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge ‖ temp) with
 * NTOWFv2 = HMAC_MD5(MD4(UNICODE(password)), UNICODE(Upper(user) ‖ domain))
 * ([MS-NLMP] 3.3.2).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md4 } from 'hash-wasm';
import forge from 'node-forge';

export interface NtlmAccount {
  /** User name ("alice"); a UPN's local part also matches. */
  user: string;
  /** Domain of `DOMAIN\user`; any domain is accepted when absent. */
  domain?: string;
  password: string;
}

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
// [MS-NLMP] 2.2.2.5 NEGOTIATE flags.
const F_UNICODE = 0x00000001;
const F_REQUEST_TARGET = 0x00000004;
const F_NTLM = 0x00000200;
const F_ALWAYS_SIGN = 0x00008000;
const F_TARGET_TYPE_DOMAIN = 0x00010000;
const F_EXTENDED_SESSIONSECURITY = 0x00080000;
const F_TARGET_INFO = 0x00800000;
const F_128 = 0x20000000;
const F_56 = 0x80000000;

const utf16 = (s: string) => Buffer.from(s, 'utf16le');

function avPair(id: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4 + value.length);
  b.writeUInt16LE(id, 0);
  b.writeUInt16LE(value.length, 2);
  value.copy(b, 4);
  return b;
}

export interface Challenge {
  message: Buffer;
  serverChallenge: Buffer;
}

/** CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2) with target info, asking for NTLMv2. */
export function challengeMessage(domain: string): Challenge {
  const serverChallenge = randomBytes(8);
  const target = utf16(domain.toUpperCase());
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n);
  const info = Buffer.concat([
    avPair(2, target), // MsvAvNbDomainName
    avPair(1, utf16('SIMULATOR')), // MsvAvNbComputerName
    avPair(4, utf16(`${domain.toLowerCase()}.mapiscope.test`)), // MsvAvDnsDomainName
    avPair(3, utf16(`simulator.${domain.toLowerCase()}.mapiscope.test`)), // MsvAvDnsComputerName
    avPair(7, ts), // MsvAvTimestamp
    avPair(0, Buffer.alloc(0)), // MsvAvEOL
  ]);
  const head = Buffer.alloc(56);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(56, 16);
  const flags =
    F_UNICODE |
    F_REQUEST_TARGET |
    F_NTLM |
    F_ALWAYS_SIGN |
    F_TARGET_TYPE_DOMAIN |
    F_EXTENDED_SESSIONSECURITY |
    F_TARGET_INFO |
    F_128 |
    F_56;
  head.writeUInt32LE(flags >>> 0, 20);
  serverChallenge.copy(head, 24);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(56 + target.length, 44);
  // Version (8 bytes) left zero: NTLMSSP_NEGOTIATE_VERSION is not set.
  return { message: Buffer.concat([head, target, info]), serverChallenge };
}

/** Message type of an NTLMSSP message, or 0. */
export function ntlmMessageType(b: Buffer): number {
  return b.length >= 12 && b.subarray(0, 8).equals(SIGNATURE) ? b.readUInt32LE(8) : 0;
}

export interface AuthenticateFields {
  user: string;
  domain: string;
  workstation: string;
  ntResponse: Buffer;
  flags: number;
}

/** AUTHENTICATE_MESSAGE fields ([MS-NLMP] 2.2.1.3). */
export function readAuthenticate(b: Buffer): AuthenticateFields {
  if (ntlmMessageType(b) !== 3 || b.length < 64) throw new Error('not an AUTHENTICATE_MESSAGE');
  const flags = b.readUInt32LE(60);
  const field = (at: number) => {
    const len = b.readUInt16LE(at);
    const off = b.readUInt32LE(at + 4);
    if (off + len > b.length) throw new Error('AUTHENTICATE_MESSAGE field beyond its end');
    return b.subarray(off, off + len);
  };
  const text = (at: number) => field(at).toString(flags & F_UNICODE ? 'utf16le' : 'latin1');
  return { ntResponse: field(20), domain: text(28), user: text(36), workstation: text(44), flags };
}

/** Whether the NTLMv2 response proves the account's password for this challenge. */
export async function verifyNtlmV2(
  fields: AuthenticateFields,
  serverChallenge: Buffer,
  password: string,
): Promise<boolean> {
  if (fields.ntResponse.length <= 24) return false; // NTLMv1 (24 bytes) is not accepted
  const ntHash = Buffer.from(await md4(utf16(password)), 'hex');
  const ntowfv2 = createHmac('md5', ntHash)
    .update(utf16(fields.user.toUpperCase() + fields.domain))
    .digest();
  const proof = fields.ntResponse.subarray(0, 16);
  const temp = fields.ntResponse.subarray(16);
  const want = createHmac('md5', ntowfv2)
    .update(Buffer.concat([serverChallenge, temp]))
    .digest();
  return timingSafeEqual(proof, want);
}

/** The AUTHENTICATE_MESSAGE names the account (user or UPN local part, and its domain when one is set). */
export function namesAccount(f: AuthenticateFields, a: NtlmAccount): boolean {
  const u = f.user.toLowerCase();
  const want = a.user.toLowerCase();
  if (u !== want && u.split('@')[0] !== want) return false;
  if (!a.domain || u.includes('@')) return true;
  return f.domain.toLowerCase() === a.domain.toLowerCase();
}

// --- SPNEGO ([RFC 4178] 4.2) with node-forge's ASN.1 --------------------------------------------

const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10';
const { asn1 } = forge;

/**
 * The NTLM message inside a client SPNEGO token: NegTokenInit (possibly inside
 * the GSS-API InitialContextToken) or NegTokenResp; a bare NTLMSSP message is
 * returned as is. `offersNtlm` is false when the client listed only other mechanisms.
 */
export function unwrapSpnego(token: Buffer): { ntlm?: Buffer; offersNtlm: boolean } {
  if (ntlmMessageType(token)) return { ntlm: token, offersNtlm: true };
  let node = asn1.fromDer(forge.util.createBuffer(token.toString('binary')));
  if (node.tagClass === asn1.Class.APPLICATION && node.type === 0) {
    // InitialContextToken: thisMech OID, then the NegotiationToken.
    node = (node.value as forge.asn1.Asn1[])[1]!;
  }
  const seq = (node.value as forge.asn1.Asn1[])[0];
  if (!seq || seq.type !== asn1.Type.SEQUENCE) throw new Error('SPNEGO token without a SEQUENCE');
  let offersNtlm = node.type === 1; // a NegTokenResp continues the mechanism already chosen
  let ntlm: Buffer | undefined;
  for (const f of seq.value as forge.asn1.Asn1[]) {
    const inner = (f.value as forge.asn1.Asn1[])[0];
    if (!inner) continue;
    if (node.type === 0 && f.type === 0)
      offersNtlm = (inner.value as forge.asn1.Asn1[]).some(
        (o) => asn1.derToOid(forge.util.createBuffer(o.value as string)) === NTLMSSP_OID,
      );
    if (f.type === 2 && inner.type === asn1.Type.OCTETSTRING) ntlm = Buffer.from(inner.value as string, 'binary');
  }
  return { ...(ntlm ? { ntlm } : {}), offersNtlm };
}

/** NegTokenResp { negState, supportedMech NTLMSSP, responseToken? } ([RFC 4178] 4.2.2). */
export function negTokenRespFor(negState: 0 | 1 | 2, responseToken?: Buffer): Buffer {
  const ctx = (n: number, v: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, true, [v]);
  const fields = [
    ctx(0, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(negState))),
    ctx(1, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(NTLMSSP_OID).getBytes())),
  ];
  if (responseToken)
    fields.push(
      ctx(2, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, responseToken.toString('binary'))),
    );
  const resp = ctx(1, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, fields));
  return Buffer.from(asn1.toDer(resp).getBytes(), 'binary');
}
