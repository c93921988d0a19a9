/** Conversions between the in-memory models and the JSON DTOs of the API contract. */
import type { Exchange } from '../capture/exchange.js';
import { base64DecodeOrThrow as base64Decode, base64Encode } from '../codec/bytes.js';
import { nodeToJson, type DecodedNode } from '../codec/node.js';
import type { BodyDecode, ExchangeDecode } from '../protocol/decode-exchange.js';
import { type DecodedPartDto, type ExchangeDecodeDto, type ExchangeDto, type TreeNodeDto } from './contract.js';

export function exchangeToDto(ex: Exchange): ExchangeDto {
  const dto: ExchangeDto = {
    id: ex.id,
    connectionId: ex.connectionId,
    timings: { ...ex.timings },
    request: {
      method: ex.request.method,
      url: ex.request.url,
      httpVersion: ex.request.httpVersion,
      headers: ex.request.headers.map((h) => ({ name: h.name, value: h.value })),
      body: base64Encode(ex.request.body),
    },
  };
  if (ex.client) dto.client = { ...ex.client };
  if (ex.server) dto.server = { ...ex.server };
  if (ex.origin) dto.origin = ex.origin;
  if (ex.response)
    dto.response = {
      statusCode: ex.response.statusCode,
      statusMessage: ex.response.statusMessage,
      httpVersion: ex.response.httpVersion,
      headers: ex.response.headers.map((h) => ({ name: h.name, value: h.value })),
      body: base64Encode(ex.response.body),
      chunks: ex.response.chunks.map((c) => ({ ...c })),
    };
  if (ex.aborted) dto.aborted = { ...ex.aborted };
  if (ex.tls) dto.tls = { ...ex.tls };
  if (ex.process) dto.process = ex.process;
  if (ex.comment) dto.comment = ex.comment;
  return dto;
}

export function exchangeFromDto(d: ExchangeDto): Exchange {
  return {
    id: d.id,
    connectionId: d.connectionId,
    ...(d.client ? { client: d.client } : {}),
    ...(d.server ? { server: d.server } : {}),
    ...(d.origin ? { origin: d.origin } : {}),
    timings: d.timings,
    request: { ...d.request, body: base64Decode(d.request.body) },
    ...(d.response ? { response: { ...d.response, body: base64Decode(d.response.body) } } : {}),
    ...(d.aborted ? { aborted: d.aborted as NonNullable<Exchange['aborted']> } : {}),
    ...(d.process ? { process: d.process } : {}),
    ...(d.comment ? { comment: d.comment } : {}),
  };
}

export function treeToDto(n: DecodedNode): TreeNodeDto {
  return nodeToJson(n) as TreeNodeDto;
}

export function bodyDecodeToDto(b: BodyDecode): DecodedPartDto {
  const buffers: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.buffers)) buffers[k] = base64Encode(v);
  return {
    requestType: b.requestType,
    direction: b.direction,
    tree: treeToDto(b.tree),
    errors: b.errors.map((e) => ({ path: e.path, message: e.message, offset: e.offset })),
    unparsedBytes: b.unparsedBytes,
    buffers,
    rops: b.rops,
  };
}

export function exchangeDecodeToDto(
  id: number,
  d: ExchangeDecode,
  headBuffers: Record<string, Uint8Array>,
): ExchangeDecodeDto {
  const heads: Record<string, string> = {};
  for (const [k, v] of Object.entries(headBuffers)) heads[k] = base64Encode(v);
  const dto: ExchangeDecodeDto = {
    id,
    endpoint: d.endpoint,
    http: { request: treeToDto(d.http.request), ...(d.http.response ? { response: treeToDto(d.http.response) } : {}) },
    headBuffers: heads,
    cookies: d.cookies.map((c) => ({ name: c.name, value: c.value })),
    setCookies: d.setCookies.map((c) => ({
      name: c.name,
      value: c.value,
      ...(c.attributes.length
        ? { attributes: c.attributes.map((a) => (a.value === undefined ? a.name : `${a.name}=${a.value}`)).join('; ') }
        : {}),
    })),
    metaTags: d.metaTags.map((m) => ({ tag: m.tag, offset: m.offset })),
  };
  if (d.requestType) dto.requestType = d.requestType;
  if (d.responseCode !== undefined) dto.responseCode = d.responseCode;
  if (d.request) dto.request = bodyDecodeToDto(d.request);
  if (d.response) dto.response = bodyDecodeToDto(d.response);
  return dto;
}
