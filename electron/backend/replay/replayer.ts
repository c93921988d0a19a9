/**
 * Client replay of captured MAPI sessions against a target (the simulator or a
 * server URL), with network switches applied at chosen exchanges and the
 * conforming client reaction to each ([MS-OXCMAPIHTTP] 3.1.5.7, 3.1.7):
 *
 * - failure before the request was fully sent → resend it on a new connection
 *   with the same cookies (3.1.7.1);
 * - failure after it was sent (or while the response streamed) → the client
 *   cannot know whether it ran: reconnect with Connect/Bind carrying the old
 *   cookies, redo the session's earlier Executes (logons, opened objects),
 *   then resend (3.1.7.2);
 * - idle network change (new connection, new source address, hibernation) →
 *   just continue with the same cookies; on X-ResponseCode 10 reconnect (3.2.5.6);
 * - X-ResponseCode 15 after a stale sequence cookie → resend with the current one.
 *
 * Session cookies come from the target's Set-Cookie, X-RequestId counts up per
 * HTTP request, and server object handles in Execute requests are mapped from
 * the captured ones to the live ones learned from the responses' handle tables.
 */
import type {
  ExchangeReport,
  ReplayReportData,
  SideResult,
  SwitchReport,
  Verdict,
} from '../../../shared/api/replay.js';
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import { type ParsedExecute, parseExecuteRequest, parseExecuteResponse, withRopPayloads } from '../simulator/bodies.js';
import { type CapturedSession, extractSessions } from '../simulator/capture-sessions.js';
import { RESPONSE_CODE_NAMES, isCreateType, isDestroyType, parseResponseEntity } from '../simulator/wire.js';
import { type DecodedAnswer, type DiffEntry, decodeAnswer, diffAnswers } from './diff.js';
import { type DropPoint, exchangeOutcome } from './http-client.js';
import { type AuthSettings, Authenticator } from '../auth/authenticator.js';
import { MapiClient, type MapiResult } from './mapi-client.js';
import { type PlanStep, describeStep } from '../../../shared/replay/plan.js';
import { ServerIdMap, changingRops } from './server-ids.js';
import { type ResponseCodeMeaning, meaningOf } from '../../../shared/protocol/mapihttp/server-profiles.js';

const NO_HANDLE = 0xffffffff;

export interface ReplayOptions {
  /** Base URL of the target ("http://127.0.0.1:PORT"); captured paths and queries are kept. */
  target: string;
  /** Captured session to replay (1-based, see `listSessions`), or all of them in capture order (default). */
  session?: number | 'all';
  plan?: readonly PlanStep[];
  /** Wait the captured gaps between requests (capped at `maxGapMs`). */
  realtime?: boolean;
  maxGapMs?: number;
  /** Credentials and an optional forced scheme; the scheme is otherwise chosen from the first 401. */
  auth?: AuthSettings;
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string;
  /** Source address for the first connection (loopback). */
  localAddress?: string;
  timeoutMs?: number;
  /** Compute structural diffs against the capture (default true). */
  diff?: boolean;
  onProgress?: (e: ReplayProgress) => void;
  signal?: AbortSignal;
  /** Keep the replayed traffic as Exchanges (report.recorded), each linked to its captured original. */
  record?: boolean;
  /**
   * After a failure before the request was fully sent, resend it with the same X-RequestId
   * ("as-is", [MS-OXCMAPIHTTP] 3.1.7.1) instead of the next counter (2.2.3.3.2). Default false.
   */
  resendSameRequestId?: boolean;
  /**
   * Replay ROPs that change the mailbox (creates, deletes, property and rule changes).
   * Without it a replay that holds such ROPs is refused: against a real server it
   * changes a real mailbox. The CLI and the service set it for the simulator.
   */
  allowChanges?: boolean;
}

export type ReplayProgress =
  | { kind: 'exchange'; position: number; total: number; report: ExchangeReport }
  | { kind: 'switch'; report: SwitchReport }
  | { kind: 'done'; report: ReplayReport };

export type { SideResult, ExchangeReport, Verdict, SwitchReport } from '../../../shared/api/replay.js';

export interface ReplayReport extends ReplayReportData {
  /** With `record`: the traffic the replay produced, in order; `comment` names the captured original. */
  recorded?: Exchange[];
}

export interface MailboxChange {
  capturedId: number;
  session: number;
  rops: string[];
}

/** The captured Executes (of one session, or all) that would change the target's mailbox. */
export function mailboxChanges(exchanges: readonly Exchange[], session?: number | 'all'): MailboxChange[] {
  const { sessions } = extractSessions(exchanges);
  const chosen = session === undefined || session === 'all' ? sessions : sessions.slice(session - 1, session);
  const out: MailboxChange[] = [];
  for (const s of chosen)
    s.exchanges.forEach((ex, i) => {
      if (s.types[i] !== 'Execute') return;
      const rops = changingRops(ex.request.body);
      if (rops.length) out.push({ capturedId: ex.id, session: s.index, rops });
    });
  return out;
}

/** One sentence naming the changes, for the refusal. */
export function describeChanges(changes: readonly MailboxChange[]): string {
  const list = changes
    .slice(0, 8)
    .map((c) => `#${c.capturedId} ${[...new Set(c.rops)].join(', ')}`)
    .join('; ');
  return `${changes.length} captured request(s) change the mailbox (${list}${changes.length > 8 ? '; …' : ''}): replaying them changes the target's real mailbox; give --allow-changes to go on (the simulator needs no flag)`;
}

export function listSessions(exchanges: readonly Exchange[]): CapturedSession[] {
  return extractSessions(exchanges).sessions;
}

/** Why a capture cannot be replayed, or undefined. */
export function canReplay(exchanges: readonly Exchange[], session?: number | 'all'): string | undefined {
  const s = extractSessions(exchanges);
  if (s.sessions.length === 0)
    return s.orphans.length
      ? `the capture's ${s.orphans.length} MAPI request(s) have no Connect/Bind: replay needs the request that created the session`
      : 'the capture holds no MAPI traffic';
  if (typeof session === 'number' && !s.sessions[session - 1])
    return `the capture has ${s.sessions.length} session(s); there is no session ${session}`;
  return undefined;
}

interface LiveSession {
  captured: CapturedSession;
  client: MapiClient;
  /** Captured server handle → live server handle. */
  handles: Map<number, number>;
  /** Captured Executes answered successfully so far (redone after a reconnect). */
  done: Exchange[];
  /** Cookies of the context before its last successful exchange (for `stale`). */
  previousCookies?: Map<string, string>;
  notify: Promise<void>[];
  path: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

function sideOf(ex: Exchange): SideResult {
  const out: SideResult = { rops: [] };
  if (!ex.response) return out;
  out.status = ex.response.statusCode;
  const h = ex.response.headers.find((x) => x.name.toLowerCase() === 'x-responsecode')?.value;
  if (h !== undefined) out.responseCode = Number(h);
  const late = parseResponseEntity(ex.response.body).headers.find(([k]) => k.toLowerCase() === 'x-responsecode');
  if (late) out.responseCode = Number(late[1]);
  return out;
}

function typeOf(s: CapturedSession, ex: Exchange): string {
  return s.types[s.exchanges.indexOf(ex)] ?? '';
}

export class Replayer {
  private report!: ReplayReport;
  private position = 0;
  private live = new Map<number, LiveSession>();
  /** Captured Execute answers decoded once (handle learning after redo and resend reuses them). */
  private capturedAnswers = new WeakMap<Exchange, ParsedExecute | null>();
  private capturedDecodes = new WeakMap<Exchange, DecodedAnswer>();
  private auth!: Authenticator;
  /** Server-assigned folder, message and rule ids: captured → live. */
  private readonly ids = new ServerIdMap();
  /** Set when the target cannot be used at all (refused credentials, unreachable, untrusted): the replay stops. */
  private fatal?: string;

  constructor(
    private readonly exchanges: readonly Exchange[],
    private readonly opts: ReplayOptions,
  ) {}

  async run(): Promise<ReplayReport> {
    const startedAt = Date.now();
    const { sessions, orphans } = extractSessions(this.exchanges);
    const why = canReplay(this.exchanges, this.opts.session);
    if (why) throw new Error(why);
    this.auth = new Authenticator(this.opts.auth ?? {});
    if (!this.opts.allowChanges) {
      const changes = mailboxChanges(this.exchanges, this.opts.session);
      if (changes.length) throw new Error(describeChanges(changes));
    }
    const chosen =
      this.opts.session === undefined || this.opts.session === 'all' ? sessions : [sessions[this.opts.session - 1]!];
    this.report = {
      target: this.opts.target,
      sessions: chosen.map((s) => ({ index: s.index, endpoint: s.endpoint, exchanges: s.exchanges.length })),
      startedAt,
      durationMs: 0,
      exchanges: [],
      switches: [],
      summary: { replayed: 0, succeeded: 0, failed: 0, matched: 0, withDiffs: 0, recoveryRequests: 0 },
      problems: orphans.length
        ? [`${orphans.length} captured MAPI request(s) belong to no session and are not replayed`]
        : [],
    };
    const order = chosen
      .flatMap((s) => s.exchanges.map((ex) => ({ s, ex })))
      .sort((a, b) => a.ex.timings.requestStart - b.ex.timings.requestStart || a.ex.id - b.ex.id);
    const plan = [...(this.opts.plan ?? [])];
    for (const p of plan)
      if (p.at > order.length)
        this.report.problems.push(`plan step ${describeStep(p)} is beyond the ${order.length} replayed exchanges`);
    let prevStart: number | undefined;
    try {
      for (const { s, ex } of order) {
        if (this.opts.signal?.aborted) {
          this.report.problems.push('replay stopped before the end');
          break;
        }
        if (this.fatal) break;
        this.position++;
        if (this.opts.realtime && prevStart !== undefined) {
          const gap = Math.min(Math.max(0, ex.timings.requestStart - prevStart), this.opts.maxGapMs ?? 300_000);
          if (gap > 0) await sleep(gap, this.opts.signal);
        }
        prevStart = ex.timings.requestStart;
        const steps = plan.filter((p) => p.at === this.position);
        await this.replayOne(s, ex, steps);
      }
      for (const l of this.live.values()) await Promise.all(l.notify);
    } finally {
      for (const l of this.live.values()) l.client.close();
    }
    this.report.durationMs = Date.now() - startedAt;
    this.report.auth = {
      ...(this.auth.scheme ? { scheme: this.auth.scheme } : {}),
      identity: this.auth.identity,
      handshakes: this.auth.handshakes.map((h) => ({ ...h })),
      notes: [...this.auth.notes],
    };
    if (this.fatal) this.report.stoppedBecause = this.fatal;
    if (this.ids.size)
      this.report.serverIds = this.ids.entries().map(([c, l]) => ({
        captured: `0x${c.toString(16).padStart(16, '0')}`,
        live: `0x${l.toString(16).padStart(16, '0')}`,
      }));
    const sum = this.report.summary;
    // An exchange succeeded when its last attempt (the replay or its resend after a switch) got code 0.
    const final = new Map<string, ExchangeReport>();
    for (const e of this.report.exchanges) {
      if (e.role === 'replay') sum.replayed++;
      else sum.recoveryRequests++;
      if (e.role === 'replay' || e.role === 'resend') final.set(`${e.position}|${e.capturedId}`, e);
      if (e.role !== 'replay') continue;
      if (e.matches) sum.matched++;
      if (e.diff.length) sum.withDiffs++;
    }
    for (const e of final.values()) {
      const ok =
        e.replayed.status === 200 &&
        !e.replayed.aborted &&
        (e.replayed.responseCode === 0 || e.replayed.responseCode === undefined);
      // A Disconnect/Unbind answered 10 reached its goal: the context is gone.
      const goneAlready = e.replayed.status === 200 && e.replayed.responseCode === 10 && isDestroyType(e.type);
      if (ok || goneAlready) sum.succeeded++;
      else sum.failed++;
    }
    this.opts.onProgress?.({ kind: 'done', report: this.report });
    return this.report;
  }

  private liveOf(s: CapturedSession): LiveSession {
    let l = this.live.get(s.index);
    if (!l) {
      const first = s.exchanges[0]!;
      const ci = first.request.headers.find((h) => h.name.toLowerCase() === 'x-clientinfo')?.value;
      // Keep the captured X-RequestId GUID (constant per Session Context); the counter is the replay's own.
      const rid = first.request.headers.find((h) => h.name.toLowerCase() === 'x-requestid')?.value;
      const ridGuid =
        rid && /^\{?[0-9a-f-]{36}\}?:\d+$/i.test(rid.trim())
          ? rid.trim().slice(0, rid.trim().lastIndexOf(':'))
          : undefined;
      const ca = first.request.headers.find((h) => h.name.toLowerCase() === 'x-clientapplication')?.value;
      const client = new MapiClient(this.opts.target, {
        ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
        ...(this.opts.insecure ? { insecure: true } : {}),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        auth: this.auth,
        ...(ci ? { clientInfo: ci } : {}),
        ...(ca ? { clientApplication: ca } : {}),
        ...(ridGuid ? { requestIdGuid: ridGuid } : {}),
        ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      });
      l = { captured: s, client, handles: new Map(), done: [], notify: [], path: first.request.url };
      this.live.set(s.index, l);
    }
    return l;
  }

  /** The captured request body with captured server handles replaced by live ones. */
  private bodyFor(l: LiveSession, ex: Exchange, type: string): Uint8Array {
    if (type !== 'Execute' || (l.handles.size === 0 && this.ids.size === 0)) return ex.request.body;
    const req = parseExecuteRequest(ex.request.body);
    if (!req) return ex.request.body;
    let changed = false;
    const payloads = req.payloads.map((p) => {
      const rops = this.ids.rewrite(p.rops);
      if (rops !== p.rops) changed = true;
      return { rops, handles: this.mapHandles(l, p.handles, () => (changed = true)) };
    });
    return changed ? withRopPayloads('request', req.value, payloads) : ex.request.body;
  }

  private mapHandles(l: LiveSession, handles: number[], onChange: () => void): number[] {
    return handles.map((h) => {
      const v = h === NO_HANDLE ? h : l.handles.get(h);
      if (v === undefined || v === h) return h;
      onChange();
      return v;
    });
  }

  /** Learns captured → live handles from the two response handle tables. */
  private learnHandles(l: LiveSession, ex: Exchange, res: MapiResult): void {
    if (!ex.response || !res.entity) return;
    let cap = this.capturedAnswers.get(ex);
    if (cap === undefined) {
      cap = parseExecuteResponse(parseResponseEntity(ex.response.body).body) ?? null;
      this.capturedAnswers.set(ex, cap);
    }
    const liv = parseExecuteResponse(res.entity.body);
    if (!cap || !liv) return;
    cap.payloads.forEach((p, k) => {
      const lh = liv.payloads[k]?.handles ?? [];
      p.handles.forEach((h, i) => {
        const v = lh[i];
        if (h !== NO_HANDLE && v !== undefined && v !== NO_HANDLE) l.handles.set(h, v);
      });
    });
  }

  private async send(
    l: LiveSession,
    ex: Exchange,
    type: string,
    role: ExchangeReport['role'],
    opts: {
      drop?: DropPoint;
      newConnection?: boolean;
      localAddress?: string;
      cookies?: Map<string, string>;
      requestId?: string;
    } = {},
    note?: string,
  ): Promise<{ res: MapiResult; rep: ExchangeReport }> {
    const t0 = Date.now();
    const body = this.bodyFor(l, ex, type);
    const extra: RawHeader[] = ex.request.headers.filter((h) => !/^(authorization|x-user-identity)$/i.test(h.name));
    const res = await l.client.send(ex.request.url, type, body, {
      ...opts,
      extraHeaders: extra,
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
    });
    this.checkFatal(res);
    const captured = sideOf(ex);
    const okLive = res.statusCode === 200 && (res.responseCode ?? 0) === 0 && !res.aborted;
    let diff: DiffEntry[] = [];
    if (okLive && res.entity && ex.response) {
      let cd = this.capturedDecodes.get(ex);
      if (!cd) this.capturedDecodes.set(ex, (cd = decodeAnswer(type, ex.request.body, ex.response.body)));
      const ld = decodeAnswer(type, body, res.body);
      if (type === 'Execute') this.ids.learn(cd, ld);
      captured.rops = cd.rops;
      if (this.opts.diff !== false && captured.responseCode === 0) diff = diffAnswers(cd, ld);
      const rep = this.makeReport(l, ex, type, role, captured, res, t0, diff, note, body);
      rep.replayed.rops = ld.rops;
      this.push(rep);
      return { res, rep };
    }
    const rep = this.makeReport(l, ex, type, role, captured, res, t0, diff, note, body);
    this.push(rep);
    return { res, rep };
  }

  /**
   * Failures no switch reaction can cure end the replay with one plain sentence:
   * refused or missing credentials, and a target that cannot be reached at all
   * (nothing answered yet on any connection).
   */
  private checkFatal(res: MapiResult): void {
    if (this.fatal) return;
    if (res.statusCode !== undefined && res.statusCode !== 401) this.reached = true;
    if (res.authError) {
      this.fatal = `authentication failed: ${res.authError.message}`;
      this.report.problems.push(this.fatal);
    } else if (res.statusCode === 401) {
      this.fatal = 'the target answered 401 (authentication required) and no credentials were accepted';
      this.report.problems.push(this.fatal);
    } else if (res.connectionId === 0 && res.aborted && !this.reached) {
      this.fatal = res.aborted.message;
      this.report.problems.push(this.fatal);
    }
  }
  private reached = false;
  private lastMeaning?: ResponseCodeMeaning;

  /** The spec meaning of the answer's X-ResponseCode (server profile, explanation body), remembered for the report. */
  private spec(res: MapiResult): number | undefined {
    if (res.responseCode === undefined) return undefined;
    const server = res.headers.find((h) => h.name.toLowerCase() === 'x-serverapplication')?.value;
    const ct = res.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
    const text = /html|text/i.test(ct) ? new TextDecoder().decode(res.body.subarray(0, 4096)) : undefined;
    this.lastMeaning = meaningOf(res.responseCode, server, text);
    return this.lastMeaning.specCode;
  }

  private viaText(m: ResponseCodeMeaning): string {
    if (m.via === 'spec') return '';
    const why =
      m.via === 'profile'
        ? `the ${m.profile} profile chosen by X-ServerApplication`
        : `the server's explanation${m.profile ? ` and the ${m.profile} profile` : ''}`;
    return `; ${m.code} is this server's number for the spec's ${m.specCode}, recognised from ${why}`;
  }

  /** "15 (Invalid Sequence)" or "7 (gromox's Invalid Sequence, the spec's 15; …)". */
  private codeText(specCode: number): string {
    const m = this.lastMeaning;
    const name = RESPONSE_CODE_NAMES[specCode] ?? String(specCode);
    if (!m || m.via === 'spec' || m.specCode !== specCode) return `${specCode} (${name})`;
    return `${m.code} (${name}${this.viaText(m)}; reacted as to ${specCode})`;
  }

  private makeReport(
    l: LiveSession,
    ex: Exchange,
    type: string,
    role: ExchangeReport['role'],
    captured: SideResult,
    res: MapiResult,
    t0: number,
    diff: DiffEntry[],
    note?: string,
    sentBody?: Uint8Array,
  ): ExchangeReport {
    const replayed: ExchangeReport['replayed'] = {
      rops: [],
      connectionId: res.connectionId,
      localAddress: res.localAddress,
      durationMs: Date.now() - t0,
      requestId: res.requestId,
    };
    if (res.statusCode !== undefined) replayed.status = res.statusCode;
    if (res.responseCode !== undefined) replayed.responseCode = res.responseCode;
    if (res.aborted) replayed.aborted = `${res.aborted.kind}: ${res.aborted.message}`;
    if (res.entity) replayed.pendingKeepAlives = res.entity.metaTags.filter((t) => t === 'PENDING').length;
    if (res.handshake)
      replayed.handshake = `${res.handshake.ok ? '' : 'failed '}${res.handshake.scheme.toUpperCase()} handshake on connection ${res.handshake.connectionId}`;
    if (this.opts.record) this.recordExchange(ex, role, res, sentBody ?? ex.request.body);
    const rep: ExchangeReport = {
      position: this.position,
      capturedId: ex.id,
      session: l.captured.index,
      type,
      role,
      captured,
      replayed,
      matches:
        captured.status === replayed.status &&
        (captured.responseCode ?? 0) === (replayed.responseCode ?? 0) &&
        !res.aborted,
      diff,
    };
    if (note) rep.note = note;
    return rep;
  }

  /** The replayed request and answer as a capture Exchange, linked to the original by its comment. */
  private recordExchange(
    original: Exchange,
    role: ExchangeReport['role'],
    res: MapiResult,
    sentBody: Uint8Array,
  ): void {
    const list = (this.report.recorded ??= []);
    const target = new URL(this.opts.target);
    const ex: Exchange = {
      id: list.length + 1,
      connectionId: res.connectionId,
      client: { address: res.localAddress, port: 0 },
      origin: target.origin,
      timings: res.timings,
      request: {
        method: 'POST',
        url: original.request.url,
        httpVersion: '1.1',
        headers: res.sentHeaders,
        body: sentBody,
      },
      ...exchangeOutcome(res),
      comment: `replay of #${original.id} (${role})`,
    };
    list.push(ex);
  }

  private push(rep: ExchangeReport): void {
    this.report.exchanges.push(rep);
    this.opts.onProgress?.({ kind: 'exchange', position: this.position, total: 0, report: rep });
  }

  private switchReport(r: SwitchReport): void {
    this.report.switches.push(r);
    this.opts.onProgress?.({ kind: 'switch', report: r });
  }

  /** Connect/Bind with the old cookies, then the session's earlier successful Executes again. */
  private async reconnect(
    l: LiveSession,
    why: string,
  ): Promise<{ ok: boolean; redone: number; codes: (number | string)[] }> {
    const codes: (number | string)[] = [];
    const create = l.captured.exchanges[0]!;
    const type = typeOf(l.captured, create);
    const { res } = await this.send(l, create, type, 'reconnect', { newConnection: true }, why);
    codes.push(res.responseCode ?? res.aborted?.kind ?? 'none');
    if (res.responseCode !== 0 || res.aborted) return { ok: false, redone: 0, codes };
    l.handles.clear();
    const redo = [...l.done];
    l.done = [];
    let redone = 0;
    for (const ex of redo) {
      const r = await this.send(l, ex, 'Execute', 'redo', {}, 'redone after reconnect');
      codes.push(r.res.responseCode ?? r.res.aborted?.kind ?? 'none');
      if (r.res.responseCode === 0 && !r.res.aborted) {
        this.learnHandles(l, ex, r.res);
        l.done.push(ex);
        redone++;
      }
    }
    return { ok: true, redone, codes };
  }

  private async replayOne(s: CapturedSession, ex: Exchange, steps: PlanStep[]): Promise<void> {
    const l = this.liveOf(s);
    const type = typeOf(s, ex);
    let drop: DropPoint | undefined;
    let cookies: Map<string, string> | undefined;
    let newConnection = false;
    let localAddress: string | undefined;
    const applied: string[] = [];
    for (const st of steps) {
      applied.push(describeStep(st));
      if (st.kind === 'drop') {
        if (st.point === 'idle') {
          l.client.dropIdle();
          newConnection = true;
        } else drop = st.point;
      } else if (st.kind === 'address') {
        localAddress = st.address;
        newConnection = true;
      } else if (st.kind === 'hibernate') {
        await sleep(st.ms, this.opts.signal);
        // After a hibernation the old TCP connection is gone.
        l.client.dropIdle();
        newConnection = true;
      } else if (st.kind === 'stale') {
        // The current cookies, with each value that rotated since the previous exchange set back (the sequence cookie).
        const now = l.client.jar(s.endpoint);
        const prev = l.previousCookies;
        const stale = new Map(now);
        let changed = 0;
        if (prev)
          for (const [k, v] of prev)
            if (stale.has(k) && stale.get(k) !== v) {
              stale.set(k, v);
              changed++;
            }
        if (changed) cookies = stale;
        else
          this.report.problems.push(
            `stale@${st.at}: no cookie rotated since the previous exchange; sent the current ones`,
          );
      }
    }
    const stepName = applied.join('+');
    // Recovery time counts from the first attempt after the switch (a hibernation's pause excluded).
    const switchStart = Date.now();
    const before = new Map(l.client.jar(s.endpoint));

    if (type === 'NotificationWait' && !drop && !cookies) {
      // Held by the server: run it on its own connection, as clients do, and go on.
      const nw = new MapiClient(this.opts.target, {
        ...(this.opts.insecure ? { insecure: true } : {}),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        auth: this.auth,
        ...(l.client.localAddress ? { localAddress: l.client.localAddress } : {}),
        requestIdGuid: l.client.requestIdGuid,
      });
      nw.jars.set(s.endpoint, l.client.jar(s.endpoint));
      const position = this.position;
      l.notify.push(
        (async () => {
          const t0 = Date.now();
          const body = ex.request.body;
          const res = await nw.send(ex.request.url, type, body, {
            requestId: l.client.nextRequestId(),
            ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
          });
          nw.close();
          const rep = this.makeReport(l, ex, type, 'replay', sideOf(ex), res, t0, [], 'held on its own connection');
          rep.position = position;
          this.push(rep);
        })(),
      );
      if (applied.length)
        this.switchReport({
          step: stepName,
          at: this.position,
          verdict: 'context-kept',
          responseCodes: [],
          detail: 'applied before a NotificationWait, which runs on its own connection',
        });
      return;
    }

    const first = await this.send(
      l,
      ex,
      type,
      'replay',
      {
        ...(drop ? { drop } : {}),
        ...(cookies ? { cookies } : {}),
        newConnection,
        ...(localAddress ? { localAddress } : {}),
      },
      stepName || undefined,
    );
    // Nothing a client does after a switch cures refused credentials or an unreachable target.
    if (this.fatal) return;
    let res = first.res;
    const codes: (number | string)[] = [res.responseCode ?? res.aborted?.kind ?? 'none'];
    let verdict: Verdict | undefined;
    let redone: number | undefined;
    let detail = '';

    if (drop === 'before-send') {
      // The server never saw the whole request: send it again as-is, same cookies, new connection.
      const asIs = this.opts.resendSameRequestId === true;
      const again = await this.send(
        l,
        ex,
        type,
        'resend',
        { newConnection: true, ...(asIs ? { requestId: first.res.requestId } : {}) },
        `resent after a failure before the request was fully sent${asIs ? ' (same X-RequestId)' : ''}`,
      );
      res = again.res;
      codes.push(res.responseCode ?? res.aborted?.kind ?? 'none');
      verdict = res.responseCode === 0 ? 'context-kept' : 'failure';
      detail =
        verdict === 'context-kept'
          ? 'request resent on a new connection with the same cookies; the context survived'
          : 'the resent request failed';
    } else if (drop === 'after-send' || drop === 'while-streaming' || res.aborted) {
      if (isDestroyType(type) && drop) {
        verdict = 'context-kept';
        detail = 'connection lost on a Disconnect; nothing to re-establish';
      } else {
        const rc = await this.reconnect(
          l,
          `reconnect after a failure ${drop === 'while-streaming' ? 'while the response streamed' : 'after the request was sent'}`,
        );
        codes.push(...rc.codes);
        redone = rc.redone;
        if (rc.ok && !isCreateType(type)) {
          const again = await this.send(l, ex, type, 'resend', {}, 'resent on the new context');
          res = again.res;
          codes.push(res.responseCode ?? res.aborted?.kind ?? 'none');
        } else if (rc.ok) {
          const { aborted: _aborted, ...answered } = res;
          res = { ...answered, responseCode: 0 };
        }
        verdict = rc.ok && res.responseCode === 0 && !res.aborted ? 'context-reestablished' : 'failure';
        detail =
          verdict === 'failure'
            ? 'could not re-establish the context'
            : `reconnected with the old cookies (new context), ${rc.redone} Execute(s) redone`;
      }
    } else if (this.spec(res) === 10 && isDestroyType(type)) {
      // The context is gone already; the client was ending it, so there is nothing to re-establish.
      verdict = 'context-lost';
      detail = 'context had ended (10) before the Disconnect/Unbind; not re-established';
    } else if (this.spec(res) === 10 && !isCreateType(type)) {
      const m = this.lastMeaning!;
      const rc = await this.reconnect(
        l,
        `reconnect after X-ResponseCode ${m.code} (context not found${this.viaText(m)})`,
      );
      codes.push(...rc.codes);
      redone = rc.redone;
      if (rc.ok) {
        const again = await this.send(l, ex, type, 'resend', {}, 'resent on the new context');
        res = again.res;
        codes.push(res.responseCode ?? res.aborted?.kind ?? 'none');
      }
      verdict = rc.ok && res.responseCode === 0 ? 'context-reestablished' : 'failure';
      detail =
        verdict === 'failure'
          ? 'could not re-establish the context after 10'
          : `context had ended (${this.codeText(10)}); reconnected, ${rc.redone} Execute(s) redone`;
    } else if (this.spec(res) === 15) {
      const seqCode = this.codeText(15);
      const again = await this.send(l, ex, type, 'resend', {}, 'resent with the current sequence cookie');
      res = again.res;
      codes.push(res.responseCode ?? 'none');
      verdict = res.responseCode === 0 ? 'sequence-rejected-recovered' : 'failure';
      detail =
        verdict === 'failure'
          ? 'still rejected with the current cookie'
          : `rejected with ${seqCode}; accepted again with the current cookie, context kept`;
    } else if (applied.length) {
      verdict = res.responseCode === 0 ? 'context-kept' : 'failure';
      detail =
        verdict === 'context-kept'
          ? `continued on connection ${res.connectionId} from ${res.localAddress} with the same cookies`
          : `answered ${res.responseCode ?? res.statusCode ?? 'nothing'} (${RESPONSE_CODE_NAMES[res.responseCode ?? -1] ?? 'no code'})`;
    }

    if (res.responseCode === 0 && !res.aborted) {
      if (type === 'Execute') {
        this.learnHandles(l, ex, res);
        l.done.push(ex);
      }
      if (isCreateType(type)) {
        l.handles.clear();
        l.done = [];
      }
      l.previousCookies = before;
    }
    if (applied.length || verdict) {
      const r: SwitchReport = {
        step: stepName || 'failure',
        at: this.position,
        verdict: verdict ?? 'failure',
        responseCodes: codes,
        detail,
      };
      if (verdict && verdict !== 'failure') r.recoveryMs = Date.now() - switchStart;
      if (redone !== undefined) r.redone = redone;
      this.switchReport(r);
    }
  }
}

export async function replayCapture(exchanges: readonly Exchange[], opts: ReplayOptions): Promise<ReplayReport> {
  return new Replayer(exchanges, opts).run();
}
