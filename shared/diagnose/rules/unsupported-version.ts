/**
 * Client and server versions that cannot use MAPI over HTTP: it needs Outlook
 * 2013 SP1 or later, or Outlook 2010 SP2 with KB2956191 and KB2965295, and
 * Exchange 2013 SP1 or later; older combinations fall back to Outlook Anywhere.
 */
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList, isMapi } from '../util.js';

/** Outlook 2013 SP1 = 15.0.4569, Outlook 2010 SP2 = 14.0.7015, Exchange 2013 SP1 = 15.0.847. */
const OUTLOOK_2013_SP1 = 4569;
const OUTLOOK_2010_SP2 = 7015;
const EXCHANGE_2013_SP1 = 847;

function parse(v: string, product: string): number[] | undefined {
  const m = new RegExp(`${product}/(\\d+)\\.(\\d+)\\.(\\d+)`, 'i').exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function clientVerdict(app: string): { severity: 'error' | 'info'; text: string } | undefined {
  const v = parse(app, 'Outlook');
  if (!v) return undefined;
  const [major, , build] = v as [number, number, number];
  if (major >= 16) return undefined;
  if (major === 15)
    return build >= OUTLOOK_2013_SP1
      ? undefined
      : { severity: 'error', text: `Outlook 2013 before SP1 (${app}) does not support MAPI over HTTP` };
  if (major === 14)
    return build >= OUTLOOK_2010_SP2
      ? {
          severity: 'info',
          text: `Outlook 2010 SP2 (${app}) supports MAPI over HTTP only with KB2956191 and KB2965295 installed; the build number cannot show that`,
        }
      : { severity: 'error', text: `Outlook 2010 before SP2 (${app}) does not support MAPI over HTTP` };
  return { severity: 'error', text: `${app} is older than Outlook 2010 and cannot use MAPI over HTTP` };
}

export function serverVerdict(app: string): string | undefined {
  const v = parse(app, 'Exchange');
  if (!v) return undefined;
  const [major, minor, build] = v as [number, number, number];
  if (major > 15 || (major === 15 && (minor > 0 || build >= EXCHANGE_2013_SP1))) return undefined;
  return `${app} is older than Exchange 2013 SP1 (15.00.0847), which MAPI over HTTP needs`;
}

export const unsupportedVersionRule: Rule = {
  id: 'unsupported-version',
  description: "Outlook or Exchange versions outside Microsoft's MAPI over HTTP support table.",
  run({ facts }) {
    const out: Finding[] = [];
    const mapi = facts.filter(isMapi);
    for (const [app, list] of groupBy(mapi, (f) => f.clientApplication)) {
      const v = clientVerdict(app);
      if (!v) continue;
      const ids = list.map((f) => f.id);
      out.push(
        finding(
          'unsupported-version',
          v.severity,
          v.severity === 'info'
            ? 'Outlook 2010 needs updates for MAPI over HTTP'
            : 'Outlook version does not support MAPI over HTTP',
          `${v.text}. Seen in X-ClientApplication of ${idList(ids)}.`,
          'Update Outlook to 2013 SP1 or later (or Outlook 2010 SP2 with KB2956191 and KB2965295); otherwise it falls back to Outlook Anywhere.',
          ids,
          { paths: [{ exchangeId: ids[0]!, path: 'X-ClientApplication' }] },
        ),
      );
    }
    for (const [app, list] of groupBy(mapi, (f) => f.serverApplication)) {
      const text = serverVerdict(app);
      if (!text) continue;
      const ids = list.map((f) => f.id);
      out.push(
        finding(
          'unsupported-version',
          'error',
          'Exchange version does not support MAPI over HTTP',
          `${text}. Seen in X-ServerApplication of ${idList(ids)}.`,
          'Update Exchange to 2013 SP1 or later and enable MAPI over HTTP.',
          ids,
          { paths: [{ exchangeId: ids[0]!, path: 'X-ServerApplication' }] },
        ),
      );
    }
    return out;
  },
};
