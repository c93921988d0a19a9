import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../shared/capture/summary.js';
import { compileFilter, completeFilter, parseFilter } from '../../../shared/filter/filter.js';

const base: ExchangeSummary = {
  id: 1,
  connectionId: 1,
  time: 0,
  method: 'POST',
  url: '/mapi/emsmdb/?MailboxId=x',
  endpoint: 'emsmdb',
  requestBytes: 100,
  responseBytes: 2048,
};
const rows: ExchangeSummary[] = [
  { ...base, id: 1, requestType: 'Connect', status: 200, responseCode: 0, durationMs: 120, session: 1 },
  {
    ...base,
    id: 2,
    requestType: 'Execute',
    status: 200,
    responseCode: 0,
    durationMs: 3200,
    session: 1,
    rops: ['RopLogon', 'RopQueryRows'],
  },
  {
    ...base,
    id: 3,
    requestType: 'Execute',
    status: 200,
    responseCode: 10,
    durationMs: 40,
    session: 2,
    rops: ['RopSetColumns'],
  },
  {
    ...base,
    id: 4,
    requestType: 'NotificationWait',
    status: 200,
    durationMs: 75_000,
    session: 2,
    aborted: 'upstream-reset',
  },
  { ...base, id: 5, url: '/mapi/nspi/?MailboxId=x', endpoint: 'nspi', requestType: 'Bind', status: 401, session: 3 },
];
const ids = (f: string) => rows.filter(compileFilter(f).test).map((r) => r.id);

describe('filter language', () => {
  it('matches fields with every operator', () => {
    expect(ids('type:Execute')).toEqual([2, 3]);
    expect(ids('type:execute rop:RopQueryRows')).toEqual([2]);
    expect(ids('rop:QueryRows')).toEqual([2]);
    expect(ids('code!=0')).toEqual([3]);
    expect(ids('session:2')).toEqual([3, 4]);
    expect(ids('latency>2s')).toEqual([2, 4]);
    expect(ids('latency<=120ms')).toEqual([1, 3]);
    expect(ids('type:Connect|Bind')).toEqual([1, 5]);
    expect(ids('-type:Execute')).toEqual([1, 4, 5]);
    expect(ids('aborted')).toEqual([4]);
    expect(ids('-aborted endpoint:emsmdb')).toEqual([1, 2, 3]);
    expect(ids('status>=400')).toEqual([5]);
    expect(ids('resp>1kb')).toEqual([1, 2, 3, 4, 5]);
    expect(ids('nspi')).toEqual([5]);
    expect(ids('type:Execute rop:RopQueryRows code!=0 session:3 latency>2s')).toEqual([]);
  });

  it('reports errors without blanking the list', () => {
    const p = parseFilter('latency>fast colour:red code>x');
    // Each error points at its column: the value that is wrong, or the unknown name.
    expect(p.errors).toEqual([
      { at: 8, message: 'latency: "fast" is not a duration (e.g. 2s, 500ms)' },
      { at: 13, message: 'unknown field "colour"' },
      {
        at: 29,
        message:
          'code: "x" is not a number or one of Success, Unknown Failure, Invalid Verb, Invalid Path, Invalid Header, Invalid Request Type…',
      },
    ]);
    expect(ids('latency>fast')).toEqual([1, 2, 3, 4, 5]);
  });

  it('completes field names and values', () => {
    expect(completeFilter('ty', 2)).toEqual(['type:']);
    expect(completeFilter('type:Ex', 7)).toEqual(['type:Execute']);
    expect(completeFilter('rop:RopQ', 8, ['RopQueryRows', 'RopQueryPosition', 'RopLogon'])).toEqual([
      'rop:RopQueryRows',
      'rop:RopQueryPosition',
    ]);
    expect(completeFilter('code!=0 ab', 10)).toEqual(['aborted']);
  });
});
