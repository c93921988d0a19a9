/** The probe's TLS step: handshake, certificate subject/issuer/expiry, trust as Outlook would judge it. */
import tls from 'node:tls';
import net from 'node:net';
import { CERT_ERRORS, transportErrorText } from '../replay/http-client.js';

export interface TlsCheck {
  ok: boolean;
  detail?: string;
  error?: string;
  /** The certificate is not trusted (the handshake itself worked). */
  untrusted?: boolean;
}

export function checkTls(url: URL, opts: { ca?: string; timeoutMs: number }): Promise<TlsCheck> {
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const sock = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ca: opts.ca ? [...tls.rootCertificates, opts.ca] : undefined,
      timeout: opts.timeoutMs,
    });
    sock.once('secureConnect', () => {
      const cert = sock.getPeerCertificate();
      const subject = nameText(cert.subject?.CN) ?? '(no CN)';
      const issuer = nameText(cert.issuer?.CN) ?? nameText(cert.issuer?.O) ?? '(unknown issuer)';
      const until = cert.valid_to ? new Date(cert.valid_to) : undefined;
      let problem = sock.authorizationError ? String(sock.authorizationError) : undefined;
      if (!problem) {
        const hostErr = tls.checkServerIdentity(host, cert);
        if (hostErr) problem = 'ERR_TLS_CERT_ALTNAME_INVALID';
      }
      const base = `${sock.getProtocol() ?? 'TLS'}, certificate "${subject}" issued by "${issuer}"${until ? `, valid until ${until.toISOString().slice(0, 10)}` : ''}`;
      sock.end();
      if (problem)
        resolve({
          ok: false,
          untrusted: true,
          detail: base,
          error: `TLS: ${CERT_ERRORS[problem] ?? problem} for ${host}; Outlook refuses it too (use -k to probe on anyway, or --ca FILE to trust its issuer)`,
        });
      else {
        const days = until ? Math.floor((until.getTime() - Date.now()) / 86_400_000) : undefined;
        resolve({
          ok: true,
          detail: `${base}; trusted${days !== undefined && days < 14 ? `; expires in ${days} day(s)` : ''}`,
        });
      }
    });
    sock.once('timeout', () => sock.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    sock.once('error', (e) => resolve({ ok: false, error: transportErrorText(e, url) }));
  });
}

/** A certificate name attribute; one that repeats (several CN) comes as an array. */
function nameText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}
