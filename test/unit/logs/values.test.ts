import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyDirective, looksLikeHeaderRow, splitCsvRow, type LogHeader } from '../../../shared/logs/csv.js';
import { KNOWN_FIELDS, detectLogKind, parseLogFileName } from '../../../shared/logs/kinds.js';
import {
  parseKeyValues,
  parseRopIds,
  splitClientRequestId,
  splitTagged,
  timeSpanMs,
} from '../../../shared/logs/values.js';

const FIX = new URL('../../fixtures/exchange-logs/', import.meta.url);
const lines = (p: string) => readFileSync(new URL(p, FIX), 'utf8').split('\r\n');

describe('Exchange log rows (published lines)', () => {
  it('reads the 2016 CU22 HttpProxy\\Mapi header and splits a row into its 74 named columns', () => {
    const l = lines('HttpProxy/Mapi/HttpProxy_2023010601-1.LOG');
    const h: LogHeader = {};
    for (const x of l.slice(0, 5)) applyDirective(h, x);
    expect(h).toMatchObject({
      software: 'Microsoft Exchange Server',
      version: '15.01.2375.007',
      logType: 'HttpProxy Logs',
    });
    expect(h.fields).toHaveLength(74);
    expect(h.fields).toEqual(KNOWN_FIELDS.httpproxy);
    const row = splitCsvRow(l[5]!);
    expect(row).toHaveLength(74);
    const v = Object.fromEntries(h.fields!.map((f, i) => [f, row[i]]));
    expect(v.ClientRequestId).toBe(
      'R:1b7dabb2-cd5b-4ce0-a65d-b25915e598cf:1;RT:Connect;CI:97c0f33d-7e97-4147-9742-ee1e9a3cc2f4:1;CID:82392570-79d9-402a-8c7c-fbf14bcde8fc',
    );
    expect(v.TotalRequestTime).toBe('16');
    expect(v.RoutingStatus).toBe('CafeV1');
    expect(detectLogKind(h.logType, 'HttpProxy_2023010601-1.LOG', h.fields!)).toBe('httpproxy');
  });

  it('splits ClientRequestId into R:/RT:/CI:/CID: (2016 order, braces absent for the probe)', () => {
    expect(
      splitClientRequestId(
        'R:1b7dabb2-cd5b-4ce0-a65d-b25915e598cf:2;RT:Execute;CI:97c0f33d-7e97-4147-9742-ee1e9a3cc2f4:1;CID:45534129-271f-4423-bae6-e038600d6c36',
      ),
    ).toEqual({
      requestId: '1b7dabb2-cd5b-4ce0-a65d-b25915e598cf:2',
      requestType: 'Execute',
      clientInfo: '97c0f33d-7e97-4147-9742-ee1e9a3cc2f4:1',
      clientRequestGuid: '45534129-271f-4423-bae6-e038600d6c36',
    });
    // 2013 CU23 order, and an absent CID.
    expect(splitClientRequestId('R:{A}:1;CI:{B}:2;RT:Connect;CID:<null>')).toEqual({
      requestId: '{A}:1',
      clientInfo: '{B}:2',
      requestType: 'Connect',
      clientRequestGuid: undefined,
    });
    expect(splitClientRequestId('')).toEqual({});
  });

  it('parses GenericInfo items as key/value, type prefixes kept, first key wins', () => {
    const row = splitCsvRow(lines('HttpProxy/Mapi/HttpProxy_2023010601-1.LOG')[5]!);
    const gi = parseKeyValues(row[KNOWN_FIELDS.httpproxy.indexOf('GenericInfo')]);
    expect(gi.get('BeginRequest')).toBe('2023-01-06T01:00:04.107Z');
    expect(gi.get('CorrelationID')).toBe('<empty>');
    expect(gi.get('FEAuth')).toBe('BEVersion-1942063431');
    expect(gi.get('ProxyState-Complete')).toBe('ProxyResponseData');
    expect(gi.get('EndRequest')).toBe('2023-01-06T01:00:04.124Z');
    expect(gi.size).toBe(14);
    expect([...parseKeyValues('a=1;I32:ADS.C[dc]=2;a=3;flag;').entries()]).toEqual([
      ['a', '1'],
      ['I32:ADS.C[dc]', '2'],
      ['flag', ''],
    ]);
  });

  it('names the MapiHttp\\Mailbox RopIds from the ROP registry', () => {
    const l = lines('MapiHttp/Mailbox/MapiHttp_2018112305-1.LOG');
    expect(looksLikeHeaderRow(l[0]!)).toBe(true);
    const fields = l[0]!.split(',');
    const row = splitCsvRow(l[6]!);
    expect(row).toHaveLength(46);
    const rops = parseRopIds(row[fields.indexOf('RopIds')]);
    // Decimal ids: 5 RopGetContentsTable (0x05), 18 RopSetColumns (0x12), 19 RopSortTable (0x13), 23 RopQueryPosition (0x17).
    expect(rops.map((r) => `${r.dir}${r.name}`)).toEqual([
      '>RopGetContentsTable',
      '>RopSetColumns',
      '>RopSortTable',
      '>RopQueryPosition',
      '<RopGetContentsTable',
      '<RopSetColumns',
      '<RopSortTable',
      '<RopQueryPosition',
    ]);
    expect(parseRopIds('<[79](NotFound)')).toEqual([{ dir: '<', id: 79, name: 'RopFindRow', error: 'NotFound' }]);
    expect(parseRopIds('>[250]')).toEqual([{ dir: '>', id: 250, name: 'Rop0xFA' }]);
  });

  it('splits MAPIMB request-ids and session-cookie, reads TimeSpan processing times', () => {
    expect(splitTagged('R:{6A2E}:1|A:9d1f|FE:EXCH01.contoso.com')).toEqual({
      R: '{6A2E}:1',
      A: '9d1f',
      FE: 'EXCH01.contoso.com',
    });
    expect(splitTagged('C:MAPIAAAA=|S:1-AbCdEf==')).toEqual({ C: 'MAPIAAAA=', S: '1-AbCdEf==' });
    expect(timeSpanMs('00:00:00.0150000')).toBe(15);
    expect(timeSpanMs('01:02:03.5')).toBe(3723500);
    expect(timeSpanMs('1.00:00:01')).toBe(86_401_000);
    expect(timeSpanMs('3')).toBe(3);
    expect(timeSpanMs('x')).toBeUndefined();
  });

  it('reads quoted RCA free text with commas and doubled quotes', () => {
    expect(splitCsvRow('a,"b, c",,"say ""hi""",e')).toEqual(['a', 'b, c', '', 'say "hi"', 'e']);
  });

  it('parses file names and recognises kinds by Log-type, prefix and fields', () => {
    expect(parseLogFileName('HttpProxy_2023010601-1.LOG')).toEqual({
      prefix: 'HttpProxy_',
      hour: '2023-01-06T01:00:00Z',
      instance: 1,
    });
    expect(parseLogFileName('MAPIMB_20260101-12.log')).toEqual({
      prefix: 'MAPIMB_',
      hour: '2026-01-01T00:00:00Z',
      instance: 12,
    });
    expect(parseLogFileName('notes.txt')).toBeUndefined();
    expect(detectLogKind('RCA Protocol Logs', 'x.LOG', [])).toBe('rca');
    expect(detectLogKind(undefined, 'MapiHttp_2018112305-1.LOG', [])).toBe('mapihttp_mailbox');
    expect(detectLogKind('(unpublished)', 'renamed.log', KNOWN_FIELDS.mapihttp_mailbox)).toBe('mapihttp_mailbox');
    expect(detectLogKind('W3SVC', 'u_ex210523.log', ['date', 'time'])).toBeUndefined();
  });
});
