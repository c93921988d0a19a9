/**
 * Fiddler SAZ reader: raw/NN_c.txt (request bytes), NN_s.txt (response bytes,
 * chunked bodies decoded), NN_m.xml (SessionTimers, SessionFlags such as
 * x-clientip/x-clientport, x-hostip, x-processinfo "outlook:1234",
 * ui-comments, PipeInfo). Connection reuse is rebuilt from the client
 * address:port. Our own writer adds x-mapiscope-* flags that make the round
 * trip exact (Fiddler ignores flags it does not know).
 */
import type { AbortKind, BodyChunk, Exchange, HttpResponse } from '../exchange.js';
import { CaptureFileError } from '../../capture/errors.js';
import { exchangeVersion } from '../http-message.js';
import { parseMessage } from './http.js';
import { openZip, type ZipArchive, type ZipEntry } from './zip.js';

export interface SazSessionMeta {
  sid?: number;
  timers: Record<string, number | undefined>;
  flags: Record<string, string>;
  pipe: Record<string, string>;
}

export interface SazReadResult {
  exchanges: Exchange[];
  warnings: string[];
  /** The archive comment (Fiddler's version string), '' when absent. */
  comment: string;
}

/** Parses a Fiddler timer ("2020-04-02T04:42:49.6309318+00:00") to epoch ms; undefined for the 0001-01-01 "unset" value. */
export function parseFiddlerTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(s.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1970) return undefined;
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const frac = m[7] ?? '';
  if (frac) ms += Number((frac + '000').slice(0, 3)) + (frac.length > 3 ? Number('0.' + frac.slice(3)) : 0);
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const d = z.slice(1).replace(':', '');
    ms -= sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4))) * 60000;
  }
  return ms;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : all;
    }
    return XML_ENTITIES[e.toLowerCase()] ?? all;
  });
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]!] = xmlUnescape(m[3] ?? m[4] ?? '');
  return out;
}

export function parseSessionXml(xml: string): SazSessionMeta {
  const text = xml.replace(/^\ufeff/, '');
  const session = /<Session\b[^>]*>/.exec(text);
  const timersTag = /<SessionTimers\b[^>]*\/?>/.exec(text);
  const pipeTag = /<PipeInfo\b[^>]*\/?>/.exec(text);
  const timers: Record<string, number | undefined> = {};
  for (const [k, v] of Object.entries(timersTag ? attrs(timersTag[0]) : {}))
    timers[k] = /T/.test(v) ? parseFiddlerTime(v) : Number(v);
  const flags: Record<string, string> = {};
  for (const m of text.matchAll(/<SessionFlag\b[^>]*\/?>/g)) {
    const a = attrs(m[0]);
    if (a.N !== undefined) flags[a.N.toLowerCase()] = a.V ?? '';
  }
  const meta: SazSessionMeta = { timers, flags, pipe: pipeTag ? attrs(pipeTag[0]) : {} };
  const sid = session ? Number(attrs(session[0]).SID) : NaN;
  if (Number.isInteger(sid)) meta.sid = sid;
  return meta;
}

interface SessionFiles {
  n: number;
  c?: ZipEntry;
  s?: ZipEntry;
  m?: ZipEntry;
  w?: ZipEntry;
}

/** The sessions of an opened archive, in session-number order. */
function sessionsOf(zip: ZipArchive): SessionFiles[] {
  const byN = new Map<number, SessionFiles>();
  for (const e of zip.entries) {
    const m = /^raw[\\/](\d+)_([csmw])\.(txt|xml)$/i.exec(e.name);
    if (!m) continue;
    const n = Number(m[1]);
    let s = byN.get(n);
    if (!s) byN.set(n, (s = { n }));
    s[m[2]!.toLowerCase() as 'c' | 's' | 'm' | 'w'] = e;
  }
  return [...byN.values()].sort((a, b) => a.n - b.n);
}

/**
 * Reads a SAZ archive. Throws CaptureFileError for an archive it cannot open
 * at all (not a ZIP, encrypted); a session that cannot be read stops the read
 * with an error naming that member, with the sessions before it on `partial`.
 */
export function readSaz(data: Uint8Array, fileName = 'input.saz'): SazReadResult {
  const exchanges: Exchange[] = [];
  const info: SazInfo = { warnings: [], comment: '' };
  try {
    for (const ex of iterateSaz(data, fileName, info)) exchanges.push(ex);
  } catch (e) {
    if (e instanceof CaptureFileError) e.partial = { exchanges, warnings: info.warnings };
    throw e;
  }
  return { exchanges, warnings: info.warnings, comment: info.comment };
}

/** Filled in by `iterateSaz` as it goes. */
export interface SazInfo {
  warnings: string[];
  comment: string;
}

/** Generator form: one exchange at a time (the archive bytes stay in memory; members are inflated one by one). */
export function* iterateSaz(
  data: Uint8Array,
  fileName: string,
  info: SazInfo = { warnings: [], comment: '' },
): Generator<Exchange> {
  const warnings = info.warnings;
  const zip = openZip(data, fileName);
  info.comment = zip.comment;
  if (zip.recovered) warnings.push(`${fileName}: ${zip.recoveryStop}; the sessions before that point were read`);
  const sessions = sessionsOf(zip);
  if (!sessions.length) {
    const encrypted = zip.entries.find((e) => e.flags & 1);
    if (encrypted) zip.read(encrypted); // throws the clear "password-protected" error
    throw new CaptureFileError(
      fileName,
      '',
      `no raw/NN_c.txt members: not a Fiddler session archive (${zip.entries.length} members)`,
    );
  }
  const conns = new Map<string, number>();
  let nextConn = 1;
  let position = 0;
  const unknownChunkTimes: number[] = [];
  for (const s of sessions) {
    position++;
    if (!s.c) {
      warnings.push(`session ${s.n}: no raw/${s.n}_c.txt; skipped`);
      continue;
    }
    const reqBytes = zip.read(s.c);
    const resBytes = s.s ? zip.read(s.s) : undefined;
    const meta = s.m ? parseSessionXml(new TextDecoder().decode(zip.read(s.m))) : { timers: {}, flags: {}, pipe: {} };
    if (!s.m) warnings.push(`session ${s.n}: no _m.xml; times and client address unknown`);
    if (s.w) warnings.push(`session ${s.n}: WebSocket messages (_w.txt) are not imported`);
    const f = meta.flags;
    const ours = f['x-mapiscope-v'] === '1';
    const rq = parseMessage(reqBytes, 'request');
    const vflag = ours && f['x-mapiscope-versions'] ? jsonFlag(f['x-mapiscope-versions']) : undefined;
    const versions =
      Array.isArray(vflag) && vflag.length === 2
        ? (vflag.map((v) => (typeof v === 'string' ? v : undefined)) as [string | undefined, string | undefined])
        : undefined;
    for (const p of rq.problems) warnings.push(`session ${s.n} request: ${p}`);
    const t = meta.timers;
    let timings: Exchange['timings'];
    const exact = ours ? numbers(f['x-mapiscope-timings']) : undefined;
    if (exact && exact[0] !== undefined) {
      timings = { requestStart: exact[0] };
      if (exact[1] !== undefined) timings = { ...timings, requestEnd: exact[1] };
      if (exact[2] !== undefined) timings = { ...timings, responseHeaders: exact[2] };
      if (exact[3] !== undefined) timings = { ...timings, responseEnd: exact[3] };
    } else {
      const start = t.ClientBeginRequest ?? t.ClientConnected ?? t.GotRequestHeaders;
      if (start === undefined) warnings.push(`session ${s.n}: no ClientBeginRequest timer; time 0 used`);
      const requestStart = start ?? 0;
      timings = { requestStart };
      const reqEnd = t.ClientDoneRequest ?? t.ServerGotRequest;
      const headers = t.GotResponseHeaders ?? t.ServerBeginResponse;
      const end = t.ClientDoneResponse ?? t.ServerDoneResponse;
      if (reqEnd !== undefined) timings = { ...timings, requestEnd: reqEnd };
      if (headers !== undefined) timings = { ...timings, responseHeaders: headers };
      if (end !== undefined) timings = { ...timings, responseEnd: end };
    }
    let response: HttpResponse | undefined;
    if (resBytes && f['x-mapiscope-noresponse'] !== '1') {
      const rs = parseMessage(resBytes, 'response');
      for (const p of rs.problems) warnings.push(`session ${s.n} response: ${p}`);
      const exact = ours ? f['x-mapiscope-chunks'] : undefined;
      let chunks: BodyChunk[];
      if (exact !== undefined) {
        chunks =
          exact === ''
            ? []
            : exact.split(',').map((c) => {
                const [time = 0, offset = 0, length = 0] = c.split('/').map(Number);
                return { time, offset, length };
              });
      } else {
        const fallback = timings.responseEnd ?? timings.responseHeaders ?? timings.requestStart;
        const spans = rs.chunks ?? (rs.body.length ? [{ offset: 0, length: rs.body.length }] : []);
        if (spans.length) unknownChunkTimes.push(s.n);
        chunks = spans.map((c) => ({ time: fallback, offset: c.offset, length: c.length }));
      }
      response = {
        statusCode: Number(rs.startLine[1]),
        statusMessage: rs.startLine[2],
        httpVersion: versions?.[1] ?? exchangeVersion(rs.startLine[0]),
        headers: rs.headers,
        body: rs.body,
        chunks,
        ...(rs.trailers ? { trailers: rs.trailers } : {}),
      };
    }
    // Connection: ours carry it; otherwise the client socket (address:port) identifies it.
    let connectionId: number;
    const clientPort = Number(f['x-clientport']);
    if (
      ours &&
      f['x-mapiscope-connection'] !== undefined &&
      Number.isInteger(Number(f['x-mapiscope-connection'])) &&
      f['x-mapiscope-connection'] !== ''
    )
      connectionId = Number(f['x-mapiscope-connection']);
    else if (Number.isInteger(clientPort) && clientPort > 0) {
      const key = `${f['x-clientip'] ?? ''}:${clientPort}`;
      let id = conns.get(key);
      if (id === undefined) conns.set(key, (id = nextConn++));
      connectionId = id;
    } else connectionId = nextConn++;
    const target = ours && f['x-mapiscope-target'] !== undefined ? f['x-mapiscope-target'] : rq.startLine[1];
    const ex: Exchange = {
      id:
        ours && Number.isInteger(Number(f['x-mapiscope-id'])) && f['x-mapiscope-id'] !== ''
          ? Number(f['x-mapiscope-id'])
          : position,
      connectionId,
      ...(f['x-clientip']
        ? { client: { address: f['x-clientip'], port: Number.isInteger(clientPort) ? clientPort : 0 } }
        : {}),
      ...serverOf(f, rq.startLine[1], ours),
      ...originOf(f, rq.startLine[1], rq.headers, ours),
      timings,
      request: {
        method: rq.startLine[0],
        url: target,
        httpVersion: versions?.[0] ?? exchangeVersion(rq.startLine[2]),
        headers: rq.headers,
        body: rq.body,
      },
      ...(response ? { response } : {}),
      ...abortedOf(f, s.n, !!resBytes, warnings, ours),
      ...tlsOf(f, ours, s.n, warnings),
      ...(f['x-processinfo'] ? { process: f['x-processinfo'] } : {}),
      ...(f['ui-comments'] !== undefined ? { comment: f['ui-comments'] } : {}),
    };
    yield ex;
  }
  if (unknownChunkTimes.length)
    warnings.push(
      `${unknownChunkTimes.length} session(s) (${unknownChunkTimes.slice(0, 10).join(', ')}${unknownChunkTimes.length > 10 ? ', …' : ''}): SAZ has no arrival time per chunk; every chunk is timed at the response end`,
    );
}

function jsonFlag(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function tlsOf(f: Record<string, string>, ours: boolean, n: number, warnings: string[]): Pick<Exchange, 'tls'> {
  if (!ours || !f['x-mapiscope-tls']) return {};
  const t = jsonFlag(f['x-mapiscope-tls']);
  if (t && typeof t === 'object' && !Array.isArray(t)) return { tls: t };
  warnings.push(`session ${n}: x-mapiscope-tls flag unreadable; ignored`);
  return {};
}

function numbers(s: string | undefined): (number | undefined)[] | undefined {
  if (s === undefined) return undefined;
  return s.split(',').map((x) => (x === '' ? undefined : Number(x)));
}

function serverOf(f: Record<string, string>, target: string, ours: boolean): Pick<Exchange, 'server'> {
  if (ours && f['x-mapiscope-server']) {
    const i = f['x-mapiscope-server'].lastIndexOf(':');
    return {
      server: { address: f['x-mapiscope-server'].slice(0, i), port: Number(f['x-mapiscope-server'].slice(i + 1)) },
    };
  }
  if (ours) return {};
  const ip = f['x-hostip'];
  if (!ip) return {};
  const m = /^([a-z]+):\/\/[^/:]+(?::(\d+))?/i.exec(target);
  const port = m ? (m[2] ? Number(m[2]) : m[1]!.toLowerCase() === 'https' ? 443 : 80) : 80;
  return { server: { address: ip, port } };
}

function originOf(
  f: Record<string, string>,
  target: string,
  headers: { name: string; value: string }[],
  ours: boolean,
): Pick<Exchange, 'origin'> {
  if (ours) return f['x-mapiscope-origin'] !== undefined ? { origin: f['x-mapiscope-origin'] } : {};
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(target);
  if (m) return { origin: m[1]! };
  const host = headers.find((h) => h.name.toLowerCase() === 'host')?.value;
  return host ? { origin: `http://${host}` } : {};
}

function abortedOf(
  f: Record<string, string>,
  n: number,
  hasResponse: boolean,
  warnings: string[],
  ours: boolean,
): Pick<Exchange, 'aborted'> {
  if (ours && f['x-mapiscope-aborted']) {
    const a = jsonFlag(f['x-mapiscope-aborted']) as { kind?: AbortKind; message?: string } | undefined;
    if (a && typeof a.kind === 'string') return { aborted: { kind: a.kind, message: String(a.message ?? '') } };
    warnings.push(`session ${n}: x-mapiscope-aborted flag unreadable; ignored`);
  }
  // Ours says when there was no response (x-mapiscope-noresponse); a missing _s.txt otherwise is a loss.
  if (!hasResponse && (!ours || f['x-mapiscope-noresponse'] !== '1')) {
    warnings.push(`session ${n}: no response in the archive`);
    return { aborted: { kind: 'upstream-error', message: 'no response in the SAZ archive' } };
  }
  return {};
}

export { openZip };
