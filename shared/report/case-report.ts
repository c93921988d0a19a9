/**
 * The case report: one self-contained HTML file (inline CSS and SVG, no
 * script, no external resource) an engineer attaches to a ticket. Sections:
 * environment (client and server versions with the MAPI over HTTP support
 * verdict), the sessions timeline as a picture, every finding with its
 * evidence, the server-log summary and the probe result. The caller redacts
 * the data first (TextRedactor); this module only lays it out.
 */
import type { Finding } from '../diagnose/types.js';

export interface ReportSession {
  id: number;
  endpoint: string;
  state: string;
  start: number;
  end: number;
  exchanges: number;
  reconnects: number;
  client?: string;
  server?: string;
  mailbox?: string;
  /** The session context cookie, `name=value` (a pseudonym once redacted). */
  cookie?: string;
  /** Exchange times of notable events (reconnect, failure…) for the timeline marks. */
  events: { time: number; kind: string }[];
}

export interface ReportTable {
  title: string;
  description?: string;
  columns: string[];
  rows: unknown[][];
  total: number;
  error?: string;
}

/** What a probe (`mapiscope probe --json`) printed: one report or a series of runs. */
export interface ProbeLike {
  target?: string;
  identity?: string;
  result?: string;
  serverApplication?: string;
  steps?: { name?: string; result?: string; durationMs?: number; status?: number; error?: string; detail?: string }[];
  runs?: ProbeLike[];
  notes?: string[];
}

export interface CaseReportData {
  title: string;
  generatedAt: string;
  version: string;
  capture: { name: string; exchanges: number; mapiRequests: number; start?: number; end?: number };
  environment: { role: 'client' | 'server'; application: string; verdict: string; seenIn: string }[];
  sessions: ReportSession[];
  findings: Finding[];
  serverLogs?: {
    summary: string;
    correlation?: { matched: number; unmatchedClient: number[]; unmatchedServer: number };
    tables: ReportTable[];
  };
  probe?: ProbeLike;
  redaction: { redacted: boolean; secrets: number };
}

/** Scalars as written, null/undefined empty, objects as JSON; then HTML-escaped. */
const text = (s: unknown): string =>
  s === null || s === undefined
    ? ''
    : typeof s === 'object'
      ? JSON.stringify(s)
      : typeof s === 'string'
        ? s
        : typeof s === 'number' || typeof s === 'bigint' || typeof s === 'boolean'
          ? String(s)
          : '';

export const esc = (s: unknown): string =>
  text(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const iso = (ms: number | undefined) =>
  ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

const STATE_COLOR: Record<string, string> = {
  open: '#3b82f6',
  closed: '#10b981',
  lost: '#ef4444',
  replaced: '#f59e0b',
  failed: '#ef4444',
};

/** The sessions timeline as an SVG: one lane per session, its span as a bar, events as marks. */
export function timelineSvg(sessions: readonly ReportSession[], width = 960): string {
  if (!sessions.length) return '<p class="hint">No MAPI session in the capture.</p>';
  const t0 = Math.min(...sessions.map((s) => s.start));
  const t1 = Math.max(...sessions.map((s) => s.end), t0 + 1);
  const left = 150;
  const lane = 22;
  const h = sessions.length * lane + 40;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (width - left - 10);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Sessions timeline" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" font-family="sans-serif" font-size="11">`,
  ];
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    parts.push(
      `<line x1="${x(t)}" y1="10" x2="${x(t)}" y2="${h - 22}" stroke="#ccc"/><text x="${x(t)}" y="${h - 8}" text-anchor="middle">${esc(iso(t).slice(11, 19))}</text>`,
    );
  }
  sessions.forEach((s, i) => {
    const y = 14 + i * lane;
    const w = Math.max(2, x(s.end) - x(s.start));
    parts.push(
      `<text x="4" y="${y + 12}">#${s.id} ${esc(s.endpoint)} ${esc(s.state)}</text>`,
      `<rect x="${x(s.start)}" y="${y}" width="${w}" height="14" rx="3" fill="${STATE_COLOR[s.state] ?? '#888'}"><title>#${s.id} ${esc(iso(s.start))} → ${esc(iso(s.end))}, ${s.exchanges} exchange(s)</title></rect>`,
      ...s.events.map(
        (e) =>
          `<path d="M${x(e.time)} ${y - 2} l4 -6 h-8 z" fill="#111"><title>${esc(e.kind)} ${esc(iso(e.time))}</title></path>`,
      ),
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function table(columns: readonly string[], rows: readonly unknown[][]): string {
  const cell = (v: unknown) => esc(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v);
  return `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function findingHtml(f: Finding): string {
  const server = f.serverEvidence?.length
    ? `<p class="evidence">Server log rows: ${f.serverEvidence.map((e) => `${esc(e.file)}:${e.line}`).join(', ')}</p>`
    : '';
  const paths = f.paths?.length
    ? `<p class="evidence">Paths: ${f.paths.map((p) => `#${p.exchangeId} ${esc(p.path)}`).join(', ')}</p>`
    : '';
  return `<article class="finding ${esc(f.severity)}"><h3><span class="sev">${esc(f.severity)}</span> ${esc(f.title)} <small>(${esc(f.rule)}${f.session !== undefined ? `, session #${f.session}` : ''})</small></h3>
<p>${esc(f.message)}</p><p class="fix">Fix: ${esc(f.fix)}</p>
<p class="evidence">Evidence: ${f.evidence.length ? `exchange ${f.evidence.map(String).join(', ')}` : 'none'}</p>${paths}${server}</article>`;
}

function probeHtml(p: ProbeLike | undefined): string {
  if (!p)
    return '<p class="hint">No probe result given (mapiscope probe … --json &gt; probe.json, then --probe probe.json).</p>';
  const last = p.runs?.length ? p.runs[p.runs.length - 1]! : p;
  const head = `<p>Target ${esc(last.target ?? p.target)} as ${esc(last.identity ?? '?')}: <strong>${esc(p.result ?? last.result ?? '?')}</strong>${last.serverApplication ? ` · server ${esc(last.serverApplication)}` : ''}${p.runs ? ` · ${p.runs.length} run(s), the last shown` : ''}</p>`;
  const steps = (last.steps ?? []).map((s) => [s.name, s.result, s.durationMs, s.status, s.error ?? s.detail ?? '']);
  return (
    head +
    table(['step', 'result', 'ms', 'HTTP', 'detail'], steps) +
    (last.notes?.length ? `<ul>${last.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '')
  );
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}
h1{font-size:22px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font:12px ui-monospace,monospace;margin:6px 0 14px}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top;max-width:420px;overflow-wrap:anywhere}
th{background:#f3f4f6}.hint{color:#666}.finding{border-left:4px solid #999;padding:4px 12px;margin:10px 0;background:#fafafa}
.finding.error{border-color:#dc2626}.finding.warning{border-color:#d97706}.finding.info{border-color:#2563eb}
.finding h3{font-size:15px;margin:4px 0}.sev{text-transform:uppercase;font-size:11px;color:#555}.fix{color:#14532d}.evidence{font-size:12px;color:#444}
.timeline{overflow-x:auto}`;

export function renderCaseReport(d: CaseReportData): string {
  const env = d.environment.length
    ? table(
        ['role', 'application', 'MAPI over HTTP support', 'seen in'],
        d.environment.map((e) => [e.role, e.application, e.verdict, e.seenIn]),
      )
    : '<p class="hint">No X-ClientApplication or X-ServerApplication in the capture.</p>';
  const sessions = table(
    [
      'session',
      'endpoint',
      'state',
      'start (UTC)',
      'end (UTC)',
      'exchanges',
      'reconnects',
      'mailbox',
      'client',
      'server',
    ],
    d.sessions.map((s) => [
      `#${s.id}`,
      s.endpoint,
      s.state,
      iso(s.start),
      iso(s.end),
      s.exchanges,
      s.reconnects,
      s.mailbox ?? '',
      s.cookie ?? '',
      s.client ?? '',
      s.server ?? '',
    ]),
  );
  const logs = d.serverLogs
    ? `<p>${esc(d.serverLogs.summary)}</p>` +
      (d.serverLogs.correlation
        ? `<p>Capture ↔ logs: ${d.serverLogs.correlation.matched} request(s) joined to server rows; ${d.serverLogs.correlation.unmatchedClient.length} request(s) the server never logged${d.serverLogs.correlation.unmatchedClient.length ? ` (exchange ${d.serverLogs.correlation.unmatchedClient.join(', ')})` : ''}; ${d.serverLogs.correlation.unmatchedServer} server row(s) of these clients with no request in the capture.</p>`
        : '') +
      d.serverLogs.tables
        .map(
          (t) =>
            `<h3>${esc(t.title)}</h3>${t.description ? `<p class="hint">${esc(t.description)}</p>` : ''}${
              t.error
                ? `<p>error: ${esc(t.error)}</p>`
                : t.rows.length
                  ? table(t.columns, t.rows) +
                    (t.total > t.rows.length ? `<p class="hint">first ${t.rows.length} of ${t.total} rows</p>` : '')
                  : '<p class="hint">no rows</p>'
            }`,
        )
        .join('')
    : '<p class="hint">No server logs given (--logs case.logs or log folders).</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(d.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(d.title)}</h1>
<p class="hint">MapiScope ${esc(d.version)} · generated ${esc(d.generatedAt)} · ${d.redaction.redacted ? `redacted (${d.redaction.secrets} names and cookie values replaced by pseudonyms)` : '<strong>NOT redacted</strong>'}</p>
<p>Capture ${esc(d.capture.name)}: ${d.capture.exchanges} exchange(s), ${d.capture.mapiRequests} MAPI request(s), ${esc(iso(d.capture.start))} → ${esc(iso(d.capture.end))} UTC; ${d.sessions.length} session(s), ${d.findings.length} finding(s).</p>
<section id="environment"><h2>Environment</h2>${env}</section>
<section id="timeline"><h2>Sessions timeline</h2><div class="timeline">${timelineSvg(d.sessions)}</div>${sessions}</section>
<section id="findings"><h2>Findings</h2>${d.findings.length ? d.findings.map(findingHtml).join('\n') : '<p class="hint">No findings.</p>'}</section>
<section id="server-logs"><h2>Server logs</h2>${logs}</section>
<section id="probe"><h2>Probe</h2>${probeHtml(d.probe)}</section>
</body></html>
`;
}
