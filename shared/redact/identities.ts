/**
 * The names, addresses and DNs a capture gives away, found with the decoder:
 * one session-model pass (so table rows and FastTransfer streams decode with
 * the columns and state of earlier requests) and a walk over every string of
 * every decoded body — ROPs, NSPI rows, AUX blocks, FastTransfer properties,
 * Autodiscover XML — on top of what `NameCollector` reads from headers and
 * credentials. Every string gives its addresses, legacy DNs and text-spelling
 * GUIDs; a string in a field that names a person gives itself.
 */
import type { Exchange } from '../capture/exchange.js';
import { NameCollector } from '../capture/redact.js';
import type { DecodedNode } from '../codec/index.js';
import { SessionModel } from '../session/model.js';

/** Properties whose string values name a person or mailbox wherever they appear ([MS-OXPROPS]). */
const PERSON_PROPERTIES = new Set(
  [
    'Account',
    'AddressBookDisplayNamePrintable',
    'AddressBookProxyAddresses',
    'CreatorName',
    'DisplayBcc',
    'DisplayCc',
    'DisplayNamePrintable',
    'DisplayTo',
    'EmailAddress',
    'GivenName',
    'LastModifierName',
    'MailboxOwnerName',
    'MiddleName',
    'Nickname',
    'OriginalAuthorName',
    'OriginalDisplayBcc',
    'OriginalDisplayCc',
    'OriginalDisplayTo',
    'OriginalSenderName',
    'OriginalSentRepresentingName',
    'ReceivedByEmailAddress',
    'ReceivedByName',
    'ReceivedBySmtpAddress',
    'ReceivedRepresentingEmailAddress',
    'ReceivedRepresentingName',
    'ReceivedRepresentingSmtpAddress',
    'RecipientDisplayName',
    'SenderEmailAddress',
    'SenderName',
    'SenderSmtpAddress',
    'SentRepresentingEmailAddress',
    'SentRepresentingName',
    'SentRepresentingSmtpAddress',
    'SmtpAddress',
    'Surname',
    'TransmittableDisplayName',
    'UserPrincipalName',
  ].map((n) => `PidTag${n}`),
);

/** Fields (not properties) that name a person: RecipientRow ([MS-OXCDATA] 2.8.3), Connect, AUX, Autodiscover. */
const PERSON_FIELDS = new Set([
  'DisplayName', // ConnectResponse ([MS-OXCMAPIHTTP] 2.2.4.1.2), RecipientRow, Autodiscover User
  'SimpleDisplayName',
  'TransmittableDisplayName',
  'EmailAddress',
  'X500DN',
  'MachineName', // AUX_PERF_CLIENTINFO ([MS-OXCRPC] 2.2.2.2.6)
  'UserName',
]);
/** Parents under which `PERSON_FIELDS` name people (elsewhere "DisplayName" is a folder's). */
const PERSON_PARENTS = /^(ConnectResponse|RecipientRow|ModifyRecipientRow|User|Block|AUX_PERF_CLIENTINFO)$/;

/** The PidTag name a string node belongs to: its own name, its display, its parent's, or a sibling PropertyTag. */
function propertyOf(node: DecodedNode, parent: DecodedNode | undefined): string | undefined {
  if (node.name.startsWith('PidTag')) return node.name;
  const own = node.display ? /^(PidTag\w+) \(0x/.exec(node.display) : null;
  if (own) return own[1];
  if (parent?.name.startsWith('PidTag')) return parent.name;
  const tag = parent?.children?.find((c) => c.name === 'PropertyTag');
  const m = tag?.display ? /^(PidTag\w+)/.exec(tag.display) : null;
  return m ? m[1] : undefined;
}

/** Feeds every string of a decoded tree to `c`, marking the ones that name a person. */
export function collectFromTree(root: DecodedNode, endpoint: string, c: NameCollector): void {
  const path: DecodedNode[] = [];
  const rec = (n: DecodedNode): void => {
    if (typeof n.value === 'string' && n.value.length >= 3) {
      const parent = path[path.length - 1];
      const prop = propertyOf(n, parent);
      let person = prop !== undefined && PERSON_PROPERTIES.has(prop);
      // PidTagDisplayName names people in the address book and in recipient rows; elsewhere it is a folder's.
      if (prop === 'PidTagDisplayName') person = endpoint === 'nspi' || path.some((p) => /Recipient/.test(p.name));
      if (!prop && PERSON_FIELDS.has(n.name) && parent && PERSON_PARENTS.test(parent.name)) person = true;
      c.value(n.value, person);
    }
    if (n.children) {
      path.push(n);
      for (const k of n.children) rec(k);
      path.pop();
    }
  };
  rec(root);
}

/**
 * `NameCollector` plus the decoder: feed every exchange in capture order with
 * `add`, then take `names()` for the Redactor.
 */
export class DecodedNameCollector {
  private readonly base = new NameCollector();
  /** Trees in the pass: each exchange is decoded once, with its session's context, and its tree read here. */
  private readonly model = new SessionModel({ cacheSize: 1, trees: true });

  add(ex: Exchange): void {
    this.base.add(ex);
    this.model.add(ex);
    const d = this.model.decode(ex);
    if (d.endpoint === 'other' || d.endpoint === 'rpcproxy') return;
    if (d.request) collectFromTree(d.request.tree, d.endpoint, this.base);
    if (d.response) collectFromTree(d.response.tree, d.endpoint, this.base);
  }

  names(): string[] {
    return this.base.names();
  }
}
