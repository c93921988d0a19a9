/** The facts a decoded exchange gives: response codes, meta-tags, Set-Cookie names, status, missing context. */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeDecode } from '../protocol/decode-exchange.js';
import type { Session } from './live-session.js';
import { emsmdbStatus } from './rop-values.js';
import type { ExchangeFacts } from './types.js';

/** `nameList` keeps one shared array per distinct list of Set-Cookie names. */
export function decodeFacts(
  d: ExchangeDecode,
  f: ExchangeFacts,
  ex: Exchange,
  nameList: (names: string[]) => string[],
): void {
  if (d.responseCode !== undefined) f.responseCode = d.responseCode;
  const fin = d.response?.streamValue?.FinalHeaders;
  if (fin) {
    if (fin.responseCode !== undefined) f.trailerResponseCode = fin.responseCode;
    if (fin.elapsedMs !== undefined) f.elapsedMs = fin.elapsedMs;
  }
  if (d.metaTags.length) {
    const chunks = ex.response?.chunks ?? [];
    f.metaTags = d.metaTags.map((m) => {
      const c = chunks.find((x) => m.offset >= x.offset && m.offset < x.offset + Math.max(1, x.length));
      return c ? { tag: m.tag, time: c.time } : { tag: m.tag };
    });
  }
  if (d.setCookies.length) f.setCookieNames = nameList(d.setCookies.map((c) => c.name));
  if (d.response?.complete !== undefined) f.responseComplete = d.response.complete;
  const st = emsmdbStatus(d);
  if (st.statusCode !== undefined && d.endpoint === 'emsmdb') f.statusCode = st.statusCode;
  if (st.errorCode !== undefined && d.endpoint === 'emsmdb') f.errorCode = st.errorCode;
  if (d.endpoint === 'autodiscover' && d.response) {
    const v = d.response.value as { Root?: string; MapiHttp?: unknown } | undefined;
    f.autodiscover = { isResponse: f.status === 200 && !!v?.Root, mapiHttp: !!v?.MapiHttp };
  }
  f.decodeErrors = (d.request?.errors.length ?? 0) + (d.response?.errors.length ?? 0);
}

/** What context the decoders lacked for this exchange, and why. */
export function missingContext(s: Session | undefined, d: ExchangeDecode, f: ExchangeFacts): void {
  const out: { path: string; reason: string }[] = [];
  for (const b of [d.request, d.response])
    for (const e of b?.errors ?? [])
      if (e.message.startsWith('context unavailable:')) {
        let reason = e.message.slice('context unavailable:'.length).trim();
        if (s?.info.startedMidSession) reason += ` (the capture starts inside session ${s.info.id}, after its Connect)`;
        out.push({ path: e.path, reason });
      }
  for (const r of f.handleRefs ?? [])
    if (r.status === 'unknown' && s?.info.startedMidSession)
      out.push({
        path: `RopsList/${r.ropName}`,
        reason: `handle 0x${r.handle.toString(16).padStart(8, '0')} was created before the capture started (session ${s.info.id} has no Connect in it)`,
      });
  if (out.length) f.missingContext = out;
}
