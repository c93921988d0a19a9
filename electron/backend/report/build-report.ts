/**
 * Gathers a case report: the capture through the session model and the
 * diagnoses, the server logs (library queries, correlation, two-sided
 * findings) when a case is given, the probe result when given; then redacts
 * (user and mailbox names from the capture, the logs and the probe, session
 * cookie values) and renders one HTML file (shared/report/case-report.ts).
 */
import type { Exchange } from '../../../shared/capture/exchange.js';
import { NameCollector } from '../../../shared/capture/redact.js';
import { diagnoseModel } from '../../../shared/diagnose/index.js';
import { clientVerdict, serverVerdict } from '../../../shared/diagnose/rules/unsupported-version.js';
import type { Finding } from '../../../shared/diagnose/types.js';
import {
  renderCaseReport,
  type CaseReportData,
  type ProbeLike,
  type ReportTable,
} from '../../../shared/report/case-report.js';
import { TextRedactor } from '../../../shared/report/redact-text.js';
import { SessionModel } from '../../../shared/session/model.js';
import { VERSION } from '../version.js';
import type { CaseDb } from '../logs/case-db.js';

export interface ReportOptions {
  /** Capture name shown in the report (a file name, never a full path). */
  name: string;
  exchanges: AsyncIterable<Exchange> | Iterable<Exchange>;
  /** An already fed model (the backend's); otherwise one is built from `exchanges`. */
  model?: SessionModel;
  logs?: CaseDb;
  probe?: ProbeLike;
  /** Default true. */
  redact?: boolean;
  /** Rows per server-log table (default 15). */
  rowsPerTable?: number;
}

function verdictText(role: 'client' | 'server', app: string): string {
  if (role === 'client') {
    const v = clientVerdict(app);
    return v
      ? `${v.severity === 'error' ? 'NOT supported' : 'needs updates'}: ${v.text}`
      : /outlook\/\d/i.test(app)
        ? 'supported'
        : 'unknown product';
  }
  const v = serverVerdict(app);
  return v ? `NOT supported: ${v}` : /exchange\/\d/i.test(app) ? 'supported' : 'unknown product';
}

/** Adds a name and its user part (DOMAIN\user, user@domain) to the redactor; a bare domain gets a domain pseudonym. */
function addName(r: TextRedactor, name: string, pseudo: () => string, domain: () => string): void {
  const n = name.trim();
  if (n.length < 3 || /^(anonymous|<null>|null)$/i.test(n)) return;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(n)) return r.add(n, domain());
  r.add(n, pseudo());
  const user = n.includes('\\') ? n.slice(n.lastIndexOf('\\') + 1) : n.includes('@') ? n.slice(0, n.indexOf('@')) : '';
  if (user.length >= 3) r.add(user, pseudo());
}

export async function buildCaseReport(o: ReportOptions): Promise<{ html: string; data: CaseReportData }> {
  const names = new NameCollector();
  let model = o.model;
  let count = 0;
  const own = !model;
  model ??= new SessionModel({ cacheSize: 0 });
  for await (const ex of o.exchanges) {
    names.add(ex);
    if (own) model.add(ex);
    count++;
  }
  const facts = model.facts();
  const sessions = model.sessions();
  const findings: Finding[] = diagnoseModel(model);
  const mapi = facts.filter((f) => f.endpoint === 'emsmdb' || f.endpoint === 'nspi');
  const timeOf = new Map(facts.map((f) => [f.id, f.requestStart]));

  const env = new Map<string, CaseReportData['environment'][number]>();
  const seen = (role: 'client' | 'server', app: string | undefined, where: string) => {
    if (!app) return;
    const key = `${role}:${app}`;
    if (!env.has(key)) env.set(key, { role, application: app, verdict: verdictText(role, app), seenIn: where });
  };
  for (const f of mapi) {
    seen('client', f.clientApplication, 'X-ClientApplication');
    seen('server', f.serverApplication, 'X-ServerApplication');
  }

  let serverLogs: CaseReportData['serverLogs'];
  const logNames: string[] = [];
  if (o.logs) {
    const { runReport } = await import('../logs/case.js');
    const { runQuery } = await import('../logs/case-db.js');
    const { correlateWithCase } = await import('../logs/server-rows.js');
    const joined = await correlateWithCase(o.logs, facts, sessions);
    findings.push(...joined.findings);
    const n = rowsPerTable(o);
    const tables: ReportTable[] = (await runReport(o.logs, 1000)).map((s) => ({
      title: s.query.title,
      description: s.query.description,
      columns: s.result?.columns.map((c) => c.name) ?? [],
      rows: s.result?.rows.slice(0, n) ?? [],
      total: s.result?.rows.length ?? 0,
      ...(s.error ? { error: s.error } : {}),
    }));
    const counts = (
      await runQuery(
        o.logs,
        `SELECT 'httpproxy', count(*) FROM raw_httpproxy UNION ALL SELECT 'mapihttp_mailbox', count(*) FROM raw_mapihttp_mailbox
       UNION ALL SELECT 'mapimb', count(*) FROM raw_mapimb UNION ALL SELECT 'mapiab', count(*) FROM raw_mapiab
       UNION ALL SELECT 'rca', count(*) FROM raw_rca`,
      )
    ).rows.filter((r) => Number(r[1]) > 0);
    const versions = (await runQuery(o.logs, `SELECT DISTINCT version FROM log_files WHERE version IS NOT NULL`)).rows;
    for (const [v] of versions)
      for (const one of String(v).split(' → ')) seen('server', `Exchange/${one}`, 'server log #Version');
    for (const [u] of (
      await runQuery(
        o.logs,
        `SELECT DISTINCT user_name FROM (SELECT user_name FROM httpproxy UNION SELECT user_name FROM mapihttp_mailbox
         UNION SELECT user_name FROM mapimb UNION SELECT user_name FROM mapiab UNION SELECT "ActAsUserEmail" FROM mapihttp_mailbox)
         WHERE user_name IS NOT NULL LIMIT 5000`,
      )
    ).rows)
      logNames.push(String(u));
    serverLogs = {
      summary: `Rows: ${counts.map((r) => `${String(r[0])} ${Number(r[1])}`).join(', ') || 'none'}; Exchange versions in the logs: ${versions.map((r) => String(r[0])).join(', ') || 'unknown'}.`,
      correlation: {
        matched: joined.correlation.matches.length,
        unmatchedClient: joined.correlation.unmatchedClient,
        unmatchedServer: joined.correlation.unmatchedServer.length,
      },
      tables,
    };
  }

  const data: CaseReportData = {
    title: `MapiScope case report — ${o.name}`,
    generatedAt: new Date().toISOString(),
    version: VERSION,
    capture: {
      name: o.name,
      exchanges: count,
      mapiRequests: mapi.length,
      ...(facts.length ? { start: Math.min(...facts.map((f) => f.requestStart)) } : {}),
      ...(facts.length ? { end: Math.max(...facts.map((f) => f.responseEnd ?? f.requestStart)) } : {}),
    },
    environment: [...env.values()],
    sessions: sessions.map((s) => ({
      id: s.id,
      endpoint: s.endpoint,
      state: s.state,
      start: s.start,
      end: s.end,
      exchanges: s.exchangeIds.length,
      reconnects: s.reconnects,
      ...(s.clientApplication || s.clientInfo
        ? { client: [s.clientApplication, s.clientInfo].filter(Boolean).join(' ') }
        : {}),
      ...(s.serverApplication ? { server: s.serverApplication } : {}),
      ...(s.mailbox ? { mailbox: s.mailbox } : {}),
      ...(s.contextCookies[0] ? { cookie: `${s.contextCookies[0].name}=${s.contextCookies[0].value}` } : {}),
      events: s.events
        .filter((e) => !['connect', 'bind', 'disconnect', 'unbind'].includes(e.kind))
        .map((e) => ({ time: e.time ?? timeOf.get(e.exchangeId) ?? s.start, kind: `${e.kind}: ${e.detail}` })),
    })),
    findings,
    ...(serverLogs ? { serverLogs } : {}),
    ...(o.probe ? { probe: o.probe } : {}),
    redaction: { redacted: o.redact !== false, secrets: 0 },
  };
  if (o.redact === false) return { html: renderCaseReport(data), data };

  const r = new TextRedactor();
  let n = 0;
  let d = 0;
  const pseudo = () => `user${++n}`;
  const domain = () => `org${++d}.example`;
  for (const name of names.names()) addName(r, name, pseudo, domain);
  for (const name of logNames) addName(r, name, pseudo, domain);
  for (const s of sessions) if (s.mailbox) addName(r, decodeURIComponent(s.mailbox), pseudo, domain);
  const probeIds = [o.probe?.identity, ...(o.probe?.runs ?? []).map((x) => x.identity)];
  for (const id of probeIds) if (id) addName(r, id, pseudo, domain);
  let c = 0;
  for (const s of sessions) for (const k of s.contextCookies) r.add(k.value, `redacted-${k.name}-${++c}`);
  const redacted = r.value(data);
  redacted.redaction = { redacted: true, secrets: r.size };
  return { html: renderCaseReport(redacted), data: redacted };
}

function rowsPerTable(o: ReportOptions): number {
  return o.rowsPerTable ?? 15;
}
