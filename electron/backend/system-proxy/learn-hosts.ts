/** Exchange hosts learned from captured exchanges: Autodiscover answers name them. */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { autodiscoverHosts } from '../../../shared/protocol/autodiscover/hosts.js';

function header(h: readonly { name: string; value: string }[], name: string): string | undefined {
  return h.find((x) => x.name.toLowerCase() === name)?.value;
}

function decoded(body: Uint8Array, encoding: string | undefined): Uint8Array {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return gunzipSync(body);
  if (e === 'deflate') return inflateSync(body);
  if (e === 'br') return brotliDecompressSync(body);
  return body;
}

/** Host names a successful Autodiscover answer in `ex` points to (none for any other exchange). */
export function learnHosts(ex: Exchange): string[] {
  const res = ex.response;
  if (!res || res.statusCode !== 200 || !/\/autodiscover\//i.test(ex.request.url)) return [];
  try {
    return autodiscoverHosts(decoded(res.body, header(res.headers, 'content-encoding')));
  } catch {
    return [];
  }
}
