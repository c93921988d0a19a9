/**
 * Writes a folder of Exchange logs shaped like the published sample lines
 * (test/fixtures/exchange-logs): HttpProxy\Mapi files (plain header row + `#`
 * block + 74 columns, 2016 CU22 layout) and MapiHttp\Mailbox files (46 columns),
 * 10 MB each as Exchange rolls them, with users, request ids, latencies, status
 * codes, GenericInfo and ROP lists varying per row. The header lines and value
 * shapes come from the fixture files; only the values are made up.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_FIELDS } from '../../shared/logs/kinds.js';

const FIX = fileURLToPath(new URL('../fixtures/exchange-logs/', import.meta.url));

const HTTPPROXY_HEADER_BLOCK = readFileSync(join(FIX, 'HttpProxy/Mapi/HttpProxy_2023010601-1.LOG'), 'latin1')
  .split('\r\n')
  .filter((l) => l.startsWith('#'));

export interface GeneratedLogs {
  dir: string;
  bytes: number;
  rows: number;
  files: number;
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

const hex = (r: () => number, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};
const guid = (r: () => number) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;
const TYPES = ['Execute', 'Execute', 'Execute', 'NotificationWait', 'Connect', 'Disconnect', 'PING'];
const STATUS = [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 500, 503];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** One HttpProxy\Mapi row in the 2016 CU22 column order, values in the shapes of the real rows. */
function proxyRow(r: () => number, t: number, user: number, seq: number): string {
  const type = TYPES[Math.floor(r() * TYPES.length)]!;
  const status = STATUS[Math.floor(r() * STATUS.length)]!;
  const total = type === 'NotificationWait' ? 60000 + Math.floor(r() * 20) : Math.floor(r() * 400);
  const be = Math.floor(total * 0.7);
  const sess = `${user.toString(16).padStart(8, '0')}-0000-4000-8000-00000000abcd`;
  const mbx = `${user.toString(16).padStart(8, '0')}-4444-1234-4567-123456789987`;
  const v = new Map<string, string>([
    ['DateTime', iso(t)],
    ['RequestId', guid(r)],
    ['MajorVersion', '15'],
    ['MinorVersion', '1'],
    ['BuildVersion', '2375'],
    ['RevisionVersion', '7'],
    [
      'ClientRequestId',
      `R:{${sess.toUpperCase()}}:${seq};RT:${type};CI:{97C0F33D-7E97-4147-9742-${user.toString(16).padStart(12, '0').toUpperCase()}}:1;CID:${guid(r)}`,
    ],
    ['Protocol', 'Mapi'],
    ['UrlHost', 'mail.domain.test'],
    ['UrlStem', '/mapi/emsmdb/'],
    ['AuthenticationType', r() < 0.8 ? 'Negotiate' : 'Basic'],
    ['IsAuthenticated', status === 401 ? 'false' : 'true'],
    ['AuthenticatedUser', status === 401 ? '' : `DOMAIN\\user${user}`],
    ['Organization', 'domain.test'],
    ['AnchorMailbox', `MailboxGuid~${mbx}`],
    ['UserAgent', `Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.${17000 + (user % 900)}; Pro)`],
    ['ClientIpAddress', `10.1.${user % 250}.${(user * 7) % 250}`],
    ['ServerHostName', 'SERVER_HOSTNAME'],
    ['HttpStatus', String(status)],
    ['BackEndStatus', status === 401 ? '' : String(status)],
    ['Method', 'POST'],
    ['ProxyAction', 'Proxy'],
    ['TargetServer', 'SERVER_HOSTNAME.domain.test'],
    ['TargetServerVersion', '15.01.2375.000'],
    ['RoutingType', 'IntraForest'],
    ['RoutingHint', 'MailboxGuidWithDomain'],
    ['BackEndCookie', `Database~fb7adba2-51f4-47e3-b170-fd39f85aaf35~~2023-02-05T01:00:04`],
    ['RequestBytes', String(200 + Math.floor(r() * 4000))],
    ['ResponseBytes', String(200 + Math.floor(r() * 60000))],
    ['HttpPipelineLatency', '0'],
    ['CalculateTargetBackEndLatency', '1'],
    ['TotalGlsLatency', '0'],
    ['TotalAccountForestLatency', '0'],
    ['TotalResourceForestLatency', '0'],
    ['ADLatency', '0'],
    ['TotalSharedCacheLatency', '0'],
    ['ActivityContextLifeTime', String(total)],
    ['ModuleToHandlerSwitchingLatency', '0'],
    ['ClientReqStreamLatency', '0'],
    ['BackendReqInitLatency', '1'],
    ['BackendReqStreamLatency', '1'],
    ['BackendProcessingLatency', String(be)],
    ['BackendRespInitLatency', '0'],
    ['BackendRespStreamLatency', '0'],
    ['ClientRespStreamLatency', '0'],
    ['KerberosAuthHeaderLatency', '0'],
    ['HandlerCompletionLatency', '0'],
    ['RequestHandlerLatency', String(total)],
    ['HandlerToModuleSwitchingLatency', '0'],
    ['ProxyTime', String(be + 2)],
    ['CoreLatency', '3'],
    ['RoutingLatency', '4'],
    ['HttpProxyOverhead', '4'],
    ['TotalRequestTime', String(total)],
    ['UrlQuery', `?mailboxId=${mbx}@domain.test`],
    [
      'GenericInfo',
      `BeginRequest=${iso(t - total)};CorrelationID=<empty>;ProxyState-Run=None;FEAuth=BEVersion-1942063431;` +
        `BeginGetRequestStream=${iso(t - total + 2)};OnRequestStreamReady=${iso(t - total + 3)};` +
        `BeginGetResponse=${iso(t - total + 3)};OnResponseReady=${iso(t - 1)};EndGetResponse=${iso(t - 1)};` +
        `ProxyState-Complete=ProxyResponseData;SharedCacheGuard=0;EndRequest=${iso(t)};`,
    ],
    ['GenericErrors', status >= 500 ? `WebExceptionStatus=ProtocolError;ResponseStatusCode=${status};` : ''],
    ['DatabaseGuid', '|RoutingDB:fb7adba2-51f4-47e3-b170-fd39f85aaf35'],
    ['RoutingStatus', 'CafeV1'],
  ]);
  return KNOWN_FIELDS.httpproxy.map((f) => v.get(f) ?? '').join(',');
}

const ROPS = [2, 5, 18, 19, 23, 4, 7, 9, 10, 21, 24, 42, 54, 112, 121];

/** One MapiHttp\Mailbox row in the shape of the published 2016 CU10 line. */
function mailboxRow(r: () => number, t: number, user: number, seq: number): string {
  const n = 1 + Math.floor(r() * 6);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(ROPS[Math.floor(r() * ROPS.length)]!);
  const rops = ids.map((i) => `>[${i}]`).join('') + ids.map((i) => `<[${i}]${r() < 0.03 ? '(NotFound)' : ''}`).join('');
  const v = new Map<string, string>([
    ['DateTime', iso(t)],
    ['RequestId', guid(r)],
    ['MapiRequestId', `{${user.toString(16).padStart(8, '0').toUpperCase()}-0000-4000-8000-00000000ABCD}:${seq}`],
    ['ClientRequestId', '<null>'],
    ['RequestType', 'Execute'],
    ['HttpStatusCode', '200'],
    ['ResponseCode', '0'],
    ['StatusCode', '0'],
    ['ReturnCode', '0'],
    ['TotalRequestLatency', String(Math.floor(r() * 300))],
    ['DeploymentRing', 'Unknown'],
    ['MajorVersion', '15'],
    ['MinorVersion', '1'],
    ['BuildVersion', '1531'],
    ['RevisionVersion', '3'],
    ['AuthenticatedUserEmail', `CORP\\user${user}`],
    ['MailboxId', `${guid(r)}@corp.test`],
    ['MDBGuid', '4694ca50-35d9-49c8-b0ee-69071d4c9107'],
    ['ActAsUserEmail', `user${user}@corp.test`],
    ['ClientIP', `10.1.${user % 250}.${(user * 7) % 250}`],
    ['SourceCafeServer', 'E16MBX1.CORP.TEST'],
    ['EdgeInfo', '<null>'],
    ['SessionCookie', `MAPIAAAAA${hex(r, 40)}AAAAAAAA`],
    ['SequenceCookie', `${seq}-1MB9Qg==`],
    ['MapiClientInfo', `{DC6BADA6-4CDD-4C72-A8E9-${user.toString(16).padStart(12, '0').toUpperCase()}}:8`],
    ['ClientSoftware', 'OUTLOOK.EXE'],
    ['ClientSoftwareVersion', `16.0.${17000 + (user % 900)}.20000`],
    ['ClientMode', '1'],
    ['AuthenticationType', 'Negotiate'],
    ['AuthenticatedUser', 'Anonymous'],
    ['RopIds', rops],
    [
      'GenericInfo',
      `cpn=M_ABR/RUM_ABR/M_APAR/;cpv=0/0/1/;Dbl:BudgUse.T[]=${(r() * 10).toFixed(5)};I32:RPC.C[]=3;Dbl:RPC.T[]=3;` +
        `I32:ROP.C[]=${Math.floor(r() * 1e6)};I32:MAPI.C[]=9;Dbl:EXR.T[]=1;I32:MB.C[]=3;F:MB.AL[]=1;Dbl:MAPI.T[]=3`,
    ],
  ]);
  return KNOWN_FIELDS.mapihttp_mailbox.map((f) => v.get(f) ?? '').join(',');
}

/**
 * Writes about `totalBytes` of logs under `dir` (HttpProxy\Mapi and MapiHttp\Mailbox,
 * about 4:1 by bytes), files of `fileBytes`, `users` distinct users.
 */
export function generateExchangeLogs(
  dir: string,
  totalBytes: number,
  fileBytes = 10 << 20,
  seed = 7,
  users = 500,
): GeneratedLogs {
  const r = rng(seed);
  let bytes = 0;
  let rows = 0;
  let files = 0;
  let t = Date.UTC(2026, 0, 5, 8, 0, 0);
  const seqs = new Map<number, number>();
  const nextSeq = (u: number) => {
    const s = (seqs.get(u) ?? 0) + 1;
    seqs.set(u, s);
    return s;
  };
  const proxyDir = join(dir, 'HttpProxy', 'Mapi');
  const mbxDir = join(dir, 'MapiHttp', 'Mailbox');
  mkdirSync(proxyDir, { recursive: true });
  mkdirSync(mbxDir, { recursive: true });
  while (bytes < totalBytes) {
    const mailbox = files % 5 === 4;
    const hour = new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 10);
    const name = join(mailbox ? mbxDir : proxyDir, `${mailbox ? 'MapiHttp_' : 'HttpProxy_'}${hour}-${files + 1}.LOG`);
    const fields = mailbox ? KNOWN_FIELDS.mapihttp_mailbox : KNOWN_FIELDS.httpproxy;
    const head = [
      fields.join(','),
      mailbox ? '#Software: Microsoft Exchange Server' : HTTPPROXY_HEADER_BLOCK[0]!,
      mailbox ? '#Version: 15.01.1531.003' : HTTPPROXY_HEADER_BLOCK[1]!,
      mailbox ? '#Log-type: MapiHttp Logs' : HTTPPROXY_HEADER_BLOCK[2]!,
      `#Date: ${iso(t)}`,
      `#Fields: ${fields.join(',')}`,
    ];
    const fd = openSync(name, 'w');
    let size = 0;
    const parts: string[] = [head.join('\r\n') + '\r\n'];
    let pending = parts[0]!.length;
    while (size + pending < fileBytes && bytes + size + pending < totalBytes) {
      t += Math.floor(r() * 40);
      const user = 1 + Math.floor(r() * users);
      const line = (mailbox ? mailboxRow(r, t, user, nextSeq(user)) : proxyRow(r, t, user, nextSeq(user))) + '\r\n';
      parts.push(line);
      pending += line.length;
      rows++;
      if (parts.length >= 2000) {
        const b = Buffer.from(parts.join(''), 'latin1');
        writeSync(fd, b);
        size += b.length;
        parts.length = 0;
        pending = 0;
      }
    }
    const b = Buffer.from(parts.join(''), 'latin1');
    writeSync(fd, b);
    size += b.length;
    closeSync(fd);
    bytes += size;
    files++;
  }
  return { dir, bytes, rows, files };
}
