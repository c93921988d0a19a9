import { describe, expect, it } from 'vitest';
import { findNode } from '../../../../shared/codec/index.js';
import { decodeBody, decodeExchange, encodeBody } from '../../../../shared/protocol/decode-exchange.js';
import { scanXml } from '../../../../shared/protocol/autodiscover/index.js';
import { fixture } from '../transport-helpers.js';

const xml = fixture('gromox-ruler/gromox24__autodiscover-response_alice.xml');
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

describe('Autodiscover POX', () => {
  it('gromox response: mapiHttp MailStore / AddressBook URLs', () => {
    const d = decodeBody('Autodiscover', 'response', xml);
    expect(d.errors).toEqual([]);
    expect(d.value!.MapiHttp).toEqual({
      version: '1',
      mailStore: {
        internalUrl: 'https://localhost/mapi/emsmdb/?MailboxId=616c6963-6540-6c61-622e-746501000000@lab.test',
        externalUrl: 'https://localhost/mapi/emsmdb/?MailboxId=616c6963-6540-6c61-622e-746501000000@lab.test',
      },
      addressBook: {
        internalUrl: 'https://localhost/mapi/nspi/?MailboxId=616c6963-6540-6c61-622e-746501000000@lab.test',
        externalUrl: 'https://localhost/mapi/nspi/?MailboxId=616c6963-6540-6c61-622e-746501000000@lab.test',
      },
    });
    expect(findNode(d.tree, 'MapiHttp/MailStoreExternalUrl')!.value).toMatch(/\/mapi\/emsmdb\//);
    expect(toText(encodeBody(d))).toBe(toText(xml));
  });

  it('element nodes carry the byte offsets of their markup', () => {
    const d = decodeBody('Autodiscover', 'response', xml);
    const legacy = findNode(d.tree, 'Autodiscover/Response/User/LegacyDN')!;
    const s = latin1(xml);
    expect(s.slice(legacy.offset, legacy.offset + legacy.length)).toBe(
      '<LegacyDN>/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000001000000-alice</LegacyDN>',
    );
    expect(legacy.value).toBe(
      '/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000001000000-alice',
    );
    const proto = findNode(d.tree, 'Autodiscover/Response/Account/Protocol[1]')!;
    expect(proto.children![0]).toMatchObject({ name: '@Type', value: 'mapiHttp' });
  });

  it('request POX with EMailAddress; decodeExchange labels the endpoint', () => {
    const req = new TextEncoder().encode(
      '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@lab.test</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
    );
    const d = decodeExchange({
      id: 1,
      connectionId: 1,
      timings: { requestStart: 0 },
      request: {
        method: 'POST',
        url: '/autodiscover/autodiscover.xml',
        httpVersion: '1.1',
        headers: [{ name: 'X-MapiHttpCapability', value: '1' }],
        body: req,
      },
      response: { statusCode: 200, statusMessage: 'OK', httpVersion: '1.1', headers: [], body: xml, chunks: [] },
    });
    expect(d.endpoint).toBe('autodiscover');
    expect(d.request!.value!.EMailAddress).toBe('alice@lab.test');
    expect(d.response!.value!.MapiHttp.addressBook.internalUrl).toMatch(/\/mapi\/nspi\//);
  });

  it('broken XML gives an error node, never an exception; nesting is capped', () => {
    expect(scanXml(new TextEncoder().encode('<a><b></a>')).error!.message).toMatch(/not closed/);
    expect(scanXml(new TextEncoder().encode('<a attr="x')).error!.message).toBe('markup not terminated');
    const deep = new TextEncoder().encode('<x>'.repeat(10000));
    const d = decodeBody('Autodiscover', 'response', deep);
    expect(d.errors.map((e) => e.message)).toEqual(['nesting deeper than 64']);
  });
});

function toText(b: Uint8Array): string {
  return latin1(b);
}
