/**
 * Fiddler SAZ writer, laid out as Fiddler writes it: a `raw/` folder entry,
 * then per session NN_c.txt (request bytes), NN_m.xml (UTF-8 with BOM, CRLF,
 * SessionTimers with 7-digit fractions and offset, PipeInfo, SessionFlags),
 * NN_s.txt (response bytes; a chunked response is framed one HTTP chunk per
 * captured arrival slice), then `[Content_Types].xml`, `_index.htm`, and the
 * version string in the ZIP comment. Requests are written with an absolute
 * URL in the request line, as Fiddler stores them. Streaming: `add(ex)`
 * returns that session's bytes; only the index rows are kept.
 *
 * x-mapiscope-* session flags carry what Fiddler has no place for (exact
 * fractional times, per-chunk arrival, connection id, abort), so our reader
 * gets the exchange back unchanged; Fiddler shows them as ordinary flags.
 */
import { type Exchange, headerValue } from '../exchange.js';
import { utf8Encode } from '../../codec/bytes.js';
import { absoluteTarget, exchangeVersion, harVersion } from '../http-message.js';
import { serializeMessage } from './http.js';
import { ZipWriter } from './zip.js';

export interface SazWriteOptions {
  /** Number of sessions if known: session numbers are zero-padded to its width, as Fiddler does. */
  total?: number;
  /** Written in the ZIP comment. */
  creator?: string;
  /** Time stamp of the ZIP members. */
  mtime?: Date;
  /** Raw DEFLATE for the members (Node callers may pass zlib's); fflate's by default. */
  deflate?: (b: Uint8Array) => Uint8Array;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Fiddler timer text: "2020-04-02T04:42:49.6309318+00:00"; the "unset" value for undefined. */
export function fiddlerTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '0001-01-01T00:00:00';
  const whole = Math.floor(ms);
  const d = new Date(whole);
  const ticks = Math.min(9999, Math.round((ms - whole) * 10000));
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    `${pad(d.getUTCMilliseconds(), 3)}${pad(ticks, 4)}+00:00`
  );
}

function xmlAttr(s: string): string {
  return s.replace(/[&<>"\u0000-\u001f]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&quot;'
            : `&#x${c.charCodeAt(0).toString(16)};`,
  );
}

function html(s: string): string {
  return s.replace(/[&<>']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#39;'));
}

export class SazWriter {
  private zip: ZipWriter;
  private n = 0;
  private rows: string[] = [];
  private seenConnections = new Set<number>();
  private readonly width: number;
  private readonly mtime: Date;

  constructor(private readonly opts: SazWriteOptions = {}) {
    this.zip = new ZipWriter(opts.deflate ? { deflate: opts.deflate } : {});
    this.width = opts.total && opts.total > 0 ? String(opts.total).length : 1;
    this.mtime = opts.mtime ?? new Date();
  }

  begin(): Uint8Array[] {
    return this.zip.add('raw/', new Uint8Array(0), { mtime: this.mtime });
  }

  add(ex: Exchange): Uint8Array[] {
    const n = ++this.n;
    const num = pad(n, this.width);
    const url = absoluteTarget(ex);
    const rq = ex.request;
    const reqChunked = /chunked\s*$/i.test(headerValue(rq.headers, 'Transfer-Encoding') ?? '');
    const c = serializeMessage(
      [rq.method, url, harVersion(rq.httpVersion)],
      rq.headers,
      rq.body,
      reqChunked ? { boundaries: [] } : undefined,
    );
    const out: Uint8Array[] = [];
    out.push(...this.zip.add(`raw/${num}_c.txt`, c, { mtime: this.mtime }));
    out.push(...this.zip.add(`raw/${num}_m.xml`, this.metaXml(ex, n, url), { mtime: this.mtime }));
    const rs = ex.response;
    if (rs) {
      const chunked = /chunked\s*$/i.test(headerValue(rs.headers, 'Transfer-Encoding') ?? '');
      const s = serializeMessage(
        [harVersion(rs.httpVersion), String(rs.statusCode), rs.statusMessage],
        rs.headers,
        rs.body,
        chunked ? { boundaries: rs.chunks, ...(rs.trailers ? { trailers: rs.trailers } : {}) } : undefined,
      );
      out.push(...this.zip.add(`raw/${num}_s.txt`, s, { mtime: this.mtime }));
    }
    const host = /^[a-z]+:\/\/([^/?#]+)/i.exec(url)?.[1] ?? '';
    const pathQ = url.replace(/^[a-z]+:\/\/[^/?#]+/i, '') || '/';
    const links = `<a href='raw\\${num}_c.txt'>C</a>&nbsp;${rs ? `<a href='raw\\${num}_s.txt'>S</a>&nbsp;` : ''}<a href='raw\\${num}_m.xml'>M</a>`;
    const cells = [
      links,
      String(n),
      rs ? String(rs.statusCode) : '-',
      url.toLowerCase().startsWith('https:') ? 'HTTPS' : 'HTTP',
      host,
      pathQ,
      rs ? String(rs.body.length) : '-1',
      headerValue(rs?.headers ?? [], 'Cache-Control') ?? '',
      headerValue(rs?.headers ?? [], 'Content-Type') ?? '',
      ex.process ?? '',
      ex.comment ?? '',
      '',
      rq.method,
    ];
    this.rows.push(`<tr>${cells.map((x, i) => `<td>${i === 0 ? x : html(x)}</td>`).join('')}</tr>`);
    return out;
  }

  /** The closing members (index, content types) and the ZIP directory. */
  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const types =
      '<?xml version="1.0" encoding="utf-8" ?>\r\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\r\n' +
      '<Default Extension="htm" ContentType="text/html" />\r\n<Default Extension="xml" ContentType="application/xml" />\r\n' +
      '<Default Extension="txt" ContentType="text/plain" />\r\n</Types>';
    out.push(...this.zip.add('[Content_Types].xml', utf8Encode(types), { mtime: this.mtime }));
    const head = [
      '&nbsp;',
      '#',
      'Result',
      'Protocol',
      'Host',
      'URL',
      'Body',
      'Caching',
      'Content-Type',
      'Process',
      'Comments',
      'Custom',
      'Method',
    ];
    const index =
      '\ufeff<html><head><style>body,thead,td,a,p{font-family:verdana,sans-serif;font-size: 10px;}</style></head><body>' +
      `<table cols=${head.length}><thead><tr>${head.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>` +
      this.rows.join('') +
      '</tbody></table></body></html>';
    this.rows = [];
    out.push(...this.zip.add('_index.htm', utf8Encode(index), { mtime: this.mtime }));
    out.push(...this.zip.finish(this.opts.creator ?? 'MapiScope Session Archive (Fiddler SAZ format)'));
    return out;
  }

  private metaXml(ex: Exchange, n: number, url: string): Uint8Array {
    const t = ex.timings;
    const timers: [string, number | undefined][] = [
      ['ClientConnected', t.requestStart],
      ['ClientBeginRequest', t.requestStart],
      ['GotRequestHeaders', t.requestStart],
      ['ClientDoneRequest', t.requestEnd],
    ];
    const after: [string, number | undefined][] = [
      ['ServerConnected', t.requestEnd],
      ['FiddlerBeginRequest', t.requestEnd],
      ['ServerGotRequest', t.requestEnd],
      ['ServerBeginResponse', t.responseHeaders],
      ['GotResponseHeaders', t.responseHeaders],
      ['ServerDoneResponse', t.responseEnd],
      ['ClientBeginResponse', t.responseHeaders],
      ['ClientDoneResponse', t.responseEnd],
    ];
    const timerText =
      timers.map(([k, v]) => `${k}="${fiddlerTime(v)}"`).join(' ') +
      ' GatewayTime="0" DNSTime="0" TCPConnectTime="0" HTTPSHandshakeTime="0" ' +
      after.map(([k, v]) => `${k}="${fiddlerTime(v)}"`).join(' ');
    const reused = this.seenConnections.has(ex.connectionId);
    this.seenConnections.add(ex.connectionId);
    const flags: [string, string][] = [];
    if (ex.response) flags.push(['x-responsebodytransferlength', String(ex.response.body.length)]);
    if (ex.client) {
      flags.push(['x-clientport', String(ex.client.port)]);
      flags.push(['x-clientip', ex.client.address]);
    }
    if (ex.server) flags.push(['x-hostip', ex.server.address]);
    if (ex.process !== undefined) flags.push(['x-processinfo', ex.process]);
    if (ex.comment !== undefined) flags.push(['ui-comments', ex.comment]);
    flags.push(['x-mapiscope-v', '1']);
    flags.push(['x-mapiscope-id', String(ex.id)]);
    flags.push(['x-mapiscope-connection', String(ex.connectionId)]);
    flags.push([
      'x-mapiscope-timings',
      [t.requestStart, t.requestEnd, t.responseHeaders, t.responseEnd]
        .map((x) => (x === undefined ? '' : String(x)))
        .join(','),
    ]);
    if (ex.response?.chunks.length)
      flags.push(['x-mapiscope-chunks', ex.response.chunks.map((c) => `${c.time}/${c.offset}/${c.length}`).join(',')]);
    if (url !== ex.request.url) flags.push(['x-mapiscope-target', ex.request.url]);
    if (ex.origin !== undefined) flags.push(['x-mapiscope-origin', ex.origin]);
    if (ex.server) flags.push(['x-mapiscope-server', `${ex.server.address}:${ex.server.port}`]);
    if (ex.aborted) flags.push(['x-mapiscope-aborted', JSON.stringify(ex.aborted)]);
    if (ex.tls) flags.push(['x-mapiscope-tls', JSON.stringify(ex.tls)]);
    if (!ex.response) flags.push(['x-mapiscope-noresponse', '1']);
    const odd = (v: string): boolean => exchangeVersion(harVersion(v)) !== v;
    if (odd(ex.request.httpVersion) || (ex.response && odd(ex.response.httpVersion)))
      flags.push(['x-mapiscope-versions', JSON.stringify([ex.request.httpVersion, ex.response?.httpVersion ?? null])]);
    const xml =
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n' +
      `<Session SID="${n}" BitFlags="0">\r\n` +
      `  <SessionTimers ${timerText} />\r\n` +
      `  <PipeInfo${reused ? ' CltReuse="true"' : ''} />\r\n` +
      '  <SessionFlags>\r\n' +
      flags.map(([k, v]) => `    <SessionFlag N="${xmlAttr(k)}" V="${xmlAttr(v)}" />\r\n`).join('') +
      '  </SessionFlags>\r\n' +
      '</Session>';
    return utf8Encode(xml);
  }
}

/** The whole SAZ as byte pieces. */
export async function* writeSaz(
  source: Iterable<Exchange> | AsyncIterable<Exchange>,
  opts: SazWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const w = new SazWriter(opts);
  yield* w.begin();
  for await (const ex of source) yield* w.add(ex);
  yield* w.end();
}
