/** The upstream server's TLS certificate has a problem. */
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList } from '../util.js';

export const upstreamCertificateRule: Rule = {
  id: 'upstream-certificate',
  description: 'The server certificate was not trusted (expired, self-signed, wrong name, …).',
  run({ facts }) {
    const out: Finding[] = [];
    for (const [err, list] of groupBy(facts, (f) => f.certificateError)) {
      const ids = list.map((f) => f.id);
      const trusted = list.every((f) => f.certificateTrusted);
      out.push(
        finding(
          'upstream-certificate',
          trusted ? 'warning' : 'error',
          'Server certificate problem',
          `The server's certificate failed validation: ${err} (${idList(ids)}).${trusted ? ' The capture continued because it was trusted anyway; Outlook itself would show a security warning or refuse to connect.' : ' Outlook refuses such a server or shows a security warning.'}`,
          'Install a certificate from a trusted authority whose names cover the host Outlook connects to (including autodiscover), with its full chain.',
          ids,
        ),
      );
    }
    return out;
  },
};
