/**
 * "Server logs": Exchange's own MAPI over HTTP logs next to the capture. Open
 * a case file or log folders (imported by the backend into DuckDB), run the
 * query library or any SQL, see requests, errors and latency percentiles over
 * time (uPlot), and the join with the capture (unmatched on both sides,
 * two-sided findings).
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type {
  LogsCaseDto,
  LogsCorrelationDto,
  LogsLibraryEntryDto,
  LogsQueryResultDto,
} from '../../../shared/api/contract';
import { cellText } from '../../../shared/logs/values';
import { api } from '../api/client';

const MAX_SHOWN = 1000;

const cell = cellText;

export function ResultsGrid({ result }: { result: LogsQueryResultDto }) {
  const rows = result.rows.slice(0, MAX_SHOWN);
  return (
    <div className="logs-grid-wrap">
      <p className="hint">
        {result.rows.length} row(s){result.truncated ? ' (cut)' : ''}
        {result.rows.length > MAX_SHOWN ? `, first ${MAX_SHOWN} shown` : ''}
      </p>
      <table className="logs-grid" aria-label="Query results">
        <thead>
          <tr>
            {result.columns.map((c) => (
              <th key={c.name} title={c.type}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{cell(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A uPlot chart of some columns of a time-bucketed result. */
function TimeChart({
  result,
  x,
  series,
  title,
}: {
  result: LogsQueryResultDto;
  x: string;
  series: string[];
  title: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host || !result.rows.length) return;
    const xi = result.columns.findIndex((c) => c.name === x);
    const idx = series.map((s) => result.columns.findIndex((c) => c.name === s));
    const xs = result.rows.map((r) => Date.parse(String(r[xi])) / 1000);
    const data: uPlot.AlignedData = [
      xs,
      ...idx.map((i) => result.rows.map((r) => (r[i] === null ? null : Number(r[i])))),
    ];
    const colors = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6'];
    const plot = new uPlot(
      {
        title,
        width: Math.max(320, host.clientWidth || 600),
        height: 220,
        series: [{}, ...series.map((s, i) => ({ label: s, stroke: colors[i % colors.length]!, width: 1.5 }))],
        axes: [{}, { size: 60 }],
      },
      data,
      host,
    );
    return () => plot.destroy();
  }, [result, x, series, title]);
  return <div className="logs-chart" ref={el} data-chart={title} />;
}

export function ServerLogsView() {
  const [info, setInfo] = useState<LogsCaseDto | undefined>();
  const [paths, setPaths] = useState('');
  const [library, setLibrary] = useState<LogsLibraryEntryDto[]>([]);
  const [sql, setSql] = useState('SELECT * FROM httpproxy LIMIT 100');
  const [result, setResult] = useState<LogsQueryResultDto | undefined>();
  const [title, setTitle] = useState('');
  const [overTime, setOverTime] = useState<LogsQueryResultDto | undefined>();
  const [join, setJoin] = useState<LogsCorrelationDto | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const refreshCase = async (c: LogsCaseDto | undefined) => {
    setInfo(c);
    if (!c) return;
    setOverTime(await api().call('logs.runLibrary', { id: 'requests-over-time' }));
    setJoin(await api().call('logs.correlation', {}));
  };

  useEffect(() => {
    void (async () => {
      setLibrary((await api().call('logs.library', {})).items);
      await refreshCase((await api().call('logs.status', {})).case);
    })().catch((e: Error) => setError(e.message));
  }, []);

  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await f();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const [probe, setProbe] = useState<{ name: string; json: unknown } | undefined>();

  const exportReport = () =>
    run(async () => {
      const r = await api().call('report.build', probe ? { probe: probe.json } : {});
      const url = URL.createObjectURL(new Blob([r.html], { type: 'text/html' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = r.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  const open = () =>
    run(async () => {
      const list = paths
        .split(/\n|;/)
        .map((s) => s.trim())
        .filter(Boolean);
      await refreshCase(await api().call('logs.open', { paths: list }));
    });

  return (
    <main className="server-logs" aria-label="Server logs">
      <section className="logs-open">
        <label>
          Case file or log folders (one per line, or separated by ;)
          <textarea
            aria-label="Log paths"
            rows={2}
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
            placeholder="C:\Cases\1234\case.logs  or  …\Logging\HttpProxy\Mapi; …\Logging\MapiHttp\Mailbox"
          />
        </label>
        <div className="logs-actions">
          <button onClick={() => void open()} disabled={busy || !paths.trim()}>
            Open logs
          </button>
          <label className="probe-pick">
            Probe result (mapiscope probe --json):{' '}
            <input
              type="file"
              accept=".json,application/json"
              aria-label="Probe result"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (!f) return setProbe(undefined);
                void f
                  .text()
                  .then((t) => setProbe({ name: f.name, json: JSON.parse(t) as unknown }))
                  .catch((err: Error) => setError(`${f.name}: ${err.message}`));
              }}
            />
          </label>
          <button
            onClick={() => void exportReport()}
            disabled={busy}
            title="One self-contained, redacted HTML file: environment, sessions timeline, findings, server logs, probe"
          >
            Export report
          </button>
        </div>
        {info && (
          <p className="logs-summary" aria-label="Case summary">
            {Object.entries(info.rows)
              .filter(([, n]) => n)
              .map(([k, n]) => `${k} ${n}`)
              .join(' · ') || 'no rows'}{' '}
            from {info.files - info.skippedFiles} of {info.files} files
            {info.versions.length ? ` · Exchange ${info.versions.join(', ')}` : ''}
            {Object.keys(info.issues).length
              ? ` · ${Object.entries(info.issues)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ')}`
              : ''}
          </p>
        )}
        {error && (
          <p className="aborted" role="alert">
            {error}
          </p>
        )}
      </section>
      <div className="logs-body">
        <nav className="logs-library" aria-label="Query library">
          <h3>Query library</h3>
          {library.map((q) => (
            <button
              key={q.id}
              title={q.description}
              disabled={!info || busy}
              onClick={() =>
                void run(async () => {
                  setSql(q.sql);
                  setTitle(q.title);
                  setResult(await api().call('logs.runLibrary', { id: q.id }));
                })
              }
            >
              {q.title}
            </button>
          ))}
        </nav>
        <section className="logs-main">
          {overTime && overTime.rows.length > 0 && (
            <div className="logs-charts">
              <TimeChart
                result={overTime}
                x="minute"
                series={['requests', 'errors']}
                title="Requests and errors per minute"
              />
              <TimeChart
                result={overTime}
                x="minute"
                series={['p50_ms', 'p95_ms', 'p99_ms']}
                title="Latency percentiles (ms)"
              />
            </div>
          )}
          {join && (
            <div className="logs-join" aria-label="Capture and logs">
              <p>
                Capture ↔ logs: {join.matched} request(s) matched · {join.unmatchedClient.length} never logged by the
                server
                {join.unmatchedClient.length ? ` (exchanges ${join.unmatchedClient.slice(0, 20).join(', ')})` : ''}
                {' · '}
                {join.unmatchedServer.length} server row(s) with no request in the capture
              </p>
              {join.findings.map((f, i) => (
                <p key={i} className={`finding ${f.severity}`}>
                  <strong>{f.title}</strong> — {f.message}
                  {f.serverEvidence?.length
                    ? ` Server rows: ${f.serverEvidence
                        .slice(0, 5)
                        .map((e) => `${e.file.split(/[\\/]/).pop()}:${e.line}`)
                        .join(', ')}`
                    : ''}
                </p>
              ))}
            </div>
          )}
          <div className="logs-sql">
            <textarea aria-label="SQL" rows={5} value={sql} onChange={(e) => setSql(e.target.value)} />
            <button
              disabled={!info || busy}
              onClick={() =>
                void run(async () => {
                  setTitle('');
                  setResult(await api().call('logs.query', { sql }));
                })
              }
            >
              Run SQL
            </button>
          </div>
          {title && <h3>{title}</h3>}
          {result && <ResultsGrid result={result} />}
          {!info && (
            <p className="hint pad">Open a case file (mapiscope logs import … --out case.logs) or log folders.</p>
          )}
        </section>
      </div>
    </main>
  );
}
