/**
 * Property ROPs: [MS-OXCROPS] 2.2.8, semantics [MS-OXCPRPT] 2.2.1–2.2.13 and
 * 2.2.23 (RopProgress).

 */
import { type FieldDef, array, bool8, field, guid, sized, u16, u16hex, u32, u8 } from '../../codec/index.js';
import { propertyName, propertyRow, taggedPropertyValue } from '../oxcdata/index.js';
import { type Resolved, contextual, pairedRequest } from './context.js';
import {
  NULL_DESTINATION,
  countedList,
  flags8,
  nullDestination,
  problemList,
  tagList,
  taggedValueList,
} from './common.js';
import { type RopDefinition, defineRop } from './define.js';

// ---------------------------------------------------------------------------
// Definitions

const Bool16 = u16;

/** [MS-OXCROPS] 2.2.8.3: the row carries no tags; its columns are the paired request's PropertyTags. */
export const ropGetPropertiesSpecific = defineRop({
  id: 0x07,
  name: 'RopGetPropertiesSpecific',
  specRef: 'MS-OXCROPS 2.2.8.3',
  doc: 'Reads the values of the given properties of an object.',
  request: [
    field('PropertySizeLimit', u16, { doc: 'Largest value size the client accepts; 0 means no explicit limit.' }),
    field('WantUnicode', Bool16, { doc: 'Non-zero: return string values in Unicode (2-byte Boolean).' }),
    ...tagList('PropertyTagCount', 'PropertyTags', 'The properties to read, in the order of the row.'),
  ],
  response: [
    field(
      'RowData',
      contextual(
        'PropertyRow',
        (scope, env): Resolved<readonly number[]> => {
          const q = pairedRequest(scope, env);
          const tags = q?.PropertyTags as readonly number[] | undefined;
          return q?.RopId === ropGetPropertiesSpecific.id && tags
            ? { ok: true, value: tags }
            : { ok: false, reason: 'the paired RopGetPropertiesSpecific request (its PropertyTags) is not known' };
        },
        (tags) => propertyRow(tags),
      ),
      { doc: 'A PropertyRow over the requested tags ([MS-OXCDATA] 2.8.1).' },
    ),
  ],
});

/** [MS-OXCROPS] 2.2.8.4 */
export const ropGetPropertiesAll = defineRop({
  id: 0x08,
  name: 'RopGetPropertiesAll',
  specRef: 'MS-OXCROPS 2.2.8.4',
  doc: 'Reads every property of an object.',
  request: [
    field('PropertySizeLimit', u16, { doc: 'Largest value size the client accepts; 0 means no explicit limit.' }),
    field('WantUnicode', Bool16, { doc: 'Non-zero: return string values in Unicode (2-byte Boolean).' }),
  ],
  response: taggedValueList(),
});

/** [MS-OXCROPS] 2.2.8.5 */
export const ropGetPropertiesList = defineRop({
  id: 0x09,
  name: 'RopGetPropertiesList',
  specRef: 'MS-OXCROPS 2.2.8.5',
  doc: 'Lists the tags of every property set on an object.',
  request: [],
  response: tagList(),
});

/**
 * PropertyValueSize(2) · PropertyValueCount(2) · PropertyValues: the size
 * counts the count field and the values ([MS-OXCROPS] 2.2.8.6.1), so the
 * values are decoded inside a window of PropertyValueSize − 2 bytes.
 */
const setPropertiesRequest = (): FieldDef[] => [
  field('PropertyValueSize', u16, {
    derive: (_v, h) => 2 + h.sizeOf('PropertyValues'),
    doc: 'Bytes of PropertyValueCount and PropertyValues together.',
  }),
  field('PropertyValueCount', u16, {
    derive: (v) => (v.PropertyValues as unknown[]).length,
    doc: 'Number of entries in PropertyValues.',
  }),
  field(
    'PropertyValues',
    sized(
      array(taggedPropertyValue, 'PropertyValueCount', { item: 'TaggedPropertyValue' }),
      (s) => s.num('PropertyValueSize') - 2,
    ),
    { doc: 'The values to set, each with its tag.' },
  ),
];

/** [MS-OXCROPS] 2.2.8.6 */
export const ropSetProperties = defineRop({
  id: 0x0a,
  name: 'RopSetProperties',
  specRef: 'MS-OXCROPS 2.2.8.6',
  doc: 'Sets property values on an object.',
  request: setPropertiesRequest(),
  response: problemList(),
});

/** [MS-OXCROPS] 2.2.8.7 */
export const ropSetPropertiesNoReplicate = defineRop({
  id: 0x79,
  name: 'RopSetPropertiesNoReplicate',
  specRef: 'MS-OXCROPS 2.2.8.7',
  doc: 'Sets property values on an object without replicating the change.',
  request: setPropertiesRequest(),
  response: problemList(),
});

/** [MS-OXCROPS] 2.2.8.8 */
export const ropDeleteProperties = defineRop({
  id: 0x0b,
  name: 'RopDeleteProperties',
  specRef: 'MS-OXCROPS 2.2.8.8',
  doc: 'Deletes properties from an object.',
  request: tagList('PropertyTagCount', 'PropertyTags', 'The properties to delete.'),
  response: problemList(),
});

/** [MS-OXCROPS] 2.2.8.9 */
export const ropDeletePropertiesNoReplicate = defineRop({
  id: 0x7a,
  name: 'RopDeletePropertiesNoReplicate',
  specRef: 'MS-OXCROPS 2.2.8.9',
  doc: 'Deletes properties from an object without replicating the change.',
  request: tagList('PropertyTagCount', 'PropertyTags', 'The properties to delete.'),
  response: problemList(),
});

const CopyPropertiesFlags = { Move: 0x01, NoOverwrite: 0x02 };

/** [MS-OXCROPS] 2.2.8.11 */
export const ropCopyProperties = defineRop({
  id: 0x67,
  name: 'RopCopyProperties',
  specRef: 'MS-OXCROPS 2.2.8.11',
  handles: 'src-dst',
  doc: 'Copies or moves the given properties from one object to another.',
  request: [
    field('WantAsynchronous', bool8, { doc: 'Whether the server may answer with RopProgress.' }),
    field('CopyFlags', flags8(CopyPropertiesFlags), { doc: 'Move and NoOverwrite flags ([MS-OXCPRPT] 2.2.10.1).' }),
    ...tagList('PropertyTagCount', 'PropertyTags', 'The properties to copy.'),
  ],
  response: problemList(),
  responseFor: { [NULL_DESTINATION]: nullDestination() },
});

/** [MS-OXCROPS] 2.2.8.12 */
export const ropCopyTo = defineRop({
  id: 0x39,
  name: 'RopCopyTo',
  specRef: 'MS-OXCROPS 2.2.8.12',
  handles: 'src-dst',
  doc: 'Copies or moves every property of an object, except the excluded ones, to another object.',
  request: [
    field('WantAsynchronous', bool8, { doc: 'Whether the server may answer with RopProgress.' }),
    field('WantSubObjects', bool8, {
      doc: 'Whether sub-objects (recipients, attachments, subfolders) are copied too.',
    }),
    field('CopyFlags', flags8(CopyPropertiesFlags), { doc: 'Move and NoOverwrite flags ([MS-OXCPRPT] 2.2.11.1).' }),
    ...tagList('ExcludedTagCount', 'ExcludedTags', 'Properties not to copy.'),
  ],
  response: problemList(),
  responseFor: { [NULL_DESTINATION]: nullDestination() },
});

/** [MS-OXCROPS] 2.2.8.13: also what the server sends instead of the response of an asynchronous ROP still running. */
export const ropProgress = defineRop({
  id: 0x50,
  name: 'RopProgress',
  specRef: 'MS-OXCROPS 2.2.8.13',
  doc: 'Reports the progress of an asynchronous operation, or cancels it.',
  request: [field('WantCancel', bool8, { doc: 'Whether the client asks to cancel the operation.' })],
  response: [
    field('LogonId', u8, { doc: 'The logon the operation runs on.' }),
    field('CompletedTaskCount', u32, { doc: 'Tasks done so far.' }),
    field('TotalTaskCount', u32, { doc: 'Tasks in total.' }),
  ],
});

const propertyIdCodec = u16hex;

/** [MS-OXCROPS] 2.2.8.1 */
export const ropGetPropertyIdsFromNames = defineRop({
  id: 0x56,
  name: 'RopGetPropertyIdsFromNames',
  specRef: 'MS-OXCROPS 2.2.8.1',
  doc: 'Maps named properties to the property ids of this logon, optionally creating the mapping.',
  request: [
    field('Flags', flags8({ Create: 0x02 }), {
      doc: '0x02: create ids for names that have none ([MS-OXCPRPT] 2.2.12.1).',
    }),
    ...countedList('PropertyNameCount', 'PropertyNames', propertyName, 'PropertyName', { doc: 'The names to map.' }),
  ],
  response: countedList('PropertyIdCount', 'PropertyIds', propertyIdCodec, 'PropertyId', {
    doc: 'One id per requested name; 0x0000 when not mapped.',
  }),
  // ecWarnWithErrors ([MS-OXCDATA] 2.4.3) keeps the success layout: some names were not mapped.
  responseFor: { 0x00040380: 'success' },
});

/** [MS-OXCROPS] 2.2.8.2 */
export const ropGetNamesFromPropertyIds = defineRop({
  id: 0x55,
  name: 'RopGetNamesFromPropertyIds',
  specRef: 'MS-OXCROPS 2.2.8.2',
  doc: 'Maps property ids of this logon back to their property names.',
  request: countedList('PropertyIdCount', 'PropertyIds', propertyIdCodec, 'PropertyId', { doc: 'The ids to look up.' }),
  // [MS-OXCPRPT] 3.2.5.9: ids without a name come back as Kind 0xFF.
  response: countedList('PropertyNameCount', 'PropertyNames', propertyName, 'PropertyName', {
    doc: 'One name per requested id.',
  }),
});

const QueryFlags = { NoStrings: 0x01, NoIds: 0x02 };

/** [MS-OXCROPS] 2.2.8.10: the ids come first, then as many names. */
export const ropQueryNamedProperties = defineRop({
  id: 0x5f,
  name: 'RopQueryNamedProperties',
  specRef: 'MS-OXCROPS 2.2.8.10',
  doc: 'Lists the named properties mapped on an object, optionally those of one property set.',
  request: [
    field('QueryFlags', flags8(QueryFlags), {
      doc: 'NoStrings 0x01 leaves out string names, NoIds 0x02 numeric ones.',
    }),
    field('HasGuid', bool8, { doc: 'Whether PropertyGuid follows.' }),
    field('PropertyGuid', guid, { when: (s) => s.num('HasGuid') !== 0, doc: 'Only names of this property set.' }),
  ],
  response: [
    field('IdCount', u16, { derive: (v) => (v.PropertyIds as unknown[]).length, doc: 'Number of ids and of names.' }),
    field('PropertyIds', array(propertyIdCodec, 'IdCount', { item: 'PropertyId' }), {
      doc: 'The mapped property ids.',
    }),
    field('PropertyNames', array(propertyName, 'IdCount', { item: 'PropertyName' }), {
      doc: 'The name of each id, in the same order.',
    }),
  ],
});

export const propertyRops: readonly RopDefinition[] = [
  ropGetPropertyIdsFromNames,
  ropGetNamesFromPropertyIds,
  ropQueryNamedProperties,
  ropGetPropertiesSpecific,
  ropGetPropertiesAll,
  ropGetPropertiesList,
  ropSetProperties,
  ropSetPropertiesNoReplicate,
  ropDeleteProperties,
  ropDeletePropertiesNoReplicate,
  ropCopyProperties,
  ropCopyTo,
  ropProgress,
];
