/**
 * Server replay from a capture. Each live Session Context follows one captured
 * session; an answer is chosen by position in that session and request type,
 * and for Execute by ROP shape (exact ROP bytes first, then the same list of
 * RopIds, then the next Execute) — never by URL or body hash, since every MAPI
 * request is a POST to the same URL with session-specific bytes. Server object
 * handles in answers are rewritten to handles minted for the live context, and
 * cookies are the simulator's own, so a live client gets consistent answers.
 */
import type { Exchange } from '../../../shared/capture/exchange.js';
import { decodeRopRequestBuffer } from '../../../shared/protocol/rops/buffer.js';
import { toHex } from '../../../shared/codec/index.js';
import {
  type ParsedExecute,
  buildBindResponse,
  buildConnectResponse,
  parseExecuteRequest,
  parseExecuteResponse,
  withRopPayloads,
} from './bodies.js';
import { type CapturedSession, extractSessions } from './capture-sessions.js';
import type { SessionContext } from './sessions.js';
import type { Responder, SimAnswer, SimRequest } from './types.js';
import { parseResponseEntity } from './wire.js';

const NO_HANDLE = 0xffffffff;

interface ScriptEntry {
  exchangeId: number;
  type: string;
  /** Response body after the meta-tag preamble. */
  body: Uint8Array;
  lateCode?: number;
  /** Execute: hex of each request ROP list, RopIds per payload, the captured request handle tables. */
  /** Execute: hex of the request ROP lists; other types: hex of the request body (ties between alike sessions). */
  requestHex?: string;
  ropIds?: string;
  requestHandles?: number[][];
  /** Why this entry cannot be served as captured (truncated body, …). */
  broken?: string;
  /** Why this entry is not an answer at all (the capture recorded a refusal); never matched. */
  skip?: string;
  /** Execute: the captured response decoded (null: it does not parse), filled on first use. */
  parsed?: ParsedExecute | null;
}

interface Script {
  session: CapturedSession;
  entries: ScriptEntry[];
}

interface Progress {
  consumed: Set<number>;
  pos: number;
}

interface CursorState {
  /**
   * Captured sessions this live context may be following, best first. Several
   * captured sessions often start alike (same Connect, same logon); each
   * request narrows the set to those with an identical request at an open
   * position, so the context settles on the session the client is replaying.
   */
  candidates: number[];
  progress: Map<number, Progress>;
  /** Captured handle → live handle, per context. */
  handles: Map<number, number>;
  nextHandle: number;
}

export interface CaptureResponderOptions {
  /** Serve this captured session (1-based) to every new context instead of taking turns. */
  session?: number;
  /** What to do when the captured session has no answer left for a request type. */
  unmatched?: 'reuse-last' | 'fail';
}

export function ropShapeOf(payload: { rops: Uint8Array; handles: number[] }): string {
  try {
    const w = new Uint8Array(2 + payload.rops.length);
    w[0] = (2 + payload.rops.length) & 0xff;
    w[1] = (2 + payload.rops.length) >> 8;
    w.set(payload.rops, 2);
    const d = decodeRopRequestBuffer(w);
    const list = (d.value?.RopsList as { RopId?: number }[] | undefined) ?? [];
    return list.map((r) => (r.RopId ?? 0).toString(16).padStart(2, '0')).join(',');
  } catch {
    return payload.rops.length ? payload.rops[0]!.toString(16).padStart(2, '0') : '';
  }
}

export class CaptureResponder implements Responder {
  readonly mode = 'capture' as const;
  readonly scripts: Script[] = [];
  readonly problems: string[] = [];
  private turn = new Map<string, number>();
  private candidatesOfContext = new Map<number, number[]>();
  private counts = {
    answered: 0,
    exact: 0,
    byShape: 0,
    byPosition: 0,
    reused: 0,
    unmatched: 0,
    handlesRewritten: 0,
    broken: 0,
    foreignHandles: 0,
  };

  constructor(
    exchanges: readonly Exchange[],
    private readonly opts: CaptureResponderOptions = {},
  ) {
    const { sessions, orphans } = extractSessions(exchanges);
    if (orphans.length) this.problems.push(`${orphans.length} MAPI exchange(s) belong to no captured session`);
    for (const s of sessions)
      this.scripts.push({ session: s, entries: s.exchanges.map((ex, i) => this.entryOf(ex, s.types[i]!)) });
    if (this.scripts.length === 0) this.problems.push('the capture holds no Connect or Bind: nothing to replay');
    if (opts.session !== undefined && !this.scripts[opts.session - 1])
      throw new Error(`the capture has ${this.scripts.length} session(s); there is no session ${opts.session}`);
  }

  /**
   * What the captured server announced, for a simulator that should look like it: cookie names,
   * X-PendingPeriod, X-ExpirationInfo and X-ServerApplication of the first session's create answer.
   */
  capturedServer(): {
    cookies?: { context: string; sequence: string };
    pendingPeriodMs?: number;
    expiryMs?: number;
    serverApplication?: string;
  } {
    const s = this.scripts[0]?.session;
    const ex = s?.exchanges[0];
    if (!s || !ex?.response) return {};
    const h = (n: string) => ex.response!.headers.find((x) => x.name.toLowerCase() === n)?.value;
    const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
    const out: ReturnType<CaptureResponder['capturedServer']> = {};
    if (s.sequenceCookieName) out.cookies = { context: s.contextCookieName, sequence: s.sequenceCookieName };
    const pp = num(h('x-pendingperiod'));
    if (pp !== undefined && pp > 0) out.pendingPeriodMs = pp;
    const ei = num(h('x-expirationinfo'));
    if (ei !== undefined && ei > 0) out.expiryMs = ei;
    const sa = h('x-serverapplication');
    if (sa) out.serverApplication = sa;
    return out;
  }

  stats(): Record<string, number> {
    return { sessions: this.scripts.length, ...this.counts };
  }

  private entryOf(ex: Exchange, type: string): ScriptEntry {
    const e: ScriptEntry = { exchangeId: ex.id, type, body: new Uint8Array(0), requestHex: toHex(ex.request.body) };
    if (!ex.response) {
      e.broken = 'no response in the capture';
      return e;
    }
    const hc = ex.response.headers.find((h) => h.name.toLowerCase() === 'x-responsecode')?.value;
    if (ex.response.statusCode !== 200 || (hc !== undefined && Number(hc) !== 0)) {
      // A refused request (401, 10, 15, …): the simulator's own session rules decide such answers.
      e.skip = `captured answer was HTTP ${ex.response.statusCode}${hc !== undefined ? `, X-ResponseCode ${hc}` : ''}`;
      return e;
    }
    const ent = parseResponseEntity(ex.response.body);
    if (ent.error) e.broken = `captured response: ${ent.error}`;
    e.body = ent.body;
    const late = ent.headers.find(([k]) => k.toLowerCase() === 'x-responsecode');
    if (late && Number(late[1]) !== 0) e.lateCode = Number(late[1]);
    if (type === 'Execute') {
      const req = parseExecuteRequest(ex.request.body);
      if (req) {
        e.requestHex = req.payloads.map((p) => toHex(p.rops)).join('|');
        e.ropIds = req.payloads.map(ropShapeOf).join('|');
        e.requestHandles = req.payloads.map((p) => p.handles);
      } else e.broken ??= 'captured Execute request does not parse';
    }
    return e;
  }

  onCreate(ctx: SessionContext, req: SimRequest, replaced: SessionContext | undefined): void {
    // A reconnect (old cookies, the context alive or already expired) redoes the same captured session(s).
    const prev =
      (replaced?.state.capture as CursorState | undefined)?.candidates ??
      (ctx.replaces !== undefined ? this.candidatesOfContext.get(ctx.replaces) : undefined);
    let candidates: number[];
    if (prev) candidates = [...prev];
    else if (this.opts.session !== undefined) candidates = [this.opts.session - 1];
    else {
      const all = this.scripts
        .map((s, i) => ({ s, i }))
        .filter((x) => x.s.session.endpoint === req.endpoint && x.s.entries[0]?.type === req.type)
        .map((x) => x.i);
      // Take turns: each new context prefers the next captured session, the others stay possible.
      const k = this.turn.get(req.endpoint) ?? 0;
      this.turn.set(req.endpoint, k + 1);
      const at = all.length ? k % all.length : 0;
      candidates = [...all.slice(at), ...all.slice(0, at)];
      const body = toHex(req.body);
      const same = candidates.filter((i) => this.scripts[i]!.entries[0]!.requestHex === body);
      if (same.length) candidates = same;
    }
    const st: CursorState = {
      candidates,
      progress: new Map(),
      handles: new Map(),
      nextHandle: 0x100 + ctx.id * 0x1000,
    };
    for (const c of candidates) {
      const i = this.scripts[c]!.entries.findIndex((e) => e.type === req.type);
      st.progress.set(c, { consumed: new Set(i >= 0 ? [i] : []), pos: i + 1 });
    }
    ctx.state.capture = st;
    this.candidatesOfContext.set(ctx.id, st.candidates);
    if (this.candidatesOfContext.size > 20_000)
      this.candidatesOfContext.delete(this.candidatesOfContext.keys().next().value!);
  }

  answer(req: SimRequest, ctx: SessionContext): SimAnswer {
    const st = ctx.state.capture as CursorState | undefined;
    const first = st?.candidates[0];
    const script = first !== undefined ? this.scripts[first] : undefined;
    if (!st || !script) {
      this.counts.unmatched++;
      if (req.type === 'Connect')
        return { body: buildConnectResponse('Replayed User'), source: 'capture: no session, built' };
      if (req.type === 'Bind')
        return {
          body: buildBindResponse('00000000-0000-0000-0000-000000000000'),
          source: 'capture: no session, built',
        };
      throw new Error(`capture replay: no captured ${req.endpoint} session to answer ${req.type}`);
    }
    if (req.type === 'Connect' || req.type === 'Bind') {
      const e = script.entries.find((x) => x.type === req.type);
      this.counts.answered++;
      return {
        body:
          e && !e.broken
            ? e.body
            : req.type === 'Connect'
              ? buildConnectResponse('Replayed User')
              : buildBindResponse('00000000-0000-0000-0000-000000000000'),
        source: `capture #${e?.exchangeId ?? '?'}`,
      };
    }
    const live = req.type === 'Execute' ? parseExecuteRequest(req.body) : undefined;
    if (live) {
      // A handle this context never handed out: the client sent captured handles instead of live ones.
      const minted = new Set(st.handles.values());
      if (live.payloads.some((p) => p.handles.some((h) => h !== NO_HANDLE && !minted.has(h))))
        this.counts.foreignHandles++;
    }
    const found = this.pick(st, req, live);
    if (found === undefined) {
      this.counts.unmatched++;
      throw new Error(
        `capture replay: captured session ${script.session.index} has no ${req.type} left to answer with`,
      );
    }
    const e = this.scripts[found.script]!.entries[found.entry]!;
    this.counts.answered++;
    if (e.broken) {
      this.counts.broken++;
      // A broken capture entry: say so in-band (Invalid Response) rather than invent bytes.
      return { body: new Uint8Array(0), lateResponseCode: 17, source: `capture #${e.exchangeId}: ${e.broken}` };
    }
    let body = e.body;
    if (req.type === 'Execute' && live) body = this.rewriteHandles(e, body, live.payloads, st);
    return {
      body,
      ...(e.lateCode !== undefined ? { lateResponseCode: e.lateCode } : {}),
      source: `capture #${e.exchangeId}`,
    };
  }

  /** Open entries of `type` in a candidate script, those at or after its cursor first. */
  private open(st: CursorState, c: number, type: string): number[] {
    const script = this.scripts[c]!;
    const pr = st.progress.get(c)!;
    const out: number[] = [];
    for (let i = 0; i < script.entries.length; i++) {
      const e = script.entries[i]!;
      if (!pr.consumed.has(i) && e.type === type && e.skip === undefined) out.push(i);
    }
    return out.sort((a, b) => (a >= pr.pos ? 0 : 1) - (b >= pr.pos ? 0 : 1) || a - b);
  }

  private pick(
    st: CursorState,
    req: SimRequest,
    live: ReturnType<typeof parseExecuteRequest>,
  ): { script: number; entry: number } | undefined {
    const key = live ? live.payloads.map((p) => toHex(p.rops)).join('|') : toHex(req.body);
    // The RopId list needs the ROP decoders: computed only when no identical request matches.
    let shape: string | undefined;
    const shapeOf = () => (shape ??= live!.payloads.map(ropShapeOf).join('|'));
    const tiers: [(e: ScriptEntry) => boolean, 'exact' | 'byShape'][] = [[(e) => e.requestHex === key, 'exact']];
    if (live) tiers.push([(e) => e.ropIds === shapeOf(), 'byShape']);
    let chosen: { script: number; entry: number } | undefined;
    for (const [test, counter] of tiers) {
      const hits: { script: number; entry: number }[] = [];
      for (const c of st.candidates) {
        const i = this.open(st, c, req.type).find((x) => test(this.scripts[c]!.entries[x]!));
        if (i !== undefined) hits.push({ script: c, entry: i });
      }
      if (hits.length) {
        st.candidates = hits.map((h) => h.script);
        chosen = hits[0];
        this.counts[counter]++;
        // Every remaining candidate advances past its own matching entry.
        for (const h of hits) this.consume(st, h.script, h.entry);
        return chosen;
      }
    }
    const c = st.candidates[0]!;
    const i = this.open(st, c, req.type)[0];
    if (i !== undefined) {
      this.counts.byPosition++;
      st.candidates = [c];
      this.consume(st, c, i);
      return { script: c, entry: i };
    }
    if (this.opts.unmatched === 'reuse-last') {
      const entries = this.scripts[c]!.entries;
      for (let k = entries.length - 1; k >= 0; k--)
        if (entries[k]!.type === req.type && entries[k]!.skip === undefined) {
          this.counts.reused++;
          return { script: c, entry: k };
        }
    }
    return undefined;
  }

  private consume(st: CursorState, c: number, i: number): void {
    const pr = st.progress.get(c)!;
    pr.consumed.add(i);
    pr.pos = Math.max(pr.pos, i + 1);
  }

  /**
   * Response handle tables hold the captured server's handles. Map each to the
   * live handle the client sent at the same index (an input object), or mint a
   * new live handle (an object created by this call); remember the mapping.
   */
  private rewriteHandles(
    e: ScriptEntry,
    body: Uint8Array,
    livePayloads: { handles: number[] }[],
    st: CursorState,
  ): Uint8Array {
    // The captured answer is decoded once and reused for every live context.
    if (e.parsed === undefined) e.parsed = parseExecuteResponse(body) ?? null;
    const resp = e.parsed;
    if (!resp || resp.payloads.length === 0) return body;
    let changed = false;
    const payloads = resp.payloads.map((p, k) => {
      const liveReq = livePayloads[k]?.handles ?? [];
      const capReq = e.requestHandles?.[k] ?? [];
      const handles = p.handles.map((h, i) => {
        if (h === NO_HANDLE) return h;
        let v = st.handles.get(h);
        if (v === undefined) {
          const l = liveReq[i];
          v = l !== undefined && l !== NO_HANDLE && capReq[i] === h ? l : st.nextHandle++;
          st.handles.set(h, v);
        }
        if (v !== h) changed = true;
        return v;
      });
      return { rops: p.rops, handles };
    });
    if (!changed) return body;
    this.counts.handlesRewritten++;
    return withRopPayloads('response', resp.value, payloads);
  }
}
