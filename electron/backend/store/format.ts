/**
 * The capture file format, version 1 (".mscap").
 *
 *   file   := MAGIC(8) record*
 *   record := u32le payloadLength | u8 type | payload | u32le crc32(type byte + payload)
 *
 * Record types: 1 meta (JSON), 2 exchange, 3 connection event (JSON).
 * Exchange payload := u32le jsonLength | JSON (the Exchange without body bytes, plus
 * `requestBodyLength` / `responseBodyLength`) | request body | response body.
 *
 * Append-only: a record is written with one write() call, after which it survives a process crash
 * (kill -9). A record is valid only if its length fits in the file and its CRC matches, so a torn
 * last record is detected and reported, never decoded as garbage.
 *
 * The index (<file>.idx) is a cache for fast open: a 16-byte header and one 20-byte entry per
 * record (f64 offset, u32 record length, u32 exchange id, u32 type). The data file is the truth:
 * a missing, short or inconsistent index is rebuilt by scanning.
 */
import { crc32 } from 'node:zlib';
import type { Exchange, HttpRequest, HttpResponse } from '../../../shared/capture/exchange.js';

export const MAGIC = Buffer.from('MSCAP\r\n\x01', 'latin1');
export const FORMAT_VERSION = 1;
export const RECORD_OVERHEAD = 9; // length + type + crc
export const INDEX_MAGIC = Buffer.from('MSCAPIX1', 'latin1');
export const INDEX_HEADER = 16; // magic + u64 reserved
export const INDEX_ENTRY = 20;

export const enum RecordType {
  Meta = 1,
  Exchange = 2,
  Connection = 3,
}

export interface CaptureMeta {
  formatVersion: number;
  createdAt: string;
  app: string;
  [k: string]: unknown;
}

/** A connection event as stored (see proxy/engine.ts ConnectionEvent). */
export interface StoredConnectionEvent {
  type: string;
  connectionId: number;
  time: number;
  [k: string]: unknown;
}

export function encodeRecord(type: RecordType, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_OVERHEAD + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out[4] = type;
  out.set(payload, 5);
  out.writeUInt32LE(crc32(out.subarray(4, 5 + payload.length)), 5 + payload.length);
  return out;
}

export function encodeJson(type: RecordType, value: unknown): Buffer {
  return encodeRecord(type, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** The JSON part of an exchange payload: the Exchange without body bytes, with their lengths. */
export function exchangeHead(ex: Exchange): Record<string, unknown> {
  const { body: reqBody, ...request } = ex.request;
  const head: Record<string, unknown> = { ...ex, request: { ...request, bodyLength: reqBody.length } };
  if (ex.response) {
    const { body: resBody, ...response } = ex.response;
    head.response = { ...response, bodyLength: resBody.length };
  }
  return head;
}

export function encodeExchange(ex: Exchange): Buffer {
  const reqBody = ex.request.body;
  const resBody = ex.response?.body;
  const json = Buffer.from(JSON.stringify(exchangeHead(ex)), 'utf8');
  const resLen = resBody?.length ?? 0;
  const payloadLen = 4 + json.length + reqBody.length + resLen;
  // Built in place (no intermediate payload copy): length | type | payload | crc.
  const out = Buffer.allocUnsafe(RECORD_OVERHEAD + payloadLen);
  out.writeUInt32LE(payloadLen, 0);
  out[4] = RecordType.Exchange;
  out.writeUInt32LE(json.length, 5);
  json.copy(out, 9);
  out.set(reqBody, 9 + json.length);
  if (resBody) out.set(resBody, 9 + json.length + reqBody.length);
  out.writeUInt32LE(crc32(out.subarray(4, 5 + payloadLen)), 5 + payloadLen);
  return out;
}

export function decodeExchange(payload: Uint8Array): Exchange {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const jsonLen = buf.readUInt32LE(0);
  const head = JSON.parse(buf.subarray(4, 4 + jsonLen).toString('utf8')) as Record<string, unknown> & {
    request: Omit<HttpRequest, 'body'> & { bodyLength: number };
    response?: Omit<HttpResponse, 'body'> & { bodyLength: number };
  };
  let o = 4 + jsonLen;
  const { bodyLength: rql, ...request } = head.request;
  const reqBody = new Uint8Array(buf.subarray(o, o + rql));
  o += rql;
  const ex = { ...head, request: { ...request, body: reqBody } } as Record<string, unknown>;
  if (head.response) {
    const { bodyLength: rsl, ...response } = head.response;
    ex.response = { ...response, body: new Uint8Array(buf.subarray(o, o + rsl)) };
    o += rsl;
  }
  if (o !== buf.length) throw new Error(`exchange record has ${buf.length - o} unexpected trailing bytes`);
  return ex as unknown as Exchange;
}

export type RecordCheck =
  | { ok: true; type: number; payload: Buffer; length: number }
  | { ok: false; reason: 'short' | 'crc' | 'type'; need?: number };

/** Checks the record at `off` of `buf` (which may end early). */
export function checkRecord(buf: Buffer, off: number): RecordCheck {
  if (buf.length - off < RECORD_OVERHEAD) return { ok: false, reason: 'short', need: RECORD_OVERHEAD };
  const len = buf.readUInt32LE(off);
  const total = RECORD_OVERHEAD + len;
  if (buf.length - off < total) return { ok: false, reason: 'short', need: total };
  const type = buf[off + 4]!;
  const crc = buf.readUInt32LE(off + 5 + len);
  if (crc32(buf.subarray(off + 4, off + 5 + len)) !== crc) return { ok: false, reason: 'crc' };
  if (type < 1 || type > 3) return { ok: false, reason: 'type' };
  return { ok: true, type, payload: buf.subarray(off + 5, off + 5 + len), length: total };
}

export function indexEntry(offset: number, length: number, id: number, type: number): Buffer {
  const b = Buffer.allocUnsafe(INDEX_ENTRY);
  b.writeDoubleLE(offset, 0);
  b.writeUInt32LE(length, 8);
  b.writeUInt32LE(id >>> 0, 12);
  b.writeUInt32LE(type, 16);
  return b;
}

export function indexHeader(): Buffer {
  const b = Buffer.alloc(INDEX_HEADER);
  INDEX_MAGIC.copy(b, 0);
  return b;
}
