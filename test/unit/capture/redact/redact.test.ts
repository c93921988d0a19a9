import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../../shared/capture/exchange.js';
import { Redactor, redactAll } from '../../../../shared/capture/redact.js';
import { base64Decode } from '../../../../shared/codec/bytes.js';
import { writeHar } from '../../../../shared/capture/har/index.js';
import { openZip, writeSaz } from '../../../../shared/capture/saz/index.js';
import { h, mapiExchange, te } from '../factory.js';
import { gromoxCapture } from '../gromox.js';

const NTLM1 = 'TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==';
const NTLM2 =
  'TlRMTVNTUAACAAAADAAMADgAAAAFgomiESIzRFVmd4gAAAAAAAAAAEQARABEAAAACgBhSgAAAA9DAE8ATgBUAE8AUwBPAAIADABDAE8ATgBUAE8AUwBPAA==';
const NTLM3 = 'TlRMTVNTUAADAAAAGAAYAEAAAAAYABgAWAAAAAwADABwAAAACgAKAHwAAAAMAAwAhgAAAAAAAACSAAAABYKIogoAYUoAAAAP';

describe('Redactor', () => {
  it('replaces credentials, cookies and Set-Cookie with consistent pseudonyms', () => {
    const a = mapiExchange();
    const b = mapiExchange({
      id: 4,
      request: {
        ...mapiExchange().request,
        headers: h(
          ['Cookie', 'MapiContext=ctx-secret-1; MapiSequence=seq-secret-2'],
          ['Authorization', 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secretpayload.sig'],
        ),
      },
    });
    const {
      exchanges: [ra, rb],
      report,
    } = redactAll([a, b]);
    expect(ra!.request.headers.find((x) => x.name === 'Cookie')!.value).toBe(
      'MapiContext=redacted-MapiContext-1; MapiSequence=redacted-MapiSequence-1',
    );
    expect(ra!.request.headers.find((x) => x.name === 'Authorization')!.value).toBe('Bearer redacted-bearer-1');
    expect(ra!.response!.headers.find((x) => x.name === 'Set-Cookie')!.value).toBe(
      'MapiSequence=redacted-MapiSequence-2; path=/mapi/emsmdb',
    );
    // The sequence cookie handed out in a's response is the one b sends: same pseudonym.
    expect(rb!.request.headers).toEqual(
      h(
        ['Cookie', 'MapiContext=redacted-MapiContext-1; MapiSequence=redacted-MapiSequence-2'],
        ['Authorization', 'Bearer redacted-bearer-1'],
      ),
    );
    // Everything else is untouched, and the inputs are not modified.
    expect(ra!.request.headers.filter((x) => !['Cookie', 'Authorization'].includes(x.name))).toEqual(
      a.request.headers.filter((x) => !['Cookie', 'Authorization'].includes(x.name)),
    );
    expect(ra!.request.body).toEqual(a.request.body);
    expect(a.request.headers.find((x) => x.name === 'Cookie')!.value).toBe(
      'MapiContext=ctx-secret-1; MapiSequence=seq-secret-1',
    );
    expect(report.counts).toEqual({
      authorization: 2,
      challenge: 0,
      cookie: 4,
      'set-cookie': 2,
      'query-token': 0,
      'body-token': 0,
      name: 0,
      header: 0,
    });
    expect(report.distinctSecrets).toBe(4);
    expect(report.exchanges).toBe(2);
    expect(report.redactedExchanges).toBe(2);
    expect(report.items[0]).toEqual({
      exchange: 3,
      where: 'request header Cookie (MapiContext)',
      kind: 'cookie',
      pseudonym: 'redacted-MapiContext-1',
    });
  });

  it('names the NTLM message type, keeps bare challenges, redacts challenge blobs', () => {
    const base = mapiExchange();
    const mk = (id: number, auth: string, challenge: string): Exchange => ({
      ...base,
      id,
      request: { ...base.request, headers: h(['Authorization', auth]) },
      response: {
        ...base.response!,
        statusCode: 401,
        headers: h(['WWW-Authenticate', challenge], ['WWW-Authenticate', 'Negotiate']),
      },
    });
    const r = new Redactor();
    const one = r.exchange(mk(1, `NTLM ${NTLM1}`, `NTLM ${NTLM2}`));
    const three = r.exchange(mk(2, `Negotiate ${NTLM3}`, 'NTLM'));
    const basic = r.exchange(mk(3, 'Basic YWxpY2U6cGFzc3dvcmQ=', 'Basic realm="x"'));
    expect(one.request.headers[0]!.value).toBe('NTLM redacted-ntlm-type1-1');
    expect(one.response!.headers).toEqual(
      h(['WWW-Authenticate', 'NTLM redacted-ntlm-type2-1'], ['WWW-Authenticate', 'Negotiate']),
    );
    expect(three.request.headers[0]!.value).toBe('Negotiate redacted-ntlm-type3-1');
    expect(three.response!.headers[0]!.value).toBe('NTLM');
    expect(basic.request.headers[0]!.value).toBe('Basic redacted-basic-1');
    expect(basic.response!.headers[0]!.value).toBe('Basic realm="x"');
  });

  it('replaces user names in headers, URL and bodies (UTF-8 and UTF-16LE) keeping byte lengths', () => {
    const utf16 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf16le'));
    const body = new Uint8Array([
      1,
      2,
      ...te('/o=Lab/cn=Alice@Lab.Test'),
      0,
      ...utf16('alice@lab.test'),
      0,
      0,
      ...te('ALICE'),
    ]);
    const ex = mapiExchange({
      request: {
        ...mapiExchange().request,
        url: '/mapi/emsmdb/?MailboxId=alice@lab.test&access_token=abc123',
        headers: h(['X-User-Identity', 'alice@lab.test']),
        body,
      },
    });
    const r = new Redactor({ names: ['alice', 'alice@lab.test'] });
    const out = r.exchange(ex);
    expect(out.request.url).toBe('/mapi/emsmdb/?MailboxId=user1xxxxxxxxx&access_token=redacted-access_token-1');
    expect(out.request.headers).toEqual(h(['X-User-Identity', 'user1xxxxxxxxx']));
    expect(out.request.body.length).toBe(body.length);
    expect(Buffer.from(out.request.body)).toEqual(
      Buffer.from([1, 2, ...te('/o=Lab/cn=user1xxxxxxxxx'), 0, ...utf16('user1xxxxxxxxx'), 0, 0, ...te('user2')]),
    );
    expect(r.report().counts.name).toBe(5);
    expect(r.report().counts['query-token']).toBe(1);
  });

  it('masks token fields in text bodies to the same length', () => {
    const ex = mapiExchange({
      request: {
        ...mapiExchange().request,
        headers: h(['Content-Type', 'application/x-www-form-urlencoded']),
        body: te('grant_type=refresh_token&refresh_token=0.AAAxyz&client_id=1'),
      },
    });
    const out = new Redactor().exchange(ex);
    expect(new TextDecoder().decode(out.request.body)).toBe(
      'grant_type=refresh_token&refresh_token=xxxxxxxx&client_id=1',
    );
  });
});

describe('Redacted exports leak nothing', () => {
  it('no secret from the input appears in the HAR or SAZ output (every byte, bodies decoded)', async () => {
    const cap = gromoxCapture().map((ex, i) => ({
      ...ex,
      request: {
        ...ex.request,
        headers: ex.request.headers.map((x) =>
          x.name === 'Authorization'
            ? { name: x.name, value: i % 2 ? `NTLM ${NTLM3}` : 'Bearer eyJhbGciOiJub25lIn0.c2VjcmV0LXBheWxvYWQ.' }
            : x,
        ),
      },
    }));
    const secrets = new Set<string>([NTLM3, 'eyJhbGciOiJub25lIn0.c2VjcmV0LXBheWxvYWQ.', 'alice@lab.test']);
    for (const ex of cap)
      for (const hd of [...ex.request.headers, ...(ex.response?.headers ?? [])]) {
        if (/^(set-)?cookie$/i.test(hd.name)) for (const m of hd.value.matchAll(/=([^;]+)/g)) secrets.add(m[1]!.trim());
      }
    expect(secrets.size).toBeGreaterThan(10);
    const r = new Redactor({ names: ['alice@lab.test', 'alice'] });
    const red = cap.map((e) => r.exchange(e));
    let har = '';
    for await (const p of writeHar(red, { extra: () => ({ _redaction: r.report() }) })) har += p;
    const zipParts: Uint8Array[] = [];
    for await (const p of writeSaz(red)) zipParts.push(p);
    const zip = openZip(new Uint8Array(Buffer.concat(zipParts)), 'r.saz');
    const haystacks: string[] = [har.toLowerCase()];
    const walk = (v: unknown): void => {
      if (typeof v === 'string' && v.length > 16) {
        const b = base64Decode(v);
        if (b)
          haystacks.push(
            Buffer.from(b).toString('latin1').toLowerCase(),
            Buffer.from(b).toString('utf16le').toLowerCase(),
          );
      } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(JSON.parse(har));
    for (const e of zip.entries) {
      const b = Buffer.from(zip.read(e));
      haystacks.push(b.toString('latin1').toLowerCase(), b.toString('utf16le').toLowerCase());
    }
    const leaks = [...secrets].filter((s) => haystacks.some((hs) => hs.includes(s.toLowerCase())));
    expect(leaks).toEqual([]);
    // And the pseudonyms are there instead.
    expect(har).toContain('redacted-sid-1');
    expect(har).toContain('NTLM redacted-ntlm-type3-1');
  });
});

describe('NameCollector', () => {
  it('finds the user names the gromox capture gives away (X-User-Identity, Connect user DN, MailboxId domain and its address-spelling GUID)', async () => {
    const { NameCollector } = await import('../../../../shared/capture/redact.js');
    const c = new NameCollector();
    for (const ex of gromoxCapture()) c.add(ex);
    expect(c.names()).toEqual([
      '/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000001000000-alice',
      '0100000001000000-alice',
      '616c6963-6540-6c61-622e-746501000000',
      'alice',
      'alice@lab.test',
      'lab.test',
    ]);
  });

  it('a MailboxId GUID is a name only when its bytes spell out text', async () => {
    const { guidSpellsText } = await import('../../../../shared/capture/redact.js');
    expect(guidSpellsText('616c6963-6540-6c61-622e-746501000000')).toBe(true); // "alice@lab.te"
    expect(guidSpellsText('74314067-726F-6D6D-2E66-726901000000')).toBe(true); // "t1@gromm.fri"
    expect(guidSpellsText('c78618db-a67d-46d2-bf39-b9f8166302d6')).toBe(false);
    expect(guidSpellsText('00000000-0000-0000-0000-000000000001')).toBe(false);
  });

  it('a GUID name gets a GUID-shaped pseudonym of the same length, in URLs and bodies alike', async () => {
    const { Redactor } = await import('../../../../shared/capture/redact.js');
    const g = '616c6963-6540-6c61-622e-746501000000';
    const base = mapiExchange();
    const body = new TextEncoder().encode(`<Server>${g}@lab.test</Server>`);
    const out = new Redactor({ names: [g, 'lab.test'] }).exchange({
      ...base,
      request: { ...base.request, url: `/mapi/emsmdb/?MailboxId=${g}@lab.test`, body },
    });
    expect(out.request.url).toBe('/mapi/emsmdb/?MailboxId=ffffffff-ffff-ffff-ffff-000000000001@user2xxx');
    expect(new TextDecoder().decode(out.request.body)).toBe(
      '<Server>ffffffff-ffff-ffff-ffff-000000000001@user2xxx</Server>',
    );
  });

  it('reads Basic and NTLM type-3 user names', async () => {
    const { NameCollector } = await import('../../../../shared/capture/redact.js');
    // A type-3 message with Unicode flag: domain "LAB", user "bob", workstation "WS1".
    const u16 = (s: string): Buffer => Buffer.from(s, 'utf16le');
    const parts = [u16('LAB'), u16('bob'), u16('WS1')];
    const head = Buffer.alloc(64);
    head.write('NTLMSSP\0', 0, 'latin1');
    head.writeUInt32LE(3, 8);
    let off = 64;
    for (const [i, at] of [28, 36, 44].entries()) {
      head.writeUInt16LE(parts[i]!.length, at);
      head.writeUInt16LE(parts[i]!.length, at + 2);
      head.writeUInt32LE(off, at + 4);
      off += parts[i]!.length;
    }
    head.writeUInt32LE(0x00000001, 60);
    const blob = Buffer.concat([head, ...parts]).toString('base64');
    const base = mapiExchange();
    const c = new NameCollector();
    c.add({ ...base, request: { ...base.request, url: '/x', headers: h(['Authorization', `NTLM ${blob}`]) } });
    c.add({
      ...base,
      request: {
        ...base.request,
        url: '/x',
        headers: h(['Authorization', `Basic ${Buffer.from('CORP\\carol:pw').toString('base64')}`]),
      },
    });
    expect(c.names()).toEqual(['CORP\\carol', 'LAB\\bob', 'WS1', 'bob', 'carol']);
  });
});
