/**
 * [MS-OXCDATA] value layer shared by the ROP and NSPI decoders: property
 * tags, types, values, rows, restrictions, ids, names, error codes.
 */
export {
  PropertyType,
  MV_FLAG,
  MVI_FLAG,
  propertyTag,
  nspiPropertyTag,
  propertyTagName,
  nspiPropertyTagName,
  propertyTypeName,
  propertyTypeField,
  propertyIdField,
  describeTag,
  tagNaming,
  tagId,
  tagType,
  makeTag,
} from './types.js';
export {
  canonicalTagName,
  addressBookTagName,
  canonicalTagEntries,
  addressBookTagEntries,
  tagIdByName,
} from './proptag-names.js';
export { errorCode, errorCodeName, errorCodeSpecName, knownErrorName } from './errors.js';
export {
  type Width,
  type ValueOptions,
  type ColumnsSpec,
  type UnknownRow,
  NO_COLUMNS,
  FlaggedFlag,
  propertyValue,
  valueOfType,
  nspiHasValueType,
  hasValue,
  countedBytes,
  countedArray,
  taggedPropertyValue,
  taggedPropertyValueCodec,
  typedPropertyValue,
  typedPropertyValueCodec,
  flaggedPropertyValue,
  flaggedPropertyValueWithType,
  taggedPropertyValueArray,
  propertyRow,
  propertyRowSet,
  propertyProblem,
  rowValueType,
  contextUnavailable,
  encodeValue,
} from './values.js';
export { RestrictType, RelOp, FuzzyLevelLow, FuzzyLevelHighBits, sortOrder, sortOrderSet } from './restriction.js';
export { ActionType } from './ruleaction.js';
export { restriction, restrictionCodec, ruleActionCodec } from './values.js';
export {
  type IdValue,
  folderId,
  messageId,
  globalCounter,
  globalId,
  longTermId,
  idToString,
  idToU64,
  idFromU64,
  folderEntryId,
  messageEntryId,
  abEntryId,
  oneOffEntryId,
  PROVIDER_UID_ADDRESS_BOOK,
  PROVIDER_UID_ONE_OFF,
  EntryIdType,
} from './ids.js';
export { entryIdCodecFor, annotateEntryIdData } from './entryid-detect.js';
export {
  propertyName,
  namedPropertyName,
  propertySetName,
  describePropertyName,
  PropertySet,
  PropertyNameKind,
} from './named.js';
export { recipientRow, recipientFlags, RecipientFlagBits, RecipientAddressType } from './recipient.js';

import { ruleActionCodec } from './values.js';
/** PtypRuleAction in ROP context. */
export const ruleAction = ruleActionCodec('rop');
export {
  type CodePageInUse,
  codePageName,
  knownCodePage,
  decodeString8,
  encodeInCodePage,
  string8Z,
} from './codepage.js';
