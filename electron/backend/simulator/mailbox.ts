/**
 * Scripted mailbox: answers the common ROPs from a small in-memory store so a
 * live client can log on, open folders, read hierarchy and contents tables
 * (RopSetColumns + RopQueryRows) and get/set properties without a capture.
 *
 * Layouts: [MS-OXCROPS] 2.2.3.1 RopLogon, 2.2.4.1 RopOpenFolder, 2.2.4.13/14
 * RopGetHierarchyTable/RopGetContentsTable, 2.2.5.1 RopSetColumns, 2.2.5.4
 * RopQueryRows, 2.2.8.3 RopGetPropertiesSpecific, 2.2.8.6 RopSetProperties,
 * 2.2.15.3 RopRelease; property rows and values [MS-OXCDATA] 2.8, 2.11.
 * Every other ROP is answered too, with ecNotSupported ([MS-OXCROPS] 3.2.5.2:
 * each request ROP but RopRelease gets a response, in order): the shared ROP
 * decoders give its length and handle index, and it is counted in stats as
 * unsupported. Only a RopId no decoder knows ends the buffer (its length, and
 * so the start of the next ROP, is unknowable).
 */
import {
  DecodeError,
  Reader,
  Writer,
  utf16Decode,
  utf16Encode,
  latin1Encode,
  latin1Decode,
} from '../../../shared/codec/index.js';
import {
  type RopPayload,
  buildBindResponse,
  buildConnectResponse,
  buildExecuteResponse,
  buildFailureBody,
  connectRequest,
  parseExecuteRequest,
} from './bodies.js';
import { type StructValue, collectErrors, decode, encode, findAll } from '../../../shared/codec/index.js';
import { dnToMIdRequest, dnToMIdResponse } from '../../../shared/protocol/nspi/index.js';
import { decodeRopRequestBuffer } from '../../../shared/protocol/rops/buffer.js';
import type { ResponseOf, RopDefinition } from '../../../shared/protocol/rops/define.js';
import { ropGetContentsTable, ropGetHierarchyTable, ropOpenFolder } from '../../../shared/protocol/rops/folder.js';
import { RESPONSE_INDEX } from '../../../shared/protocol/rops/header.js';
import { ropSetProperties } from '../../../shared/protocol/rops/property.js';
import { ropsById } from '../../../shared/protocol/rops/registry.js';
import { ropSetColumns } from '../../../shared/protocol/rops/table.js';
import type { SessionContext } from './sessions.js';
import type { Responder, SimAnswer, SimRequest } from './types.js';

export const PropTag = {
  DisplayName: 0x3001001f,
  FolderId: 0x67480014,
  ParentFolderId: 0x67490014,
  Mid: 0x674a0014,
  ContentCount: 0x36020003,
  ContentUnreadCount: 0x36030003,
  Subfolders: 0x360a000b,
  ContainerClass: 0x3613001f,
  Subject: 0x0037001f,
  MessageClass: 0x001a001f,
  MessageSize: 0x0e080003,
  SenderName: 0x0c1a001f,
  MessageFlags: 0x0e070003,
  LastModificationTime: 0x30080040,
} as const;

export const ErrorCodes = {
  NotFound: 0x8004010f,
  NullObject: 0x000004b9,
  NoSupport: 0x80040102,
  InvalidParameter: 0x80070057,
} as const;

export type PropValue = number | bigint | string | boolean | Uint8Array;

export interface MailboxMessage {
  mid: bigint;
  props: Map<number, PropValue>;
}
export interface MailboxFolder {
  fid: bigint;
  parent: bigint | undefined;
  props: Map<number, PropValue>;
  messages: MailboxMessage[];
}

/** Folder ids: replica id 1 + global counter, as a FID is laid out ([MS-OXCDATA] 2.2.1.1). */
export function makeFid(counter: number): bigint {
  return 1n | (BigInt(counter) << 16n);
}

/** The store every context of the simulator shares. */
export class MailboxStore {
  readonly folders = new Map<bigint, MailboxFolder>();
  readonly displayName: string;
  readonly mailboxGuid = new Uint8Array(16).map((_, i) => (i * 37 + 11) & 0xff);
  readonly replGuid = new Uint8Array(16).map((_, i) => (i * 53 + 7) & 0xff);
  /** The 13 special folder ids of a private logon ([MS-OXCSTOR] 2.2.1.1.3). */
  readonly specialFolders: bigint[] = [];
  private counter = 1;

  constructor(opts: { displayName?: string; messagesInInbox?: number } = {}) {
    this.displayName = opts.displayName ?? 'Simulated User';
    const names = [
      'Root',
      'Deferred Action',
      'Spooler Queue',
      'Top of Information Store',
      'Inbox',
      'Outbox',
      'Sent Items',
      'Deleted Items',
      'Common Views',
      'Schedule',
      'Finder',
      'Views',
      'Shortcuts',
    ];
    const root = this.addFolder(undefined, names[0]!);
    this.specialFolders.push(root);
    const ipm = this.addFolder(root, names[3]!);
    for (let i = 1; i < names.length; i++) {
      if (i === 3) {
        this.specialFolders.push(ipm);
        continue;
      }
      const parent = i >= 4 && i <= 7 ? ipm : root;
      this.specialFolders.push(this.addFolder(parent, names[i]!));
    }
    const inbox = this.specialFolders[4]!;
    const n = opts.messagesInInbox ?? 3;
    for (let i = 1; i <= n; i++) this.addMessage(inbox, `Message ${i}`, `Sender ${i}`);
  }

  addFolder(parent: bigint | undefined, name: string): bigint {
    const fid = makeFid(this.counter++);
    const props = new Map<number, PropValue>([
      [PropTag.DisplayName, name],
      [PropTag.FolderId, fid],
      [PropTag.ContainerClass, 'IPF.Note'],
    ]);
    if (parent !== undefined) props.set(PropTag.ParentFolderId, parent);
    this.folders.set(fid, { fid, parent, props, messages: [] });
    return fid;
  }

  addMessage(folder: bigint, subject: string, sender: string): bigint {
    const f = this.folders.get(folder);
    if (!f) throw new Error(`no folder ${folder}`);
    const mid = makeFid(this.counter++);
    f.messages.push({
      mid,
      props: new Map<number, PropValue>([
        [PropTag.Mid, mid],
        [PropTag.Subject, subject],
        [PropTag.SenderName, sender],
        [PropTag.MessageClass, 'IPM.Note'],
        [PropTag.MessageSize, 1024 + subject.length],
        [PropTag.MessageFlags, 1],
      ]),
    });
    return mid;
  }

  children(fid: bigint): MailboxFolder[] {
    return [...this.folders.values()].filter((f) => f.parent === fid);
  }

  /** Properties of a folder with the computed ones filled in. */
  folderProps(f: MailboxFolder): Map<number, PropValue> {
    const p = new Map(f.props);
    p.set(PropTag.ContentCount, f.messages.length);
    p.set(PropTag.ContentUnreadCount, 0);
    p.set(PropTag.Subfolders, this.children(f.fid).length > 0);
    return p;
  }
}

type MailboxObject =
  | { kind: 'logon'; logonId: number }
  | { kind: 'folder'; fid: bigint }
  | { kind: 'table'; of: 'hierarchy' | 'contents'; fid: bigint; columns?: number[]; cursor: number };

interface MailboxState {
  objects: Map<number, MailboxObject>;
  nextHandle: number;
}

const NO_HANDLE = 0xffffffff;

export class MailboxResponder implements Responder {
  readonly mode = 'mailbox' as const;
  private counts = { executes: 0, rops: 0, unsupportedRops: 0, ropErrors: 0 };

  constructor(readonly store: MailboxStore = new MailboxStore()) {}

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
      const w = new Writer(256);
      this.runRops(new Reader(p.rops), w, handles, st);
      out.push({ rops: w.finish(), handles });
    }
    return { body: buildExecuteResponse(out), source: 'mailbox' };
  }

  private runRops(r: Reader, w: Writer, handles: number[], st: MailboxState): void {
    while (r.remaining > 0) {
      const at = r.pos;
      const ropId = r.peekU8()!;
      this.counts.rops++;
      try {
        if (this.rop(ropId, r, w, handles, st)) continue;
      } catch (e) {
        if (e instanceof DecodeError) return;
        throw e;
      }
      this.counts.unsupportedRops++;
      const n = notSupported(r.bytes.subarray(at, r.end), w);
      if (n === undefined) return;
      this.counts.ropErrors++;
      r.pos = at + n;
    }
  }

  private obj(handles: number[], idx: number, st: MailboxState): MailboxObject | undefined {
    const h = handles[idx];
    return h === undefined || h === NO_HANDLE ? undefined : st.objects.get(h);
  }

  private put(handles: number[], idx: number, st: MailboxState, o: MailboxObject): void {
    const h = st.nextHandle++;
    st.objects.set(h, o);
    while (handles.length <= idx) handles.push(NO_HANDLE);
    handles[idx] = h;
  }

  private fail(w: Writer, ropId: number, idx: number, code: number): true {
    this.counts.ropErrors++;
    w.bytes(ropResponse(ropsById.get(ropId)!, idx, code));
    return true;
  }

  /** One ROP: reads its request, writes its response. False for a ROP the mailbox does not know. */
  private rop(ropId: number, r: Reader, w: Writer, handles: number[], st: MailboxState): boolean {
    const s = this.store;
    switch (ropId) {
      case 0xfe: {
        r.u8();
        const logonId = r.u8();
        const out = r.u8();
        const logonFlags = r.u8();
        r.u32(); // OpenFlags
        r.u32(); // StoreState
        const essdnSize = r.u16();
        r.take(essdnSize);
        this.put(handles, out, st, { kind: 'logon', logonId });
        w.u8(0xfe).u8(out).u32(0).u8(logonFlags);
        for (const fid of s.specialFolders) w.u64(fid);
        if (logonFlags & 0x01) {
          w.u8(0x01 | 0x02 | 0x04)
            .bytes(s.mailboxGuid)
            .u16(1)
            .bytes(s.replGuid);
          const d = new Date();
          w.u8(d.getUTCSeconds())
            .u8(d.getUTCMinutes())
            .u8(d.getUTCHours())
            .u8(d.getUTCDay())
            .u8(d.getUTCDate())
            .u8(d.getUTCMonth() + 1)
            .u16(d.getUTCFullYear());
          w.u64(0n).u32(0);
        } else {
          w.u16(1).bytes(s.replGuid).bytes(new Uint8Array(16));
        }
        return true;
      }
      case 0x01: {
        r.u8();
        r.u8();
        const idx = r.u8();
        const h = handles[idx];
        if (h !== undefined) st.objects.delete(h);
        return true; // RopRelease has no response
      }
      case 0x02: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        const out = r.u8();
        const fid = r.u64();
        r.u8(); // OpenModeFlags
        const parent = this.obj(handles, inIdx, st);
        if (!parent) return this.fail(w, ropId, out, ErrorCodes.NullObject);
        if (!s.folders.has(fid)) return this.fail(w, ropId, out, ErrorCodes.NotFound);
        this.put(handles, out, st, { kind: 'folder', fid });
        w.bytes(ropResponse(ropOpenFolder, out, 0, { HasRules: 0, IsGhosted: 0 }));
        return true;
      }
      case 0x04:
      case 0x05: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        const out = r.u8();
        r.u8(); // TableFlags
        const f = this.obj(handles, inIdx, st);
        if (!f) return this.fail(w, ropId, out, ErrorCodes.NullObject);
        if (f.kind !== 'folder') return this.fail(w, ropId, out, ErrorCodes.NoSupport);
        const of = ropId === 0x04 ? 'hierarchy' : 'contents';
        this.put(handles, out, st, { kind: 'table', of, fid: f.fid, cursor: 0 });
        const def = ropId === 0x04 ? ropGetHierarchyTable : ropGetContentsTable;
        w.bytes(ropResponse(def, out, 0, { RowCount: this.tableRows({ of, fid: f.fid }).length }));
        return true;
      }
      case 0x12: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        r.u8(); // SetColumnsFlags
        const n = r.u16();
        const tags: number[] = [];
        for (let i = 0; i < n; i++) tags.push(r.u32());
        const t = this.obj(handles, inIdx, st);
        if (!t) return this.fail(w, ropId, inIdx, ErrorCodes.NullObject);
        if (t.kind !== 'table') return this.fail(w, ropId, inIdx, ErrorCodes.NoSupport);
        t.columns = tags;
        w.bytes(ropResponse(ropSetColumns, inIdx, 0, { TableStatus: 0 })); // TableStatus: complete
        return true;
      }
      case 0x15: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        const flags = r.u8();
        const forward = r.u8();
        const want = r.u16();
        const t = this.obj(handles, inIdx, st);
        if (!t) return this.fail(w, ropId, inIdx, ErrorCodes.NullObject);
        if (t.kind !== 'table' || !t.columns)
          return this.fail(w, ropId, inIdx, t.kind === 'table' ? 0x80040103 : ErrorCodes.NoSupport);
        const rows = this.tableRows(t);
        let picked: Map<number, PropValue>[];
        let next: number;
        if (forward) {
          picked = rows.slice(t.cursor, t.cursor + want);
          next = t.cursor + picked.length;
        } else {
          const from = Math.max(0, t.cursor - want);
          picked = rows.slice(from, t.cursor).reverse();
          next = from;
        }
        if ((flags & 0x01) === 0) t.cursor = next;
        const origin = next >= rows.length ? 2 : next === 0 ? 0 : 1;
        w.u8(ropId).u8(inIdx).u32(0).u8(origin).u16(picked.length);
        for (const row of picked) writeRow(w, t.columns, row);
        return true;
      }
      case 0x07: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        r.u16(); // PropertySizeLimit
        const wantUnicode = r.u16();
        const n = r.u16();
        const tags: number[] = [];
        for (let i = 0; i < n; i++) tags.push(r.u32());
        const o = this.obj(handles, inIdx, st);
        if (!o) return this.fail(w, ropId, inIdx, ErrorCodes.NullObject);
        const props = this.propsOf(o);
        w.u8(ropId).u8(inIdx).u32(0);
        writeRow(w, tags, props, wantUnicode !== 0);
        return true;
      }
      case 0x0a: {
        r.u8();
        r.u8();
        const inIdx = r.u8();
        const size = r.u16();
        const win = r.sub(size);
        const n = win.u16();
        const values: [number, PropValue][] = [];
        for (let i = 0; i < n; i++) {
          const tag = win.u32();
          values.push([tag, readValue(win, tag & 0xffff)]);
        }
        const o = this.obj(handles, inIdx, st);
        if (!o) return this.fail(w, ropId, inIdx, ErrorCodes.NullObject);
        const target = o.kind === 'folder' ? s.folders.get(o.fid)?.props : undefined;
        if (!target) return this.fail(w, ropId, inIdx, ErrorCodes.NoSupport);
        for (const [tag, v] of values) target.set(tag, v);
        w.bytes(ropResponse(ropSetProperties, inIdx, 0, { PropertyProblems: [] }));
        return true;
      }
      default:
        return false;
    }
  }

  private propsOf(o: MailboxObject): Map<number, PropValue> {
    if (o.kind === 'folder') {
      const f = this.store.folders.get(o.fid);
      return f ? this.store.folderProps(f) : new Map();
    }
    if (o.kind === 'logon') return new Map<number, PropValue>([[PropTag.DisplayName, this.store.displayName]]);
    return new Map();
  }

  private tableRows(t: { of: 'hierarchy' | 'contents'; fid: bigint }): Map<number, PropValue>[] {
    if (t.of === 'hierarchy') return this.store.children(t.fid).map((f) => this.store.folderProps(f));
    return (this.store.folders.get(t.fid)?.messages ?? []).map((m) => m.props);
  }
}

/**
 * Answers the first ROP of `rops` with ecNotSupported: RopId (the response's, e.g.
 * 0x20 for RopGetMessageStatus), the echoed handle index, ReturnValue. Returns the
 * request's length, or undefined when the shared decoders cannot delimit it.
 * A ROP without response (RopRelease and the like) is skipped silently.
 */
export function notSupported(rops: Uint8Array, w: Writer): number | undefined {
  const buf = new Uint8Array(2 + rops.length);
  new DataView(buf.buffer).setUint16(0, Math.min(0xffff, buf.length), true);
  buf.set(rops, 2);
  const d = decodeRopRequestBuffer(buf);
  const node = findAll(d.tree, 'RopsList')[0]?.children?.[0];
  const value = (d.value?.RopsList as StructValue[] | undefined)?.[0];
  const def = ropsById.get(rops[0]!);
  if (!node || !value || !def || node.name === 'UndecodedRops' || collectErrors(node).length) return undefined;
  if (def.response) {
    const idx = value[RESPONSE_INDEX[def.handles]];
    w.bytes(ropResponse(def, typeof idx === 'number' ? idx : 0, ErrorCodes.NoSupport));
  }
  return node.length;
}

/**
 * A response encoded by its ROP's definition: RopId (the definition's response id), the echoed
 * handle index, ReturnValue and the fields of the layout ReturnValue selects (counts derived).
 */
export function ropResponse<Q, R>(
  def: RopDefinition<Q, R>,
  index: number,
  returnValue: number,
  fields: Partial<ResponseOf<RopDefinition<Q, R>>> = {},
): Uint8Array {
  if (!def.response || !def.responseIndexName) throw new Error(`${def.name} has no response to encode`);
  return encode(def.response, { ...fields, [def.responseIndexName]: index, ReturnValue: returnValue });
}

// ---------------------------------------------------------------------------
// Property values in ROP buffers ([MS-OXCDATA] 2.11.2.1, 2.8.1)

const PT = {
  Unspecified: 0x0000,
  I2: 0x0002,
  I4: 0x0003,
  Error: 0x000a,
  Bool: 0x000b,
  I8: 0x0014,
  S8: 0x001e,
  Unicode: 0x001f,
  Time: 0x0040,
  Guid: 0x0048,
  Binary: 0x0102,
} as const;

function naturalType(v: PropValue, tagType: number): number {
  if (tagType !== PT.Unspecified) return tagType;
  if (typeof v === 'string') return PT.Unicode;
  if (typeof v === 'bigint') return PT.I8;
  if (typeof v === 'boolean') return PT.Bool;
  if (v instanceof Uint8Array) return PT.Binary;
  return PT.I4;
}

function canWrite(type: number, v: PropValue): boolean {
  switch (type) {
    case PT.I2:
    case PT.I4:
    case PT.Error:
      return typeof v === 'number';
    case PT.Bool:
      return typeof v === 'boolean' || typeof v === 'number';
    case PT.I8:
    case PT.Time:
      return typeof v === 'bigint' || typeof v === 'number';
    case PT.S8:
    case PT.Unicode:
      return typeof v === 'string';
    case PT.Binary:
      return v instanceof Uint8Array;
    default:
      return false;
  }
}

export function writeValue(w: Writer, type: number, v: PropValue): void {
  switch (type) {
    case PT.I2:
      w.u16(Number(v));
      return;
    case PT.I4:
    case PT.Error:
      w.u32(Number(v));
      return;
    case PT.Bool:
      w.u8(v ? 1 : 0);
      return;
    case PT.I8:
    case PT.Time:
      w.u64(BigInt(v as number | bigint));
      return;
    case PT.S8:
      w.bytes(latin1Encode(String(v))).u8(0);
      return;
    case PT.Unicode:
      w.bytes(utf16Encode(String(v))).u16(0);
      return;
    case PT.Binary: {
      const b = v as Uint8Array;
      w.u16(b.length).bytes(b);
      return;
    }
    default:
      throw new Error(`property type 0x${type.toString(16)} is not supported by the scripted mailbox`);
  }
}

export function readValue(r: Reader, type: number): PropValue {
  switch (type) {
    case PT.I2:
      return r.u16();
    case PT.I4:
    case PT.Error:
      return r.u32();
    case PT.Bool:
      return r.u8() !== 0;
    case PT.I8:
    case PT.Time:
      return r.u64();
    case PT.S8: {
      let end = r.pos;
      while (end < r.end && r.bytes[end] !== 0) end++;
      const s = latin1Decode(r.take(end - r.pos));
      r.u8();
      return s;
    }
    case PT.Unicode: {
      let end = r.pos;
      while (end + 1 < r.end && !(r.bytes[end] === 0 && r.bytes[end + 1] === 0)) end += 2;
      const s = utf16Decode(r.take(end - r.pos));
      r.u16();
      return s;
    }
    case PT.Binary:
      return r.take(r.u16()).slice();
    default:
      throw new DecodeError(`property type 0x${type.toString(16)} is not supported by the scripted mailbox`, r.pos);
  }
}

/** A StandardPropertyRow when every column has a value, a FlaggedPropertyRow otherwise ([MS-OXCDATA] 2.8.1). */
export function writeRow(
  w: Writer,
  columns: readonly number[],
  props: ReadonlyMap<number, PropValue>,
  wantUnicode = true,
): void {
  const lookup = (tag: number): PropValue | undefined => {
    const id = tag >>> 16;
    const type = tag & 0xffff;
    if (type !== PT.Unspecified) {
      const v = props.get(tag >>> 0);
      if (v !== undefined) return v;
      // A string column asked in the other string type: same property.
      if (type === PT.S8 || type === PT.Unicode)
        return props.get(((id << 16) | (type === PT.S8 ? PT.Unicode : PT.S8)) >>> 0);
      return undefined;
    }
    for (const [t, v] of props) if (t >>> 16 === id) return v;
    return undefined;
  };
  const values = columns.map((tag) => {
    const v = lookup(tag);
    const type = v === undefined ? 0 : naturalType(v, tag & 0xffff);
    const t = type === PT.S8 && wantUnicode && (tag & 0xffff) === PT.Unspecified ? PT.Unicode : type;
    return v !== undefined && canWrite(t, v) ? { v, t } : undefined;
  });
  const flagged = values.some((x) => x === undefined);
  w.u8(flagged ? 1 : 0);
  columns.forEach((tag, i) => {
    const x = values[i];
    const unspecified = (tag & 0xffff) === PT.Unspecified;
    if (flagged) {
      if (unspecified) w.u16(x ? x.t : PT.Error);
      if (!x) {
        w.u8(0x0a).u32(ErrorCodes.NotFound);
        return;
      }
      w.u8(0);
    } else if (unspecified) w.u16(x!.t);
    writeValue(w, x!.t, x!.v);
  });
}
