/**
 * The headless backend's local API: HTTP + WebSocket on 127.0.0.1 only, with a
 * random per-run token. Serves the built renderer too, so the same UI runs in
 * a browser when no Electron binary exists.
 *
 *   POST /api/rpc/<method>   JSON params → JSON result   (Authorization: Bearer <token>)
 *   GET  /api/events?token=  WebSocket of BackendEvent JSON messages
 *   GET  /api/raw/<name>     raw downloads registered by services (token in header or ?token=)
 *   GET  /*                  the renderer's static files (no data, no token needed)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BackendEvent } from '../../shared/api/contract.js';
import { EventBus } from './event-bus.js';
import { ApiError, RpcRegistry, toErrorDto } from './rpc.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*; font-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type RawHandler = (
  query: URLSearchParams,
  res: http.ServerResponse,
  req: http.IncomingMessage,
) => Promise<void> | void;

export interface ApiServerOptions {
  port?: number;
  /** Fixed token (tests); random 32 bytes hex otherwise. */
  token?: string;
  /** Folder with the built renderer (index.html). */
  rendererDir?: string;
  /** Max JSON request body, bytes. */
  maxBody?: number;
}

export class ApiServer {
  readonly token: string;
  private server: http.Server | undefined;
  private wss?: WebSocketServer;
  private raw = new Map<string, RawHandler>();
  private sockets = new Set<WebSocket>();

  constructor(
    readonly rpc: RpcRegistry,
    readonly events: EventBus,
    readonly opts: ApiServerOptions = {},
  ) {
    this.token = opts.token ?? randomBytes(32).toString('hex');
  }

  /** A download route under /api/raw/<name>. */
  rawRoute(name: string, h: RawHandler): void {
    if (this.raw.has(name)) throw new Error(`raw route ${name} registered twice`);
    this.raw.set(name, h);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The URL a user opens; the token travels in the fragment, never to a server log. */
  get uiUrl(): string {
    return `http://127.0.0.1:${this.port}/#token=${this.token}`;
  }

  private authorized(req: http.IncomingMessage, query: URLSearchParams): boolean {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : (query.get('token') ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    this.server = server;
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // Only same-origin pages (or non-browser clients without Origin) may connect.
      const origin = req.headers.origin;
      const okOrigin =
        !origin || origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}`;
      if (url.pathname !== '/api/events' || !this.authorized(req, url.searchParams) || !okOrigin) {
        socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private attach(ws: WebSocket): void {
    this.sockets.add(ws);
    const off = this.events.on((e: BackendEvent) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
    });
    ws.on('close', () => {
      off();
      this.sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.send(JSON.stringify({ type: 'hello', data: { version: process.env.npm_package_version ?? '' } }));
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
    this.server = undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      if (url.pathname.startsWith('/api/')) {
        if (!this.authorized(req, url.searchParams))
          return sendJson(res, 401, { code: 'unauthorized', message: 'missing or wrong token' });
        if (url.pathname.startsWith('/api/rpc/') && req.method === 'POST') {
          const method = decodeURIComponent(url.pathname.slice('/api/rpc/'.length));
          const body = await readBody(req, this.opts.maxBody ?? 512 * 1024 * 1024);
          let params: unknown = {};
          if (body.length) {
            try {
              params = JSON.parse(body.toString('utf8'));
            } catch {
              throw new ApiError('bad-request', 'request body is not JSON');
            }
          }
          const result = await this.rpc.invoke(method, params);
          return sendJson(res, 200, result ?? null);
        }
        if (url.pathname.startsWith('/api/raw/') && req.method === 'GET') {
          const h = this.raw.get(url.pathname.slice('/api/raw/'.length));
          if (!h) throw new ApiError('not-found', `no such download: ${url.pathname}`);
          await h(url.searchParams, res, req);
          return;
        }
        throw new ApiError('not-found', `no such endpoint: ${req.method} ${url.pathname}`);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { code: 'bad-request', message: 'method not allowed' });
      await this.serveStatic(url.pathname, res);
    } catch (e) {
      const dto = toErrorDto(e);
      const status = dto.code === 'not-found' ? 404 : dto.code === 'bad-request' ? 400 : 500;
      if (!res.headersSent) sendJson(res, status, dto);
      else res.destroy();
    }
  }

  private async serveStatic(pathname: string, res: http.ServerResponse): Promise<void> {
    const root = this.opts.rendererDir;
    if (!root) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The renderer is not built. Run `npm run build:web` (or `npm run setup`).\n');
      return;
    }
    const rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(path.resolve(root) + path.sep)) throw new ApiError('not-found', 'outside the renderer folder');
    let target = file;
    let st = await stat(target).catch(() => undefined);
    if (!st?.isFile()) {
      // Client-side routes fall back to the app shell.
      target = path.join(root, 'index.html');
      st = await stat(target).catch(() => undefined);
      if (!st?.isFile()) throw new ApiError('not-found', `renderer file missing: ${rel}`);
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': target.endsWith('index.html') ? 'no-cache' : 'max-age=3600',
      'Referrer-Policy': 'no-referrer',
    });
    createReadStream(target).pipe(res);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        reject(new ApiError('bad-request', `request body larger than ${max} bytes`));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
