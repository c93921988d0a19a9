/**
 * One scripted Outlook session and the Exchange logs its requests left (rows
 * built from the published rows' shapes, columns set by name): a match by
 * X-RequestId, by time and user, a slow front-end path, a slow back end, a
 * front-end rejection the client saw as a network error, a request the server
 * never logged, a server failure before a reconnect, and rows of the same
 * mailbox (and of another user) that no captured request explains.
 * Shared by the correlation tests and the Server logs e2e test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { splitCsvRow } from '../../../shared/logs/csv.js';
import { KNOWN_FIELDS } from '../../../shared/logs/kinds.js';
import { ScriptedClient } from '../session/helpers.js';

const FIX = fileURLToPath(new URL('../../fixtures/exchange-logs/', import.meta.url));
const F = KNOWN_FIELDS.httpproxy;
const iso = (ms: number) => new Date(ms).toISOString();
const rid = (n: number) => `{6A2E5B1C-0000-4000-8000-0000000000AA}:${n}`;
const end = (ex: Exchange) => ex.timings.responseEnd ?? ex.timings.requestStart;

export interface LogScenario {
  exchanges: Exchange[];
  client: ScriptedClient;
  ids: {
    connect: number;
    gap: number;
    slow: number;
    dropped: number;
    unlogged: number;
    byTime: number;
    failed: number;
    reconnect: number;
  };
  /** The `Logging` folder written. */
  logs: string;
}

export function writeLogScenario(dir: string): LogScenario {
  const synthetic = readFileSync(join(FIX, 'synthetic/HttpProxy_2026010112-1.LOG'), 'utf8').split('\r\n');
  const HEADER = synthetic.slice(0, 6);
  const TEMPLATE = splitCsvRow(synthetic[7]!); // the Execute row
  const proxyRow = (v: Record<string, string>) => {
    const row = [...TEMPLATE];
    for (const [k, x] of Object.entries(v)) row[F.indexOf(k)] = x;
    return row.join(',');
  };
  const c = new ScriptedClient();
  const ids = {
    connect: c.send('Connect', { requestId: rid(1) }).id,
    gap: c.send('Execute', { requestId: rid(2), duration: 5000 }).id,
    slow: c.send('Execute', { requestId: rid(3), duration: 3100, gap: 6000 }).id,
    dropped: c.send('Execute', {
      requestId: rid(4),
      noResponse: true,
      aborted: { kind: 'upstream-reset', message: 'socket hang up' },
      gap: 4000,
    }).id,
    unlogged: c.send('Execute', { requestId: rid(5), gap: 1000 }).id,
    byTime: c.send('Execute', { requestId: rid(6), gap: 1000 }).id,
    failed: c.send('Execute', { requestId: rid(7), status: 500, gap: 1000 }).id,
    reconnect: c.send('Connect', { requestId: '{77777777-0000-4000-8000-000000000001}:1', gap: 1000 }).id,
  };
  const ex = (id: number) => c.exchanges[id - 1]!;
  const mailbox = '?MailboxId=alice@contoso.com';
  const cri = (id: string, type: string, ci = c.clientInfo) => `R:${id};RT:${type};CI:${ci};CID:<null>`;
  const rows = [
    proxyRow({
      DateTime: iso(end(ex(ids.connect))),
      ClientRequestId: cri(rid(1), 'Connect'),
      TotalRequestTime: '35',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.gap))),
      ClientRequestId: cri(rid(2), 'Execute'),
      TotalRequestTime: '200',
      BackendProcessingLatency: '150',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.slow))),
      ClientRequestId: cri(rid(3), 'Execute'),
      TotalRequestTime: '3050',
      BackendProcessingLatency: '2900',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.dropped))),
      ClientRequestId: cri(rid(4), 'Execute'),
      HttpStatus: '403',
      BackEndStatus: '',
      GenericErrors: 'WebExceptionStatus=ProtocolError;ResponseStatusCode=403;',
      TotalRequestTime: '3',
      UrlQuery: mailbox,
    }),
    // No R: (a client-request-id style value), found by time and mailbox.
    proxyRow({
      DateTime: iso(end(ex(ids.byTime)) + 300),
      ClientRequestId: '',
      TotalRequestTime: '20',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.failed))),
      ClientRequestId: cri(rid(7), 'Execute'),
      HttpStatus: '500',
      BackEndStatus: '500',
      GenericErrors: 'BackEndException=MapiExceptionNetworkError;',
      TotalRequestTime: '40',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.reconnect))),
      ClientRequestId: cri('{77777777-0000-4000-8000-000000000001}:1', 'Connect'),
      UrlQuery: mailbox,
    }),
    // A request of this mailbox that is not in the capture (another Outlook, or the capture missed it).
    proxyRow({
      DateTime: iso(end(ex(ids.failed)) + 500),
      ClientRequestId: cri(
        '{99999999-0000-4000-8000-000000000000}:1',
        'PING',
        '{99999999-0000-4000-8000-000000000001}:1',
      ),
      UrlQuery: mailbox,
    }),
    // Another user's request in the same minute: not listed against this capture.
    proxyRow({
      DateTime: iso(end(ex(ids.failed)) + 600),
      ClientRequestId: cri(
        '{88888888-0000-4000-8000-000000000000}:1',
        'Execute',
        '{88888888-0000-4000-8000-000000000001}:1',
      ),
      UrlQuery: '?MailboxId=bob@contoso.com',
    }),
  ];
  const logs = join(dir, 'Logging');
  mkdirSync(join(logs, 'HttpProxy', 'Mapi'), { recursive: true });
  writeFileSync(join(logs, 'HttpProxy/Mapi/HttpProxy_2026010509-1.LOG'), [...HEADER, ...rows, ''].join('\r\n'));
  // The mailbox side of the Connect (2013 MAPIMB, matched by R: of request-ids).
  const mb = readFileSync(join(FIX, 'synthetic/MAPIMB_2026010112-1.LOG'), 'utf8').split('\r\n');
  mkdirSync(join(logs, 'MAPI Client Access'));
  writeFileSync(
    join(logs, 'MAPI Client Access/MAPIMB_2026010509-1.LOG'),
    [...mb.slice(0, 5), mb[5]!.replace('2026-01-05T09:00:01.150Z', iso(end(ex(ids.connect)))), ''].join('\r\n'),
  );
  return { exchanges: c.exchanges, client: c, ids, logs };
}
