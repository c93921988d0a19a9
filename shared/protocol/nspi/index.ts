/**
 * Address book endpoint bodies ([MS-OXCMAPIHTTP] 2.2.5): all 19 request
 * types, request and response. Every request ends with AuxiliaryBufferSize +
 * AuxiliaryBuffer; every response starts with StatusCode, and StatusCode 0
 * selects the success layout (ErrorCode, type-specific fields, aux), anything
 * else the failure layout (StatusCode, aux) — 2.2.5.x.2.
 */
import {
  type Codec,
  type FieldDef,
  type StructValue,
  field,
  flagsOf,
  guid,
  i32,
  struct,
  u32,
  u8,
  utf16Z,
  array,
  enumOf,
  asciiZ,
  hex,
  withDisplay,
} from '../../codec/index.js';
import { auxiliaryBufferFields } from '../aux/index.js';
import { nspiPropertyTag } from '../oxcdata/index.js';
import { restrictionCodec } from '../oxcdata/values.js';
import {
  abPropertyValueList,
  abTaggedPropertyValue,
  columnsAndRows,
  largePropertyTagArray,
  minimalEntryId,
  minimalIdFields,
  nspiCount,
  nspiErrorCode,
  nspiErrorName,
  optional,
  modLinkAttEntryId,
  stat,
  stringsArray,
} from './structures.js';

export * from './structures.js';

const ok = (s: { get(n: string): unknown }) => Number(s.get('StatusCode')) === 0;

function request(kind: string, fields: readonly FieldDef[]): Codec<StructValue> {
  return struct(kind, [...fields, ...auxiliaryBufferFields]);
}

function response(kind: string, fields: readonly FieldDef[]): Codec<StructValue> {
  const gated = [field('ErrorCode', nspiErrorCode), ...fields].map((f) =>
    field(f.name, f.codec, {
      ...f.opts,
      when: f.opts.when ? (s, env) => ok(s) && f.opts.when!(s, env) : ok,
    }),
  );
  return struct(kind, [field('StatusCode', withStatus), ...gated, ...auxiliaryBufferFields], {
    summary: (v) =>
      v.StatusCode !== 0
        ? `failure, StatusCode ${hex(v.StatusCode as number, 8)}`
        : `ErrorCode ${nspiErrorName(v.ErrorCode as number)}`,
  });
}

const withStatus = enumOf(u32, { 0: 'Success', 0x000006bb: 'RPC_S_SERVER_TOO_BUSY' }, 'StatusCode');

const reserved = field('Reserved', u32);
const resolvedMid = withDisplay(
  u32,
  (v) =>
    (({ 0: 'MID_UNRESOLVED (0)', 1: 'MID_AMBIGUOUS (1)', 2: 'MID_RESOLVED (2)' }) as Record<number, string>)[v] ??
    `MId ${hex(v, 8)}`,
  'MinimalEntryID',
);
const state = optional('HasState', [field('State', stat)]);

/** Flags of GetProps / QueryRows ([MS-OXNSPI] 2.2.1.13 retrieve-property flags). */
const retrieveFlags = flagsOf(u32, { fSkipObjects: 0x1, fEphID: 0x2 });
const BIND_FLAGS = { fAnonymousLogin: 0x20 };
const SPECIAL_TABLE_FLAGS = { NspiAddressCreationTemplates: 0x2, NspiUnicodeStrings: 0x4 };
const TEMPLATE_FLAGS = {
  TI_TEMPLATE: 0x1,
  TI_SCRIPT: 0x4,
  TI_EMT: 0x10,
  TI_HELPFILE_NAME: 0x20,
  TI_HELPFILE_CONTENTS: 0x40,
};

// --- requests (2.2.5.x.1) --------------------------------------------------

/** [MS-OXCMAPIHTTP] 2.2.5.1.1 Bind request body. */
export const bindRequest = request('BindRequest', [field('Flags', flagsOf(u32, BIND_FLAGS)), ...state]);
/** [MS-OXCMAPIHTTP] 2.2.5.2.1 Unbind request body. */
export const unbindRequest = request('UnbindRequest', [reserved]);
/** [MS-OXCMAPIHTTP] 2.2.5.3.1 CompareMIds request body. */
export const compareMIdsRequest = request('CompareMIdsRequest', [
  reserved,
  ...state,
  field('MinimalId1', minimalEntryId),
  field('MinimalId2', minimalEntryId),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.4.1 DNToMId request body. */
export const dnToMIdRequest = request('DNToMIdRequest', [
  reserved,
  ...optional('HasNames', [field('Names', stringsArray)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.5.1 GetMatches request body. */
export const getMatchesRequest = request('GetMatchesRequest', [
  reserved,
  ...state,
  ...optional('HasMinimalIds', minimalIdFields()),
  field('InterfaceOptionFlags', u32),
  ...optional('HasFilter', [field('Filter', restrictionCodec('nspi'))]),
  ...optional('HasPropertyName', [field('PropertyNameGuid', guid), field('PropertyNameId', u32)]),
  field('RowCount', u32),
  ...optional('HasColumns', [field('Columns', largePropertyTagArray)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.6.1 GetPropList request body. */
export const getPropListRequest = request('GetPropListRequest', [
  field('Flags', flagsOf(u32, { fSkipObjects: 0x1 })),
  field('MinimalId', minimalEntryId),
  field('CodePage', u32),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.7.1 GetProps request body. */
export const getPropsRequest = request('GetPropsRequest', [
  field('Flags', retrieveFlags),
  ...state,
  ...optional('HasPropertyTags', [field('PropertyTags', largePropertyTagArray)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.8.1 GetSpecialTable request body. */
export const getSpecialTableRequest = request('GetSpecialTableRequest', [
  field('Flags', flagsOf(u32, SPECIAL_TABLE_FLAGS)),
  ...state,
  ...optional('HasVersion', [field('Version', u32)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.9.1 GetTemplateInfo request body. */
export const getTemplateInfoRequest = request('GetTemplateInfoRequest', [
  field('Flags', flagsOf(u32, TEMPLATE_FLAGS)),
  field('DisplayType', u32),
  ...optional('HasTemplateDn', [field('TemplateDn', asciiZ)]),
  field('CodePage', u32),
  field('LocaleId', u32),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.10.1 ModLinkAtt request body. */
export const modLinkAttRequest = request('ModLinkAttRequest', [
  field('Flags', flagsOf(u32, { fDelete: 0x1 })),
  field('PropertyTag', nspiPropertyTag),
  field('MinimalId', minimalEntryId),
  ...optional('HasEntryIds', [
    field('EntryIdCount', nspiCount, { derive: (v) => (v.EntryIds as unknown[]).length }),
    // Each entry bare or as a Binary_r (u32 size + EntryID): see modLinkAttEntryId.
    field('EntryIds', array(modLinkAttEntryId, 'EntryIdCount', { item: 'EntryId' })),
  ]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.11.1 ModProps request body. */
export const modPropsRequest = request('ModPropsRequest', [
  reserved,
  ...state,
  ...optional('HasPropertyTags', [field('PropertiesToRemove', largePropertyTagArray)]),
  ...optional('HasPropertyValues', [field('PropertyValues', abPropertyValueList)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.12.1 QueryRows request body. */
export const queryRowsRequest = request('QueryRowsRequest', [
  field('Flags', retrieveFlags),
  ...state,
  ...minimalIdFields('ExplicitTableCount', 'ExplicitTable'),
  field('RowCount', u32),
  ...optional('HasColumns', [field('Columns', largePropertyTagArray)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.13.1 QueryColumns request body. */
export const queryColumnsRequest = request('QueryColumnsRequest', [
  reserved,
  field(
    'MapiFlags',
    withDisplay(u32, (v) => `${hex(v, 8)}${v & 0x80000000 ? ' (NspiUnicodeProptypes)' : ''}`),
  ),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.14.1 ResolveNames request body. */
export const resolveNamesRequest = request('ResolveNamesRequest', [
  reserved,
  ...state,
  ...optional('HasPropertyTags', [field('PropertyTags', largePropertyTagArray)]),
  ...optional('HasNames', [
    field('NameCount', nspiCount, { derive: (v) => (v.NameValues as unknown[]).length }),
    field('NameValues', array(utf16Z, 'NameCount', { item: 'NameValue' })),
  ]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.15.1 ResortRestriction request body. */
export const resortRestrictionRequest = request('ResortRestrictionRequest', [
  reserved,
  ...state,
  ...optional('HasMinimalIds', minimalIdFields()),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.16.1 SeekEntries request body. */
export const seekEntriesRequest = request('SeekEntriesRequest', [
  reserved,
  ...state,
  ...optional('HasTarget', [field('Target', abTaggedPropertyValue)]),
  ...optional('HasExplicitTable', minimalIdFields('ExplicitTableCount', 'ExplicitTable')),
  ...optional('HasColumns', [field('Columns', largePropertyTagArray)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.17.1 UpdateStat request body. */
export const updateStatRequest = request('UpdateStatRequest', [reserved, ...state, field('DeltaRequested', u8)]);
/** [MS-OXCMAPIHTTP] 2.2.5.18.1 GetMailboxUrl request body. */
export const getMailboxUrlRequest = request('GetMailboxUrlRequest', [field('Flags', u32), field('ServerDn', utf16Z)]);
/** [MS-OXCMAPIHTTP] 2.2.5.19.1 GetAddressBookUrl request body. */
export const getAddressBookUrlRequest = request('GetAddressBookUrlRequest', [
  field('Flags', u32),
  field('UserDn', utf16Z),
]);

// --- responses (2.2.5.x.2) -------------------------------------------------

/** [MS-OXCMAPIHTTP] 2.2.5.1.2 Bind response body. */
export const bindResponse = response('BindResponse', [field('ServerGuid', guid)]);
/** [MS-OXCMAPIHTTP] 2.2.5.2.2 Unbind response body. */
export const unbindResponse = response('UnbindResponse', []);
/** [MS-OXCMAPIHTTP] 2.2.5.3.2 CompareMIds response body. */
export const compareMIdsResponse = response('CompareMIdsResponse', [field('Result', i32)]);
/** [MS-OXCMAPIHTTP] 2.2.5.4.2 DNToMId response body. */
export const dnToMIdResponse = response('DNToMIdResponse', optional('HasMinimalIds', minimalIdFields()));
/** [MS-OXCMAPIHTTP] 2.2.5.5.2 GetMatches response body. */
export const getMatchesResponse = response('GetMatchesResponse', [
  ...state,
  ...optional('HasMinimalIds', minimalIdFields()),
  ...columnsAndRows('HasColumnsAndRows'),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.6.2 GetPropList response body. */
export const getPropListResponse = response(
  'GetPropListResponse',
  optional('HasPropertyTags', [field('PropertyTags', largePropertyTagArray)]),
);
/** [MS-OXCMAPIHTTP] 2.2.5.7.2 GetProps response body. */
export const getPropsResponse = response('GetPropsResponse', [
  field('CodePage', u32),
  ...optional('HasPropertyValues', [field('PropertyValues', abPropertyValueList)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.8.2 GetSpecialTable response body. */
export const getSpecialTableResponse = response('GetSpecialTableResponse', [
  field('CodePage', u32),
  ...optional('HasVersion', [field('Version', u32)]),
  ...optional('HasRows', [
    field('RowsCount', nspiCount, { derive: (v) => (v.Rows as unknown[]).length }),
    field('Rows', array(abPropertyValueList, 'RowsCount', { item: 'AddressBookPropertyValueList' })),
  ]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.9.2 GetTemplateInfo response body. */
export const getTemplateInfoResponse = response('GetTemplateInfoResponse', [
  field('CodePage', u32),
  ...optional('HasRow', [field('Row', abPropertyValueList)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.10.2 ModLinkAtt response body. */
export const modLinkAttResponse = response('ModLinkAttResponse', []);
/** [MS-OXCMAPIHTTP] 2.2.5.11.2 ModProps response body. */
export const modPropsResponse = response('ModPropsResponse', []);
/** [MS-OXCMAPIHTTP] 2.2.5.12.2 QueryRows response body. */
export const queryRowsResponse = response('QueryRowsResponse', [...state, ...columnsAndRows('HasColumnsAndRows')]);
/** [MS-OXCMAPIHTTP] 2.2.5.13.2 QueryColumns response body. */
export const queryColumnsResponse = response(
  'QueryColumnsResponse',
  optional('HasColumns', [field('Columns', largePropertyTagArray)]),
);
/** [MS-OXCMAPIHTTP] 2.2.5.14.2 ResolveNames response body. */
export const resolveNamesResponse = response('ResolveNamesResponse', [
  field('CodePage', u32),
  ...optional('HasMinimalIds', [
    field('MinimalIdCount', nspiCount, { derive: (v) => (v.MinimalIds as unknown[]).length }),
    // [MS-OXNSPI] 2.2.1.9: MID_UNRESOLVED 0, MID_AMBIGUOUS 1, MID_RESOLVED 2, else the MId itself.
    field('MinimalIds', array(resolvedMid, 'MinimalIdCount', { item: 'MinimalEntryID' })),
  ]),
  ...columnsAndRows('HasRowsAndColumns'),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.15.2 ResortRestriction response body. */
export const resortRestrictionResponse = response('ResortRestrictionResponse', [
  ...state,
  ...optional('HasMinimalIds', minimalIdFields()),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.16.2 SeekEntries response body. */
export const seekEntriesResponse = response('SeekEntriesResponse', [...state, ...columnsAndRows('HasColumnsAndRows')]);
/** [MS-OXCMAPIHTTP] 2.2.5.17.2 UpdateStat response body. */
export const updateStatResponse = response('UpdateStatResponse', [
  ...state,
  ...optional('HasDelta', [field('Delta', i32)]),
]);
/** [MS-OXCMAPIHTTP] 2.2.5.18.2 GetMailboxUrl response body. */
export const getMailboxUrlResponse = response('GetMailboxUrlResponse', [field('ServerUrl', utf16Z)]);
/** [MS-OXCMAPIHTTP] 2.2.5.19.2 GetAddressBookUrl response body. */
export const getAddressBookUrlResponse = response('GetAddressBookUrlResponse', [field('ServerUrl', utf16Z)]);

/** Request body codecs by canonical X-RequestType. */
export const nspiRequestCodecs: Record<string, Codec<StructValue>> = {
  Bind: bindRequest,
  Unbind: unbindRequest,
  CompareMIds: compareMIdsRequest,
  DNToMId: dnToMIdRequest,
  GetMatches: getMatchesRequest,
  GetPropList: getPropListRequest,
  GetProps: getPropsRequest,
  GetSpecialTable: getSpecialTableRequest,
  GetTemplateInfo: getTemplateInfoRequest,
  ModLinkAtt: modLinkAttRequest,
  ModProps: modPropsRequest,
  QueryColumns: queryColumnsRequest,
  QueryRows: queryRowsRequest,
  ResolveNames: resolveNamesRequest,
  ResortRestriction: resortRestrictionRequest,
  SeekEntries: seekEntriesRequest,
  UpdateStat: updateStatRequest,
  GetMailboxUrl: getMailboxUrlRequest,
  GetAddressBookUrl: getAddressBookUrlRequest,
};

/** Response body codecs by canonical X-RequestType. */
export const nspiResponseCodecs: Record<string, Codec<StructValue>> = {
  Bind: bindResponse,
  Unbind: unbindResponse,
  CompareMIds: compareMIdsResponse,
  DNToMId: dnToMIdResponse,
  GetMatches: getMatchesResponse,
  GetPropList: getPropListResponse,
  GetProps: getPropsResponse,
  GetSpecialTable: getSpecialTableResponse,
  GetTemplateInfo: getTemplateInfoResponse,
  ModLinkAtt: modLinkAttResponse,
  ModProps: modPropsResponse,
  QueryColumns: queryColumnsResponse,
  QueryRows: queryRowsResponse,
  ResolveNames: resolveNamesResponse,
  ResortRestriction: resortRestrictionResponse,
  SeekEntries: seekEntriesResponse,
  UpdateStat: updateStatResponse,
  GetMailboxUrl: getMailboxUrlResponse,
  GetAddressBookUrl: getAddressBookUrlResponse,
};
