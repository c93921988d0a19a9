/**
 * The Exchange host names an Autodiscover answer points Outlook to: the mapiHttp MailStore and
 * AddressBook URLs ([MS-OXDSCLI] 2.2.4.1.1.2.6), every other https URL element (EwsUrl, OABUrl, …)
 * and the `Server` of the EXCH/EXPR protocol sections (2.2.4.1.1.2.5), and for the JSON form of
 * Autodiscover v2 its `Url`. Used to route exactly these hosts through MapiScope.
 */
import { scanXml, type XmlElement } from './index.js';

function hostOf(url: string): string | undefined {
  const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#\s]+)/i.exec(url.trim());
  return m?.[1]?.toLowerCase();
}

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Host names in an Autodiscover response body (POX XML or v2 JSON); empty when it has none. */
export function autodiscoverHosts(body: Uint8Array): string[] {
  const out = new Set<string>();
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] === 0x7b) {
    try {
      const j = JSON.parse(new TextDecoder().decode(body)) as { Url?: unknown };
      const h = typeof j.Url === 'string' ? hostOf(j.Url) : undefined;
      if (h) out.add(h);
    } catch {
      /* not JSON after all */
    }
    return [...out];
  }
  for (const root of scanXml(body).roots)
    for (const el of walk(root)) {
      const text = el.text.trim();
      if (!text) continue;
      if (el.name === 'Server' && HOST_NAME.test(text)) out.add(text.toLowerCase());
      else if (/^https:\/\//i.test(text)) {
        const h = hostOf(text);
        if (h) out.add(h);
      }
    }
  return [...out];
}
