/**
 * X-RequestType values ([MS-OXCMAPIHTTP] 2.2.3.3.1) and X-ResponseCode names
 * (2.2.3.3.3). Header values are compared case-insensitively: real clients
 * send e.g. `BIND`.
 */

export const EMSMDB_REQUEST_TYPES = ['Connect', 'Execute', 'Disconnect', 'NotificationWait', 'PING'] as const;

export const NSPI_REQUEST_TYPES = [
  'Bind',
  'Unbind',
  'CompareMIds',
  'DNToMId',
  'GetMatches',
  'GetPropList',
  'GetProps',
  'GetSpecialTable',
  'GetTemplateInfo',
  'ModLinkAtt',
  'ModProps',
  'QueryColumns',
  'QueryRows',
  'ResolveNames',
  'ResortRestriction',
  'SeekEntries',
  'UpdateStat',
  'GetMailboxUrl',
  'GetAddressBookUrl',
] as const;

const CANONICAL = new Map<string, string>();
for (const t of [...EMSMDB_REQUEST_TYPES, ...NSPI_REQUEST_TYPES]) CANONICAL.set(t.toLowerCase(), t);
// Spellings from section titles and other tools.
CANONICAL.set('compareminids', 'CompareMIds');
CANONICAL.set('dntominid', 'DNToMId');
CANONICAL.set('notificationwaitex', 'NotificationWait');
/** Canonical names under the exact spellings clients send (the spec's and upper case), looked up first. */
const AS_GIVEN = new Map<string, string>();
for (const t of CANONICAL.values()) AS_GIVEN.set(t, t).set(t.toUpperCase(), t);

/** The spec spelling of a request type in any case ("BIND" → "Bind", "dntomid" → "DNToMId"); undefined if unknown. */
export function canonicalRequestType(s: string): string | undefined {
  return AS_GIVEN.get(s) ?? CANONICAL.get(s.trim().toLowerCase());
}

export function isEmsmdbRequestType(t: string): boolean {
  return (EMSMDB_REQUEST_TYPES as readonly string[]).includes(t);
}
export function isNspiRequestType(t: string): boolean {
  return (NSPI_REQUEST_TYPES as readonly string[]).includes(t) || t === 'PING';
}

/** X-ResponseCode names ([MS-OXCMAPIHTTP] 2.2.3.3.3). */
export const RESPONSE_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Success',
  1: 'Unknown Failure',
  2: 'Invalid Verb',
  3: 'Invalid Path',
  4: 'Invalid Header',
  5: 'Invalid Request Type',
  6: 'Invalid Context Cookie',
  7: 'Missing Header',
  8: 'Anonymous Not Allowed',
  9: 'Too Large',
  10: 'Context Not Found',
  11: 'No Privilege',
  12: 'Invalid Request Body',
  13: 'Missing Cookie',
  14: 'Reserved',
  15: 'Invalid Sequence',
  16: 'Endpoint Disabled',
  17: 'Invalid Response',
  18: 'Endpoint Shutting Down',
};

export function responseCodeName(code: number): string {
  return RESPONSE_CODE_NAMES[code] ?? `Unknown response code ${code}`;
}

/** A header value as an X-ResponseCode number, or undefined when it is not a decimal number. */
export function parseResponseCode(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : undefined;
}
