/**
 * Test helpers: the real ruler⇄gromox capture assembled from its per-exchange
 * files, and a small scripted client that builds MAPI/HTTP exchanges by hand
 * (cookies handled like a client would, bodies from hex ROPs) for the
 * constructed captures of the session and diagnosis tests.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { BodyChunk, Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { encodeRpcExtBuffer } from '../../../shared/protocol/rpcext/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../fixtures');

export function loadCap1(): Exchange[] {
  const { exchanges, problems } = loadBodyFolder(path.join(FIXTURES, 'gromox-ruler/cap1'));
  if (problems.length) throw new Error(problems.join('\n'));
  return exchanges;
}

export function hex(s: string): Uint8Array {
  const c = s.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(c.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(c.substr(i * 2, 2), 16);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
function u16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
}

/** ROP buffer ([MS-OXCROPS] 2.2.1): RopSize, the ROPs (hex), the handle table. */
export function ropBuffer(rops: string, handles: readonly number[]): Uint8Array {
  const r = hex(rops);
  return concat(u16(r.length + 2), r, ...handles.map(u32));
}

export function executeRequestBody(ropBuf: Uint8Array, maxRopOut = 0x8000): Uint8Array {
  const chain = encodeRpcExtBuffer(ropBuf);
  return concat(u32(0), u32(chain.length), chain, u32(maxRopOut), u32(0));
}

/** Execute response body (no preamble): StatusCode, ErrorCode, Flags, RopBuffer, empty aux. */
export function executeResponseBody(ropBuf: Uint8Array, statusCode = 0): Uint8Array {
  if (statusCode !== 0) return concat(u32(statusCode), u32(0));
  const chain = encodeRpcExtBuffer(ropBuf);
  return concat(u32(0), u32(0), u32(0), u32(chain.length), chain, u32(0));
}

export const CONNECT_RESPONSE_BODY = concat(
  u32(0),
  u32(0),
  u32(60000),
  u32(6),
  u32(10000),
  hex('00'),
  hex('0000'),
  u32(0),
);
export const DISCONNECT_RESPONSE_BODY = concat(u32(0), u32(0), u32(0));
export const NOTIFICATION_WAIT_RESPONSE_BODY = concat(u32(0), u32(0), u32(0), u32(0));
export const CONNECT_REQUEST_BODY = concat(hex('2f6f3d7800'), u32(0), u32(1252), u32(0x409), u32(0x409), u32(0));

export function preamble(opts: { pending?: number; elapsed?: number; trailerCode?: number } = {}): Uint8Array {
  let s = 'PROCESSING\r\n' + 'PENDING\r\n'.repeat(opts.pending ?? 0) + 'DONE\r\n';
  if (opts.trailerCode !== undefined) s += `X-ResponseCode: ${opts.trailerCode}\r\n`;
  s += `X-ElapsedTime: ${opts.elapsed ?? 1}\r\nX-StartTime: Mon, 02 Jun 2025 10:00:00 GMT\r\n\r\n`;
  return new TextEncoder().encode(s);
}

// --- ROP snippets (hex) -----------------------------------------------------

export const OK = '00000000';
export const ROPS = {
  logonReq: 'FE 00 00 01 00000001 00000000 0200 7800',
  logonResp: `FE 00 ${OK} 01 ${'00'.repeat(104 + 1 + 16 + 2 + 16 + 8 + 8 + 4)}`,
  openFolderReq: (inIdx: number, outIdx: number) => `02 00 ${h8(inIdx)} ${h8(outIdx)} 0100000000000001 00`,
  openFolderResp: (outIdx: number, rv = OK) => (rv === OK ? `02 ${h8(outIdx)} ${OK} 00 00` : `02 ${h8(outIdx)} ${rv}`),
  contentsTableReq: (inIdx: number, outIdx: number) => `05 00 ${h8(inIdx)} ${h8(outIdx)} 00`,
  contentsTableResp: (outIdx: number) => `05 ${h8(outIdx)} ${OK} 02000000`,
  /** RopSetColumns over PidTagSubject (unicode) and PidTagMessageSize. */
  setColumnsReq: (inIdx: number) => `12 00 ${h8(inIdx)} 00 0200 1F003700 0300080E`,
  setColumnsResp: (inIdx: number) => `12 ${h8(inIdx)} ${OK} 00`,
  queryRowsReq: (inIdx: number) => `15 00 ${h8(inIdx)} 00 01 3200`,
  /** Two rows over (PidTagSubject, PidTagMessageSize): "A"/10 standard, "B"/not-found flagged. */
  queryRowsResp: (inIdx: number) => `15 ${h8(inIdx)} ${OK} 02 0200 00 41000000 0A000000 01 00 42000000 01`,
  releaseReq: (inIdx: number) => `01 00 ${h8(inIdx)}`,
  backoffResp: 'F9 00 E8030000 01 15 D0070000 0000',
  bufferTooSmallResp: (rest: string) => `FF 0010 ${rest}`,
};

function h8(v: number): string {
  return v.toString(16).padStart(2, '0');
}

// --- a scripted client --------------------------------------------------------

export interface SendOptions {
  /** Override the Cookie header (undefined: the jar; '' : none). */
  cookie?: string;
  status?: number;
  statusMessage?: string;
  /** X-ResponseCode header (default 0; omitted for non-200 without code). */
  responseCode?: number | null;
  trailerCode?: number;
  elapsed?: number;
  pending?: number;
  /** Time the request takes, ms (default 40). */
  duration?: number;
  /** Idle time before this request, ms (default 10). */
  gap?: number;
  connectionId?: number;
  clientAddress?: string;
  clientPort?: number;
  /** Set-Cookie override (undefined: the server's default rotation; [] none). */
  setCookies?: string[];
  requestHeaders?: RawHeader[];
  responseHeaders?: RawHeader[];
  noResponse?: boolean;
  aborted?: Exchange['aborted'];
  /** Arrival time offsets (ms after request start) of each meta-tag chunk; default all at the end. */
  chunkTimes?: number[];
  requestBody?: Uint8Array;
  responseBody?: Uint8Array;
  url?: string;
  method?: string;
  tls?: Exchange['tls'];
  rawResponseBody?: boolean;
  /** X-RequestId override (default: a fixed GUID with the exchange id as counter). */
  requestId?: string;
}

export class ScriptedClient {
  readonly exchanges: Exchange[] = [];
  t = Date.UTC(2026, 0, 5, 9, 0, 0);
  conn = 1;
  jar = new Map<string, string>();
  private ctxN = 0;
  private seqN = 0;
  ctx = '';
  clientInfo = '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}:1';
  clientApplication = 'Outlook/16.0.17928.20114';
  serverApplication = 'Exchange/15.02.1544.004';
  address = '10.0.0.5';
  port = 50000;
  contextName = 'MapiContext';
  sequenceName = 'MapiSequence';
  endpoint: 'emsmdb' | 'nspi' = 'emsmdb';

  constructor(
    init: Partial<
      Pick<
        ScriptedClient,
        't' | 'clientInfo' | 'clientApplication' | 'serverApplication' | 'address' | 'contextName' | 'sequenceName'
      >
    > = {},
  ) {
    Object.assign(this, init);
  }

  get nextId(): number {
    return this.exchanges.length + 1;
  }

  private cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  send(type: string, opts: SendOptions = {}): Exchange {
    const id = this.nextId;
    this.t += opts.gap ?? 10;
    const start = this.t;
    const dur = opts.duration ?? 40;
    const opens = type === 'Connect' || type === 'Bind';
    const rotates = type !== 'PING' && type !== 'NotificationWait' && type !== 'Disconnect' && type !== 'Unbind';
    const cookie = opts.cookie !== undefined ? opts.cookie : this.cookieHeader();
    const ep = type === 'Bind' || type === 'Unbind' || type === 'QueryRows' ? 'nspi' : 'emsmdb';
    const reqHeaders: RawHeader[] = [
      { name: 'Host', value: 'mail.contoso.com' },
      { name: 'Content-Type', value: 'application/mapi-http' },
      { name: 'X-RequestType', value: type },
      { name: 'X-RequestId', value: opts.requestId ?? `{C715155F-2BE8-44E0-BD34-2960065754C8}:${id}` },
      { name: 'X-ClientInfo', value: this.clientInfo },
      { name: 'X-ClientApplication', value: this.clientApplication },
      ...(cookie ? [{ name: 'Cookie', value: cookie }] : []),
      ...(opts.requestHeaders ?? []),
    ];
    let setCookies = opts.setCookies;
    if (setCookies === undefined) {
      setCookies = [];
      if (opens) {
        this.ctx = `ctx${++this.ctxN}`;
        setCookies.push(`${this.contextName}=${this.ctx}; path=/mapi/`);
      }
      if (opens || rotates) setCookies.push(`${this.sequenceName}=seq${++this.seqN}; path=/mapi/`);
      else if (this.jar.has(this.sequenceName))
        setCookies.push(`${this.sequenceName}=${this.jar.get(this.sequenceName)}; path=/mapi/`);
      if (!opens) setCookies.unshift(`${this.contextName}=${this.ctx}; path=/mapi/`);
    }
    const status = opts.status ?? 200;
    const code = opts.responseCode === undefined ? (status === 200 ? 0 : null) : opts.responseCode;
    const respHeaders: RawHeader[] = [
      { name: 'Content-Type', value: 'application/mapi-http' },
      { name: 'X-RequestType', value: type },
      ...(code !== null ? [{ name: 'X-ResponseCode', value: String(code) }] : []),
      { name: 'X-ServerApplication', value: this.serverApplication },
      { name: 'X-PendingPeriod', value: '15000' },
      { name: 'X-ExpirationInfo', value: '900000' },
      ...setCookies.map((v) => ({ name: 'Set-Cookie', value: v })),
      ...(opts.responseHeaders ?? []),
    ];
    const pre = preamble({
      ...(opts.pending !== undefined ? { pending: opts.pending } : {}),
      ...(opts.elapsed !== undefined ? { elapsed: opts.elapsed } : {}),
      ...(opts.trailerCode !== undefined ? { trailerCode: opts.trailerCode } : {}),
    });
    const body = opts.responseBody ?? new Uint8Array(0);
    const respBody = opts.rawResponseBody ? body : concat(pre, body);
    const chunks: BodyChunk[] = [];
    if (opts.chunkTimes?.length) {
      // One chunk per meta-tag line (PROCESSING, PENDING…), the last one carrying the rest.
      const text = new TextDecoder('latin1').decode(pre);
      let off = 0;
      const lines = text.split('\r\n').slice(0, opts.chunkTimes.length - 1);
      for (const [i, l] of lines.entries()) {
        chunks.push({ time: start + opts.chunkTimes[i]!, offset: off, length: l.length + 2 });
        off += l.length + 2;
      }
      chunks.push({
        time: start + opts.chunkTimes[opts.chunkTimes.length - 1]!,
        offset: off,
        length: respBody.length - off,
      });
    } else chunks.push({ time: start + dur, offset: 0, length: respBody.length });
    const connectionId = opts.connectionId ?? this.conn;
    const ex: Exchange = {
      id,
      connectionId,
      client: { address: opts.clientAddress ?? this.address, port: opts.clientPort ?? this.port + connectionId },
      server: { address: '192.0.2.10', port: 443 },
      origin: 'https://mail.contoso.com:443',
      timings: {
        requestStart: start,
        requestEnd: start + 1,
        ...(opts.noResponse
          ? opts.aborted
            ? { responseEnd: start + dur }
            : {}
          : { responseHeaders: start + 2, responseEnd: start + dur }),
      },
      request: {
        method: opts.method ?? 'POST',
        url: opts.url ?? `/mapi/${ep}/?MailboxId=alice@contoso.com`,
        httpVersion: '1.1',
        headers: reqHeaders,
        body: opts.requestBody ?? (type === 'Connect' ? CONNECT_REQUEST_BODY : new Uint8Array(0)),
      },
      ...(opts.noResponse
        ? {}
        : {
            response: {
              statusCode: status,
              statusMessage: opts.statusMessage ?? (status === 200 ? 'OK' : ''),
              httpVersion: '1.1',
              headers: respHeaders,
              body: respBody,
              chunks,
            },
          }),
      ...(opts.aborted ? { aborted: opts.aborted } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
    };
    this.exchanges.push(ex);
    this.t = start + dur;
    if (!opts.noResponse && status === 200) {
      for (const sc of setCookies) {
        const [nv] = sc.split(';');
        const eq = nv!.indexOf('=');
        this.jar.set(nv!.slice(0, eq).trim(), nv!.slice(eq + 1).trim());
      }
    }
    return ex;
  }

  connect(opts: SendOptions = {}): Exchange {
    return this.send('Connect', { responseBody: CONNECT_RESPONSE_BODY, ...opts });
  }

  /** Execute with request ROPs (hex) + handles and response ROPs (hex) + handles. */
  execute(req: string, reqHandles: number[], resp: string, respHandles: number[], opts: SendOptions = {}): Exchange {
    return this.send('Execute', {
      requestBody: executeRequestBody(ropBuffer(req, reqHandles)),
      responseBody: executeResponseBody(ropBuffer(resp, respHandles)),
      ...opts,
    });
  }

  disconnect(opts: SendOptions = {}): Exchange {
    return this.send('Disconnect', { requestBody: hex('00000000'), responseBody: DISCONNECT_RESPONSE_BODY, ...opts });
  }

  ping(opts: SendOptions = {}): Exchange {
    return this.send('PING', opts);
  }

  notificationWait(opts: SendOptions = {}): Exchange {
    return this.send('NotificationWait', {
      requestBody: hex('00000000 00000000'),
      responseBody: NOTIFICATION_WAIT_RESPONSE_BODY,
      ...opts,
    });
  }
}

export const LOGON_HANDLE = 0x11;
export const FOLDER_HANDLE = 0x22;
export const TABLE_HANDLE = 0x33;
const NONE = 0xffffffff;

/**
 * A healthy session: Connect; Logon; OpenFolder + GetContentsTable + SetColumns;
 * QueryRows (rows need the columns from the previous Execute); NotificationWait;
 * PING; Release; Disconnect.
 */
export function healthySession(c = new ScriptedClient()): ScriptedClient {
  c.connect();
  c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
  c.execute(
    `${ROPS.openFolderReq(0, 1)} ${ROPS.contentsTableReq(1, 2)} ${ROPS.setColumnsReq(2)}`,
    [LOGON_HANDLE, NONE, NONE],
    `${ROPS.openFolderResp(1)} ${ROPS.contentsTableResp(2)} ${ROPS.setColumnsResp(2)}`,
    [LOGON_HANDLE, FOLDER_HANDLE, TABLE_HANDLE],
  );
  c.execute(ROPS.queryRowsReq(0), [TABLE_HANDLE], ROPS.queryRowsResp(0), [TABLE_HANDLE]);
  c.notificationWait({ duration: 2000, elapsed: 1990 });
  c.ping();
  c.execute(ROPS.releaseReq(0), [TABLE_HANDLE], '', [TABLE_HANDLE]);
  c.disconnect();
  return c;
}
