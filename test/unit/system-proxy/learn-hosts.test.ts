import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { autodiscoverHosts } from '../../../shared/protocol/autodiscover/hosts.js';
import { learnHosts } from '../../../electron/backend/system-proxy/learn-hosts.js';

// A real Autodiscover POX answer (test/fixtures/README.md: gromox-ruler).
const POX = readFileSync(
  new URL('../../fixtures/gromox-ruler/gromox24__autodiscover-response_alice.xml', import.meta.url),
);

function exchange(
  url: string,
  body: Uint8Array,
  status = 200,
  headers: { name: string; value: string }[] = [],
): Exchange {
  return {
    id: 1,
    connectionId: 1,
    timings: { requestStart: 0 },
    request: { method: 'POST', url, httpVersion: '1.1', headers: [], body: new Uint8Array() },
    response: { statusCode: status, statusMessage: 'OK', httpVersion: '1.1', headers, body, chunks: [] },
  };
}

describe('Exchange hosts from Autodiscover answers', () => {
  it('takes the host of every https URL and EXPR Server of a real POX answer, not the EXCH mailbox GUID', () => {
    // The answer's URLs all name https://localhost/…; EXCH's Server is "<guid>@lab.test", not a host.
    expect(autodiscoverHosts(POX)).toEqual(['localhost']);
  });

  it('reads mapiHttp and EWS URLs of several hosts', () => {
    const xml = new TextEncoder().encode(
      '<Autodiscover><Response><Account><Protocol><Type>EXPR</Type><Server>outlook.contoso.com</Server>' +
        '<EwsUrl>https://ews.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol><Protocol Type="mapiHttp">' +
        '<MailStore><ExternalUrl>https://MAIL.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com</ExternalUrl></MailStore>' +
        '</Protocol></Account></Response></Autodiscover>',
    );
    expect(autodiscoverHosts(xml)).toEqual(['outlook.contoso.com', 'ews.contoso.com', 'mail.contoso.com']);
  });

  it('reads the Url of an Autodiscover v2 JSON answer', () => {
    const json = new TextEncoder().encode(' {"Protocol":"MapiHttp","Url":"https://outlook.office365.com/mapi/emsmdb"}');
    expect(autodiscoverHosts(json)).toEqual(['outlook.office365.com']);
  });

  it('learns from a gzip-encoded 200 answer on an /autodiscover/ path only', () => {
    const gz = [{ name: 'Content-Encoding', value: 'gzip' }];
    expect(learnHosts(exchange('/autodiscover/autodiscover.xml', gzipSync(POX), 200, gz))).toEqual(['localhost']);
    expect(learnHosts(exchange('/autodiscover/autodiscover.xml', POX, 401))).toEqual([]);
    expect(learnHosts(exchange('/mapi/emsmdb/?MailboxId=x', POX))).toEqual([]);
    expect(learnHosts(exchange('/autodiscover/autodiscover.xml', new Uint8Array([1, 2, 3]), 200, gz))).toEqual([]);
  });
});
