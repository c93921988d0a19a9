/**
 * `mapiscope analyze <capture|har|saz|folder-of-bodies> [--json]`: one forward
 * pass of the session model over the input, then the diagnoses. Prints the
 * sessions (id, cookies, mailbox, client, server, start/end, exchange count,
 * reconnects) and the findings (rule, severity, message, evidence ids).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { type Finding, diagnoseModel } from '../../../shared/diagnose/index.js';
import { SessionModel } from '../../../shared/session/model.js';
import type { SessionInfo } from '../../../shared/session/types.js';
import { isBodyFolder, loadBodyFolder } from '../../backend/store/body-folder.js';
import { type Command, CliFailure, UsageError, optString } from '../command.js';

export type InputKind = 'capture' | 'har' | 'saz' | 'bodies';

/** What a path holds, by content where the name does not say. */
export function detectInput(path: string): InputKind {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliFailure(`cannot read ${path}: no such file or folder`);
  }
  if (st.isDirectory()) {
    if (isBodyFolder(path)) return 'bodies';
    throw new CliFailure(`${path} is a folder without NNN-….meta.txt files (the body-folder layout)`);
  }
  const head = readFileSync(path).subarray(0, 8);
  const text = Buffer.from(head).toString('latin1');
  if (text.startsWith('MSCAP')) return 'capture';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'saz';
  if (/^\s*[{[]|^\uFEFF|^\xEF\xBB\xBF/.test(text) || /\.har$/i.test(path)) return 'har';
  throw new CliFailure(`${path}: not a MapiScope capture, HAR or SAZ file`);
}

/** Every exchange of the input, in capture order, plus reader warnings. */
export async function* readInput(path: string, kind: InputKind, warnings: string[]): AsyncGenerator<Exchange> {
  if (kind === 'bodies') {
    const r = loadBodyFolder(path);
    warnings.push(...r.problems);
    yield* r.exchanges;
  } else if (kind === 'har') {
    const { readHar } = await import('../../../shared/capture/har/index.js');
    const r = readHar(new Uint8Array(readFileSync(path)), path);
    warnings.push(...r.warnings);
    yield* r.exchanges;
  } else if (kind === 'saz') {
    const { iterateSaz } = await import('../../../shared/capture/saz/index.js');
    const info = { warnings: [] as string[], comment: '' };
    yield* iterateSaz(new Uint8Array(readFileSync(path)), path, info);
    warnings.push(...info.warnings);
  } else {
    const { readCapture } = await import('../../backend/store/capture-file.js');
    yield* readCapture(path, {
      onTornTail: (t) =>
        warnings.push(
          `the file ends in an incomplete record at offset ${t.offset} (${t.bytes} bytes, ${t.reason}); analyzed up to there`,
        ),
    });
  }
}

export interface AnalyzeResult {
  input: { path: string; kind: InputKind; exchanges: number };
  sessions: SessionSummary[];
  findings: Finding[];
  warnings: string[];
}

export interface SessionSummary {
  id: number;
  endpoint: string;
  state: string;
  cookies: { name: string; value: string }[];
  sequenceCookie?: string;
  mailbox?: string;
  client?: string;
  clientAddresses: string[];
  server?: string;
  serverApplication?: string;
  start: string;
  end: string;
  exchanges: number;
  exchangeIds: number[];
  connections: number;
  reconnects: number;
  reconnectOf?: number;
  startedMidSession: boolean;
  events: { kind: string; exchangeId: number; detail: string }[];
}

export function summarizeSession(s: SessionInfo): SessionSummary {
  const out: SessionSummary = {
    id: s.id,
    endpoint: s.endpoint,
    state: s.state,
    cookies: s.contextCookies,
    clientAddresses: s.clientAddresses,
    start: new Date(s.start).toISOString(),
    end: new Date(s.end).toISOString(),
    exchanges: s.exchangeIds.length,
    exchangeIds: s.exchangeIds,
    connections: s.connections.length,
    reconnects: s.reconnects,
    startedMidSession: s.startedMidSession,
    events: s.events.map((e) => ({ kind: e.kind, exchangeId: e.exchangeId, detail: e.detail })),
  };
  if (s.sequenceCookie) out.sequenceCookie = s.sequenceCookie;
  if (s.mailbox) out.mailbox = s.mailbox;
  const client = [s.clientApplication, s.clientInfo].filter(Boolean).join(' ');
  if (client) out.client = client;
  if (s.server) out.server = s.server;
  if (s.serverApplication) out.serverApplication = s.serverApplication;
  if (s.reconnectOf !== undefined) out.reconnectOf = s.reconnectOf;
  return out;
}

export async function analyze(
  path: string,
  opts: { kind?: InputKind; onProgress?: (n: number) => void } = {},
): Promise<AnalyzeResult> {
  const kind = opts.kind ?? detectInput(path);
  const warnings: string[] = [];
  const model = new SessionModel({ cacheSize: 0 });
  let n = 0;
  for await (const ex of readInput(path, kind, warnings)) {
    model.add(ex);
    if (++n % 5000 === 0) opts.onProgress?.(n);
  }
  return {
    input: { path, kind, exchanges: n },
    sessions: model.sessions().map(summarizeSession),
    findings: diagnoseModel(model),
    warnings,
  };
}

function ids(list: readonly number[]): string {
  // 3-7, 9, 12
  const out: string[] = [];
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j]! + 1) j++;
    out.push(j > i + 1 ? `${list[i]}-${list[j]}` : j === i + 1 ? `${list[i]}, ${list[j]}` : `${list[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

export function formatText(r: AnalyzeResult): string {
  const lines: string[] = [];
  lines.push(
    `${r.input.path}: ${r.input.exchanges} exchange(s), ${r.sessions.length} MAPI session(s), ${r.findings.length} finding(s)`,
  );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push('', 'Sessions');
  for (const s of r.sessions) {
    const cookie =
      s.cookies.map((c) => `${c.name}=${c.value.length > 24 ? c.value.slice(0, 24) + '…' : c.value}`).join('; ') ||
      '(no context cookie)';
    lines.push(
      `  #${s.id} ${s.endpoint} ${s.state}${s.startedMidSession ? ' (started before the capture)' : ''}  ${cookie}${s.sequenceCookie ? ` +${s.sequenceCookie}` : ''}`,
      `     ${s.start} → ${s.end}  ${s.exchanges} exchange(s) [${ids(s.exchangeIds)}] on ${s.connections} connection(s)${s.reconnects ? `, reconnect #${s.reconnects} of session ${s.reconnectOf}` : ''}`,
    );
    const who = [
      s.mailbox && `mailbox ${s.mailbox}`,
      s.client && `client ${s.client}`,
      s.server && `server ${s.server}${s.serverApplication ? ` (${s.serverApplication})` : ''}`,
    ].filter(Boolean);
    if (who.length) lines.push(`     ${who.join(', ')}`);
    for (const e of s.events.filter(
      (x) => x.kind !== 'connect' && x.kind !== 'bind' && x.kind !== 'disconnect' && x.kind !== 'unbind',
    ))
      lines.push(`     ! ${e.kind} at exchange ${e.exchangeId}: ${e.detail}`);
  }
  lines.push('', 'Findings');
  if (!r.findings.length) lines.push('  none');
  for (const f of r.findings) {
    lines.push(`  [${f.severity}] ${f.title} (${f.rule})${f.session !== undefined ? ` session #${f.session}` : ''}`);
    lines.push(`     ${f.message}`);
    lines.push(`     fix: ${f.fix}`);
    if (f.evidence.length) lines.push(`     evidence: exchange ${ids(f.evidence)}`);
  }
  return lines.join('\n') + '\n';
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'group a capture into MAPI sessions and diagnose it',
  usage: ['analyze <capture|har|saz|folder-of-bodies> [--json]', 'analyze <path> --as bodies|har|saz|capture'],
  options: [
    { name: 'as', value: 'KIND', description: 'input kind instead of detecting it: capture, har, saz or bodies' },
  ],
  details:
    'A folder of bodies is the NNN-mapi-<endpoint>-<Type>.request.bin / .response.bin / .meta.txt layout.\n' +
    'Exit code 0 when the analysis ran (findings or not), 1 when the input cannot be read.',
  async run(args, io) {
    const path = args.positionals[0];
    if (!path) throw new UsageError('analyze needs a capture, HAR, SAZ file or a folder of bodies');
    if (args.positionals.length > 1) throw new UsageError('analyze takes one input');
    const as = optString(args, 'as');
    if (as !== undefined && !['capture', 'har', 'saz', 'bodies'].includes(as))
      throw new UsageError(`--as expects capture, har, saz or bodies, got "${as}"`);
    let r: AnalyzeResult;
    try {
      r = await analyze(path, {
        ...(as ? { kind: as as InputKind } : {}),
        onProgress: (n) => io.stderr(`${n} exchanges…\n`),
      });
    } catch (e) {
      if (e instanceof CliFailure || e instanceof UsageError) throw e;
      throw new CliFailure(`cannot analyze ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    io.stdout(io.json ? JSON.stringify(r, null, 2) + '\n' : formatText(r));
    return 0;
  },
};
