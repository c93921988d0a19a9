/** An Autodiscover response without the mapiHttp protocol section. */
import type { Rule } from '../types.js';
import { finding, idList } from '../util.js';

export const autodiscoverNoMapiHttpRule: Rule = {
  id: 'autodiscover-no-mapihttp',
  description: 'Autodiscover answered without offering MAPI over HTTP (no <Protocol Type="mapiHttp">).',
  run({ facts }) {
    const bad = facts.filter((f) => f.autodiscover?.isResponse && !f.autodiscover.mapiHttp);
    if (!bad.length) return [];
    const ids = bad.map((f) => f.id);
    return [
      finding(
        'autodiscover-no-mapihttp',
        'warning',
        'Autodiscover does not offer MAPI over HTTP',
        `The Autodiscover response in ${idList(ids)} has no mapiHttp protocol section, so Outlook will use Outlook Anywhere (RPC over HTTP) if it can.`,
        'Outlook must send X-MapiHttpCapability in the Autodiscover request, and MAPI over HTTP must be enabled for the organization and the mailbox with its virtual directory URLs set.',
        ids,
      ),
    ];
  },
};
