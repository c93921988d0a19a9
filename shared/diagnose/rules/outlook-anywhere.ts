/** RPC over HTTP (Outlook Anywhere) traffic where MAPI over HTTP was expected. */
import type { Rule } from '../types.js';
import { finding, idList } from '../util.js';

export const outlookAnywhereRule: Rule = {
  id: 'outlook-anywhere',
  description: 'Outlook used Outlook Anywhere (RPC over HTTP) instead of MAPI over HTTP.',
  run({ facts }) {
    const rpc = facts.filter((f) => f.endpoint === 'rpcproxy');
    if (!rpc.length) return [];
    const ids = rpc.map((f) => f.id);
    const mapi = facts.some((f) => f.endpoint === 'emsmdb');
    return [
      finding(
        'outlook-anywhere',
        'warning',
        'Outlook Anywhere (RPC over HTTP) in use',
        `${idList(ids)} went to /rpc/rpcproxy.dll: Outlook connected with RPC over HTTP${mapi ? ', next to MAPI over HTTP traffic' : ' and not with MAPI over HTTP'}. That happens when MAPI over HTTP is disabled, Autodiscover does not offer it, or the Outlook version cannot use it.`,
        "Check that MAPI over HTTP is enabled (Get-OrganizationConfig MapiHttpEnabled, the mailbox's MapiHttpEnabled), that Autodiscover returns the mapiHttp protocol, and the Outlook version.",
        ids,
      ),
    ];
  },
};
