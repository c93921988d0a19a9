/**
 * `mapiscope probe`: a first look at a server, the way a support engineer
 * starts: can we reach it, is its certificate good, does Autodiscover offer
 * MAPI over HTTP, are /mapi/emsmdb and /mapi/nspi there and which
 * authentication do they ask for, does a PING answer. Every step reports what
 * it saw (status, the headers that matter) and a verdict.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import { mapiHttpUrls, scanXml } from '../../../shared/protocol/autodiscover/index.js';
import { decodeBody } from '../../../shared/protocol/decode-exchange.js';
import { VERSION } from '../version.js';

export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

export interface ProbeStep {
  name: string;
  verdict: Verdict;
  detail: string;
  url?: string;
  status?: number;
  ms?: number;
  headers?: Record<string, string>;
}

export interface ProbeReport {
  target: string;
  verdict: Verdict;
  steps: ProbeStep[];
  mapiHttp?: { mailStore?: string; addressBook?: string };
  serverApplication?: string;
}

export interface ProbeOptions {
  /** Server base ("https://mail.contoso.com") or a full MAPI/Autodiscover URL. */
  url: string;
  email?: string;
  user?: string;
  password?: string;
  /** Continue past an untrusted certificate (still reported). */
  insecure?: boolean;
  /** Extra trusted CA (PEM), e.g. an on-premises issuing CA. */
  ca?: string;
  timeoutMs?: number;
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  ms: number;
}

const INTERESTING = [
  'www-authenticate',
  'x-serverapplication',
  'x-responsecode',
  'x-requestid',
  'x-calculatedbetarget',
  'x-feserver',
  'x-beserver',
  'x-diaginfo',
  'content-type',
  'location',
  'set-cookie',
  'x-pendingperiod',
  'x-expirationinfo',
];

function pick(a: HttpAnswer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < a.rawHeaders.length; i += 2) {
    const n = a.rawHeaders[i]!;
    if (!INTERESTING.includes(n.toLowerCase())) continue;
    out[n] = out[n] !== undefined ? `${out[n]}, ${a.rawHeaders[i + 1]}` : a.rawHeaders[i + 1]!;
  }
  return out;
}

function request(
  url: URL,
  opts: ProbeOptions,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<HttpAnswer> {
  const t0 = performance.now();
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method,
        headers: {
          ...headers,
          'Content-Length': String(body.length),
          ...(opts.user
            ? { Authorization: 'Basic ' + Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64') }
            : {}),
        },
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
        ...(url.protocol === 'https:'
          ? { rejectUnauthorized: !opts.insecure, ...(opts.ca ? { ca: opts.ca } : {}) }
          : {}),
      },
      (res) => {
        const parts: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n <= 1 << 20) parts.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(parts),
            ms: performance.now() - t0,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function schemes(a: HttpAnswer): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.rawHeaders.length; i += 2)
    if (a.rawHeaders[i]!.toLowerCase() === 'www-authenticate') out.push(a.rawHeaders[i + 1]!.split(/[\s,]/)[0]!);
  return [...new Set(out)];
}

async function tlsStep(url: URL, opts: ProbeOptions): Promise<ProbeStep> {
  const t0 = performance.now();
  const port = Number(url.port || 443);
  return new Promise((resolve) => {
    const sock = tls.connect(
      {
        host: url.hostname,
        port,
        servername: /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) ? undefined : url.hostname,
        rejectUnauthorized: false,
        ...(opts.ca ? { ca: opts.ca } : {}),
        timeout: opts.timeoutMs ?? 10_000,
      },
      () => {
        const cert = sock.getPeerCertificate();
        const ms = performance.now() - t0;
        const subject = cert.subject?.CN ?? '(no CN)';
        const issuer = cert.issuer?.CN ?? cert.issuer?.O ?? '(unknown issuer)';
        const until = cert.valid_to ? new Date(cert.valid_to) : undefined;
        const days = until ? Math.floor((until.getTime() - Date.now()) / 86_400_000) : undefined;
        const err = sock.authorizationError ? String(sock.authorizationError) : undefined;
        const base = `${sock.getProtocol() ?? 'TLS'}; certificate "${subject}" issued by "${issuer}"${until ? `, valid until ${until.toISOString().slice(0, 10)}` : ''}`;
        sock.end();
        if (err)
          resolve({
            name: 'TLS certificate',
            verdict: opts.insecure ? 'warn' : 'fail',
            detail: `${base}; NOT TRUSTED: ${err}${opts.insecure ? ' (continuing because of --insecure)' : ' — Outlook will refuse it too; use --insecure to probe further, or --ca to add the issuing CA'}`,
            ms,
          });
        else if (days !== undefined && days < 14)
          resolve({ name: 'TLS certificate', verdict: 'warn', detail: `${base}; expires in ${days} day(s)`, ms });
        else resolve({ name: 'TLS certificate', verdict: 'ok', detail: `${base}; trusted`, ms });
      },
    );
    sock.on('timeout', () => sock.destroy(new Error('TLS handshake timed out')));
    sock.on('error', (e) =>
      resolve({
        name: 'TLS certificate',
        verdict: 'fail',
        detail: `cannot connect to ${url.hostname}:${port}: ${e.message}`,
        ms: performance.now() - t0,
      }),
    );
  });
}

function autodiscoverBody(email: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">\r\n` +
      `  <Request>\r\n    <EMailAddress>${email.replace(/[<>&]/g, '')}</EMailAddress>\r\n` +
      `    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\r\n  </Request>\r\n</Autodiscover>\r\n`,
  );
}

async function mapiStep(name: string, url: URL, opts: ProbeOptions, report: ProbeReport): Promise<ProbeStep> {
  const headers = {
    'Content-Type': 'application/mapi-http',
    'X-RequestType': 'PING',
    'X-RequestId': `{${randomUUID().toUpperCase()}}:1`,
    'X-ClientInfo': `{${randomUUID().toUpperCase()}}`,
    'X-ClientApplication': `MapiScope/${VERSION}`,
    'User-Agent': `MapiScope/${VERSION} (probe)`,
    Accept: '*/*',
  };
  try {
    const a = await request(url, opts, 'POST', headers, Buffer.alloc(0));
    const h = pick(a);
    const server = a.headers['x-serverapplication'];
    if (typeof server === 'string') report.serverApplication ??= server;
    const base = { name, url: url.toString(), status: a.status, ms: a.ms, headers: h };
    if (a.status === 401) {
      const s = schemes(a);
      return {
        ...base,
        verdict: 'ok',
        detail: `endpoint present; asks for ${s.length ? s.join(', ') : 'authentication (no WWW-Authenticate scheme!)'}${opts.user ? ' — the given credentials were refused' : ''}`,
      };
    }
    if (a.status === 200) {
      const d = decodeBody('PING', 'response', new Uint8Array(a.body), {});
      const code =
        d.responseCode ?? (a.headers['x-responsecode'] !== undefined ? Number(a.headers['x-responsecode']) : undefined);
      if (code === 0)
        return {
          ...base,
          verdict: 'ok',
          detail: `PING answered (X-ResponseCode 0)${server ? ` by ${server}` : ''} in ${a.ms.toFixed(0)} ms`,
        };
      return { ...base, verdict: 'warn', detail: `PING answered with X-ResponseCode ${code ?? '(none)'}` };
    }
    if (a.status === 404)
      return {
        ...base,
        verdict: 'fail',
        detail: 'not found: MAPI over HTTP is not enabled here (Outlook falls back to Outlook Anywhere)',
      };
    if (a.status >= 300 && a.status < 400)
      return { ...base, verdict: 'warn', detail: `redirected to ${a.headers.location ?? '(no Location)'}` };
    return { ...base, verdict: 'fail', detail: `unexpected HTTP ${a.status}` };
  } catch (e) {
    return { name, url: url.toString(), verdict: 'fail', detail: e instanceof Error ? e.message : String(e) };
  }
}

export async function probe(opts: ProbeOptions): Promise<ProbeReport> {
  let target: URL;
  try {
    target = new URL(/^[a-z]+:\/\//i.test(opts.url) ? opts.url : `https://${opts.url}`);
  } catch {
    throw new Error(`not a URL: ${opts.url}`);
  }
  const origin = new URL(target.origin);
  const report: ProbeReport = { target: target.toString(), verdict: 'ok', steps: [] };
  if (target.protocol === 'https:') {
    const t = await tlsStep(target, opts);
    report.steps.push(t);
    if (t.verdict === 'fail') return finish(report);
  } else
    report.steps.push({
      name: 'TLS certificate',
      verdict: 'warn',
      detail: 'plain HTTP: Outlook only uses MAPI over HTTP over HTTPS',
    });

  let emsmdb = new URL('/mapi/emsmdb/', origin);
  let nspi = new URL('/mapi/nspi/', origin);
  if (/\/mapi\/emsmdb/i.test(target.pathname)) emsmdb = target;
  if (/\/mapi\/nspi/i.test(target.pathname)) nspi = target;

  // Autodiscover (POX) with X-MapiHttpCapability, as Outlook asks for the MAPI/HTTP URLs.
  const ad = new URL('/autodiscover/autodiscover.xml', origin);
  try {
    const a = await request(
      ad,
      opts,
      'POST',
      { 'Content-Type': 'text/xml', 'X-MapiHttpCapability': '1', 'User-Agent': `MapiScope/${VERSION} (probe)` },
      autodiscoverBody(opts.email ?? `probe@${origin.hostname}`),
    );
    const base = { name: 'Autodiscover (mapiHttp)', url: ad.toString(), status: a.status, ms: a.ms, headers: pick(a) };
    if (a.status === 200) {
      const urls = mapiHttpUrls(scanXml(new Uint8Array(a.body)).roots);
      const ms = urls?.mailStore.externalUrl ?? urls?.mailStore.internalUrl;
      const ab = urls?.addressBook.externalUrl ?? urls?.addressBook.internalUrl;
      if (ms) {
        report.mapiHttp = { mailStore: ms, ...(ab ? { addressBook: ab } : {}) };
        try {
          emsmdb = new URL(ms);
          if (ab) nspi = new URL(ab);
        } catch {
          /* keep the defaults */
        }
        report.steps.push({
          ...base,
          verdict: 'ok',
          detail: `offers mapiHttp: MailStore ${ms}${ab ? `, AddressBook ${ab}` : ''}`,
        });
      } else
        report.steps.push({
          ...base,
          verdict: 'warn',
          detail: 'answered, but offers no mapiHttp protocol: Outlook will use Outlook Anywhere (RPC over HTTP)',
        });
    } else if (a.status === 401)
      report.steps.push({
        ...base,
        verdict: opts.user ? 'warn' : 'skip',
        detail: `needs authentication (${schemes(a).join(', ') || 'no scheme offered'})${opts.user ? ': the given credentials were refused' : '; give --user/--password to read the URLs'}`,
      });
    else
      report.steps.push({
        ...base,
        verdict: 'warn',
        detail: `HTTP ${a.status}: no POX Autodiscover at this host (Outlook may find it elsewhere: autodiscover.<domain>, SRV, or the root domain)`,
      });
  } catch (e) {
    report.steps.push({
      name: 'Autodiscover (mapiHttp)',
      url: ad.toString(),
      verdict: 'warn',
      detail: e instanceof Error ? e.message : String(e),
    });
  }

  report.steps.push(await mapiStep('Mailbox endpoint (emsmdb PING)', emsmdb, opts, report));
  report.steps.push(await mapiStep('Address book endpoint (nspi PING)', nspi, opts, report));
  return finish(report);
}

function finish(r: ProbeReport): ProbeReport {
  r.verdict = r.steps.some((s) => s.verdict === 'fail')
    ? 'fail'
    : r.steps.some((s) => s.verdict === 'warn')
      ? 'warn'
      : 'ok';
  return r;
}
