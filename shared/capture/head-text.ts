/**
 * The request and response heads rebuilt as HTTP/1.1 text (latin-1), exactly
 * in wire order and case. Header trees point into these buffers
 * ("request-head", "response-head") so a hex/text view can highlight them.
 */
import type { Exchange, RawHeader } from './exchange.js';

function headText(startLine: string, headers: readonly RawHeader[]): Uint8Array {
  let s = startLine + '\r\n';
  for (const h of headers) s += `${h.name}: ${h.value}\r\n`;
  s += '\r\n';
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function requestHead(ex: Exchange): Uint8Array {
  return headText(`${ex.request.method} ${ex.request.url} HTTP/${ex.request.httpVersion}`, ex.request.headers);
}

export function responseHead(ex: Exchange): Uint8Array | undefined {
  const r = ex.response;
  if (!r) return undefined;
  return headText(`HTTP/${r.httpVersion} ${r.statusCode} ${r.statusMessage}`, r.headers);
}

export function headBuffersOf(ex: Exchange): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = { 'request-head': requestHead(ex) };
  const r = responseHead(ex);
  if (r) out['response-head'] = r;
  return out;
}
