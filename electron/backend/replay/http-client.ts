/**
 * An HTTP/1.1 client with explicit connections, for replay: one object per TCP
 * connection, an optional local source address (another loopback address), raw
 * headers in wire order, per-chunk arrival times, and deliberate failures —
 * reset before the request is fully sent, close right after it was sent, reset
 * while the response streams.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { BodyChunk, Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import type { PlanDropPoint } from '../../../shared/replay/plan.js';

/** A reset during one request (the plan's drop points but `idle`). */
export type DropPoint = Exclude<PlanDropPoint, 'idle'>;

export interface OutgoingRequest {
  method: string;
  /** Origin-form target ("/mapi/emsmdb/?MailboxId=…"). */
  target: string;
  headers: readonly RawHeader[];
  body: Uint8Array;
}

export interface HttpResult {
  statusCode?: number;
  statusMessage?: string;
  httpVersion?: string;
  headers: RawHeader[];
  body: Uint8Array;
  chunks: BodyChunk[];
  timings: { requestStart: number; requestEnd?: number; responseHeaders?: number; responseEnd?: number };
  /** Set when no complete response arrived (deliberate drop, reset, timeout). */
  aborted?: {
    kind: 'client-reset' | 'upstream-reset' | 'upstream-close' | 'upstream-error' | 'timeout';
    message: string;
  };
  /** The server asked to close the connection after this response. */
  connectionClose: boolean;
}

/** The captured-exchange fields of a result: its response when one arrived, and why it was aborted. */
export function exchangeOutcome(res: HttpResult): Pick<Exchange, 'response' | 'aborted'> {
  return {
    ...(res.statusCode !== undefined
      ? {
          response: {
            statusCode: res.statusCode,
            statusMessage: res.statusMessage ?? '',
            httpVersion: res.httpVersion ?? '1.1',
            headers: res.headers,
            body: res.body,
            chunks: res.chunks,
          },
        }
      : {}),
    ...(res.aborted ? { aborted: { kind: res.aborted.kind, message: res.aborted.message } } : {}),
  };
}

/** Node's certificate error codes, in words. */
export const CERT_ERRORS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in a self-signed root that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate issued by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issued by an unknown authority',
  CERT_HAS_EXPIRED: 'certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is for another host name',
};

export interface ConnectOptions {
  /** Local source address to bind (loopback only: 127.x.x.x). */
  localAddress?: string;
  /** Accept any certificate (the simulator's is self-signed). */
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string;
  timeoutMs?: number;
}

let nextConnectionId = 1;

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export class HttpConnection {
  readonly id = nextConnectionId++;
  private closed = false;
  private onData: ((b: Buffer) => void) | undefined;
  private onEnd: ((err?: Error) => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    readonly localAddress: string,
    readonly localPort: number,
  ) {
    socket.on('data', (b: Buffer) => this.onData?.(b));
    socket.on('end', () => this.onEnd?.());
    socket.on('error', (e) => this.onEnd?.(e));
    socket.on('close', () => {
      this.closed = true;
      this.onEnd?.();
    });
  }

  get alive(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  static async open(url: URL, opts: ConnectOptions = {}): Promise<HttpConnection> {
    if (opts.localAddress !== undefined && !LOOPBACK.test(opts.localAddress))
      throw new Error(`source addresses are limited to loopback (127.x.x.x), not ${opts.localAddress}`);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const base = { host, port, localAddress: opts.localAddress };
      const s =
        url.protocol === 'https:'
          ? tls.connect({
              ...base,
              servername: net.isIP(host) ? undefined : host,
              rejectUnauthorized: !opts.insecure,
              ca: opts.ca ? [...tls.rootCertificates, opts.ca] : undefined,
            })
          : net.connect(base);
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${url.host} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(t);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(t);
        reject(new Error(transportErrorText(e, url)));
      });
    });
    socket.setNoDelay(true);
    return new HttpConnection(socket, socket.localAddress ?? '', socket.localPort ?? 0);
  }

  /** Closes without waiting (FIN). */
  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
    this.closed = true;
  }

  /** Resets the connection (RST where the platform allows it). */
  reset(): void {
    if (!this.socket.destroyed) {
      if (typeof this.socket.resetAndDestroy === 'function') this.socket.resetAndDestroy();
      else this.socket.destroy();
    }
    this.closed = true;
  }

  /** Sends one request and reads its response. `drop` fails the exchange on purpose at that point. */
  async request(req: OutgoingRequest, opts: { drop?: DropPoint; timeoutMs?: number } = {}): Promise<HttpResult> {
    const requestStart = Date.now();
    const result: HttpResult = {
      headers: [],
      body: new Uint8Array(0),
      chunks: [],
      timings: { requestStart },
      connectionClose: false,
    };
    if (!this.alive) {
      result.aborted = { kind: 'upstream-close', message: 'connection already closed' };
      return result;
    }
    let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
    for (const h of req.headers) head += `${h.name}: ${h.value}\r\n`;
    head += '\r\n';
    const headBytes = Buffer.from(head, 'latin1');
    const parser = new ResponseParser(req.method === 'HEAD');
    const timeoutMs = opts.timeoutMs ?? 120_000;

    return new Promise<HttpResult>((resolve) => {
      let settled = false;
      const finish = (abort?: HttpResult['aborted']) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.onData = undefined;
        this.onEnd = undefined;
        Object.assign(result, parser.result());
        if (abort) result.aborted = abort;
        result.timings.responseEnd ??= Date.now();
        if (result.connectionClose || abort) this.close();
        resolve(result);
      };
      const timer = setTimeout(() => {
        this.reset();
        finish({ kind: 'timeout', message: `no complete response within ${timeoutMs} ms` });
      }, timeoutMs);
      this.onData = (b) => {
        const wasHead = parser.headersDone;
        parser.push(b, Date.now());
        if (!wasHead && parser.headersDone) result.timings.responseHeaders = Date.now();
        if (opts.drop === 'while-streaming' && parser.bodyBytes > 0 && !parser.done) {
          this.reset();
          return finish({ kind: 'client-reset', message: 'connection reset while the response streamed (simulated)' });
        }
        if (parser.error) {
          this.reset();
          return finish({ kind: 'upstream-error', message: parser.error });
        }
        if (parser.done) {
          result.timings.responseEnd = Date.now();
          finish();
        }
      };
      this.onEnd = (err) => {
        if (settled) return;
        if (parser.endOfStream()) return finish();
        finish(
          err
            ? { kind: 'upstream-reset', message: err.message }
            : {
                kind: 'upstream-close',
                message: parser.headersDone
                  ? 'connection closed before the response ended'
                  : 'the server closed the connection without answering',
              },
        );
      };
      if (opts.drop === 'before-send') {
        // Headers and part of the body, then a reset: the server never sees the whole request.
        const part = req.body.subarray(0, Math.floor(req.body.length / 2));
        this.socket.write(Buffer.concat([headBytes, part]), () => {
          setTimeout(() => {
            this.reset();
            finish({
              kind: 'client-reset',
              message: `connection reset after ${headBytes.length + part.length} of ${headBytes.length + req.body.length} request bytes (simulated)`,
            });
          }, 20);
        });
        return;
      }
      this.socket.write(Buffer.concat([headBytes, req.body]), () => {
        result.timings.requestEnd = Date.now();
        if (opts.drop === 'after-send') {
          // Everything is in the kernel's send queue: closing delivers it, then FIN. The response is never read.
          this.socket.destroy();
          this.closed = true;
          finish({ kind: 'client-reset', message: 'connection closed right after the request was sent (simulated)' });
        }
      });
    });
  }
}

/**
 * A connection failure in plain words, with what to do about it: refused
 * ports, unknown hosts, untrusted or mismatched certificates (-k / --ca).
 */
export function transportErrorText(e: Error, url: URL): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (code === 'ECONNREFUSED')
    return `connection refused by ${where}: nothing listens there (server down or wrong port)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host ${url.hostname} (DNS)`;
  if (code === 'ETIMEDOUT') return `no answer from ${where} (timed out)`;
  if (code === 'ECONNRESET') return `${where} reset the connection`;
  if (CERT_ERRORS[code])
    return `TLS: ${CERT_ERRORS[code]} for ${url.hostname}; use -k (--insecure) to go on anyway, or --ca FILE to trust its issuer`;
  return `${where}: ${e.message}`;
}

/** Incremental HTTP/1.1 response parser (status line, headers, Content-Length / chunked / to close). */
class ResponseParser {
  headersDone = false;
  done = false;
  error?: string;
  bodyBytes = 0;
  private buf: Buffer = Buffer.alloc(0);
  private status?: { code: number; message: string; version: string };
  private headers: RawHeader[] = [];
  private mode: 'length' | 'chunked' | 'close' | 'none' = 'none';
  private remaining = 0;
  private chunkState: 'size' | 'data' | 'data-crlf' | 'trailers' = 'size';
  private parts: Buffer[] = [];
  private chunks: BodyChunk[] = [];
  private close = false;

  constructor(private readonly noBody: boolean) {}

  push(b: Buffer, time: number): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
    if (!this.headersDone) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > 256 * 1024) this.error = 'response headers larger than 256 KiB';
        return;
      }
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^(HTTP\/\d\.\d)\s+(\d{3})\s?(.*)$/.exec(lines[0] ?? '');
      if (!m) {
        this.error = `the answer is not HTTP (it starts with ${JSON.stringify((lines[0] ?? '').slice(0, 60))})`;
        return;
      }
      this.status = { version: m[1]!.slice(5), code: Number(m[2]), message: m[3] ?? '' };
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c > 0) this.headers.push({ name: l.slice(0, c), value: l.slice(c + 1).trim() });
      }
      this.buf = this.buf.subarray(end + 4);
      this.headersDone = true;
      const get = (n: string) => this.headers.find((h) => h.name.toLowerCase() === n)?.value;
      this.close = /close/i.test(get('connection') ?? '');
      const te = get('transfer-encoding');
      const cl = get('content-length');
      if (
        this.noBody ||
        this.status.code === 204 ||
        this.status.code === 304 ||
        (this.status.code >= 100 && this.status.code < 200)
      )
        this.mode = 'none';
      else if (te && /chunked/i.test(te)) this.mode = 'chunked';
      else if (cl !== undefined) {
        this.mode = 'length';
        this.remaining = Number(cl);
        if (!Number.isFinite(this.remaining) || this.remaining < 0) this.error = `bad Content-Length ${cl}`;
      } else this.mode = 'close';
      if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) {
        this.done = true;
        return;
      }
    }
    this.consume(time);
  }

  private take(n: number, time: number): void {
    const part = this.buf.subarray(0, n);
    this.chunks.push({ time, offset: this.bodyBytes, length: part.length });
    this.parts.push(Buffer.from(part));
    this.bodyBytes += part.length;
    this.buf = this.buf.subarray(n);
  }

  private consume(time: number): void {
    if (this.mode === 'length') {
      const n = Math.min(this.remaining, this.buf.length);
      if (n > 0) this.take(n, time);
      this.remaining -= n;
      if (this.remaining === 0) this.done = true;
      return;
    }
    if (this.mode === 'close') {
      if (this.buf.length) this.take(this.buf.length, time);
      return;
    }
    for (;;) {
      if (this.chunkState === 'size') {
        const e = this.buf.indexOf('\r\n');
        if (e < 0) return;
        const size = parseInt(this.buf.subarray(0, e).toString('latin1').split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) {
          this.error = 'bad chunk size';
          return;
        }
        this.buf = this.buf.subarray(e + 2);
        if (size === 0) this.chunkState = 'trailers';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
      } else if (this.chunkState === 'data') {
        if (this.buf.length === 0) return;
        const n = Math.min(this.remaining, this.buf.length);
        // Merge the pieces of one HTTP chunk that arrive in one read into one BodyChunk.
        this.take(n, time);
        this.remaining -= n;
        if (this.remaining > 0) return;
        this.chunkState = 'data-crlf';
      } else if (this.chunkState === 'data-crlf') {
        if (this.buf.length < 2) return;
        this.buf = this.buf.subarray(2);
        this.chunkState = 'size';
      } else {
        const e = this.buf.indexOf('\r\n');
        if (e < 0) return;
        const line = this.buf.subarray(0, e);
        this.buf = this.buf.subarray(e + 2);
        if (line.length === 0) {
          this.done = true;
          return;
        }
      }
    }
  }

  /** The peer closed: complete if the body was delimited by the close. */
  endOfStream(): boolean {
    if (this.headersDone && this.mode === 'close') {
      this.done = true;
      return true;
    }
    return this.done;
  }

  result(): Partial<HttpResult> {
    const out: Partial<HttpResult> = {
      headers: this.headers,
      body: new Uint8Array(Buffer.concat(this.parts)),
      chunks: this.chunks,
      connectionClose: this.close,
    };
    if (this.status) {
      out.statusCode = this.status.code;
      out.statusMessage = this.status.message;
      out.httpVersion = this.status.version;
    }
    return out;
  }
}
