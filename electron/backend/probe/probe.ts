/**
 * `mapiscope probe`: a logon as Test-OutlookConnectivity's MAPI/HTTP probe
 * makes one, step by step: TLS → Autodiscover (POX, then JSON) → emsmdb
 * Connect → Execute RopLogon (private logon) → RopOpenFolder on the Inbox the
 * logon named → Disconnect; nspi Bind → DNToMId of the user → Unbind; PING on
 * both endpoints ([MS-OXCMAPIHTTP] 2.2.4, 2.2.5; [MS-OXCROPS] 2.2.3.1,
 * 2.2.4.1; [MS-OXDSCLI] 2.2). Every step says what it proved; refused
 * credentials are a failure, always. Authentication is the shared
 * Authenticator (Basic, NTLM, Negotiate, Bearer, chosen from the offers).
 */
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import { decode, encode } from '../../../shared/codec/index.js';
import { autodiscoverUser, mapiHttpUrls, scanXml } from '../../../shared/protocol/autodiscover/index.js';
import { EMSMDB_ERROR_NAMES, connectResponse } from '../../../shared/protocol/emsmdb/index.js';
import { meaningOf } from '../../../shared/protocol/mapihttp/server-profiles.js';
import { bindRequest, dnToMIdRequest, dnToMIdResponse } from '../../../shared/protocol/nspi/index.js';
import { errorCodeName } from '../../../shared/protocol/oxcdata/errors.js';
import { type AuthSettings, Authenticator } from '../auth/authenticator.js';
import { describe } from '../auth/credentials.js';
import { MapiClient, type MapiResult } from '../replay/mapi-client.js';
import { type HttpResult, exchangeOutcome } from '../replay/http-client.js';
import {
  buildConnectRequest,
  buildDisconnectRequest,
  buildExecuteRequest,
  parseExecuteResponse,
  ropLogonRequest,
} from '../simulator/bodies.js';
import { RESPONSE_CODE_NAMES } from '../simulator/wire.js';
import { VERSION } from '../version.js';
import { checkTls } from './tls-check.js';
import { type ProbeReport, type ProbeStep, STEP_NAMES, type StepId } from '../../../shared/api/probe.js';

export * from '../../../shared/api/probe.js';

export interface ProbeOptions {
  /** Server ("https://mail.contoso.com"), or a MAPI URL (…/mapi/emsmdb/?MailboxId=…), which then wins over Autodiscover's. */
  url: string;
  /** Mailbox address for Autodiscover (default: a user@domain --user). */
  email?: string;
  /** The user's legacy DN for Connect and RopLogon (default: Autodiscover's LegacyDN). */
  dn?: string;
  /** The address book URL, when the MAPI URL is given and the nspi one is not next to it. */
  nspiUrl?: string;
  auth?: AuthSettings;
  /** Go on past an untrusted certificate (the TLS step still fails). */
  insecure?: boolean;
  /** Extra trusted CA (PEM). */
  ca?: string;
  timeoutMs?: number;
  /** Keep the probe's own traffic as Exchanges (`recorded`). */
  record?: boolean;
  /** Called as each step starts (result Skipped until it ends) and ends. */
  onStep?: (step: ProbeStep, report: ProbeReport) => void;
  signal?: AbortSignal;
}

export interface ProbeRun extends ProbeReport {
  recorded?: Exchange[];
}

const ORDER: StepId[] = [
  'tls',
  'autodiscover',
  'connect',
  'logon',
  'open-inbox',
  'disconnect',
  'bind',
  'resolve',
  'unbind',
  'ping-emsmdb',
  'ping-nspi',
];

/** The Inbox is FolderIds[4] of a private logon's response ([MS-OXCROPS] 2.2.3.1.2). */
const INBOX_INDEX = 4;
const NO_HANDLE = 0xffffffff;
const header = (h: readonly RawHeader[], n: string) => h.find((x) => x.name.toLowerCase() === n)?.value;

const handshakeText = (h: { scheme: string; connectionId: number; ok: boolean }) =>
  `${h.ok ? '' : 'failed '}${h.scheme.toUpperCase()} handshake on connection ${h.connectionId}`;

export function parseTarget(text: string): URL {
  try {
    return new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new Error(`not a URL: ${text}`);
  }
}

class ProbeRunner {
  readonly report: ProbeRun;
  private readonly auth: Authenticator;
  private readonly clients = new Map<string, MapiClient>();
  private stopReason?: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly opts: ProbeOptions,
    private readonly target: URL,
  ) {
    this.auth = new Authenticator(opts.auth ?? {});
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    const c = opts.auth?.credentials;
    const mailbox = opts.email ?? (c && !c.domain && c.user.includes('@') ? c.user : undefined);
    this.report = {
      target: target.toString(),
      identity: c ? describe(c) : (mailbox ?? '(anonymous)'),
      ...(mailbox ? { mailbox } : {}),
      startedAt: Date.now(),
      endedAt: 0,
      result: 'Failed',
      steps: ORDER.filter((id) => id !== 'tls' || target.protocol === 'https:').map((id) => ({
        id,
        name: STEP_NAMES[id],
        result: 'Skipped' as const,
      })),
      notes:
        target.protocol === 'https:' ? [] : ['plain HTTP: no TLS step (Outlook uses MAPI over HTTP over HTTPS only)'],
      ...(opts.record ? { recorded: [] } : {}),
    };
  }

  private step(id: StepId): ProbeStep {
    return this.report.steps.find((s) => s.id === id)!;
  }

  private client(url: URL, fresh = false): MapiClient {
    const key = url.origin;
    let c = fresh ? undefined : this.clients.get(key);
    if (!c) {
      c = new MapiClient(url.origin, {
        auth: this.auth,
        ...(this.opts.insecure ? { insecure: true } : {}),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        clientApplication: `MapiScope/${VERSION}`,
        clientInfo: `{${crypto.randomUUID().toUpperCase()}}`,
        timeoutMs: this.timeoutMs,
      });
      if (!fresh) this.clients.set(key, c);
      else this.clients.set(`${key}#${this.clients.size}`, c);
    }
    return c;
  }

  /** Runs `fn` as step `id` unless the probe stopped; fills times, result and error. */
  private async run(id: StepId, fn: (s: ProbeStep) => Promise<void>, skipWhy?: string): Promise<boolean> {
    const s = this.step(id);
    if (this.opts.signal?.aborted) this.stopReason ??= 'probe cancelled';
    if (this.stopReason || skipWhy) {
      s.result = 'Skipped';
      s.error = `not run: ${this.stopReason ?? skipWhy}`;
      this.opts.onStep?.(s, this.report);
      return false;
    }
    s.start = Date.now();
    this.opts.onStep?.(s, this.report);
    try {
      s.result = 'Succeeded';
      await fn(s);
    } catch (e) {
      s.result = 'Failed';
      s.error ??= e instanceof Error ? e.message : String(e);
    }
    s.end = Date.now();
    s.durationMs = s.end - s.start;
    this.opts.onStep?.(s, this.report);
    return s.result === 'Succeeded';
  }

  private fail(s: ProbeStep, error: string): never {
    s.result = 'Failed';
    s.error = error;
    throw new Error(error);
  }

  /** Fills the HTTP facts of a step and fails it, in plain words, unless the answer is a MAPI success. */
  private check(
    s: ProbeStep,
    res: MapiResult | (HttpResult & { connectionId: number }),
    url: URL,
    mapi: boolean,
  ): void {
    s.url = url.toString();
    const m = res as Partial<MapiResult>;
    if (m.requestId) s.requestId = m.requestId;
    if (m.handshake) s.auth = handshakeText(m.handshake);
    if (res.statusCode !== undefined) s.status = res.statusCode;
    const server = header(res.headers, 'x-serverapplication');
    if (server) this.report.serverApplication ??= server;
    if (m.authError) {
      this.stopReason = 'authentication failed';
      this.fail(s, m.authError.message);
    }
    if (res.statusCode === undefined) {
      if (res.connectionId === 0) this.stopReason = 'the server cannot be reached';
      this.fail(s, res.aborted?.message ?? 'no answer');
    }
    if (res.statusCode === 401) {
      this.stopReason = 'authentication failed';
      this.fail(s, 'HTTP 401: the server wants authentication that was not given or not accepted');
    }
    if (res.statusCode === 404)
      this.fail(
        s,
        `HTTP 404 at ${url.pathname}${url.search}: nothing answers there (MAPI over HTTP not enabled on this virtual directory, or a wrong URL)`,
      );
    if (res.statusCode !== 200) this.fail(s, `HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
    if (!mapi) return;
    const code = m.responseCode;
    if (code !== undefined) s.responseCode = code;
    if (code === undefined) this.fail(s, 'answered 200 without an X-ResponseCode: not a MAPI over HTTP endpoint');
    if (code !== 0) {
      const text = /html|text/i.test(header(res.headers, 'content-type') ?? '')
        ? new TextDecoder().decode(res.body.subarray(0, 4096))
        : undefined;
      const meaning = meaningOf(code, server, text);
      const name = RESPONSE_CODE_NAMES[meaning.specCode] ?? `code ${meaning.specCode}`;
      s.responseCodeName = name;
      const plain: Record<number, string> = {
        10: 'the Session Context expired or is unknown',
        11: 'the authenticated user has no right to this Session Context',
        13: 'a session cookie is missing',
        15: 'the request broke the one-request-at-a-time sequence',
        16: 'MAPI over HTTP is disabled on this endpoint',
        18: 'the endpoint is shutting down',
      };
      const via =
        meaning.via === 'spec'
          ? ''
          : `; the spec's ${meaning.specCode}, recognised from ${meaning.via === 'profile' ? `the ${meaning.profile} profile` : "the server's explanation"}`;
      this.fail(
        s,
        `X-ResponseCode ${code} (${name}${via})${plain[meaning.specCode] ? `: ${plain[meaning.specCode]}` : ''}`,
      );
    }
    s.responseCodeName = 'Success';
  }

  private record(
    url: URL,
    method: string,
    body: Uint8Array,
    res: MapiResult | (HttpResult & { connectionId: number }),
    headers: RawHeader[],
  ): void {
    const list = this.report.recorded;
    if (!list) return;
    list.push({
      id: list.length + 1,
      connectionId: res.connectionId,
      client: { address: '127.0.0.1', port: 0 },
      origin: url.origin,
      timings: res.timings,
      request: { method, url: `${url.pathname}${url.search}`, httpVersion: '1.1', headers, body },
      ...exchangeOutcome(res),
      comment: 'mapiscope probe',
    });
  }

  private async mapi(client: MapiClient, url: URL, type: string, body: Uint8Array): Promise<MapiResult> {
    const res = await client.send(`${url.pathname}${url.search}`, type, body, { timeoutMs: this.timeoutMs });
    this.record(url, 'POST', body, res, res.sentHeaders);
    return res;
  }

  async probe(): Promise<ProbeRun> {
    const t = this.target;
    const origin = new URL(t.origin);
    let emsmdb: URL | undefined;
    let nspi: URL | undefined;
    if (/\/mapi\/emsmdb\/?/i.test(t.pathname)) {
      emsmdb = t;
      nspi = new URL(t.toString().replace(/\/mapi\/emsmdb\/?/i, '/mapi/nspi/'));
    } else if (/\/mapi\/nspi\/?/i.test(t.pathname)) {
      nspi = t;
      emsmdb = new URL(t.toString().replace(/\/mapi\/nspi\/?/i, '/mapi/emsmdb/'));
    }
    if (this.opts.nspiUrl) nspi = parseTarget(this.opts.nspiUrl);
    const fromCommandLine = emsmdb !== undefined;
    if (emsmdb)
      this.report.mapiHttp = {
        mailStore: emsmdb.toString(),
        ...(nspi ? { addressBook: nspi.toString() } : {}),
        source: 'command line',
      };
    let dn = this.opts.dn;
    const mailbox = this.report.mailbox;

    if (t.protocol === 'https:')
      await this.run('tls', async (s) => {
        const c = await checkTls(t, { timeoutMs: this.timeoutMs, ...(this.opts.ca ? { ca: this.opts.ca } : {}) });
        if (c.detail) s.detail = c.detail;
        if (!c.ok) {
          if (!c.untrusted || !this.opts.insecure)
            this.stopReason = c.untrusted ? 'the certificate is not trusted' : 'the server cannot be reached';
          this.fail(s, c.error! + (c.untrusted && this.opts.insecure ? ' — going on because of -k' : ''));
        }
      });

    await this.run(
      'autodiscover',
      async (s) => {
        const found = await this.autodiscover(s, origin, mailbox!);
        if (found.dn) dn ??= found.dn;
        if (found.mailStore && !fromCommandLine) {
          emsmdb = new URL(found.mailStore);
          nspi = found.addressBook
            ? new URL(found.addressBook)
            : new URL(found.mailStore.replace(/\/mapi\/emsmdb\/?/i, '/mapi/nspi/'));
          this.report.mapiHttp = { mailStore: emsmdb.toString(), addressBook: nspi.toString(), source: 'Autodiscover' };
        } else if (found.mailStore) s.detail += `; the MAPI URL from the command line is used instead`;
      },
      mailbox ? undefined : 'no mailbox address to ask for (give --email, or --user as user@domain)',
    );
    if (!emsmdb && mailbox && this.step('autodiscover').result !== 'Failed') {
      emsmdb = new URL(`/mapi/emsmdb/?MailboxId=${encodeURIComponent(mailbox)}`, origin);
      nspi = new URL(`/mapi/nspi/?MailboxId=${encodeURIComponent(mailbox)}`, origin);
      this.report.mapiHttp = { mailStore: emsmdb.toString(), addressBook: nspi.toString(), source: 'assumed' };
    }
    const noUrl = emsmdb ? undefined : 'no MAPI URL (Autodiscover gave none; give the /mapi/emsmdb/?MailboxId=… URL)';
    const noDn = dn ? undefined : 'no user DN (Autodiscover gave none; give --dn)';

    // emsmdb: Connect → RopLogon → RopOpenFolder(Inbox) → Disconnect.
    let logonHandle: number | undefined;
    let inbox: bigint | undefined;
    const ems = emsmdb ? this.client(emsmdb) : undefined;
    const connected = await this.run(
      'connect',
      async (s) => {
        const res = await this.mapi(ems!, emsmdb!, 'Connect', buildConnectRequest(dn!));
        this.check(s, res, emsmdb!, true);
        const v = decode(connectResponse, res.entity!.body).value;
        const err = (v?.ErrorCode as number | undefined) ?? (v?.StatusCode as number | undefined);
        s.returnValue = this.name(err);
        if (v?.StatusCode !== 0 || err !== 0) this.fail(s, `Connect refused: ${s.returnValue}`);
        s.detail = `connected as "${String(v.DisplayName ?? '')}"`;
      },
      noUrl ?? noDn,
    );
    const afterConnect = connected ? undefined : 'Connect did not succeed';
    const loggedOn = await this.run(
      'logon',
      async (s) => {
        const res = await this.mapi(ems!, emsmdb!, 'Execute', buildExecuteRequest(ropLogonRequest(dn!), [NO_HANDLE]));
        this.check(s, res, emsmdb!, true);
        const p = parseExecuteResponse(res.entity!.body)?.payloads[0];
        const r = p?.rops;
        if (!r || r.length < 6 || r[0] !== 0xfe) this.fail(s, 'the Execute answer holds no RopLogon response');
        const rv = new DataView(r.buffer, r.byteOffset).getUint32(2, true);
        s.returnValue = this.name(rv);
        if (rv !== 0) this.fail(s, `RopLogon failed: ${s.returnValue}`);
        if (r.length < 7 + 8 * 13) this.fail(s, 'RopLogon response too short for its 13 folder ids');
        logonHandle = p.handles[0];
        inbox = new DataView(r.buffer, r.byteOffset).getBigUint64(7 + 8 * INBOX_INDEX, true);
        s.detail = `private logon, Inbox folder id 0x${inbox.toString(16).padStart(16, '0')}`;
      },
      afterConnect,
    );
    await this.run(
      'open-inbox',
      async (s) => {
        const w = new Uint8Array(13);
        const dv = new DataView(w.buffer);
        w.set([0x02, 0, 0, 1], 0); // RopOpenFolder, LogonId, InputHandleIndex, OutputHandleIndex
        dv.setBigUint64(4, inbox!, true);
        w[12] = 0; // OpenModeFlags
        const res = await this.mapi(ems!, emsmdb!, 'Execute', buildExecuteRequest(w, [logonHandle!, NO_HANDLE]));
        this.check(s, res, emsmdb!, true);
        const r = parseExecuteResponse(res.entity!.body)?.payloads[0]?.rops;
        if (!r || r.length < 6 || r[0] !== 0x02) this.fail(s, 'the Execute answer holds no RopOpenFolder response');
        const rv = new DataView(r.buffer, r.byteOffset).getUint32(2, true);
        s.returnValue = this.name(rv);
        if (rv !== 0) this.fail(s, `RopOpenFolder on the Inbox failed: ${s.returnValue}`);
        s.detail = 'Inbox opened';
      },
      loggedOn ? undefined : 'RopLogon did not succeed',
    );
    await this.run(
      'disconnect',
      async (s) => {
        const res = await this.mapi(ems!, emsmdb!, 'Disconnect', buildDisconnectRequest());
        this.check(s, res, emsmdb!, true);
      },
      afterConnect,
    );

    // nspi: Bind → DNToMId → Unbind.
    const ab = nspi ? this.client(nspi) : undefined;
    const bound = await this.run(
      'bind',
      async (s) => {
        const res = await this.mapi(ab!, nspi!, 'Bind', encode(bindRequest, { Flags: 0, AuxiliaryBuffer: [] }));
        this.check(s, res, nspi!, true);
        const err = new DataView(res.entity!.body.buffer, res.entity!.body.byteOffset).getUint32(4, true);
        s.returnValue = this.name(err);
        if (err !== 0) this.fail(s, `Bind refused: ${s.returnValue}`);
      },
      nspi ? undefined : 'no address book URL',
    );
    await this.run(
      'resolve',
      async (s) => {
        const res = await this.mapi(
          ab!,
          nspi!,
          'DNToMId',
          encode(dnToMIdRequest, { Reserved: 0, Names: { Strings: [dn!] }, AuxiliaryBuffer: [] }),
        );
        this.check(s, res, nspi!, true);
        const v = decode(dnToMIdResponse, res.entity!.body).value;
        s.returnValue = this.name(v?.ErrorCode as number | undefined);
        if (v?.ErrorCode !== 0) this.fail(s, `DNToMId failed: ${s.returnValue}`);
        const mid = (v.MinimalIds as number[] | undefined)?.[0];
        if (!mid) this.fail(s, `the address book does not know ${dn} (MId 0)`);
        s.detail = `${dn} is MId 0x${mid.toString(16)}`;
      },
      bound ? (noDn ?? undefined) : 'Bind did not succeed',
    );
    await this.run(
      'unbind',
      async (s) => {
        const res = await this.mapi(ab!, nspi!, 'Unbind', new Uint8Array(8));
        this.check(s, res, nspi!, true);
      },
      bound ? undefined : 'Bind did not succeed',
    );

    // PING, without session cookies, as Outlook checks an endpoint ([MS-OXCMAPIHTTP] 2.2.6).
    for (const [id, url] of [
      ['ping-emsmdb', emsmdb],
      ['ping-nspi', nspi],
    ] as const)
      await this.run(
        id,
        async (s) => {
          const res = await this.mapi(this.client(url!, true), url!, 'PING', new Uint8Array(0));
          this.check(s, res, url!, true);
          s.detail = `answered in ${res.timings.responseEnd! - res.timings.requestStart} ms`;
        },
        url ? undefined : 'no URL for this endpoint',
      );
    for (const c of this.clients.values()) c.close();
    this.report.endedAt = Date.now();
    this.report.result = this.report.steps.every((s) => s.result === 'Succeeded') ? 'Succeeded' : 'Failed';
    this.report.auth = {
      ...(this.auth.scheme ? { scheme: this.auth.scheme } : {}),
      handshakes: this.auth.handshakes.length,
      notes: [...this.auth.notes],
    };
    return this.report;
  }

  private name(code: number | undefined): string {
    if (code === undefined) return '(none)';
    const n = EMSMDB_ERROR_NAMES[code] ?? errorCodeName(code);
    return code === 0 ? 'Success' : `${n} (0x${code.toString(16).toUpperCase().padStart(8, '0')})`;
  }

  /** POX first ([MS-OXDSCLI] 2.2.3) with X-MapiHttpCapability; the JSON form when POX gave no mapiHttp URL. */
  private async autodiscover(
    s: ProbeStep,
    origin: URL,
    mailbox: string,
  ): Promise<{ mailStore?: string; addressBook?: string; dn?: string }> {
    const client = this.client(origin);
    const pox = new URL('/autodiscover/autodiscover.xml', origin);
    const body = new TextEncoder().encode(
      `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${mailbox.replace(/[<>&]/g, '')}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
    );
    const headers: RawHeader[] = [
      { name: 'Content-Type', value: 'text/xml; charset=utf-8' },
      { name: 'X-MapiHttpCapability', value: '1' },
      { name: 'User-Agent', value: `MapiScope/${VERSION} (probe)` },
    ];
    const res = await client.sendPlain('POST', pox.pathname, headers, body, this.timeoutMs);
    this.record(pox, 'POST', body, res, res.sentHeaders);
    s.url = pox.toString();
    if (res.handshake) s.auth = handshakeText(res.handshake);
    if (res.statusCode !== undefined) s.status = res.statusCode;
    if (res.authError) {
      this.stopReason = 'authentication failed';
      this.fail(s, res.authError.message);
    }
    if (res.statusCode === undefined) {
      if (res.connectionId === 0) this.stopReason = 'the server cannot be reached';
      this.fail(s, res.aborted?.message ?? 'no answer');
    }
    s.status = res.statusCode;
    let poxNote = `POX answered HTTP ${res.statusCode}`;
    if (res.statusCode === 200) {
      const roots = scanXml(res.body).roots;
      const user = autodiscoverUser(roots);
      if (user.error)
        this.fail(
          s,
          `Autodiscover refused ${mailbox}: ${user.error.message ?? 'error'}${user.error.code ? ` (ErrorCode ${user.error.code})` : ''}`,
        );
      const urls = mapiHttpUrls(roots);
      const ms = urls?.mailStore.externalUrl ?? urls?.mailStore.internalUrl;
      const ab = urls?.addressBook.externalUrl ?? urls?.addressBook.internalUrl;
      if (ms) {
        s.detail = `POX: mapiHttp MailStore ${ms}${ab ? `, AddressBook ${ab}` : ''}${user.legacyDn ? `; LegacyDN ${user.legacyDn}` : ''}`;
        return { mailStore: ms, ...(ab ? { addressBook: ab } : {}), ...(user.legacyDn ? { dn: user.legacyDn } : {}) };
      }
      poxNote = `POX answered for ${mailbox} without a mapiHttp protocol`;
      if (user.legacyDn) s.detail = `LegacyDN ${user.legacyDn}`;
      // JSON Autodiscover may still name the MAPI URL.
      const j = await this.autodiscoverJson(origin, mailbox);
      if (j) {
        s.detail = `JSON: MapiHttp ${j}${user.legacyDn ? `; LegacyDN ${user.legacyDn}` : ''} (${poxNote})`;
        return { mailStore: j, ...(user.legacyDn ? { dn: user.legacyDn } : {}) };
      }
      this.fail(
        s,
        `Autodiscover answered for ${mailbox} but offers no mapiHttp protocol (POX and JSON): MAPI over HTTP is disabled for this mailbox or server; Outlook would use Outlook Anywhere`,
      );
    }
    const j = await this.autodiscoverJson(origin, mailbox);
    if (j) {
      s.detail = `JSON: MapiHttp ${j} (${poxNote})`;
      return { mailStore: j };
    }
    return this.fail(s, `no Autodiscover for ${mailbox} at ${origin.host}: ${poxNote}, JSON offered no MapiHttp URL`);
  }

  private async autodiscoverJson(origin: URL, mailbox: string): Promise<string | undefined> {
    const url = new URL(
      `/autodiscover/autodiscover.json?Email=${encodeURIComponent(mailbox)}&Protocol=MapiHttp`,
      origin,
    );
    const headers: RawHeader[] = [{ name: 'Accept', value: 'application/json' }];
    const res = await this.client(origin).sendPlain(
      'GET',
      `${url.pathname}${url.search}`,
      headers,
      new Uint8Array(0),
      this.timeoutMs,
    );
    this.record(url, 'GET', new Uint8Array(0), res, res.sentHeaders);
    if (res.statusCode !== 200) return undefined;
    try {
      const v = JSON.parse(new TextDecoder().decode(res.body)) as { Protocol?: string; Url?: string };
      return v.Protocol?.toLowerCase() === 'mapihttp' && v.Url ? v.Url : undefined;
    } catch {
      return undefined;
    }
  }
}

export async function probe(opts: ProbeOptions): Promise<ProbeRun> {
  return new ProbeRunner(opts, parseTarget(opts.url)).probe();
}
