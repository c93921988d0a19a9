/**
 * The Exchange MAPI over HTTP log kinds MapiScope imports, how a file is
 * recognised as one of them, and the SQL type of each column by name.
 * Formats: shared/logs/FORMATS.md. Columns always come from the file's own
 * `#Fields:` line (or plain first line); nothing here depends on positions.
 */

export type LogKind = 'httpproxy' | 'mapimb' | 'rca' | 'mapiab' | 'mapihttp_mailbox';

export const LOG_KINDS: readonly LogKind[] = ['httpproxy', 'mapimb', 'rca', 'mapiab', 'mapihttp_mailbox'];

/** Column SQL types a log column is stored as; anything not listed stays VARCHAR. */
export type ColumnType = 'VARCHAR' | 'TIMESTAMP' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';

export interface LogKindInfo {
  kind: LogKind;
  /** `#Log-type:` values written by Exchange for this kind. */
  logTypes: readonly string[];
  /** File name prefix before `yyyyMMddHH-N.LOG`. */
  filePrefix: string;
  /** Folder under `%ExchangeInstallPath%Logging\`. */
  folder: string;
  /** A field only this kind's `#Fields` line carries (recognition when Log-type is unknown). */
  signatureField: string;
  /** The row's time column. */
  timeField: string;
  columnType(name: string): ColumnType;
}

const LATENCY = /(Latency|Time|Overhead)$/;

function httpProxyType(name: string): ColumnType {
  if (name === 'DateTime') return 'TIMESTAMP';
  if (/^(Major|Minor|Build|Revision)Version$/.test(name)) return 'INTEGER';
  if (name === 'HttpStatus' || name === 'BackEndStatus') return 'INTEGER';
  if (name === 'IsAuthenticated') return 'BOOLEAN';
  if (name === 'RequestBytes' || name === 'ResponseBytes' || name === 'TargetOutstandingRequests') return 'BIGINT';
  if (LATENCY.test(name)) return 'DOUBLE';
  return 'VARCHAR';
}

/** The RCA ProtocolLog schema, shared by MAPIMB_ and RCA_ files. */
function rcaType(name: string): ColumnType {
  if (name === 'date-time') return 'TIMESTAMP';
  if (name === 'session-id' || name === 'seq-number') return 'BIGINT';
  return 'VARCHAR';
}

function mapiAbType(name: string): ColumnType {
  if (name === 'date-time') return 'TIMESTAMP';
  if (name === 'session-id' || name === 'seq-number') return 'BIGINT';
  return 'VARCHAR';
}

function mapiHttpType(name: string): ColumnType {
  if (name === 'DateTime') return 'TIMESTAMP';
  if (/^(Major|Minor|Build|Revision)Version$/.test(name)) return 'INTEGER';
  if (name === 'HttpStatusCode') return 'INTEGER';
  if (name === 'ResponseCode' || name === 'StatusCode' || name === 'ReturnCode') return 'BIGINT';
  if (name === 'TotalRequestLatency' || name === 'AuthModuleLatency' || name === 'OAuthLatency') return 'DOUBLE';
  return 'VARCHAR';
}

export const LOG_KIND_INFO: Readonly<Record<LogKind, LogKindInfo>> = {
  httpproxy: {
    kind: 'httpproxy',
    logTypes: ['HttpProxy Logs'],
    filePrefix: 'HttpProxy_',
    folder: 'HttpProxy\\<Protocol>',
    signatureField: 'ProxyAction',
    timeField: 'DateTime',
    columnType: httpProxyType,
  },
  mapimb: {
    kind: 'mapimb',
    logTypes: ['MAPI Mailbox Protocol Logs'],
    filePrefix: 'MAPIMB_',
    folder: 'MAPI Client Access',
    signatureField: 'client-connection-info',
    timeField: 'date-time',
    columnType: rcaType,
  },
  rca: {
    kind: 'rca',
    logTypes: ['RCA Protocol Logs'],
    filePrefix: 'RCA_',
    folder: 'RPC Client Access',
    signatureField: 'client-connection-info',
    timeField: 'date-time',
    columnType: rcaType,
  },
  mapiab: {
    kind: 'mapiab',
    logTypes: ['MAPI AddressBook Protocol Logs', 'AddressBook Protocol Logs'],
    filePrefix: 'MAPIAB_',
    folder: 'MAPI AddressBook Service',
    signatureField: 'authentication',
    timeField: 'date-time',
    columnType: mapiAbType,
  },
  mapihttp_mailbox: {
    kind: 'mapihttp_mailbox',
    // The #Log-type of MapiHttp\Mailbox files is not published; recognised by name and fields.
    logTypes: [],
    filePrefix: 'MapiHttp_',
    folder: 'MapiHttp\\Mailbox',
    signatureField: 'MapiRequestId',
    timeField: 'DateTime',
    columnType: mapiHttpType,
  },
};

/** `<prefix><yyyyMMdd[HH]>-<N>[…].LOG`, the name LogDirectory gives every file (case-insensitive). */
const FILE_NAME = /^([A-Za-z]+_)(\d{4})(\d{2})(\d{2})(\d{0,2})-(\d+)(.*)\.LOG$/i;

export interface LogFileName {
  prefix: string;
  /** UTC hour the file was started, ISO text (`2023-01-06T01:00:00Z`). */
  hour: string;
  instance: number;
}

export function parseLogFileName(base: string): LogFileName | undefined {
  const m = FILE_NAME.exec(base);
  if (!m) return undefined;
  const hh = m[5] === '' ? '00' : m[5]!.padStart(2, '0');
  return { prefix: m[1]!, hour: `${m[2]}-${m[3]}-${m[4]}T${hh}:00:00Z`, instance: Number(m[6]) };
}

/**
 * The kind of a file from its header and name: `#Log-type` first, then the file
 * name prefix (RCA_ vs MAPIMB_ share one schema), then a field only one kind has.
 */
export function detectLogKind(
  logType: string | undefined,
  baseName: string,
  fields: readonly string[],
): LogKind | undefined {
  if (logType) {
    for (const k of LOG_KINDS) if (LOG_KIND_INFO[k].logTypes.includes(logType)) return k;
  }
  const name = parseLogFileName(baseName);
  if (name) {
    for (const k of LOG_KINDS) if (LOG_KIND_INFO[k].filePrefix.toLowerCase() === name.prefix.toLowerCase()) return k;
  }
  const set = new Set(fields);
  if (set.has('MapiRequestId')) return 'mapihttp_mailbox';
  if (set.has('ProxyAction') && set.has('DateTime')) return 'httpproxy';
  if (set.has('client-connection-info')) return 'mapimb';
  if (set.has('authentication') && set.has('date-time')) return 'mapiab';
  return undefined;
}

/**
 * The column lists Exchange writes (latest known version of each kind), used to
 * create a kind's table when no file of that kind was imported, so queries
 * over any case find every table. Imported files add whatever columns they name.
 */
export const KNOWN_FIELDS: Readonly<Record<LogKind, readonly string[]>> = {
  httpproxy: (
    'DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,' +
    'UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,' +
    'ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,' +
    'TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,' +
    'ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,' +
    'GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,' +
    'ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,' +
    'TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,' +
    'BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,' +
    'BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,' +
    'RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,' +
    'TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,' +
    'DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus'
  ).split(','),
  mapimb: rcaFields(),
  rca: rcaFields(),
  mapiab: (
    'date-time,session-id,seq-number,client-name,organization-info,client-ip,server-ip,protocol,operation,' +
    'rpc-status,processing-time,operation-specific,failures,authentication,delay'
  ).split(','),
  mapihttp_mailbox: (
    'DateTime,RequestId,MapiRequestId,ClientRequestId,RequestType,HttpStatusCode,ResponseCode,StatusCode,ReturnCode,' +
    'TotalRequestLatency,DeploymentRing,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,' +
    'AuthenticatedUserEmail,UPN,Puid,TenantGuid,MailboxId,MDBGuid,ActAsUserEmail,ClientIP,SourceCafeServer,EdgeInfo,' +
    'NetworkDeviceInfo,SessionCookie,SequenceCookie,MapiClientInfo,ClientSoftware,ClientSoftwareVersion,ClientMode,' +
    'AuthenticationType,AuthModuleLatency,LiveIdBasicLog,LiveIdBasicError,LiveIdNegotiateError,OAuthLatency,' +
    'OAuthError,OAuthErrorCategory,OAuthExtraInfo,AuthenticatedUser,RopIds,OperationSpecific,GenericInfo,' +
    'GenericErrors'
  ).split(','),
};

function rcaFields(): string[] {
  return (
    'date-time,session-id,seq-number,client-name,organization-info,client-software,client-software-version,' +
    'client-mode,client-ip,client-connection-info,server-ip,protocol,application-id,request-ids,session-cookie,' +
    'operation,rpc-status,processing-time,operation-specific,failures,performance-data,activity-context-data,' +
    'user-email,passport-unique-id'
  ).split(',');
}
