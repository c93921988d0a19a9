/**
 * Diagnoses: the backend's findings by severity, each with its cause and fix
 * in plain language and links to its evidence exchanges (click → the exchange
 * in the Exchanges view).
 */
import { useEffect, useMemo, useState } from 'react';
import type { Finding, Severity } from '../../../shared/diagnose/types';
import { useAnalysisStore } from '../stores/analysis-store';
import { useExchangesStore } from '../stores/exchanges-store';
import { useFilterStore } from '../stores/filter-store';
import { useUiStore } from '../stores/ui-store';

export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
export const SEVERITY_ICON: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
const SEVERITY_NAME: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Information' };
const MAX_CHIPS = 24;

function EvidenceLinks({ f }: { f: Finding }) {
  const select = useExchangesStore((s) => s.select);
  const setView = useUiStore((s) => s.setView);
  const setText = useFilterStore((s) => s.setText);
  const setPendingEvidence = useUiStore((s) => s.setPendingEvidence);
  const [all, setAll] = useState(false);
  const ids = all ? f.evidence : f.evidence.slice(0, MAX_CHIPS);
  if (f.evidence.length === 0) return <span className="hint">no specific exchange</span>;
  return (
    <span className="evidence">
      Evidence:
      {ids.map((id) => (
        <button
          key={id}
          className="chip"
          onClick={() => {
            const at = f.paths?.find((p) => p.exchangeId === id);
            setPendingEvidence(at ? { exchangeId: id, path: at.path } : undefined);
            select(id);
            setView('exchanges');
          }}
          title={
            f.paths
              ?.filter((p) => p.exchangeId === id)
              .map((p) => p.path)
              .join('\n') || `Open exchange ${id}`
          }
        >
          #{id}
        </button>
      ))}
      {!all && f.evidence.length > MAX_CHIPS && (
        <button className="chip more" onClick={() => setAll(true)}>
          +{f.evidence.length - MAX_CHIPS} more
        </button>
      )}
      {f.evidence.length > 1 && (
        <button
          className="chip filter"
          title="Show only these exchanges in the list"
          onClick={() => {
            setText(`id:${f.evidence.join('|')}`);
            setView('exchanges');
          }}
        >
          filter list
        </button>
      )}
    </span>
  );
}

export function DiagnosesView() {
  const findings = useAnalysisStore((s) => s.findings);
  const state = useAnalysisStore((s) => s.findingsState);
  const error = useAnalysisStore((s) => s.error);
  const reload = useAnalysisStore((s) => s.reload);
  const [shown, setShown] = useState<Record<Severity, boolean>>({ error: true, warning: true, info: true });

  useEffect(() => {
    void reload();
  }, [reload]);

  const groups = useMemo(() => {
    const g: Record<Severity, Finding[]> = { error: [], warning: [], info: [] };
    for (const f of findings) g[f.severity].push(f);
    return g;
  }, [findings]);

  if (state === 'missing')
    return (
      <main className="diagnoses-view empty">
        <p>The backend does not provide diagnoses yet (RPC method findings.list is missing).</p>
      </main>
    );

  return (
    <main className="diagnoses-view" aria-label="Diagnoses">
      <div className="dg-tools">
        {SEVERITIES.map((s) => (
          <label key={s} className={`sev-toggle sev-${s}`}>
            <input type="checkbox" checked={shown[s]} onChange={(e) => setShown({ ...shown, [s]: e.target.checked })} />
            {SEVERITY_ICON[s]} {SEVERITY_NAME[s]} <span className="count">{groups[s].length}</span>
          </label>
        ))}
        <div className="spacer" />
        <button onClick={() => void reload()}>Re-run</button>
      </div>
      {error && state === 'failed' && <p className="aborted">{error}</p>}
      <div className="dg-list">
        {findings.length === 0 && (
          <div className="empty">
            <p>
              {state === 'unknown'
                ? 'Diagnosing…'
                : 'No findings: nothing in the loaded exchanges matches a diagnosis rule.'}
            </p>
          </div>
        )}
        {SEVERITIES.filter((s) => shown[s] && groups[s].length > 0).map((s) => (
          <section key={s} className={`dg-group sev-${s}`}>
            <h2>
              {SEVERITY_ICON[s]} {SEVERITY_NAME[s]} ({groups[s].length})
            </h2>
            {groups[s].map((f, i) => (
              <article key={`${f.rule}-${i}`} className={`finding sev-${f.severity}`} data-rule={f.rule}>
                <header>
                  <span className="sev-icon" aria-label={f.severity}>
                    {SEVERITY_ICON[f.severity]}
                  </span>
                  <strong>{f.title}</strong>
                  {f.session !== undefined && <span className="badge">session {f.session}</span>}
                  <span className="rule mono">{f.rule}</span>
                </header>
                <p className="cause">{f.message}</p>
                <p className="fix">
                  <b>Fix:</b> {f.fix}
                </p>
                <EvidenceLinks f={f} />
              </article>
            ))}
          </section>
        ))}
      </div>
    </main>
  );
}
