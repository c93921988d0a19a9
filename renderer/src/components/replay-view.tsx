/**
 * Replay: pick a captured session, a target (the built-in simulator or a
 * server URL) and a switch plan (drop / address / hibernate / stale at chosen
 * exchanges); run it with progress; read the verdict of every switch, the
 * summary and the field-by-field diff of each replayed answer.
 */
import { Fragment, useEffect, useState } from 'react';
import { useExchangesStore } from '../stores/exchanges-store';
import { useReplayStore } from '../stores/replay-store';
import { useUiStore } from '../stores/ui-store';
import {
  DROP_POINTS,
  planText,
  rowProblem,
  SWITCH_HELP,
  SWITCH_KINDS,
  type PlanRow,
  type SwitchKind,
} from '../replay/plan-text';
import {
  VERDICT_TEXT,
  verdictTone,
  type ExchangeReport,
  type ReplayReport,
  type ReplaySessionRow,
} from '../replay/replay-types';
import { formatDuration } from './format';

function typesText(t: ReplaySessionRow['types']): string {
  const counts = new Map<string, number>();
  for (const x of t) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(', ');
}

function PlanEditor({ total }: { total: number }) {
  const plan = useReplayStore((s) => s.plan);
  const add = useReplayStore((s) => s.addStep);
  const update = useReplayStore((s) => s.updateStep);
  const remove = useReplayStore((s) => s.removeStep);
  return (
    <fieldset className="rp-plan">
      <legend>Network-switch plan</legend>
      {plan.length === 0 && (
        <p className="hint">
          No switches: a straight replay. Add a step to drop the connection, change the source address, hibernate or
          send a stale sequence cookie at an exchange.
        </p>
      )}
      {plan.map((r, i) => {
        const problem = rowProblem(r, total);
        const set = (p: Partial<PlanRow>) => update(i, { ...r, ...p });
        return (
          <div key={i} className={`rp-step${problem ? ' bad' : ''}`} data-testid="plan-step">
            <select
              value={r.kind}
              onChange={(e) => set({ kind: e.target.value as SwitchKind })}
              aria-label="Switch kind"
              title={SWITCH_HELP[r.kind]}
            >
              {SWITCH_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            <label>
              at #
              <input
                type="number"
                min={1}
                max={total || undefined}
                value={r.at}
                onChange={(e) => set({ at: Number(e.target.value) })}
                aria-label="At exchange"
                style={{ width: 60 }}
              />
            </label>
            {r.kind === 'drop' && (
              <select
                value={r.point ?? 'after-send'}
                onChange={(e) => {
                  const point = DROP_POINTS.find((p) => p === e.target.value);
                  if (point) set({ point });
                }}
                aria-label="Drop point"
              >
                {DROP_POINTS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            )}
            {r.kind === 'address' && (
              <input
                value={r.address ?? ''}
                onChange={(e) => set({ address: e.target.value })}
                placeholder="127.0.0.2"
                aria-label="Source address"
                size={12}
              />
            )}
            {r.kind === 'hibernate' && (
              <input
                value={r.duration ?? ''}
                onChange={(e) => set({ duration: e.target.value })}
                placeholder="30s"
                aria-label="Pause"
                size={6}
              />
            )}
            <button onClick={() => remove(i)} aria-label="Remove step" title="Remove">
              ✕
            </button>
            {problem && <span className="warn-text">{problem}</span>}
          </div>
        );
      })}
      <div className="rp-add">
        Add:
        {SWITCH_KINDS.map((k) => (
          <button key={k} onClick={() => add(k)} title={SWITCH_HELP[k]}>
            + {k}
          </button>
        ))}
      </div>
      {plan.length > 0 && (
        <p className="hint">
          Plan: <code data-testid="plan-text">{planText(plan)}</code>
        </p>
      )}
    </fieldset>
  );
}

/**
 * Against a server, ROPs that create, delete or change mailbox content change a real mailbox: they are listed,
 * and replayed only with this switch on (the backend refuses them otherwise).
 */
function ChangesSwitch() {
  const changes = useReplayStore((s) => s.changes);
  const allow = useReplayStore((s) => s.allowChanges);
  const setAllow = useReplayStore((s) => s.setAllowChanges);
  const running = useReplayStore((s) => s.run?.state === 'running');
  return (
    <div className={`rp-changes${changes.length && !allow ? ' warn' : ''}`} data-testid="replay-changes">
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={allow}
          onChange={(e) => setAllow(e.target.checked)}
          disabled={running}
          aria-label="Allow changes to the mailbox"
        />{' '}
        Allow changes to the mailbox
      </label>
      {changes.length === 0 ? (
        <p className="hint">No captured request of this session changes the mailbox.</p>
      ) : (
        <>
          <p className="hint">
            {changes.length} captured request{changes.length === 1 ? '' : 's'} would change the server&apos;s mailbox
            {allow ? '' : ' — the replay is refused until you allow it'}:
          </p>
          <ul className="rp-change-list">
            {changes.map((c) => (
              <li key={c.capturedId} data-testid="replay-change">
                #{c.capturedId} {[...new Set(c.rops)].join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ExchangeRows({ report }: { report: ReplayReport }) {
  const [open, setOpen] = useState<number | undefined>();
  const select = useExchangesStore((s) => s.select);
  const setView = useUiStore((s) => s.setView);
  const code = (c?: number) => (c === undefined ? '—' : String(c));
  return (
    <table className="rp-table" data-testid="replay-exchanges">
      <thead>
        <tr>
          <th>#</th>
          <th>Role</th>
          <th>Type</th>
          <th>Captured</th>
          <th>Replayed</th>
          <th>Time</th>
          <th>From</th>
          <th>Diff</th>
        </tr>
      </thead>
      <tbody>
        {report.exchanges.map((x: ExchangeReport, k) => (
          <Fragment key={k}>
            <tr
              className={`${x.matches ? '' : 'mismatch'} role-${x.role}`}
              onClick={() => setOpen(open === k ? undefined : k)}
            >
              <td>{x.position}</td>
              <td>{x.role}</td>
              <td>{x.type}</td>
              <td>
                <button
                  className="chip"
                  title="Open the captured exchange"
                  onClick={(e) => {
                    e.stopPropagation();
                    select(x.capturedId);
                    setView('exchanges');
                  }}
                >
                  #{x.capturedId}
                </button>{' '}
                {x.captured.status ?? '—'} / {code(x.captured.responseCode)}
              </td>
              <td>
                {x.replayed.aborted
                  ? `✕ ${x.replayed.aborted}`
                  : `${x.replayed.status ?? '—'} / ${code(x.replayed.responseCode)}`}
              </td>
              <td>{formatDuration(x.replayed.durationMs)}</td>
              <td className="mono">{x.replayed.localAddress}</td>
              <td>
                {x.diff.length
                  ? `${x.diff.length} field${x.diff.length > 1 ? 's' : ''} ${open === k ? '▾' : '▸'}`
                  : x.matches
                    ? '='
                    : ''}
              </td>
            </tr>
            {open === k && (
              <tr className="rp-diff">
                <td colSpan={8}>
                  {x.note && <p className="hint">{x.note}</p>}
                  {x.diff.length === 0 ? (
                    <p className="hint">
                      The replayed answer decodes to the same fields as the captured one (handles, times and framing
                      ignored).
                    </p>
                  ) : (
                    <table>
                      <thead>
                        <tr>
                          <th>Field</th>
                          <th>Captured</th>
                          <th>Replayed</th>
                        </tr>
                      </thead>
                      <tbody>
                        {x.diff.map((d, i) => (
                          <tr key={i}>
                            <td className="mono">{d.path}</td>
                            <td className="mono del">{d.captured}</td>
                            <td className="mono add">{d.replayed}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

export function ReplayView() {
  const st = useReplayStore();
  const items = useExchangesStore((s) => s.items.length);
  useEffect(() => {
    void st.loadSessions();
  }, [items]);
  const session = st.sessions.find((s) => s.index === st.session);
  const total = session?.exchanges ?? 0;
  const running = st.run?.state === 'running';
  const bad = st.plan.some((r) => rowProblem(r, total));
  const report = st.report;
  const pct = total ? Math.min(100, Math.round(((st.run?.exchangesDone ?? 0) / total) * 100)) : 0;

  return (
    <main className="replay-view" aria-label="Replay">
      <section className="rp-config">
        <h2>Replay a session</h2>
        {st.sessionsError && <p className="aborted">{st.sessionsError}</p>}
        <label className="rp-field">
          Session
          <select
            value={st.session ?? ''}
            onChange={(e) => st.setSession(e.target.value ? Number(e.target.value) : undefined)}
            aria-label="Session to replay"
            disabled={running}
          >
            {st.sessions.length === 0 && <option value="">(no replayable session)</option>}
            {st.sessions.map((s) => (
              <option key={s.index} value={s.index}>
                {s.index} · {s.endpoint} · {s.exchanges} exchanges{s.firstId !== undefined ? ` from #${s.firstId}` : ''}
              </option>
            ))}
          </select>
        </label>
        {session && <p className="hint">{typesText(session.types)}</p>}
        {st.reason && <p className="warn-text">{st.reason}</p>}
        <fieldset className="rp-target">
          <legend>Target</legend>
          <label>
            <input
              type="radio"
              checked={st.targetKind === 'simulator'}
              onChange={() => st.setTarget('simulator')}
              disabled={running}
            />{' '}
            Built-in Exchange simulator
            <span className="hint"> (answers from this capture)</span>
          </label>
          <label>
            <input
              type="radio"
              checked={st.targetKind === 'url'}
              onChange={() => st.setTarget('url')}
              disabled={running}
            />{' '}
            Server
            <input
              value={st.url}
              onChange={(e) => st.setTarget('url', e.target.value)}
              disabled={running || st.targetKind !== 'url'}
              aria-label="Target URL"
              size={30}
            />
          </label>
          {st.targetKind === 'url' && <ChangesSwitch />}
          <label>
            <input
              type="checkbox"
              checked={st.realtime}
              onChange={(e) => st.setRealtime(e.target.checked)}
              disabled={running}
            />{' '}
            Keep the captured gaps between requests
          </label>
        </fieldset>
        <PlanEditor total={total} />
        <div className="rp-run">
          <button
            className="primary"
            disabled={running || !session || bad || !!st.reason}
            onClick={() => void st.start()}
          >
            ▶ Run replay
          </button>
          {running && <button onClick={() => void st.cancel()}>Cancel</button>}
        </div>
        {st.error && (
          <p className="aborted" role="alert">
            {st.error}
          </p>
        )}
      </section>
      <section className="rp-result" aria-label="Replay result">
        {!st.run && !report && (
          <div className="empty">
            <p>Run a replay to see how the session behaves.</p>
            <p className="hint">
              Every switch gets a verdict (context kept, re-established, lost…); every replayed answer is compared field
              by field with the captured one.
            </p>
          </div>
        )}
        {st.run && (
          <div className="rp-progress">
            <div>
              Run {st.run.id} → {st.run.target}: <b data-testid="replay-state">{st.run.state}</b> ·{' '}
              {st.run.exchangesDone} exchange{st.run.exchangesDone === 1 ? '' : 's'} · {st.run.switchesDone} switch
              {st.run.switchesDone === 1 ? '' : 'es'}
            </div>
            <div className="bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
              <div style={{ width: `${st.run.state === 'running' ? pct : 100}%` }} className={st.run.state} />
            </div>
            {running && st.log.length > 0 && <pre className="rp-log">{st.log.slice(-6).join('\n')}</pre>}
          </div>
        )}
        {report && (
          <>
            <div className="rp-summary" data-testid="replay-summary">
              <span className="badge">{report.summary.replayed} replayed</span>
              <span className="badge ok">{report.summary.succeeded} succeeded</span>
              <span className={`badge ${report.summary.failed ? 'err' : ''}`}>{report.summary.failed} failed</span>
              <span className="badge">{report.summary.matched} matched</span>
              <span className={`badge ${report.summary.withDiffs ? 'warn' : ''}`}>
                {report.summary.withDiffs} with diffs
              </span>
              <span className="badge">{report.summary.recoveryRequests} recovery requests</span>
              <span className="hint">in {formatDuration(report.durationMs)}</span>
            </div>
            {report.switches.map((s, i) => (
              <div key={i} className={`verdict tone-${verdictTone(s.verdict)}`} data-testid="verdict">
                <div>
                  <b className="mono">{s.step}</b> → <b data-testid="verdict-name">{s.verdict}</b>
                  {s.recoveryMs !== undefined && (
                    <span className="hint"> · recovered in {formatDuration(s.recoveryMs)}</span>
                  )}
                  {s.redone ? <span className="hint"> · {s.redone} Execute(s) redone</span> : null}
                </div>
                <div>{VERDICT_TEXT[s.verdict]}</div>
                <div className="hint">
                  {s.detail}
                  {s.responseCodes.length ? ` · codes ${s.responseCodes.join(' → ')}` : ''}
                </div>
              </div>
            ))}
            {report.problems.length > 0 && (
              <ul className="rp-problems">
                {report.problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            )}
            {report.serverIds && report.serverIds.length > 0 && (
              <table className="rp-ids" data-testid="replay-server-ids">
                <caption>Server-assigned ids re-mapped (folders, messages, rules)</caption>
                <thead>
                  <tr>
                    <th>Captured</th>
                    <th>This run</th>
                  </tr>
                </thead>
                <tbody>
                  {report.serverIds.map((m) => (
                    <tr key={m.captured}>
                      <td className="mono">{m.captured}</td>
                      <td className="mono">{m.live}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <ExchangeRows report={report} />
          </>
        )}
      </section>
    </main>
  );
}
