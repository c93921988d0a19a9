/**
 * "Capture Outlook": the four things that must hold for Outlook's traffic to show up decoded, each
 * checked live with a button that fixes it — the CA trusted, the traffic routed, Outlook traffic
 * seen, and no client refusing MapiScope's certificate.
 */
import { useEffect, type ReactNode } from 'react';
import type { CertificateRefusalDto, OutlookChecklistDto } from '../../../shared/api/desktop';
import { api } from '../api/client';
import { routeOutlook, useDesktopStore } from '../stores/desktop-store';

type Tone = 'ok' | 'todo' | 'bad';

function Check(p: { id: string; tone: Tone; title: string; children?: ReactNode; fix?: ReactNode }) {
  return (
    <li className={`check check-${p.tone}`} data-testid={`check-${p.id}`} data-state={p.tone}>
      <span className="check-mark" aria-hidden>
        {p.tone === 'ok' ? '✔' : p.tone === 'bad' ? '✖' : '○'}
      </span>
      <div className="check-body">
        <strong>{p.title}</strong>
        {p.children && <div className="check-detail">{p.children}</div>}
      </div>
      {p.fix && <div className="check-fix">{p.fix}</div>}
    </li>
  );
}

/** A refusal in plain words, with what fixes it. */
export function refusalMessage(r: CertificateRefusalDto): string {
  return r.side === 'client'
    ? `A client (Outlook, or another program) refused MapiScope's certificate for ${r.host}: this computer does not trust the MapiScope CA yet. Trust the CA, then restart Outlook.`
    : `MapiScope does not trust the certificate of the server ${r.host} (${r.error}). If this is your Exchange server with a private CA, trust the server anyway.`;
}

/** An absolute-form URL as it is; an origin-form one after its host. */
function firstUrl(f: { url: string; host?: string } | undefined): string {
  if (!f) return '';
  return /^[a-z]+:\/\//i.test(f.url) ? f.url : `${f.host ?? ''}${f.url}`;
}

async function startAndRoute(port: number): Promise<string> {
  await api().call('capture.start', { port, mode: 'forward' });
  return routeOutlook();
}

export function OutlookChecklist({ onClose }: { onClose: () => void }) {
  const c: OutlookChecklistDto | undefined = useDesktopStore((s) => s.checklist);
  const message = useDesktopStore((s) => s.message);
  const act = useDesktopStore((s) => s.act);
  const refresh = useDesktopStore((s) => s.refreshChecklist);
  const platform = c?.routing.platform ?? '';
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 2000);
    return () => clearInterval(t);
  }, [refresh]);

  const trustCa = () => act(async () => (await api().call('ca.trust', {})).message);
  const caTone: Tone = !c ? 'todo' : c.ca.ok ? 'ok' : 'bad';
  const r = c?.routing;
  const routeTone: Tone = !r ? 'todo' : r.ok ? 'ok' : r.mode !== 'off' && !r.ours ? 'bad' : 'todo';
  const seenTone: Tone = !c ? 'todo' : c.outlook.ok ? 'ok' : 'todo';
  const refusals = c?.refusals ?? [];

  return (
    <div className="popover checklist-panel" role="dialog" aria-label="Capture Outlook">
      <div className="popover-head">
        <strong>Capture Outlook</strong>
        <button onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {message && (
        <p className={message.error ? 'err-text' : 'ok-text'} role="status" data-testid="checklist-message">
          {message.text}
        </p>
      )}
      <ol className="checks">
        <Check
          id="ca"
          tone={caTone}
          title="MapiScope CA trusted on this computer"
          fix={c && !c.ca.ok && <button onClick={() => void trustCa()}>Trust CA</button>}
        >
          {c &&
            (c.ca.ok
              ? `Trusted in ${c.ca.stores
                  .filter((s) => s.trusted)
                  .map((s) => s.label)
                  .join(', ')}`
              : `Not in ${c.ca.stores.map((s) => s.label).join(' or ')}${platform === 'win32' ? ' (Windows asks you to confirm)' : ''}`)}
        </Check>
        <Check
          id="routed"
          tone={routeTone}
          title="Outlook's traffic routed through MapiScope"
          fix={
            r &&
            !r.ok &&
            (r.capturing ? (
              <button onClick={() => void act(() => routeOutlook())}>
                {r.mode !== 'off' ? 'Route again' : 'Route Outlook'}
              </button>
            ) : (
              <button onClick={() => void act(() => startAndRoute(8888))}>Start capture and route</button>
            ))
          }
        >
          {r &&
            (r.ok
              ? r.mode === 'all'
                ? `All traffic goes to 127.0.0.1:${r.port ?? ''}`
                : `PAC ${r.pacUrl ?? ''} sends ${r.hosts.join(', ')} through MapiScope`
              : !r.capturing
                ? 'No capture is running.'
                : r.mode !== 'off' && !r.ours
                  ? `Someone else changed the settings MapiScope set (${r.changedByOthers.map((x) => x.key).join(', ')}).`
                  : `Not routed: ${r.stores.map((s) => `${s.label}: ${s.routing}`).join('; ') || 'no proxy settings found'}`)}
          {r?.recovered && <div className="hint">{r.recovered}</div>}
        </Check>
        <Check
          id="seen"
          tone={seenTone}
          title="Outlook traffic seen"
          fix={
            c &&
            !c.outlook.ok &&
            r?.ok &&
            r.mode === 'pac' && (
              <button
                onClick={() => void act(() => routeOutlook(true))}
                title="Until Autodiscover names the Exchange hosts"
              >
                Route all traffic
              </button>
            )
          }
        >
          {c &&
            (c.outlook.ok
              ? `${c.outlook.count} MAPI/Autodiscover exchange(s); the first: ${firstUrl(c.outlook.first)}`
              : 'No /mapi/ or Autodiscover request yet. Restart Outlook so it reads the new proxy settings; if its Exchange server is not an Autodiscover name, route all traffic until Autodiscover names it.')}
        </Check>
        <Check
          id="refusals"
          tone={refusals.length ? 'bad' : 'ok'}
          title={refusals.length ? 'Certificates refused' : 'No certificate refused'}
        >
          {refusals.length > 0 && (
            <ul className="refusals">
              {refusals.map((x) => (
                <li key={`${x.side} ${x.host}`} data-testid="refusal">
                  {refusalMessage(x)}{' '}
                  {x.side === 'client' ? (
                    !c?.ca.ok && <button onClick={() => void trustCa()}>Trust CA</button>
                  ) : (
                    <button
                      onClick={() =>
                        void act(async () => {
                          await api().call('capture.trustHost', { host: x.host });
                          return `${x.host} is trusted anyway for this capture`;
                        })
                      }
                    >
                      Trust {x.host} anyway
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Check>
      </ol>
    </div>
  );
}
