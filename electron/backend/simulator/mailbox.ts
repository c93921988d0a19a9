/**
 * Scripted mailbox: answers the common ROPs from a small in-memory store
 * (mailbox-store.ts) so a live client can log on, open folders, read hierarchy,
 * contents and rules tables (RopSetColumns + RopQueryRows), get and set
 * properties, and create, save, open and delete folders, messages and rules
 * with ids the store assigns.
 *
 * Requests are decoded and responses encoded by the ROP definitions
 * (shared/protocol/rops, `defineRop`); nothing here lays out ROP bytes.
 * Semantics: [MS-OXCSTOR] 2.2.1.1 RopLogon, [MS-OXCFOLD] 2.2.1 folders (open,
 * create, delete, delete messages, hierarchy and contents tables), [MS-OXCMSG]
 * 2.2.3 messages (create, save, open), [MS-OXCTABL] 2.2.2 tables, [MS-OXCPRPT]
 * 2.2.2 properties, [MS-OXORULE] 2.2.1 rules (RopModifyRules, RopGetRulesTable),
 * [MS-OXCROPS] 2.2.15.3 RopRelease. Every other ROP is answered too, with
 * ecNotSupported ([MS-OXCROPS] 3.2.5.2: each request ROP but RopRelease gets a
 * response, in order), and counted in stats as unsupported. Only a ROP the
 * shared decoders cannot delimit ends the buffer (the start of the next one is
 * unknowable).
 */
import { type StructValue, decode, encode, collectErrors } from '../../../shared/codec/index.js';
import {
  type RopPayload,
  buildBindResponse,
  buildConnectResponse,
  buildExecuteResponse,
  buildFailureBody,
  connectRequest,
  parseExecuteRequest,
} from './bodies.js';
import type { DecodeContext } from '../../../shared/codec/index.js';
import { dnToMIdRequest, dnToMIdResponse } from '../../../shared/protocol/nspi/index.js';
import { type IdValue, idFromU64, idToU64 } from '../../../shared/protocol/oxcdata/ids.js';
import { ropRequestBuffer } from '../../../shared/protocol/rops/buffer.js';
import type { RequestOf, ResponseOf, RopDefinition } from '../../../shared/protocol/rops/define.js';
import {
  DeleteFolderFlags,
  ropCreateFolder,
  ropDeleteFolder,
  ropDeleteMessages,
  ropGetContentsTable,
  ropGetHierarchyTable,
  ropHardDeleteMessages,
  ropOpenFolder,
} from '../../../shared/protocol/rops/folder.js';
import { RESPONSE_INDEX } from '../../../shared/protocol/rops/header.js';
import { ropCreateMessage, ropOpenMessage, ropSaveChangesMessage } from '../../../shared/protocol/rops/message.js';
import { ropGetPropertiesSpecific, ropSetProperties } from '../../../shared/protocol/rops/property.js';
import { ropsById } from '../../../shared/protocol/rops/registry.js';
import { RuleDataFlags, ropGetRulesTable, ropModifyRules } from '../../../shared/protocol/rops/rule.js';
import { ropRelease } from '../../../shared/protocol/rops/special.js';
import { LogonFlags, PRIVATE_FOLDER_NAMES, ropLogon } from '../../../shared/protocol/rops/store.js';
import { ropQueryRows, ropSetColumns } from '../../../shared/protocol/rops/table.js';
import { ErrorCodes, type MailboxStore, MailboxStore as Store, PropTag, type PropValue } from './mailbox-store.js';
import { propertyRowValue } from './mailbox-rows.js';
import type { SessionContext } from './sessions.js';
import type { Responder, SimAnswer, SimRequest } from './types.js';

export {
  ErrorCodes,
  MailboxStore,
  PropTag,
  makeFid,
  type MailboxFolder,
  type MailboxMessage,
  type MailboxRule,
  type PropValue,
} from './mailbox-store.js';

type TableKind = 'hierarchy' | 'contents' | 'rules';

type MailboxObject =
  | { kind: 'logon'; logonId: number }
  | { kind: 'folder'; fid: bigint }
  /** A message open or being created; `props` are committed by RopSaveChangesMessage ([MS-OXCMSG] 3.2.5.3). */
  | { kind: 'message'; fid: bigint; mid: bigint; props: Map<number, PropValue> }
  | { kind: 'table'; of: TableKind; fid: bigint; columns?: number[]; cursor: number };

interface MailboxState {
  objects: Map<number, MailboxObject>;
  nextHandle: number;
}

/** One ROP's call: the Execute's handle table (output handles are written into it) and the context's objects. */
interface RopCall {
  handles: number[];
  st: MailboxState;
}
type Handler = (q: StructValue, c: RopCall) => Uint8Array | undefined;

const NO_HANDLE = 0xffffffff;
const asU64 = (v: unknown): bigint => idToU64(v as IdValue);

export class MailboxResponder implements Responder {
  readonly mode = 'mailbox' as const;
  private counts = { executes: 0, rops: 0, unsupportedRops: 0, ropErrors: 0 };
  private readonly handlers = new Map<number, Handler>();

  constructor(readonly store: MailboxStore = new Store()) {
    this.script();
  }

  stats(): Record<string, number> {
    return { ...this.counts };
  }

  private state(ctx: SessionContext): MailboxState {
    let s = ctx.state.mailbox as MailboxState | undefined;
    if (!s) ctx.state.mailbox = s = { objects: new Map(), nextHandle: (ctx.id << 16) | 1 };
    return s;
  }

  answer(req: SimRequest, ctx: SessionContext): SimAnswer {
    if (req.type === 'Connect') {
      const d = decode(connectRequest, req.body);
      if (!d.value) return { body: buildFailureBody(0x000006bb), source: 'mailbox: malformed Connect' };
      return { body: buildConnectResponse(this.store.displayName), source: 'mailbox' };
    }
    if (req.type === 'Bind')
      return { body: buildBindResponse('5f3c9a10-7b2e-4d11-9a6b-0c1d2e3f4a5b'), source: 'mailbox' };
    if (req.type === 'Execute') return this.execute(req, ctx);
    if (req.type === 'DNToMId') return this.dnToMId(req);
    // Address book data requests are outside the scripted mailbox: answer the failure layout.
    return { body: buildFailureBody(0x80040102), source: `mailbox: ${req.type} not scripted` };
  }

  /** [MS-OXCMAPIHTTP] 2.2.5.4: every DN resolves to a Minimal Entry ID of its own ([MS-OXNSPI] 2.2.9.1). */
  private dnToMId(req: SimRequest): SimAnswer {
    const d = decode(dnToMIdRequest, req.body);
    if (!d.value || collectErrors(d.tree).length)
      return { body: buildFailureBody(0x80070057), source: 'mailbox: malformed DNToMId' };
    const names = ((d.value.Names as StructValue | undefined)?.Strings as string[] | undefined) ?? [];
    const ids = names.map((n, i) => (n ? 0x10 + i : 0));
    return {
      body: encode(dnToMIdResponse, { StatusCode: 0, ErrorCode: 0, MinimalIds: ids, AuxiliaryBuffer: [] }),
      source: 'mailbox',
    };
  }

  private execute(req: SimRequest, ctx: SessionContext): SimAnswer {
    this.counts.executes++;
    const parsed = parseExecuteRequest(req.body);
    if (!parsed)
      return { body: new Uint8Array(0), lateResponseCode: 12, source: 'mailbox: Execute body does not parse' };
    const st = this.state(ctx);
    const out: RopPayload[] = [];
    for (const p of parsed.payloads) {
      const handles = [...p.handles];
      out.push({ rops: this.runRops(requestRops(p.rops), { handles, st }), handles });
    }
    return { body: buildExecuteResponse(out), source: 'mailbox' };
  }

  /** Answers the decoded request ROPs in order; a ROP the decoders could not delimit ends the list. */
  private runRops(requests: readonly StructValue[], call: RopCall): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const q of requests) {
      this.counts.rops++;
      const def = q.Undecoded === undefined ? ropsById.get(q.RopId as number) : undefined;
      if (!def) {
        this.counts.unsupportedRops++;
        break;
      }
      const handler = this.handlers.get(def.id);
      if (handler) {
        const r = handler(q, call);
        if (r) parts.push(r);
        continue;
      }
      this.counts.unsupportedRops++;
      if (!def.response) continue;
      this.counts.ropErrors++;
      const idx = q[RESPONSE_INDEX[def.handles]];
      parts.push(ropResponse(def, typeof idx === 'number' ? idx : 0, ErrorCodes.NoSupport));
    }
    let n = 0;
    for (const p of parts) n += p.length;
    const rops = new Uint8Array(n);
    n = 0;
    for (const p of parts) {
      rops.set(p, n);
      n += p.length;
    }
    return rops;
  }

  /** Registers the handler of one ROP, typed by its definition. */
  private on<Q, R>(def: RopDefinition<Q, R>, h: (q: Q, c: RopCall) => Uint8Array | undefined): void {
    this.handlers.set(def.id, h as unknown as Handler);
  }

  private obj(c: RopCall, idx: number): MailboxObject | undefined {
    const h = c.handles[idx];
    return h === undefined || h === NO_HANDLE ? undefined : c.st.objects.get(h);
  }

  private put(c: RopCall, idx: number, o: MailboxObject): void {
    const h = c.st.nextHandle++;
    c.st.objects.set(h, o);
    while (c.handles.length <= idx) c.handles.push(NO_HANDLE);
    c.handles[idx] = h;
  }

  private fail<Q, R>(def: RopDefinition<Q, R>, idx: number, code: number): Uint8Array {
    this.counts.ropErrors++;
    return ropResponse(def, idx, code);
  }

  /** The folder an object stands for: a folder, or the mailbox root for a logon. */
  private folderOf(o: MailboxObject | undefined): bigint | undefined {
    if (o?.kind === 'folder') return o.fid;
    if (o?.kind === 'logon') return this.store.specialFolders[0];
    return undefined;
  }

  private script(): void {
    const s = this.store;

    this.on(ropLogon, (q, c) => {
      const out = q.OutputHandleIndex;
      this.put(c, out, { kind: 'logon', logonId: q.LogonId });
      const ids = s.specialFolders.map(idFromU64);
      const d = new Date();
      const fields =
        q.LogonFlags & LogonFlags.Private
          ? {
              LogonFlags: q.LogonFlags,
              FolderIds: Object.fromEntries(PRIVATE_FOLDER_NAMES.map((n, i) => [n, ids[i]!])),
              ResponseFlags: 0x01 | 0x02 | 0x04,
              MailboxGuid: s.mailboxGuid,
              ReplId: 1,
              ReplGuid: s.replGuid,
              LogonTime: {
                Seconds: d.getUTCSeconds(),
                Minutes: d.getUTCMinutes(),
                Hour: d.getUTCHours(),
                DayOfWeek: d.getUTCDay(),
                Day: d.getUTCDate(),
                Month: d.getUTCMonth() + 1,
                Year: d.getUTCFullYear(),
              },
              GwartTime: 0n,
              StoreState: 0,
            }
          : {
              LogonFlags: q.LogonFlags,
              FolderIds: ids,
              ReplId: 1,
              ReplGuid: s.replGuid,
              PerUserGuid: '00000000-0000-0000-0000-000000000000',
            };
      return ropResponse(ropLogon, out, 0, fields as Partial<ResponseOf<typeof ropLogon>>, { ropRequest: q });
    });

    this.on(ropRelease, (q, c) => {
      const h = c.handles[q.InputHandleIndex];
      if (h !== undefined) c.st.objects.delete(h);
      return undefined; // RopRelease has no response
    });

    this.on(ropOpenFolder, (q, c) => {
      const out = q.OutputHandleIndex;
      if (!this.obj(c, q.InputHandleIndex)) return this.fail(ropOpenFolder, out, ErrorCodes.NullObject);
      const fid = asU64(q.FolderId);
      const f = s.folders.get(fid);
      if (!f) return this.fail(ropOpenFolder, out, ErrorCodes.NotFound);
      this.put(c, out, { kind: 'folder', fid });
      return ropResponse(ropOpenFolder, out, 0, { HasRules: f.rules.length ? 1 : 0, IsGhosted: 0 });
    });

    const table = (
      def: typeof ropGetHierarchyTable | typeof ropGetContentsTable | typeof ropGetRulesTable,
      of: TableKind,
    ) =>
      this.on(def, (q: RequestOf<typeof ropGetHierarchyTable>, c) => {
        const out = q.OutputHandleIndex;
        const f = this.obj(c, q.InputHandleIndex);
        if (!f) return this.fail(def, out, ErrorCodes.NullObject);
        if (f.kind !== 'folder') return this.fail(def, out, ErrorCodes.NoSupport);
        this.put(c, out, { kind: 'table', of, fid: f.fid, cursor: 0 });
        // [MS-OXCROPS] 2.2.11.2.2: the rules table's response has no RowCount.
        const rowCount = of === 'rules' ? {} : { RowCount: this.tableRows({ of, fid: f.fid }).length };
        return ropResponse(def as RopDefinition, out, 0, rowCount);
      });
    table(ropGetHierarchyTable, 'hierarchy');
    table(ropGetContentsTable, 'contents');
    table(ropGetRulesTable, 'rules');

    this.on(ropSetColumns, (q, c) => {
      const idx = q.InputHandleIndex;
      const t = this.obj(c, idx);
      if (!t) return this.fail(ropSetColumns, idx, ErrorCodes.NullObject);
      if (t.kind !== 'table') return this.fail(ropSetColumns, idx, ErrorCodes.NoSupport);
      t.columns = [...q.PropertyTags];
      return ropResponse(ropSetColumns, idx, 0, { TableStatus: 0 }); // TableStatus: complete
    });

    this.on(ropQueryRows, (q, c) => {
      const idx = q.InputHandleIndex;
      const t = this.obj(c, idx);
      if (!t) return this.fail(ropQueryRows, idx, ErrorCodes.NullObject);
      if (t.kind !== 'table') return this.fail(ropQueryRows, idx, ErrorCodes.NoSupport);
      if (!t.columns) return this.fail(ropQueryRows, idx, ErrorCodes.NotInitialized);
      const rows = this.tableRows(t);
      let picked: Map<number, PropValue>[];
      let next: number;
      if (q.ForwardRead) {
        picked = rows.slice(t.cursor, t.cursor + q.RowCount);
        next = t.cursor + picked.length;
      } else {
        const from = Math.max(0, t.cursor - q.RowCount);
        picked = rows.slice(from, t.cursor).reverse();
        next = from;
      }
      if ((q.QueryRowsFlags & 0x01) === 0) t.cursor = next; // NoAdvance ([MS-OXCTABL] 2.2.2.1.1)
      const columns = t.columns;
      return ropResponse(
        ropQueryRows,
        idx,
        0,
        {
          Origin: next >= rows.length ? 2 : next === 0 ? 0 : 1,
          RowData: picked.map((row) => propertyRowValue(columns, row)),
        },
        { columns },
      );
    });

    this.on(ropGetPropertiesSpecific, (q, c) => {
      const idx = q.InputHandleIndex;
      const o = this.obj(c, idx);
      if (!o) return this.fail(ropGetPropertiesSpecific, idx, ErrorCodes.NullObject);
      const row = propertyRowValue(q.PropertyTags, this.propsOf(o), q.WantUnicode !== 0);
      return ropResponse(ropGetPropertiesSpecific, idx, 0, { RowData: row }, { ropRequest: q });
    });

    this.on(ropSetProperties, (q, c) => {
      const idx = q.InputHandleIndex;
      const o = this.obj(c, idx);
      if (!o) return this.fail(ropSetProperties, idx, ErrorCodes.NullObject);
      const target = o.kind === 'folder' ? s.folders.get(o.fid)?.props : o.kind === 'message' ? o.props : undefined;
      if (!target) return this.fail(ropSetProperties, idx, ErrorCodes.NoSupport);
      for (const v of q.PropertyValues as StructValue[])
        target.set((v.PropertyTag as number) >>> 0, v.PropertyValue as PropValue);
      return ropResponse(ropSetProperties, idx, 0, { PropertyProblems: [] });
    });

    // [MS-OXCFOLD] 2.2.1.2: a subfolder of the input folder; OpenExisting opens one of the same name.
    this.on(ropCreateFolder, (q, c) => {
      const out = q.OutputHandleIndex;
      const parent = this.folderOf(this.obj(c, q.InputHandleIndex));
      if (parent === undefined) return this.fail(ropCreateFolder, out, ErrorCodes.NullObject);
      const name = String(q.DisplayName);
      const same = s.children(parent).find((f) => f.props.get(PropTag.DisplayName) === name);
      if (same && !q.OpenExisting) return this.fail(ropCreateFolder, out, ErrorCodes.DuplicateName);
      const fid = same?.fid ?? s.addFolder(parent, name);
      if (!same) {
        const f = s.folders.get(fid)!;
        if (typeof q.Comment === 'string' && q.Comment) f.props.set(PropTag.Comment, q.Comment);
        f.props.set(PropTag.FolderType, q.FolderType);
      }
      this.put(c, out, { kind: 'folder', fid });
      return ropResponse(ropCreateFolder, out, 0, {
        FolderId: idFromU64(fid),
        IsExistingFolder: same ? 1 : 0,
        ...(same ? { HasRules: same.rules.length ? 1 : 0, IsGhosted: 0 } : {}),
      });
    });

    // [MS-OXCFOLD] 2.2.1.3: only an empty folder, unless DEL_MESSAGES / DEL_FOLDERS allow its contents.
    this.on(ropDeleteFolder, (q, c) => {
      const idx = q.InputHandleIndex;
      const parent = this.folderOf(this.obj(c, idx));
      if (parent === undefined) return this.fail(ropDeleteFolder, idx, ErrorCodes.NullObject);
      const fid = asU64(q.FolderId);
      const f = s.folders.get(fid);
      if (!f || f.parent !== parent) return this.fail(ropDeleteFolder, idx, ErrorCodes.NotFound);
      const blocked =
        (f.messages.length > 0 && !(q.DeleteFolderFlags & DeleteFolderFlags.DEL_MESSAGES)) ||
        (s.children(fid).length > 0 && !(q.DeleteFolderFlags & DeleteFolderFlags.DEL_FOLDERS));
      if (!blocked) s.removeFolder(fid);
      return ropResponse(ropDeleteFolder, idx, 0, { PartialCompletion: blocked ? 1 : 0 });
    });

    // [MS-OXCFOLD] 2.2.1.11 / 2.2.1.12: messages of the input folder; one not found is a partial completion.
    for (const def of [ropDeleteMessages, ropHardDeleteMessages])
      this.on(def, (q, c) => {
        const idx = q.InputHandleIndex;
        const fid = this.folderOf(this.obj(c, idx));
        const f = fid === undefined ? undefined : s.folders.get(fid);
        if (!f) return this.fail(def, idx, ErrorCodes.NullObject);
        let missing = 0;
        for (const id of q.MessageIds as IdValue[]) {
          const mid = idToU64(id);
          const at = f.messages.findIndex((m) => m.mid === mid);
          if (at < 0) missing++;
          else f.messages.splice(at, 1);
        }
        return ropResponse(def, idx, 0, { PartialCompletion: missing ? 1 : 0 });
      });

    // [MS-OXCMSG] 3.2.5.2: the message exists once saved; its id is assigned now and returned (HasMessageId).
    this.on(ropCreateMessage, (q, c) => {
      const out = q.OutputHandleIndex;
      if (!this.obj(c, q.InputHandleIndex)) return this.fail(ropCreateMessage, out, ErrorCodes.NullObject);
      const fid = asU64(q.FolderId);
      if (!s.folders.has(fid)) return this.fail(ropCreateMessage, out, ErrorCodes.NotFound);
      const mid = s.assignId();
      const props = new Map<number, PropValue>([
        [PropTag.MessageClass, 'IPM.Note'],
        [PropTag.MessageFlags, 9],
        [PropTag.MessageSize, 0],
      ]);
      this.put(c, out, { kind: 'message', fid, mid, props });
      return ropResponse(ropCreateMessage, out, 0, { HasMessageId: 1, MessageId: idFromU64(mid) });
    });

    this.on(ropSaveChangesMessage, (q, c) => {
      const idx = q.ResponseHandleIndex;
      const m = this.obj(c, q.InputHandleIndex);
      if (!m) return this.fail(ropSaveChangesMessage, idx, ErrorCodes.NullObject);
      if (m.kind !== 'message') return this.fail(ropSaveChangesMessage, idx, ErrorCodes.NoSupport);
      if (!s.folders.has(m.fid)) return this.fail(ropSaveChangesMessage, idx, ErrorCodes.NotFound);
      s.saveMessage(m.fid, m.mid, m.props);
      return ropResponse(ropSaveChangesMessage, idx, 0, {
        InputHandleIndex: q.InputHandleIndex,
        MessageId: idFromU64(m.mid),
      });
    });

    this.on(ropOpenMessage, (q, c) => {
      const out = q.OutputHandleIndex;
      if (!this.obj(c, q.InputHandleIndex)) return this.fail(ropOpenMessage, out, ErrorCodes.NullObject);
      const fid = asU64(q.FolderId);
      const mid = asU64(q.MessageId);
      const m = s.folders.get(fid)?.messages.find((x) => x.mid === mid);
      if (!m) return this.fail(ropOpenMessage, out, ErrorCodes.NotFound);
      this.put(c, out, { kind: 'message', fid, mid, props: new Map(m.props) });
      const subject = m.props.get(PropTag.Subject);
      return ropResponse(ropOpenMessage, out, 0, {
        HasNamedProperties: 0,
        SubjectPrefix: { StringType: 1 },
        NormalizedSubject:
          typeof subject === 'string' && subject ? { StringType: 4, String: subject } : { StringType: 1 },
        RecipientCount: 0,
        RecipientColumns: [],
        RecipientRows: [],
      });
    });

    // [MS-OXORULE] 3.2.5.2: ROW_ADD assigns PidTagRuleId; ROW_MODIFY / ROW_REMOVE name the rule by it.
    this.on(ropModifyRules, (q, c) => {
      const idx = q.InputHandleIndex;
      const o = this.obj(c, idx);
      const f = o?.kind === 'folder' ? s.folders.get(o.fid) : undefined;
      if (!f) return this.fail(ropModifyRules, idx, o ? ErrorCodes.NoSupport : ErrorCodes.NullObject);
      const changes = q.RulesData.map((r) => {
        const props = new Map<number, PropValue>();
        for (const v of r.PropertyValues as StructValue[])
          props.set((v.PropertyTag as number) >>> 0, v.PropertyValue as PropValue);
        const id = props.get(PropTag.RuleId);
        props.delete(PropTag.RuleId);
        return {
          flags: r.RuleDataFlags as number,
          id: typeof id === 'bigint' ? BigInt.asUintN(64, id) : undefined,
          props,
        };
      });
      const rules = q.ModifyRulesFlags & 0x01 ? [] : [...f.rules]; // ReplaceRules
      for (const ch of changes) {
        if (ch.flags & RuleDataFlags.ROW_ADD) {
          rules.push({ id: s.assignId(), props: ch.props });
          continue;
        }
        const at = rules.findIndex((r) => r.id === ch.id);
        if (at < 0) return this.fail(ropModifyRules, idx, ErrorCodes.NotFound);
        if (ch.flags & RuleDataFlags.ROW_REMOVE) rules.splice(at, 1);
        else if (ch.flags & RuleDataFlags.ROW_MODIFY) for (const [t, v] of ch.props) rules[at]!.props.set(t, v);
      }
      f.rules = rules;
      return ropResponse(ropModifyRules, idx, 0);
    });
  }

  private propsOf(o: MailboxObject): Map<number, PropValue> {
    if (o.kind === 'folder') {
      const f = this.store.folders.get(o.fid);
      return f ? this.store.folderProps(f) : new Map();
    }
    if (o.kind === 'message') return new Map([...o.props, [PropTag.Mid, o.mid]]);
    if (o.kind === 'logon') return new Map<number, PropValue>([[PropTag.DisplayName, this.store.displayName]]);
    return new Map();
  }

  private tableRows(t: { of: TableKind; fid: bigint }): Map<number, PropValue>[] {
    const s = this.store;
    if (t.of === 'hierarchy') return s.children(t.fid).map((f) => s.folderProps(f));
    const f = s.folders.get(t.fid);
    if (t.of === 'rules') return (f?.rules ?? []).map((r) => s.ruleProps(r));
    return (f?.messages ?? []).map((m) => m.props);
  }
}

/** The request ROPs of one ROP buffer (RopSize prefixed here), decoded by their definitions (values only). */
function requestRops(rops: Uint8Array): StructValue[] {
  const buf = new Uint8Array(2 + rops.length);
  new DataView(buf.buffer).setUint16(0, Math.min(0xffff, buf.length), true);
  buf.set(rops, 2);
  const d = decode(ropRequestBuffer, buf, { tree: false });
  return (d.value?.RopsList as StructValue[] | undefined) ?? [];
}

/**
 * A response encoded by its ROP's definition: RopId (the definition's response id), the echoed
 * handle index, ReturnValue and the fields of the layout ReturnValue selects (counts derived).
 * `context` carries what a layout needs beyond the value: the paired request (`ropRequest`), a
 * table's `columns`.
 */
export function ropResponse<Q, R>(
  def: RopDefinition<Q, R>,
  index: number,
  returnValue: number,
  fields: Partial<ResponseOf<RopDefinition<Q, R>>> = {},
  context: DecodeContext = {},
): Uint8Array {
  if (!def.response || !def.responseIndexName) throw new Error(`${def.name} has no response to encode`);
  return encode(def.response, { ...fields, [def.responseIndexName]: index, ReturnValue: returnValue }, context);
}
