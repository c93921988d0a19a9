/**
 * [MS-OXCNOTIF] 2.2.1.4.1.2 NotificationData, the body of RopNotify: every field after
 * NotificationFlags is conditional; a TableModified row is decoded over the columns of
 * the table it is about. A structure, not a ROP family: the families take it through
 * common.ts.
 */
import {
  type Codec,
  type DecodeEnv,
  type EncodeEnv,
  type Scope,
  type StructValue,
  array,
  asciiZ,
  bool8,
  enumOf,
  field,
  flagsOf as flagsOfCodec,
  hex,
  sized,
  struct,
  switchOn,
  u16,
  u32,
  utf16Z,
} from '../../codec/index.js';
import { propertyRow, propertyTag } from '../oxcdata/index.js';
import { folderId as folderIdCodec, messageId as messageIdCodec } from '../oxcdata/ids.js';
import { type Resolved, contextEffectOf, contextual, sessionOf, siteOf } from './context.js';

const flags32 = (bits: Readonly<Record<string, number>>): Codec<number> => flagsOfCodec(u32, bits);

/** [MS-OXCNOTIF] 2.2.1.1 notification types (the low 12 bits of NotificationFlags). */
export const NotificationTypeBits = {
  NewMail: 0x0002,
  ObjectCreated: 0x0004,
  ObjectDeleted: 0x0008,
  ObjectModified: 0x0010,
  ObjectMoved: 0x0020,
  ObjectCopied: 0x0040,
  SearchCompleted: 0x0080,
  TableModified: 0x0100,
  Extended: 0x0400,
};

/** High bits of NotificationFlags ([MS-OXCNOTIF] 2.2.1.4.1.2). */
const FLAG_T = 0x1000; // TotalMessageCount present
const FLAG_U = 0x2000; // UnreadMessageCount present
const FLAG_S = 0x4000; // the object is in a search folder
const FLAG_M = 0x8000; // the notification is about a message, not a folder
const TABLE_MODIFIED = 0x0100;
const EXTENDED = 0x0400;

/** [MS-OXCNOTIF] 2.2.1.4.1.2 TableEventType. */
export const TableEventType: Readonly<Record<number, string>> = {
  0x0001: 'TableChanged',
  0x0003: 'TableRowAdded',
  0x0004: 'TableRowDeleted',
  0x0005: 'TableRowModified',
  0x0007: 'TableRestrictionChanged',
};

const notificationFlags: Codec<number> = {
  ...u16,
  kind: 'NotificationFlags',
  decode(r, name, scope, env) {
    const d = u16.decode(r, name, scope, env);
    const v = d.value;
    const type = v & 0x0fff;
    const typeName = Object.entries(NotificationTypeBits).find(([, b]) => b === type)?.[0] ?? `type ${hex(type, 4)}`;
    const high = (
      [
        ['T', FLAG_T],
        ['U', FLAG_U],
        ['S', FLAG_S],
        ['M', FLAG_M],
      ] as const
    )
      .filter(([, b]) => v & b)
      .map(([n]) => n);
    d.node.display = `${hex(v, 4)} (${typeName}${high.length ? ` | ${high.join(' | ')}` : ''})`;
    return d;
  },
};

const typeOf = (s: Scope): number => s.num('NotificationFlags') & 0x0fff;
const flagsOf = (s: Scope): number => s.num('NotificationFlags');
const isTable = (s: Scope) => typeOf(s) === TABLE_MODIFIED;
const event = (s: Scope) => (isTable(s) ? s.num('TableEventType') : 0);
const rowEvent = (s: Scope) => [3, 4, 5].includes(event(s));
const rowDataEvent = (s: Scope) => [3, 5].includes(event(s));
const aboutMessage = (s: Scope) => (flagsOf(s) & FLAG_M) !== 0;
const objectType = (s: Scope) => [0x0004, 0x0008, 0x0020, 0x0040].includes(typeOf(s));
const moveOrCopy = (s: Scope) => [0x0020, 0x0040].includes(typeOf(s));
const hasTagCount = (s: Scope) => [0x0004, 0x0010].includes(typeOf(s));

/**
 * Columns of the table a TableModified notification is about: the table is the
 * one whose server handle is NotificationHandle. Looked up, in order, in the
 * decode context (`columns`), the same Execute (a RopSetColumns on the handle
 * index that holds this handle) and the session model.
 */
function notifiedTableColumns(scope: Scope, env: DecodeEnv | EncodeEnv): Resolved<readonly number[]> {
  const explicit = env.context.columns as readonly number[] | undefined;
  if (explicit) return { ok: true, value: explicit };
  const h = scope.get('NotificationHandle');
  if (typeof h !== 'number') return { ok: false, reason: 'no NotificationHandle to find the table by' };
  const site = siteOf(scope);
  if (site) {
    const tables = [site.responseHandles ?? [], site.requestHandles];
    const indexes = new Set<number>();
    for (const t of tables) t.forEach((x, i) => x === h && indexes.add(i));
    for (let i = site.requests.length - 1; i >= 0; i--) {
      const q = site.requests[i];
      if (!q || contextEffectOf(q) !== 'setsColumns' || !indexes.has(q.InputHandleIndex as number)) continue;
      const resp = site.responses?.get(i);
      if (resp && resp.ReturnValue !== 0) continue;
      return { ok: true, value: q.PropertyTags as readonly number[] };
    }
  }
  const cols = sessionOf(env)?.columnsForHandle(h);
  return cols
    ? { ok: true, value: cols }
    : {
        ok: false,
        reason: `columns of the table with handle ${hex(h, 8)} are not known (no RopSetColumns seen for it)`,
      };
}

const tableRowData = contextual('PropertyRow', notifiedTableColumns, (cols) => propertyRow(cols));

/** [MS-OXCNOTIF] 2.2.1.4.1.2 NotificationData: every field after NotificationFlags is conditional. */
export const notificationData: Codec<StructValue> = struct(
  'NotificationData',
  [
    field('NotificationFlags', notificationFlags, { doc: 'Notification type (low 12 bits) and the T, U, S, M flags.' }),
    field('TableEventType', enumOf(u16, TableEventType), { when: isTable, doc: 'What happened to the table.' }),
    field('TableRowFolderID', folderIdCodec, { when: rowEvent, doc: 'Folder id of the changed row.' }),
    field('TableRowMessageID', messageIdCodec, {
      when: (s) => rowEvent(s) && aboutMessage(s),
      doc: 'Message id of the changed row.',
    }),
    field('TableRowInstance', u32, {
      when: (s) => rowEvent(s) && aboutMessage(s),
      doc: 'Instance number of the changed row.',
    }),
    field('InsertAfterTableRowFolderID', folderIdCodec, { when: rowDataEvent, doc: 'Folder id of the row before it.' }),
    field('InsertAfterTableRowID', messageIdCodec, {
      when: (s) => rowDataEvent(s) && aboutMessage(s),
      doc: 'Message id of the row before it.',
    }),
    field('InsertAfterTableRowInstance', u32, {
      when: (s) => rowDataEvent(s) && aboutMessage(s),
      doc: 'Instance number of the row before it.',
    }),
    field('TableRowDataSize', u16, {
      when: rowDataEvent,
      derive: (_v, h) => h.sizeOf('TableRowData'),
      doc: 'Size of TableRowData.',
    }),
    field('TableRowData', sized(tableRowData, 'TableRowDataSize'), {
      when: rowDataEvent,
      doc: 'The new row, over the columns set on the notifying table (a PropertyRow, [MS-OXCDATA] 2.8.1).',
    }),
    field('FolderId', folderIdCodec, {
      when: (s) => typeOf(s) !== TABLE_MODIFIED && typeOf(s) !== EXTENDED,
      doc: 'The folder, or the folder of the message.',
    }),
    field('MessageId', messageIdCodec, {
      when: (s) => typeOf(s) !== TABLE_MODIFIED && typeOf(s) !== EXTENDED && aboutMessage(s),
      doc: 'The message.',
    }),
    field('ParentFolderId', folderIdCodec, {
      // Folders (S and M clear) and messages in search folders (S and M set).
      when: (s) =>
        objectType(s) &&
        ((flagsOf(s) & (FLAG_S | FLAG_M)) === 0 || (flagsOf(s) & (FLAG_S | FLAG_M)) === (FLAG_S | FLAG_M)),
      doc: 'Parent folder of the object.',
    }),
    field('OldFolderId', folderIdCodec, { when: moveOrCopy, doc: 'The folder before the move or copy.' }),
    field('OldMessageId', messageIdCodec, {
      when: (s) => moveOrCopy(s) && aboutMessage(s),
      doc: 'The message before the move or copy.',
    }),
    field('OldParentFolderId', folderIdCodec, {
      when: (s) => moveOrCopy(s) && !aboutMessage(s),
      doc: 'Parent folder before the move or copy.',
    }),
    field('TagCount', u16, {
      when: hasTagCount,
      derive: (v) => ((v.Tags as unknown[] | undefined) ?? []).length,
      doc: 'Number of Tags; 0xFFFF or 0 means none are listed.',
    }),
    field('Tags', array(propertyTag, 'TagCount', { item: 'PropertyTag' }), {
      when: (s) => hasTagCount(s) && s.num('TagCount') !== 0 && s.num('TagCount') !== 0xffff,
      doc: 'Properties created or changed.',
    }),
    field('TotalMessageCount', u32, { when: (s) => (flagsOf(s) & FLAG_T) !== 0, doc: 'Messages in the folder.' }),
    field('UnreadMessageCount', u32, {
      when: (s) => (flagsOf(s) & FLAG_U) !== 0,
      doc: 'Unread messages in the folder.',
    }),
    field(
      'MessageFlags',
      flags32({
        MSGFLAG_READ: 0x1,
        MSGFLAG_UNMODIFIED: 0x2,
        MSGFLAG_SUBMIT: 0x4,
        MSGFLAG_UNSENT: 0x8,
        MSGFLAG_HASATTACH: 0x10,
      }),
      {
        when: (s) => typeOf(s) === 0x0002,
        doc: 'PidTagMessageFlags of the new message.',
      },
    ),
    field('UnicodeFlag', bool8, { when: (s) => typeOf(s) === 0x0002, doc: 'Whether MessageClass is UTF-16.' }),
    field(
      'MessageClass',
      switchOn('MessageClass', (s) => (s.num('UnicodeFlag') ? 1 : 0), { 1: utf16Z, 0: asciiZ }),
      { when: (s) => typeOf(s) === 0x0002, doc: 'Message class of the new message.' },
    ),
  ],
  {
    summary: (v) => {
      const f = v.NotificationFlags as number;
      const n = Object.entries(NotificationTypeBits).find(([, b]) => b === (f & 0x0fff))?.[0] ?? hex(f, 4);
      const ev = v.TableEventType as number | undefined;
      return ev !== undefined ? `${n}: ${TableEventType[ev] ?? hex(ev, 4)}` : n;
    },
  },
);
