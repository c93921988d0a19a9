/**
 * The syntactical structure of a FastTransfer stream ([MS-OXCFXICS] 2.2.4.3)
 * over the flat element list `fxStream` lexes: messages, recipients,
 * attachments, folders, incremental changes, the ICS state, … as generated
 * group nodes (they claim no bytes) whose offset and length span their
 * elements in the buffer. The element nodes themselves stay in the flat list;
 * a group holds small summary leaves that point at the same bytes.
 *
 * A buffer is one slice of a stream: it may begin inside a group (an end
 * marker with nothing open, or properties before the first group of a
 * synchronization stream) and end inside one; both are shown as such, not as
 * errors. Only a marker the grammar cannot place (e.g. EndToRecip inside an
 * attachment) gives an error node. Building this never throws.
 */
import type { FxStreamKind } from './fasttransfer-kind.js';
import { type DecodedNode, filetimeToIso, toHex } from '../../codec/index.js';
import { canonicalTagName, tagId, tagType } from '../oxcdata/index.js';
import type { FxElement } from './fasttransfer-stream.js';

/** What the grammar needs of the lexer: names of markers and meta-properties by tag. */
export interface FxNames {
  marker(tag: number): string | undefined;
  meta(tag: number): string | undefined;
}

interface Production {
  /** Spec element name, used as the node name. */
  readonly label: string;
  /** [MS-OXCFXICS] section of the element. */
  readonly spec: string;
  /** Markers that begin it. */
  readonly open: readonly string[];
  /** The marker that ends it; without one it ends before the first marker it cannot hold. */
  readonly close?: string;
  /** Productions it may contain (besides property values and meta-properties). */
  readonly holds: readonly string[];
  /**
   * The first element with this tag ends the header: the properties before it
   * become a `head` group and the production becomes `becomes` (IncrSyncMessage
   * in a change, MetaTagIncrementalSyncMessagePartial in a partial change).
   */
  readonly split?: { readonly tag: number; readonly head: string; readonly becomes: string };
  /** Property ids shown in the group's display when present. */
  readonly keys: readonly number[];
}

const P = {
  Subject: 0x0037,
  MessageClass: 0x001a,
  DisplayName: 0x3001,
  EmailAddress: 0x3003,
  SmtpAddress: 0x39fe,
  RecipientType: 0x0c15,
  AttachLongFilename: 0x3707,
  AttachFilename: 0x3704,
  AttachMethod: 0x3705,
  ContainerClass: 0x3613,
  SourceKey: 0x65e0,
  ParentSourceKey: 0x65e1,
  LastModificationTime: 0x3008,
  Associated: 0x67aa,
  MessageSize: 0x0e08,
};
const IncrSyncMessage = 0x40150003;
const MetaTagIncrementalSyncMessagePartial = 0x407a0003;

/**
 * The productions ([MS-OXCFXICS] 2.2.4.3), keyed by node name. Property
 * lists (2.2.4.3.20 propList) are implicit: every production holds property
 * values and meta-properties.
 */
export const FX_PRODUCTIONS: Readonly<Record<string, Production>> = {
  // message = (StartMessage / StartFAIMsg) messageContent EndMessage; messageContent = propList messageChildren
  message: {
    label: 'Message',
    spec: 'MS-OXCFXICS 2.2.4.3 message',
    open: ['StartMessage', 'StartFAIMsg'],
    close: 'EndMessage',
    holds: ['recipient', 'attachment'],
    keys: [P.Subject, P.MessageClass, P.SourceKey],
  },
  // recipient = StartRecip propList EndToRecip
  recipient: {
    label: 'Recipient',
    spec: 'MS-OXCFXICS 2.2.4.3 recipient',
    open: ['StartRecip'],
    close: 'EndToRecip',
    holds: [],
    keys: [P.DisplayName, P.SmtpAddress, P.EmailAddress, P.RecipientType],
  },
  // attachment = NewAttach attachmentContent EndAttach; attachmentContent = propList [embeddedMessage]
  attachment: {
    label: 'Attachment',
    spec: 'MS-OXCFXICS 2.2.4.3 attachment',
    open: ['NewAttach'],
    close: 'EndAttach',
    holds: ['embeddedMessage'],
    keys: [P.AttachLongFilename, P.AttachFilename, P.DisplayName, P.AttachMethod],
  },
  // embeddedMessage = StartEmbed messageContent EndEmbed
  embeddedMessage: {
    label: 'Embedded message',
    spec: 'MS-OXCFXICS 2.2.4.3 attachmentContent',
    open: ['StartEmbed'],
    close: 'EndEmbed',
    holds: ['recipient', 'attachment'],
    keys: [P.Subject, P.MessageClass],
  },
  // topFolder = StartTopFld folderContent EndFolder; folderContent = propList folderMessages *subFolder
  topFolder: {
    label: 'Top folder',
    spec: 'MS-OXCFXICS 2.2.4.3 topFolder',
    open: ['StartTopFld'],
    close: 'EndFolder',
    holds: ['message', 'subFolder', 'errorInfo'],
    keys: [P.DisplayName, P.ContainerClass],
  },
  // subFolder = StartSubFld folderContent EndFolder
  subFolder: {
    label: 'Subfolder',
    spec: 'MS-OXCFXICS 2.2.4.3 subFolder',
    open: ['StartSubFld'],
    close: 'EndFolder',
    holds: ['message', 'subFolder', 'errorInfo'],
    keys: [P.DisplayName, P.ContainerClass],
  },
  // folderChange = IncrSyncChg propList (2.2.4.3.5); a messageChangeFull also begins with IncrSyncChg
  folderChange: {
    label: 'Folder change',
    spec: 'MS-OXCFXICS 2.2.4.3.5',
    open: ['IncrSyncChg'],
    holds: [],
    split: { tag: IncrSyncMessage, head: 'messageChangeHeader', becomes: 'messageChangeFull' },
    keys: [P.DisplayName, P.ContainerClass, P.SourceKey, P.ParentSourceKey],
  },
  // messageChangeFull = IncrSyncChg messageChangeHeader IncrSyncMessage propList messageChildren (2.2.4.3.13)
  messageChangeFull: {
    label: 'Message change',
    spec: 'MS-OXCFXICS 2.2.4.3.13',
    open: [],
    holds: ['recipient', 'attachment'],
    keys: [P.Subject, P.MessageClass, P.SourceKey],
  },
  // messageChangePartial = groupInfo [MetaTagIncrSyncGroupId] IncrSyncChgPartial messageChangeHeader
  //   *(MetaTagIncrementalSyncMessagePartial propList) messageChildren
  messageChangePartial: {
    label: 'Partial message change',
    spec: 'MS-OXCFXICS 2.2.4.3 messageChangePartial',
    open: ['IncrSyncChgPartial'],
    holds: ['recipient', 'attachment'],
    split: { tag: MetaTagIncrementalSyncMessagePartial, head: 'messageChangeHeader', becomes: 'messageChangePartial' },
    keys: [P.Subject, P.MessageClass, P.SourceKey],
  },
  // messageChangeHeader = propList (PidTagSourceKey, PidTagLastModificationTime, PidTagChangeKey, …)
  messageChangeHeader: {
    label: 'Header',
    spec: 'MS-OXCFXICS 2.2.4.3 messageChangeHeader',
    open: [],
    holds: [],
    keys: [P.SourceKey, P.LastModificationTime, P.MessageSize],
  },
  // groupInfo = IncrSyncGroupInfo propList (the property group mapping)
  groupInfo: {
    label: 'Property group info',
    spec: 'MS-OXCFXICS 2.2.4.3 groupInfo',
    open: ['IncrSyncGroupInfo'],
    holds: [],
    keys: [],
  },
  // progressTotal = IncrSyncProgressMode propList (2.2.4.3.19)
  progressTotal: {
    label: 'Progress total',
    spec: 'MS-OXCFXICS 2.2.4.3.19',
    open: ['IncrSyncProgressMode'],
    holds: [],
    keys: [],
  },
  // progressPerMessage = IncrSyncProgressPerMsg propList
  progressPerMessage: {
    label: 'Progress per message',
    spec: 'MS-OXCFXICS 2.2.4.3 progressPerMessage',
    open: ['IncrSyncProgressPerMsg'],
    holds: [],
    keys: [P.MessageSize, P.Associated],
  },
  // deletions = IncrSyncDel propList (MetaTagIdsetDeleted, …NoLongerInScope, …Expired)
  deletions: {
    label: 'Deletions',
    spec: 'MS-OXCFXICS 2.2.4.3 deletions',
    open: ['IncrSyncDel'],
    holds: [],
    keys: [0x67e5, 0x4021, 0x6793],
  },
  // readStateChanges = IncrSyncRead propList (2.2.4.3.22: MetaTagIdsetRead, MetaTagIdsetUnread)
  readStateChanges: {
    label: 'Read state changes',
    spec: 'MS-OXCFXICS 2.2.4.3.22',
    open: ['IncrSyncRead'],
    holds: [],
    keys: [0x402d, 0x402e],
  },
  // state = IncrSyncStateBegin propList IncrSyncStateEnd (MetaTagIdsetGiven, MetaTagCnsetSeen, …)
  state: {
    label: 'ICS state',
    spec: 'MS-OXCFXICS 2.2.4.3 state',
    open: ['IncrSyncStateBegin'],
    close: 'IncrSyncStateEnd',
    holds: [],
    keys: [0x4017, 0x6796, 0x67da, 0x67d2],
  },
  // FXErrorInfo propList: an object the server could not send
  errorInfo: {
    label: 'Error info',
    spec: 'MS-OXCFXICS 2.2.4.1.4 FXErrorInfo',
    open: ['FXErrorInfo'],
    holds: [],
    keys: [],
  },
};

/** What the whole buffer may hold: any production; IncrSyncEnd ends contentsSync / hierarchySync. */
const ROOT: Production = {
  label: 'Structure',
  spec: 'MS-OXCFXICS 2.2.4.3',
  open: [],
  holds: Object.keys(FX_PRODUCTIONS),
  keys: [],
};
const ROOT_MARKERS = new Set(['IncrSyncEnd']);

/** Production opened by each marker. */
const OPENED_BY = new Map<string, string>();
for (const [name, p] of Object.entries(FX_PRODUCTIONS)) for (const m of p.open) OPENED_BY.set(m, name);
/** Productions ended by each end marker (EndFolder ends topFolder and subFolder). */
const CLOSED_BY = new Map<string, string[]>();
for (const [name, p] of Object.entries(FX_PRODUCTIONS))
  if (p.close) CLOSED_BY.set(p.close, [...(CLOSED_BY.get(p.close) ?? []), name]);

/** Stream kinds ([MS-OXCFXICS] 2.2.4.3), told by the groups found at the top of the buffer, first match wins. */
const STREAM_KINDS: readonly { kind: string; any: readonly string[] }[] = [
  {
    kind: 'contentsSync',
    any: [
      'messageChangeFull',
      'messageChangePartial',
      'progressTotal',
      'progressPerMessage',
      'readStateChanges',
      'groupInfo',
    ],
  },
  { kind: 'hierarchySync', any: ['folderChange'] },
  { kind: 'contentsSync or hierarchySync', any: ['deletions', 'IncrSyncEnd'] },
  { kind: 'topFolder', any: ['topFolder'] },
  { kind: 'messageList', any: ['message', 'errorInfo'] },
  { kind: 'folderContent', any: ['subFolder'] },
  { kind: 'messageContent', any: ['recipient', 'attachment'] },
  { kind: 'attachmentContent', any: ['embeddedMessage'] },
  { kind: 'state', any: ['state'] },
];
/** Top-level groups in the Structure's display, in this order. */
const SUMMARY_ORDER = [
  'continuation',
  'progressTotal',
  'progressPerMessage',
  'groupInfo',
  'messageChangeFull',
  'messageChangePartial',
  'folderChange',
  'deletions',
  'readStateChanges',
  'state',
  'topFolder',
  'subFolder',
  'message',
  'recipient',
  'attachment',
  'embeddedMessage',
  'errorInfo',
];
const SYNC_KINDS = new Set(['contentsSync', 'hierarchySync', 'contentsSync or hierarchySync']);

interface Item {
  node: DecodedNode;
  /** The element (a completed `Continued` element gives its whole element). */
  el?: FxElement | undefined;
  /** Set on group items. */
  group?: Frame;
}

interface Frame {
  prod: string;
  items: Item[];
  /** Began in the previous buffer. */
  continued?: boolean;
  /** Still open at the end of the buffer (why). */
  open?: string;
  /** Ended by something other than its end marker. */
  unterminated?: string;
  fai?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A short text for a key property's value. */
function shortValue(tag: number, v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}…` : v);
  if (v instanceof Uint8Array) return v.length === 0 ? '(empty)' : v.length <= 24 ? toHex(v) : `${v.length} bytes`;
  if (typeof v === 'bigint' && tagType(tag) === 0x0040) return filetimeToIso(v) ?? v.toString();
  if (Array.isArray(v)) return `${v.length} value(s)`;
  return String(v);
}

/** The element of an item, completed continuations included. */
function elementOf(el: FxElement | undefined): FxElement | undefined {
  return el?.Kind === 'Continued' ? el.Element : el;
}

type FxValueElement = Extract<FxElement, { Kind: 'PropertyValue' | 'MetaProperty' }>;

/** The property values and meta-properties among `items` (not inside subgroups), appended to `out`. */
function propertyElements(items: readonly Item[], out: FxValueElement[]): FxValueElement[] {
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    if (x.group) continue;
    const e = elementOf(x.el);
    if (e && (e.Kind === 'PropertyValue' || e.Kind === 'MetaProperty')) out.push(e);
  }
  return out;
}

const tagOf = (el: FxElement | undefined): number | undefined =>
  el && el.Kind !== 'Partial' && el.Kind !== 'Continued' ? el.PropertyTag : undefined;

class Builder {
  private readonly root: Frame = { prod: '', items: [] };
  private readonly stack: Frame[] = [this.root];
  /** Set when the lexer stopped at bytes it could not read. */
  private lexError = false;

  constructor(private readonly names: FxNames) {}

  private prodOf(f: Frame): Production {
    return f === this.root ? ROOT : FX_PRODUCTIONS[f.prod]!;
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private holds(f: Frame, prod: string): boolean {
    return this.prodOf(f).holds.includes(prod);
  }

  /** Ends the top frame and adds it to its parent. */
  private pop(): void {
    const f = this.stack.pop()!;
    this.top.items.push({ node: { name: f.prod, offset: 0, length: 0 }, group: f });
  }

  private leaf(node: DecodedNode, el?: FxElement): Item {
    const name =
      node.name === 'Continued'
        ? 'ContinuedElement'
        : node.name === 'Partial'
          ? node.error !== undefined
            ? 'Undecoded'
            : 'CutElement'
          : node.name === 'PropertyValue'
            ? 'Property'
            : node.name;
    const shown: DecodedNode = { name, offset: node.offset, length: node.length, generated: true };
    if (node.error !== undefined) {
      this.lexError = true;
      shown.display = `${node.length} byte(s) the lexer could not read (${node.error})`;
    } else if (node.display !== undefined) shown.display = node.display;
    return { node: shown, el };
  }

  private unexpected(node: DecodedNode, message: string): void {
    const { offset, length, display } = node;
    const shown: DecodedNode = { name: 'Unexpected', offset, length, generated: true, error: message };
    if (display !== undefined) shown.display = display;
    this.top.items.push({ node: shown });
  }

  add(el: FxElement, node: DecodedNode): void {
    const whole = elementOf(el);
    const marker = whole?.Kind === 'Marker' ? this.names.marker(whole.PropertyTag) : undefined;
    const tag = tagOf(whole);
    if (marker === undefined || tag === undefined) {
      const item = this.leaf(node, el);
      // A split tag (MetaTagIncrementalSyncMessagePartial) may also be a property.
      if (tag !== undefined && this.trySplit(tag, item)) return;
      this.top.items.push(item);
      return;
    }
    this.marker(marker, tag, this.leaf(node, el));
  }

  private marker(m: string, tag: number, item: Item): void {
    for (;;) {
      const f = this.top;
      const p = this.prodOf(f);
      if (p.close === m) {
        f.items.push(item);
        this.pop();
        return;
      }
      if (this.trySplit(tag, item)) return;
      if (f === this.root && ROOT_MARKERS.has(m)) {
        f.items.push(item);
        return;
      }
      const opens = OPENED_BY.get(m);
      if (opens && this.holds(f, opens)) {
        const nf: Frame = { prod: opens, items: [item] };
        if (m === 'StartFAIMsg') nf.fai = true;
        this.stack.push(nf);
        return;
      }
      // An open-ended group ends before the first marker it cannot hold.
      if (f !== this.root && !p.close) {
        this.pop();
        continue;
      }
      // A group left open by a missing end marker: end it where an enclosing group takes the marker.
      const at = this.stack.findLastIndex(
        (g, i) =>
          i < this.stack.length - 1 &&
          (this.prodOf(g).close === m ||
            (opens !== undefined && this.holds(g, opens)) ||
            (g === this.root && ROOT_MARKERS.has(m))),
      );
      if (at >= 0) {
        while (this.stack.length - 1 > at) {
          const g = this.top;
          const gp = this.prodOf(g);
          if (!gp.close) {
            this.pop(); // open-ended: ending here is normal
            continue;
          }
          g.unterminated = `${gp.close} missing: ended by ${m}`;
          g.items.push({
            node: {
              name: 'Missing',
              offset: item.node.offset,
              length: 0,
              generated: true,
              error: `${gp.label} ended without ${gp.close}: ${m} belongs to an enclosing group ([MS-OXCFXICS] 2.2.4.3)`,
            },
          });
          this.pop();
        }
        continue;
      }
      if (f === this.root && this.tryContinue(m, item)) return;
      const where = f === this.root ? 'at the top of the stream' : `inside ${p.label.toLowerCase()}`;
      const why = CLOSED_BY.has(m)
        ? `no ${CLOSED_BY.get(m)!.join(' or ')} is open`
        : opens
          ? `${opens} cannot appear here`
          : 'not allowed here';
      this.unexpected(item.node, `unexpected ${m} ${where}: ${why} ([MS-OXCFXICS] 2.2.4.3)`);
      return;
    }
  }

  /** The first `split.tag` element in the top frame ends its header. */
  private trySplit(tag: number, item: Item): boolean {
    const f = this.top;
    const split = this.prodOf(f).split;
    if (!split || split.tag !== tag || f.items.some((x) => x.node.name === split.head)) return false;
    // items[0] is the opening marker; the properties after it are the header.
    const head: Frame = { prod: split.head, items: f.items.slice(1) };
    f.items = f.items.slice(0, 1);
    f.items.push({ node: { name: split.head, offset: 0, length: 0 }, group: head }, item);
    f.prod = split.becomes;
    return true;
  }

  /**
   * An end (or header-ending) marker with nothing open at the top: the buffer
   * began inside that group, so what came before it in this buffer is its rest.
   */
  private tryContinue(m: string, item: Item): boolean {
    const r = this.root;
    const fits = (prod: string) =>
      r.items.every((x) =>
        x.group
          ? FX_PRODUCTIONS[prod]!.holds.includes(x.group.prod)
          : x.el !== undefined && elementOf(x.el)?.Kind !== 'Marker',
      );
    for (const prod of CLOSED_BY.get(m) ?? []) {
      if (!fits(prod)) continue;
      const f: Frame = { prod, items: [...r.items, item], continued: true };
      r.items = [{ node: { name: prod, offset: 0, length: 0 }, group: f }];
      return true;
    }
    // IncrSyncMessage: the buffer began inside a messageChangeHeader.
    for (const p of Object.values(FX_PRODUCTIONS)) {
      const split = p.split;
      if (!split || split.tag !== tagOf(elementOf(item.el)) || !fits(split.head)) continue;
      const head: Frame = { prod: split.head, items: r.items, continued: true };
      const f: Frame = {
        prod: split.becomes,
        items: [{ node: { name: split.head, offset: 0, length: 0 }, group: head }, item],
        continued: true,
      };
      r.items = [];
      this.stack.push(f);
      return true;
    }
    return false;
  }

  finish(
    offset: number,
    length: number,
    firstContinued: boolean,
    lastPartial: boolean,
    declared?: FxStreamKind,
  ): DecodedNode {
    const cut = this.lexError ? 'not read past the bytes the lexer could not read' : 'continues in the next buffer';
    while (this.stack.length > 1) {
      const f = this.top;
      if (this.prodOf(f).close || lastPartial || this.lexError) f.open = cut;
      this.pop();
    }
    const r = this.root;
    const tops = new Set(
      r.items.map((x) => (x.group ? x.group.prod : (this.names.marker(tagOf(elementOf(x.el)) ?? 0) ?? ''))),
    );
    // The kind the opening ROP gave (fasttransfer-kind.ts); the content's only when that is not known.
    const inferred = STREAM_KINDS.find((k) => k.any.some((x) => tops.has(x)))?.kind;
    const kind = declared?.kind ?? inferred;
    // In a synchronization stream, elements before the first group are the rest of one begun earlier.
    if (kind && SYNC_KINDS.has(kind)) {
      const n = r.items.findIndex((x) =>
        x.group ? !['recipient', 'attachment'].includes(x.group.prod) : x.el?.Kind === 'Marker',
      );
      const lead = n < 0 ? r.items.length : n;
      if (lead > 0) {
        const f: Frame = { prod: 'continuation', items: r.items.slice(0, lead), continued: true };
        r.items = [{ node: { name: 'continuation', offset: 0, length: 0 }, group: f }, ...r.items.slice(lead)];
      }
    }
    const children = this.renderAll(r.items);
    const begun = firstContinued || r.items.some((x) => x.group?.continued);
    const ends = lastPartial || this.lexError || r.items.some((x) => x.group?.open);
    const parts = SUMMARY_ORDER.map((g) => [g, children.filter((c) => c.name === g).length] as const)
      .filter(([, n]) => n > 0)
      .map(([g, n]) => `${n} ${g}`);
    if (tops.has('IncrSyncEnd')) parts.push('IncrSyncEnd');
    const props = r.items.filter((x) => !x.group && x.el && elementOf(x.el)?.Kind !== 'Marker').length;
    if (props) parts.push(plural(props, 'property', 'properties'));
    let title =
      kind ?? (props ? 'propList (messageContent, folderContent or attachmentContent)' : 'FastTransfer stream');
    if (declared) {
      title += ` (from ${declared.source})`;
      if (inferred && !declared.kind.includes(inferred) && !inferred.includes(declared.kind))
        title += `, though the content looks like ${inferred}`;
    }
    let display = `${title}${parts.length ? `: ${parts.join(', ')}` : ''}`;
    if (begun) display += '; continues from the previous buffer';
    if (ends) display += `; ${cut}`;
    return { name: 'Structure', value: kind ?? null, offset, length, display, generated: true, children };
  }

  /** Nodes of a group's items, each group numbered among its siblings of the same production. */
  private renderAll(items: readonly Item[]): DecodedNode[] {
    const counts = new Map<string, number>();
    return items.map((x) => {
      if (!x.group) return x.node;
      const n = (counts.get(x.group.prod) ?? 0) + 1;
      counts.set(x.group.prod, n);
      return this.render(x.group, n);
    });
  }

  private render(f: Frame, n: number): DecodedNode {
    const children = this.renderAll(f.items);
    let start = Infinity;
    let end = -Infinity;
    for (const c of children)
      if (c.length > 0) {
        start = Math.min(start, c.offset);
        end = Math.max(end, c.offset + c.length);
      }
    if (start === Infinity) start = end = children[0]?.offset ?? 0;
    const display = this.describe(f, n, children);
    return { name: f.prod, offset: start, length: end - start, display, generated: true, children };
  }

  private describe(f: Frame, n: number, children: readonly DecodedNode[]): string {
    const p = FX_PRODUCTIONS[f.prod];
    const facts: string[] = [];
    const head = f.items.find((x) => x.group?.prod === 'messageChangeHeader')?.group;
    const props = propertyElements(f.items, []);
    const all = head ? propertyElements(head.items, props.slice()) : props;
    for (const id of p?.keys ?? []) {
      const hit = all.find((e) => tagId(e.PropertyTag) === id);
      if (!hit) continue;
      const name = this.names.meta(hit.PropertyTag) ?? canonicalTagName(id) ?? `0x${id.toString(16)}`;
      facts.push(`${name} ${shortValue(hit.PropertyTag, hit.Value)}`);
    }
    if (all.some((e) => tagId(e.PropertyTag) === P.Associated && typeof e.Value === 'number' && e.Value !== 0))
      f.fai = true;
    facts.push(plural(props.length, 'property', 'properties'));
    for (const [g, one] of [
      ['recipient', 'recipient'],
      ['attachment', 'attachment'],
      ['embeddedMessage', 'embedded message'],
      ['message', 'message'],
      ['subFolder', 'subfolder'],
    ] as const) {
      const c = children.filter((x) => x.name === g).length;
      if (c) facts.push(plural(c, one));
    }
    const label = p ? `${p.label} ${n}` : 'Continuation';
    let s = `${label}${f.fai ? ' (FAI)' : ''}: ${facts.join(', ')}`;
    if (!p) s = `Continuation of a group begun in the previous buffer: ${facts.join(', ')}`;
    else if (f.continued) s += '; continues from the previous buffer';
    if (f.open) s += `; ${f.open}`;
    if (f.unterminated) s += `; ${f.unterminated}`;
    return s;
  }
}

/**
 * The structure of one buffer's elements (`nodes[i]` is the lexer's node of
 * `els[i]`) as a generated node spanning [offset, offset + length). Never
 * throws: a failure of its own gives an error-free node saying so.
 */
export function fxStructure(
  els: readonly FxElement[],
  nodes: readonly DecodedNode[],
  offset: number,
  length: number,
  names: FxNames,
  declared?: FxStreamKind,
): DecodedNode {
  try {
    const b = new Builder(names);
    for (let i = 0; i < els.length; i++) b.add(els[i]!, nodes[i]!);
    const last = els.at(-1)?.Kind === 'Partial' && nodes.at(-1)?.error === undefined;
    return b.finish(offset, length, els[0]?.Kind === 'Continued', last, declared);
  } catch (e) {
    // The grammar view is an aid: it must never cost the decode.
    return {
      name: 'Structure',
      offset,
      length,
      generated: true,
      display: `structure not available (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}
