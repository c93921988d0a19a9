/**
 * The FastTransfer stream lexer ([MS-OXCFXICS] 2.2.4.1 lexical structure): `fxStream` lexes
 * the TransferData / TransferBuffer of the FastTransfer ROPs into markers, meta-properties
 * and property values (8-bit strings in the code page in use). A value cut at the end of a
 * buffer is kept as a partial element for the session model to continue with the next buffer.
 */
import {
  type Codec,
  type DecodeEnv,
  type DecodedNode,
  type Scope,
  type Writer,
  DecodeError,
  NO_NODE,
  Reader,
  concatBytes,
  custom,
  filetimeToIso,
  guidFromString,
  guidToString,
  hex,
  latin1Encode,
  memoShow,
  toHex,
  utf16Decode,
  utf16Encode,
} from '../../codec/index.js';
import {
  type CodePageInUse,
  codePageName,
  decodeString8,
  describeTag,
  encodeInCodePage,
  makeTag,
  namedPropertyName,
  propertySetName,
  propertyTagName,
  tagId,
  tagType,
} from '../oxcdata/index.js';

import { siteOf } from './context.js';

import { fxStructure } from './fasttransfer-grammar.js';
import { fxStreamKindOf } from './fasttransfer-kind.js';

// ---------------------------------------------------------------------------
// FastTransfer stream lexer ([MS-OXCFXICS] 2.2.4.1 lexical structure)

/** [MS-OXCFXICS] 2.2.4.1.4 markers: property tags that stand alone, without a value. */
export const FX_MARKERS: Readonly<Record<number, string>> = {
  0x40090003: 'StartTopFld',
  0x400a0003: 'StartSubFld',
  0x400b0003: 'EndFolder',
  0x400c0003: 'StartMessage',
  0x400d0003: 'EndMessage',
  0x40100003: 'StartFAIMsg',
  0x40010003: 'StartEmbed',
  0x40020003: 'EndEmbed',
  0x40030003: 'StartRecip',
  0x40040003: 'EndToRecip',
  0x40000003: 'NewAttach',
  0x400e0003: 'EndAttach',
  0x40120003: 'IncrSyncChg',
  0x407d0003: 'IncrSyncChgPartial',
  0x40130003: 'IncrSyncDel',
  0x40140003: 'IncrSyncEnd',
  0x402f0003: 'IncrSyncRead',
  0x403a0003: 'IncrSyncStateBegin',
  0x403b0003: 'IncrSyncStateEnd',
  0x4074000b: 'IncrSyncProgressMode',
  0x4075000b: 'IncrSyncProgressPerMsg',
  0x40150003: 'IncrSyncMessage',
  0x407b0102: 'IncrSyncGroupInfo',
  0x40180003: 'FXErrorInfo',
};

/** [MS-OXCFXICS] 2.2.4.1.5 meta-properties and the ICS state properties (2.2.1.1). */
export const FX_META_PROPERTIES: Readonly<Record<number, string>> = {
  0x40160003: 'MetaTagFXDelProp',
  0x400f0003: 'MetaTagEcWarning',
  0x40110102: 'MetaTagNewFXFolder',
  0x407c0003: 'MetaTagIncrSyncGroupId',
  0x407a0003: 'MetaTagIncrementalSyncMessagePartial',
  0x4008001e: 'MetaTagDnPrefix',
  0x40170003: 'MetaTagIdsetGiven',
  0x67960102: 'MetaTagCnsetSeen',
  0x67da0102: 'MetaTagCnsetSeenFAI',
  0x67d20102: 'MetaTagCnsetRead',
  0x67e50102: 'MetaTagIdsetDeleted',
  0x40210102: 'MetaTagIdsetNoLongerInScope',
  0x67930102: 'MetaTagIdsetExpired',
  0x402d0102: 'MetaTagIdsetRead',
  0x402e0102: 'MetaTagIdsetUnread',
};

/** MetaTagIdsetGiven has a PtypInteger32 tag but a length-prefixed binary value ([MS-OXCFXICS] 2.2.1.1.1). */
const IDSET_GIVEN = 0x40170003;
/** MetaTagFXDelProp: its PtypInteger32 value is a property tag ([MS-OXCFXICS] 2.2.4.1.5.1). */
const FX_DEL_PROP = 0x40160003;

/** Fixed value sizes in a FastTransfer stream ([MS-OXCFXICS] 2.2.4.1.3 fixedSizeValue; PtypBoolean has 2 bytes). */
const FX_FIXED: Readonly<Record<number, number>> = {
  0x0002: 2,
  0x0003: 4,
  0x0004: 4,
  0x0005: 8,
  0x0006: 8,
  0x0007: 8,
  0x000a: 4,
  0x000b: 2,
  0x0014: 8,
  0x0040: 8,
  0x0048: 16,
};
/** Types carried as length(4) + bytes (varSizeValue). */
const FX_VAR = new Set([0x000d, 0x001e, 0x001f, 0x00fb, 0x00fd, 0x00fe, 0x0102]);

export type FxScalar = number | bigint | string | Uint8Array;
export type FxElement =
  | { Kind: 'Marker'; PropertyTag: number }
  | {
      Kind: 'PropertyValue' | 'MetaProperty';
      PropertyTag: number;
      /** [MS-OXCFXICS] 2.2.4.1.1 namedPropInfo, for ids 0x8000 and up. */
      PropertySet?: string;
      NameKind?: number;
      Lid?: number;
      Name?: string;
      Value: FxScalar | FxScalar[];
    }
  /** The start of an element that continues in the next buffer. */
  | { Kind: 'Partial'; Bytes: Uint8Array }
  /**
   * The end of an element begun in the previous buffer (`Carry`, from the
   * session model): `Bytes` are this buffer's part, `Element` the whole
   * element when it completes here.
   */
  | { Kind: 'Continued'; Carry: Uint8Array; Bytes: Uint8Array; Element?: FxElement };

class NeedMore extends Error {}

function need(r: Reader, n: number): void {
  if (r.remaining < n) throw new NeedMore();
}

function readFixed(r: Reader, t: number): FxScalar {
  need(r, FX_FIXED[t]!);
  switch (t) {
    case 0x0002:
      return r.i16();
    case 0x0003:
      return r.i32();
    case 0x0004:
      return r.f32();
    case 0x0005:
    case 0x0007:
      return r.f64();
    case 0x000a:
      return r.u32();
    case 0x000b:
      return r.u16();
    case 0x0006:
    case 0x0014:
      return r.i64();
    case 0x0040:
      return r.u64();
    default:
      return guidToString(r.take(16));
  }
}

function writeFixed(w: Writer, t: number, v: FxScalar): void {
  switch (t) {
    case 0x0002:
      w.i16(v as number);
      return;
    case 0x0003:
      w.i32(v as number);
      return;
    case 0x0004:
      w.f32(v as number);
      return;
    case 0x0005:
    case 0x0007:
      w.f64(v as number);
      return;
    case 0x000a:
      w.u32(v as number);
      return;
    case 0x000b:
      w.u16(v as number);
      return;
    case 0x0006:
    case 0x0014:
      w.i64(v as bigint);
      return;
    case 0x0040:
      w.u64(v as bigint);
      return;
    default:
      w.bytes(guidFromString(v as string));
  }
}

/**
 * [MS-OXCFXICS] 2.2.4.1.1.1 code page property types: bit 0x8000 set, the
 * CodePageId in the low 15 bits (0x84B0 = 1200, UTF-16LE); the value is a
 * varSizeValue string in that code page.
 */
const CODE_PAGE_TYPE = 0x8000;
const isCodePageType = (t: number): boolean => (t & CODE_PAGE_TYPE) !== 0;

/** The code page of an 8-bit string value: its own for a code-page type, else the one in use. */
function stringCodePage(t: number, cp: CodePageInUse | undefined): CodePageInUse | undefined {
  return isCodePageType(t) ? { id: t & 0x7fff, source: `the property type ${hex(t, 4)}` } : cp;
}

/**
 * A terminated string becomes text (terminator dropped) when it reads exactly
 * in its code page (or, unknown, as ISO-8859-1); anything else stays bytes, so
 * encoding is lossless.
 */
function readVar(r: Reader, t: number, cp?: CodePageInUse): FxScalar {
  need(r, 4);
  const n = r.u32();
  need(r, n);
  const b = r.take(n);
  const scp = t === 0x001e || isCodePageType(t) ? stringCodePage(t, cp) : undefined;
  if (t === 0x001f || scp?.id === 1200) {
    if (n >= 2 && n % 2 === 0 && b[n - 1] === 0 && b[n - 2] === 0) return utf16Decode(b.subarray(0, n - 2));
    return b;
  }
  if ((t === 0x001e || isCodePageType(t)) && n >= 1 && b[n - 1] === 0 && b.indexOf(0) === n - 1) {
    const d = decodeString8(b.subarray(0, n - 1), scp);
    if (d.applied !== undefined || !scp) return d.text;
  }
  return b;
}

function writeVar(w: Writer, t: number, v: FxScalar, cp?: CodePageInUse): void {
  let b: Uint8Array;
  if (typeof v !== 'string') b = v as Uint8Array;
  else {
    const scp = stringCodePage(t, cp);
    if (t === 0x001f || scp?.id === 1200) b = concatBytes([utf16Encode(v), new Uint8Array(2)]);
    else b = concatBytes([encodeInCodePage(v, scp?.id ?? 28591) ?? latin1Encode(v), new Uint8Array(1)]);
  }
  w.u32(b.length).bytes(b);
}

function showScalar(t: number, v: FxScalar, cp?: CodePageInUse): string {
  if (v instanceof Uint8Array) return v.length <= 32 ? toHex(v, ' ') : `${v.length} bytes`;
  if (typeof v === 'string' && (t === 0x001e || isCodePageType(t))) {
    const scp = stringCodePage(t, cp);
    if (scp?.id === 1200) return `${JSON.stringify(v)} · ${codePageName(1200)}, from ${scp.source}`;
    // Non-ASCII text only: which code page made it.
    if (!/[^\x00-\x7f]/.test(v)) return JSON.stringify(v);
    return scp
      ? `${JSON.stringify(v)} · ${codePageName(scp.id)}, from ${scp.source}`
      : `${JSON.stringify(v)} · code page unknown, shown as ISO-8859-1`;
  }
  if (typeof v === 'string') return t === 0x0048 ? `{${v}}` : JSON.stringify(v);
  if (t === 0x0040 && typeof v === 'bigint') return filetimeToIso(v) ?? v.toString();
  if (t === 0x000a || t === 0x0003) return typeof v === 'number' && t === 0x000a ? hex(v, 8) : String(v);
  return String(v);
}

function valueOf(r: Reader, tag: number, cp: CodePageInUse | undefined): FxScalar | FxScalar[] {
  const t = tagType(tag);
  if (tag === IDSET_GIVEN) return readVar(r, 0x0102);
  if (FX_FIXED[t] !== undefined) return readFixed(r, t);
  if (FX_VAR.has(t) || isCodePageType(t)) return readVar(r, t, cp);
  if (t & 0x1000) {
    const base = t & ~0x1000;
    const fixed = FX_FIXED[base];
    if (fixed === undefined && !FX_VAR.has(base))
      throw new DecodeError(`unknown multi-valued property type ${hex(t, 4)}`, r.pos);
    need(r, 4);
    const at = r.pos;
    const n = r.u32();
    // Bound the count by the bytes left before looping (each item needs at least 4 or `fixed` bytes).
    if (n * (fixed ?? 4) > r.remaining) {
      // Could be a value split across buffers; what follows is too short either way.
      if (n * (fixed ?? 4) > 0x7fffffff) throw new DecodeError(`multi-value count ${n} is not plausible`, at);
      throw new NeedMore();
    }
    const out: FxScalar[] = [];
    for (let i = 0; i < n; i++) out.push(fixed !== undefined ? readFixed(r, base) : readVar(r, base, cp));
    return out;
  }
  throw new DecodeError(`unknown property type ${hex(t, 4)} in the FastTransfer stream`, r.pos);
}

function writeValue(w: Writer, tag: number, v: FxScalar | FxScalar[], cp: CodePageInUse | undefined): void {
  const t = tagType(tag);
  if (tag === IDSET_GIVEN) return writeVar(w, 0x0102, v as FxScalar);
  if (FX_FIXED[t] !== undefined) return writeFixed(w, t, v as FxScalar);
  if (FX_VAR.has(t) || isCodePageType(t)) return writeVar(w, t, v as FxScalar, cp);
  const base = t & ~0x1000;
  const items = v as FxScalar[];
  w.u32(items.length);
  for (const x of items) {
    if (FX_FIXED[base] !== undefined) writeFixed(w, base, x);
    else writeVar(w, base, x, cp);
  }
}

/**
 * The two tables by number: tags of named properties (0x8000 and up) are
 * above 2^31, and looking those up in a record goes through a string key.
 */
const byTag = (names: Readonly<Record<number, string>>) =>
  new Map(Object.entries(names).map(([k, v]) => [Number(k), v] as const));
const MARKER_NAME = byTag(FX_MARKERS);
const META_NAME = byTag(FX_META_PROPERTIES);

/** Marker and meta-property names for the grammar layer. */
const FX_NAMES = { marker: (tag: number) => MARKER_NAME.get(tag), meta: (tag: number) => META_NAME.get(tag) };

/** A code-page string tag: the name its id has as a string property, and the code page. */
function codePageTagLabel(tag: number): string {
  const t = tagType(tag);
  const name = tagId(tag) < 0x8000 ? propertyTagName(makeTag(tagId(tag), 0x001f)) : undefined;
  return `${name ?? hex(tag, 8)} (code page string, ${codePageName(t & 0x7fff)})`;
}

/** Name of an element's tag (remembered per tag, bounded). */
const tagLabel = memoShow(
  (tag) =>
    MARKER_NAME.get(tag) ??
    META_NAME.get(tag) ??
    (isCodePageType(tagType(tag)) ? codePageTagLabel(tag) : describeTag(tag)),
);
/** Display of an element's PropertyTag node (remembered per tag, bounded: streams repeat their tags). */
const tagDisplay = memoShow((tag) => `${tagLabel(tag)} (${hex(tag, 8)})`);

/** One element starting at r.pos; NeedMore when the bytes end inside it. Without `tree`, the node is `NO_NODE`. */
function readElement(r: Reader, tree = true, cp?: CodePageInUse): { el: FxElement; node: DecodedNode } {
  const start = r.pos;
  need(r, 4);
  const tag = r.u32();
  const marker = MARKER_NAME.get(tag);
  if (marker !== undefined) {
    return {
      el: { Kind: 'Marker', PropertyTag: tag },
      node: tree
        ? { name: 'Marker', value: tag, offset: start, length: 4, display: `${marker} (${hex(tag, 8)})` }
        : NO_NODE,
    };
  }
  const children: DecodedNode[] = [];
  if (tree)
    children.push({
      name: 'PropertyTag',
      value: tag,
      offset: start,
      length: 4,
      display: tagDisplay(tag),
    });
  const meta = META_NAME.get(tag);
  const el: FxElement = {
    Kind: meta ? 'MetaProperty' : 'PropertyValue',
    PropertyTag: tag,
    Value: 0,
  };
  if (tagId(tag) >= 0x8000 && !meta) {
    const at = r.pos;
    need(r, 17);
    el.PropertySet = guidToString(r.take(16));
    el.NameKind = r.u8();
    if (tree)
      children.push({
        name: 'PropertySet',
        value: el.PropertySet,
        offset: at,
        length: 16,
        display: propertySetName(el.PropertySet) ?? `{${el.PropertySet}}`,
      });
    if (tree)
      children.push({
        name: 'Kind',
        value: el.NameKind,
        offset: at + 16,
        length: 1,
        display: el.NameKind === 0 ? 'MNID_ID (0x00)' : el.NameKind === 1 ? 'MNID_STRING (0x01)' : hex(el.NameKind, 2),
      });
    if (el.NameKind === 0) {
      need(r, 4);
      el.Lid = r.u32();
      if (tree)
        children.push({
          name: 'Dispid',
          value: el.Lid,
          offset: at + 17,
          length: 4,
          display: namedPropertyName(el.PropertySet, el.Lid) ?? hex(el.Lid, 8),
        });
    } else if (el.NameKind === 1) {
      const s = r.pos;
      let z = -1;
      for (let i = s; i + 1 < r.end; i += 2)
        if (r.bytes[i] === 0 && r.bytes[i + 1] === 0) {
          z = i;
          break;
        }
      if (z < 0) throw new NeedMore();
      el.Name = utf16Decode(r.take(z - s));
      r.pos += 2;
      if (tree)
        children.push({ name: 'Name', value: el.Name, offset: s, length: r.pos - s, display: JSON.stringify(el.Name) });
    } else throw new DecodeError(`named property Kind must be 0x00 or 0x01, found ${hex(el.NameKind, 2)}`, at + 16);
  }
  const vAt = r.pos;
  el.Value = valueOf(r, tag, cp);
  if (!tree) return { el, node: NO_NODE };
  const t = tagType(tag);
  const shown = Array.isArray(el.Value)
    ? `${el.Value.length} value(s)`
    : tag === FX_DEL_PROP && typeof el.Value === 'number'
      ? describeTag(el.Value >>> 0) // MetaTagFXDelProp names the property to delete
      : showScalar(tag === IDSET_GIVEN ? 0x0102 : t, el.Value, cp);
  const valueNode: DecodedNode = {
    name: 'PropertyValue',
    value: el.Value,
    offset: vAt,
    length: r.pos - vAt,
    display: shown,
  };
  if (IDSET_STATE.has(tag) && el.Value instanceof Uint8Array) {
    // The 4-byte length comes first; the IDSET itself follows it.
    const parsed = idsetNodes(el.Value, vAt + 4);
    if (parsed) valueNode.children = [{ name: 'Length', value: el.Value.length, offset: vAt, length: 4 }, ...parsed];
  }
  children.push(valueNode);
  return {
    el,
    node: { name: el.Kind, offset: start, length: r.pos - start, display: `${tagLabel(tag)}: ${shown}`, children },
  };
}

function writeElement(w: Writer, el: FxElement, cp: CodePageInUse | undefined): void {
  if (el.Kind === 'Partial' || el.Kind === 'Continued') {
    w.bytes(el.Bytes);
    return;
  }
  w.u32(el.PropertyTag);
  if (el.Kind === 'Marker') return;
  if (el.PropertySet !== undefined) {
    w.bytes(guidFromString(el.PropertySet)).u8(el.NameKind ?? 0);
    if ((el.NameKind ?? 0) === 0) w.u32(el.Lid ?? 0);
    else w.bytes(utf16Encode(el.Name ?? '')).u16(0);
  }
  writeValue(w, el.PropertyTag, el.Value, cp);
}

// ---------------------------------------------------------------------------
// IDSET / CNSET of the ICS state ([MS-OXCFXICS] 2.2.2.4 IDSET, 2.2.2.6 GLOBSET)

/** ICS state properties, serialized as REPLGUID-based IDSETs ([MS-OXCFXICS] 2.2.1.1). */
const IDSET_STATE = new Set([0x40170003, 0x67960102, 0x67da0102, 0x67d20102]);

const hex48 = (b: readonly number[]): string =>
  '0x' + b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('');

/**
 * The IDSET in `b` as nodes (offsets from `base`): per replica its REPLGUID
 * and the GLOBSET commands (push, pop, bitmask, range, end) with the ids they
 * stand for. Undefined when the bytes are not a well-formed IDSET, so the
 * caller shows them raw instead of a guess.
 */
export function idsetNodes(b: Uint8Array, base: number): DecodedNode[] | undefined {
  const out: DecodedNode[] = [];
  let p = 0;
  while (p < b.length) {
    if (p + 16 > b.length) return undefined;
    const replStart = p;
    const guidText = guidToString(b, p);
    p += 16;
    const cmds: DecodedNode[] = [];
    const stack: number[][] = [];
    const prefix = () => stack.flat();
    let ended = false;
    while (!ended) {
      const at = p;
      const c = b[p++];
      if (c === undefined) return undefined;
      if (c >= 0x01 && c <= 0x06) {
        if (prefix().length + c > 6 || p + c > b.length) return undefined;
        const bytes = Array.from(b.subarray(p, p + c));
        p += c;
        stack.push(bytes);
        cmds.push({
          name: 'Push',
          offset: base + at,
          length: 1 + c,
          value: c,
          display: `push ${c} byte(s) of the counter: ${hex48(prefix())}…`,
        });
      } else if (c === 0x50) {
        if (!stack.pop()) return undefined;
        cmds.push({ name: 'Pop', offset: base + at, length: 1, value: c });
      } else if (c === 0x42) {
        if (prefix().length !== 5 || p + 2 > b.length) return undefined;
        const start = b[p]!;
        const mask = b[p + 1]!;
        p += 2;
        const ids = [start];
        for (let i = 0; i < 8; i++) if (mask & (1 << i)) ids.push(start + i + 1);
        const shown = ids.filter((x) => x <= 0xff).map((x) => hex48([...prefix(), x]));
        cmds.push({ name: 'Bitmask', offset: base + at, length: 3, value: mask, display: shown.join(', ') });
      } else if (c === 0x52) {
        const n = 6 - prefix().length;
        if (n < 1 || p + 2 * n > b.length) return undefined;
        const low = [...prefix(), ...b.subarray(p, p + n)];
        const high = [...prefix(), ...b.subarray(p + n, p + 2 * n)];
        p += 2 * n;
        cmds.push({ name: 'Range', offset: base + at, length: 1 + 2 * n, display: `${hex48(low)} – ${hex48(high)}` });
      } else if (c === 0x00) {
        cmds.push({ name: 'End', offset: base + at, length: 1, value: 0 });
        ended = true;
      } else return undefined;
    }
    out.push({
      name: 'Replica',
      offset: base + replStart,
      length: p - replStart,
      display: `{${guidText}}, ${cmds.filter((x) => x.name === 'Range' || x.name === 'Bitmask').length} id range(s)`,
      children: [
        { name: 'ReplGuid', value: guidText, offset: base + replStart, length: 16, display: `{${guidText}}` },
        ...cmds,
      ],
    });
  }
  return out;
}

/** What the session model offers to continue a stream across buffers. */
export interface FastTransferCarrySource {
  /**
   * Bytes of the element left incomplete at the end of the previous buffer of
   * the FastTransfer context with this server handle (empty or undefined: the
   * next buffer starts at an element boundary).
   */
  fastTransferCarry?(serverHandle: number): Uint8Array | undefined;
}

/** The carry for the stream being decoded: `env.context.fxCarry`, else the session by the context's server handle. */
function carryOf(scope: Scope, env: DecodeEnv): Uint8Array | undefined {
  const direct = env.context.fxCarry;
  if (direct instanceof Uint8Array) return direct.length ? direct : undefined;
  const session = env.context.session as FastTransferCarrySource | undefined;
  if (typeof session?.fastTransferCarry !== 'function') return undefined;
  const index = scope.get('InputHandleIndex');
  const handle = typeof index === 'number' ? siteOf(scope)?.requestHandles[index] : undefined;
  const c = handle !== undefined ? session.fastTransferCarry(handle) : undefined;
  return c?.length ? c : undefined;
}

/** Completes the element begun in the previous buffer; returns its node and how many bytes of `r` it took. */
function continueElement(
  r: Reader,
  carry: Uint8Array,
  tree = true,
  cp?: CodePageInUse,
): { el: FxElement; node: DecodedNode } {
  const start = r.pos;
  const joined = new Uint8Array(carry.length + r.remaining);
  joined.set(carry);
  joined.set(r.bytes.subarray(r.pos, r.end), carry.length);
  const t = new Reader(joined, r.bufferId);
  try {
    const { el, node } = readElement(t, tree, cp);
    const used = t.pos - carry.length;
    const bytes = r.take(used);
    return {
      el: { Kind: 'Continued', Carry: carry, Bytes: bytes, Element: el },
      node: !tree
        ? NO_NODE
        : {
            name: 'Continued',
            value: bytes,
            offset: start,
            length: used,
            display: `end of ${node.display ?? node.name} (begun in the previous buffer with ${carry.length} byte(s))`,
          },
    };
  } catch (e) {
    if (!(e instanceof NeedMore)) throw e;
    const bytes = r.take(r.remaining);
    return {
      el: { Kind: 'Continued', Carry: carry, Bytes: bytes },
      node: {
        name: 'Continued',
        value: bytes,
        offset: start,
        length: bytes.length,
        display: `${bytes.length} byte(s) more of an element begun in the previous buffer; it continues in the next one`,
      },
    };
  }
}

/**
 * A FastTransfer stream to the end of its window, as a flat list of elements.
 * Bytes that end inside an element become a `Partial` element (not an error:
 * buffers split values anywhere); an unknown property type is an error node
 * over the rest of the window, whose bytes are kept for re-encoding. A buffer
 * is taken to start at an element boundary unless the context supplies the
 * bytes of an element left open by the previous buffer (`fxCarry`, or the
 * session's `fastTransferCarry`).
 */
export const fxStream: Codec<FxElement[]> = custom<FxElement[]>(
  'FastTransferStream',
  0,
  (r, name, scope, env) => {
    const start = r.pos;
    const els: FxElement[] = [];
    const children: DecodedNode[] = [];
    const carry = carryOf(scope, env);
    let first = true;
    while (r.remaining > 0) {
      const at = r.pos;
      try {
        const { el, node } =
          first && carry ? continueElement(r, carry, env.tree, env.codePage) : readElement(r, env.tree, env.codePage);
        els.push(el);
        children.push(node);
      } catch (e) {
        r.pos = at;
        const rest = r.take(r.remaining);
        els.push({ Kind: 'Partial', Bytes: rest });
        const node: DecodedNode = { name: 'Partial', value: rest, offset: at, length: rest.length };
        if (e instanceof NeedMore)
          node.display = `${rest.length} byte(s) of an element that continues in the next buffer`;
        else {
          node.error = e instanceof Error ? e.message : String(e);
          env.failures++;
        }
        children.push(node);
      }
      first = false;
    }
    if (!env.tree) return { value: els, node: NO_NODE };
    const markers = els.filter((e) => e.Kind === 'Marker').length;
    // The grammar view ([MS-OXCFXICS] 2.2.4.3), first: for the buffers of a ROP buffer, or on request
    // (`fxStructure: true`); `fxStructure: false` leaves it out.
    const asked = env.context.fxStructure;
    const structured = asked === true || (asked !== false && siteOf(scope) !== undefined);
    return {
      value: els,
      node: {
        name,
        offset: start,
        length: r.pos - start,
        display: `${els.length} element(s), ${markers} marker(s)`,
        children:
          structured && els.length
            ? [fxStructure(els, children, start, r.pos - start, FX_NAMES, fxStreamKindOf(scope, env)), ...children]
            : children,
      },
    };
  },
  (w, v, _scope, env) => {
    for (const el of v) writeElement(w, el, env.codePage);
  },
);
