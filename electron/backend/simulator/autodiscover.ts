/**
 * The simulator's Autodiscover: POX ([MS-OXDSCLI] 2.2.4: User with LegacyDN,
 * and `<Protocol Type="mapiHttp">` with the MailStore/AddressBook URLs for a
 * client that sent `X-MapiHttpCapability`, 2.2.4.1.1.2.6) and the JSON form
 * (`/autodiscover/autodiscover.json?Email=…&Protocol=MapiHttp` →
 * `{"Protocol":"MapiHttp","Url":…}`). With `mapiHttp: false` it answers as a
 * server where MAPI over HTTP is disabled: no mapiHttp protocol, and the JSON
 * form refuses the protocol.
 */
import { type XmlElement, scanXml } from '../../../shared/protocol/autodiscover/index.js';

export interface AutodiscoverOptions {
  /** Offer MAPI over HTTP (default true). */
  mapiHttp?: boolean;
  /** Organization part of the users' LegacyDN. */
  organization?: string;
}

const xmlEscape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function legacyDnFor(email: string, organization = 'MapiScope'): string {
  const local = email.split('@')[0] ?? email;
  return `/o=${organization}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${local}`;
}

export interface AutodiscoverAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Answers one Autodiscover request; `base` is the simulator's origin. */
export function answerAutodiscover(
  method: string,
  url: URL,
  body: Uint8Array,
  mapiHttpCapable: boolean,
  base: string,
  opts: AutodiscoverOptions,
): AutodiscoverAnswer {
  const mapiHttp = opts.mapiHttp !== false;
  const path = url.pathname.toLowerCase();
  if (path.startsWith('/autodiscover/autodiscover.json')) {
    const email = url.searchParams.get('Email') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
    const protocol = (url.searchParams.get('Protocol') ?? '').toLowerCase();
    if (!email.includes('@'))
      return json(400, { ErrorCode: 'InvalidUser', ErrorMessage: 'The given SMTP address is invalid.' });
    if (protocol !== 'mapihttp' || !mapiHttp)
      return json(400, {
        ErrorCode: 'InvalidProtocol',
        ErrorMessage: `The given protocol value '${protocol}' is invalid.`,
      });
    return json(200, { Protocol: 'MapiHttp', Url: `${base}/mapi/emsmdb/?MailboxId=${encodeURIComponent(email)}` });
  }
  if (method !== 'POST' || !path.startsWith('/autodiscover/autodiscover.xml'))
    return { status: 404, contentType: 'text/plain', body: 'not found' };
  const find = (els: readonly XmlElement[]): XmlElement | undefined => {
    for (const e of els) {
      const hit = e.name === 'EMailAddress' ? e : find(e.children);
      if (hit) return hit;
    }
    return undefined;
  };
  const email = find(scanXml(body).roots)?.text.trim() ?? '';
  if (!email.includes('@'))
    return xml(
      `<Response><Error Time="00:00:00" Id="1"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message><DebugData /></Error></Response>`,
      'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
    );
  const dn = legacyDnFor(email, opts.organization);
  const mailbox = encodeURIComponent(email);
  const mapi =
    mapiHttp && mapiHttpCapable
      ? `<Protocol Type="mapiHttp" Version="1"><MailStore><InternalUrl>${base}/mapi/emsmdb/?MailboxId=${mailbox}</InternalUrl><ExternalUrl>${base}/mapi/emsmdb/?MailboxId=${mailbox}</ExternalUrl></MailStore><AddressBook><InternalUrl>${base}/mapi/nspi/?MailboxId=${mailbox}</InternalUrl><ExternalUrl>${base}/mapi/nspi/?MailboxId=${mailbox}</ExternalUrl></AddressBook></Protocol>`
      : '';
  return xml(
    `<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><User><DisplayName>${xmlEscape(email.split('@')[0]!)}</DisplayName><LegacyDN>${xmlEscape(dn)}</LegacyDN><AutoDiscoverSMTPAddress>${xmlEscape(email)}</AutoDiscoverSMTPAddress></User><Account><AccountType>email</AccountType><Action>settings</Action>${mapi}<Protocol><Type>EXHTTP</Type><Server>${xmlEscape(new URL(base).hostname)}</Server><SSL>On</SSL><AuthPackage>Ntlm</AuthPackage></Protocol></Account></Response>`,
  );
}

function json(status: number, v: unknown): AutodiscoverAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(v) };
}

function xml(
  inner: string,
  ns = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
): AutodiscoverAnswer {
  return {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${ns}">${inner}</Autodiscover>`,
  };
}
