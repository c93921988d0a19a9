/**
 * The Probe panel: `mapiscope probe` as a live checklist — each step of the
 * logon (TLS, Autodiscover, Connect, RopLogon, Inbox, Disconnect, Bind,
 * DNToMId, Unbind, PING) ticks as the backend reports it, with its latency,
 * codes and, when it failed, the error in plain words.
 */
import { STEP_NAMES, type ProbeStep, type StepId } from '../../../shared/api/probe';
import { useProbeStore } from '../stores/probe-store';

const ORDER = Object.keys(STEP_NAMES) as StepId[];

function mark(s: ProbeStep | undefined, running: boolean): { icon: string; cls: string; label: string } {
  if (running) return { icon: '◔', cls: 'running', label: 'Running' };
  if (!s || (s.result === 'Skipped' && !s.error)) return { icon: '○', cls: 'pending', label: 'Pending' };
  if (s.result === 'Succeeded') return { icon: '✓', cls: 'ok', label: 'Succeeded' };
  if (s.result === 'Failed') return { icon: '✗', cls: 'fail', label: 'Failed' };
  return { icon: '·', cls: 'skip', label: 'Skipped' };
}

export function ProbeView() {
  const { form, run, error, setForm, start, cancel } = useProbeStore();
  const running = run?.state === 'running';
  const steps = run?.report.steps ?? [];
  const ids = steps.length ? steps.map((s) => s.id) : ORDER.filter((id) => id !== 'tls' || /^https:/i.test(form.url));
  return (
    <div className="probe-view">
      <form
        className="probe-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) void start();
        }}
      >
        <label>
          Server or MAPI URL
          <input
            aria-label="Server"
            placeholder="https://mail.contoso.com"
            value={form.url}
            onChange={(e) => setForm({ url: e.target.value })}
          />
        </label>
        <label>
          User
          <input
            aria-label="User"
            placeholder="CONTOSO\alice or alice@contoso.com"
            value={form.user}
            onChange={(e) => setForm({ user: e.target.value })}
          />
        </label>
        <label>
          Password
          <input
            aria-label="Password"
            type="password"
            autoComplete="off"
            value={form.password}
            onChange={(e) => setForm({ password: e.target.value })}
          />
        </label>
        <label>
          Mailbox
          <input
            aria-label="Mailbox"
            placeholder="alice@contoso.com"
            value={form.email}
            onChange={(e) => setForm({ email: e.target.value })}
          />
        </label>
        <label>
          Authentication
          <select
            aria-label="Authentication"
            value={form.auth}
            onChange={(e) => setForm({ auth: e.target.value as typeof form.auth })}
          >
            <option value="">as the server offers</option>
            <option value="negotiate">Negotiate</option>
            <option value="ntlm">NTLM</option>
            <option value="basic">Basic</option>
          </select>
        </label>
        <label className="probe-check">
          <input type="checkbox" checked={form.insecure} onChange={(e) => setForm({ insecure: e.target.checked })} />
          go on past an untrusted certificate
        </label>
        {running ? (
          <button type="button" onClick={() => void cancel()}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!form.url.trim()}>
            Probe
          </button>
        )}
      </form>
      {error && (
        <div className="probe-error" role="alert">
          {error}
        </div>
      )}
      <ol className="probe-steps" aria-label="Probe steps">
        {ids.map((id) => {
          const s = steps.find((x) => x.id === id);
          const m = mark(s, running && run?.current === id);
          const facts = [
            s?.status !== undefined ? `HTTP ${s.status}` : '',
            s?.responseCode !== undefined ? `X-ResponseCode ${s.responseCode}` : '',
            s?.returnValue ? `ReturnValue ${s.returnValue}` : '',
            s?.auth ?? '',
          ].filter(Boolean);
          return (
            <li key={id} className={`probe-step ${m.cls}`} data-step={id} data-result={m.label}>
              <span className="probe-mark" aria-label={m.label}>
                {m.icon}
              </span>
              <span className="probe-name">{STEP_NAMES[id]}</span>
              <span className="probe-ms">{s?.durationMs !== undefined ? `${s.durationMs} ms` : ''}</span>
              <span className="probe-facts">{facts.join(' · ')}</span>
              {s?.error && <div className="probe-step-error">{s.error}</div>}
              {!s?.error && s?.detail && <div className="probe-step-detail">{s.detail}</div>}
            </li>
          );
        })}
      </ol>
      {run && run.state !== 'running' && (
        <div className={`probe-result ${run.report.result === 'Succeeded' ? 'ok' : 'fail'}`} role="status">
          {run.state === 'failed'
            ? `Probe could not run: ${run.error ?? ''}`
            : `${run.report.result} — ${run.report.identity}${run.report.auth?.scheme ? ` (${run.report.auth.scheme})` : ''}${run.state === 'cancelled' ? ', stopped' : ''}`}
          {run.report.auth?.notes.map((n) => (
            <div key={n} className="probe-note">
              {n}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
