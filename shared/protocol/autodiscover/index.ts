/**
 * Autodiscover POX ([MS-OXDSCLI] 2.2.3, 2.2.4): the request names the mailbox
 * (EMailAddress, AcceptableResponseSchema); a client that sends
 * `X-MapiHttpCapability: 1` gets a `<Protocol Type="mapiHttp">` element whose
 * MailStore / AddressBook children carry the MAPI/HTTP endpoint URLs
 * (2.2.4.1.1.2.6). The body is XML text: shown as an element tree whose
 * leaves (declaration, tags, attributes, text runs, comments) carry the byte
 * ranges of the whole document, the mapiHttp URLs pulled out as a generated
 * `MapiHttp` node.
 *
 * A small tolerant scanner, not a validating parser: no DOM in shared/.
 */
import { type Codec, type DecodedNode, type StructValue, latin1Decode } from '../../codec/index.js';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  offset: number;
  length: number;
  /** Each attribute with the byte range of `name="value"`. */
  attrs: { name: string; value: string; offset: number; length: number }[];
  /** The element's markup and content in document order: its tags, text runs, comments, child elements. */
  parts: XmlPart[];
}

/** A piece of an XML document with its byte range; an element stands for itself and its parts. */
export type XmlPart =
  | {
      kind:
        'XmlDeclaration' | 'ProcessingInstruction' | 'Comment' | 'CData' | 'Doctype' | 'StartTag' | 'EndTag' | 'Text';
      offset: number;
      length: number;
    }
  | { kind: 'Element'; el: XmlElement };

export interface MapiHttpUrls {
  version?: string;
  mailStore: { internalUrl?: string; externalUrl?: string };
  addressBook: { internalUrl?: string; externalUrl?: string };
}

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: false });

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

const local = (n: string) => n.slice(n.indexOf(':') + 1);

/**
 * Parse XML bytes into elements with byte offsets (the text is scanned as
 * latin-1 so string indexes are byte offsets; text values are decoded as
 * UTF-8). Returns the top-level elements and the first problem, if any.
 */
export function scanXml(b: Uint8Array): {
  roots: XmlElement[];
  /** The document's top level in order: declaration, whitespace, comments, the root element(s). */
  parts: XmlPart[];
  error?: { message: string; offset: number };
} {
  const s = latin1Decode(b);
  const roots: XmlElement[] = [];
  const parts: XmlPart[] = [];
  const stack: XmlElement[] = [];
  let pos = 0;
  let error: { message: string; offset: number } | undefined;
  const partsHere = () => stack.at(-1)?.parts ?? parts;
  const addText = (from: number, to: number) => {
    if (to <= from) return;
    partsHere().push({ kind: 'Text', offset: from, length: to - from });
    const top = stack.at(-1);
    if (!top) return;
    const t = utf8.decode(b.subarray(from, to));
    if (t.trim()) top.text += unescapeXml(t);
  };
  while (pos < s.length) {
    const lt = s.indexOf('<', pos);
    if (lt < 0) {
      addText(pos, s.length);
      break;
    }
    addText(pos, lt);
    const skipTo = (endMark: string) => {
      const e = s.indexOf(endMark, lt);
      return e < 0 ? -1 : e + endMark.length;
    };
    let end: number;
    const markup = (kind: Exclude<XmlPart['kind'], 'Element'>) => {
      if (end > 0) partsHere().push({ kind, offset: lt, length: end - lt });
    };
    if (s.startsWith('<?', lt)) {
      end = skipTo('?>');
      markup(s.startsWith('<?xml', lt) && stack.length === 0 ? 'XmlDeclaration' : 'ProcessingInstruction');
    } else if (s.startsWith('<!--', lt)) {
      end = skipTo('-->');
      markup('Comment');
    } else if (s.startsWith('<![CDATA[', lt)) {
      end = skipTo(']]>');
      if (end > 0) {
        const top = stack.at(-1);
        if (top) top.text += utf8.decode(b.subarray(lt + 9, end - 3));
      }
      markup('CData');
    } else if (s.startsWith('<!', lt)) {
      end = skipTo('>');
      markup('Doctype');
    } else {
      end = skipTo('>');
      if (end > 0) {
        const tag = s.slice(lt + 1, end - 1);
        if (tag.startsWith('/')) {
          const name = local(tag.slice(1).trim());
          let i = stack.length - 1;
          while (i >= 0 && stack[i]!.name !== name) i--;
          if (i < 0) error ??= { message: `closing tag </${name}> without an open element`, offset: lt };
          else {
            if (i !== stack.length - 1) error ??= { message: `element <${stack.at(-1)!.name}> not closed`, offset: lt };
            stack[i]!.parts.push({ kind: 'EndTag', offset: lt, length: end - lt });
            for (let k = stack.length - 1; k >= i; k--) stack[k]!.length = end - stack[k]!.offset;
            stack.length = i;
          }
        } else {
          const selfClose = tag.endsWith('/');
          const body = selfClose ? tag.slice(0, -1) : tag;
          const m = /^\s*([^\s/>]+)/.exec(body);
          const el: XmlElement = {
            name: local(m?.[1] ?? ''),
            attributes: {},
            children: [],
            text: '',
            offset: lt,
            length: end - lt,
            attrs: [],
            parts: [{ kind: 'StartTag', offset: lt, length: end - lt }],
          };
          const attrsAt = lt + 1 + (m?.[0].length ?? 0);
          for (const a of body.slice(m?.[0].length ?? 0).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
            const v = unescapeXml(utf8.decode(latin1ToBytes(a[3] ?? a[4] ?? '')));
            el.attributes[a[1]!] = v;
            el.attrs.push({ name: a[1]!, value: v, offset: attrsAt + a.index, length: a[0].length });
          }
          partsHere().push({ kind: 'Element', el });
          const parent = stack.at(-1);
          if (parent) parent.children.push(el);
          else roots.push(el);
          if (!selfClose) {
            if (stack.length >= MAX_DEPTH) {
              error ??= { message: `nesting deeper than ${MAX_DEPTH}`, offset: lt };
              break;
            }
            stack.push(el);
          }
        }
      }
    }
    if (end < 0) {
      error ??= { message: 'markup not terminated', offset: lt };
      break;
    }
    pos = end;
  }
  if (stack.length && !error) error = { message: `element <${stack.at(-1)!.name}> not closed`, offset: s.length };
  for (const el of stack) el.length = s.length - el.offset;
  return error ? { roots, parts, error } : { roots, parts };
}

function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);

/** The mapiHttp protocol URLs of an Autodiscover response, if any. */
export function mapiHttpUrls(roots: readonly XmlElement[]): MapiHttpUrls | undefined {
  for (const r of roots)
    for (const el of walk(r)) {
      if (el.name !== 'Protocol' || el.attributes.Type?.toLowerCase() !== 'mapihttp') continue;
      const ms = child(el, 'MailStore');
      const ab = child(el, 'AddressBook');
      const urls = (x: XmlElement | undefined) => {
        const o: { internalUrl?: string; externalUrl?: string } = {};
        const i = child(x, 'InternalUrl')?.text.trim();
        const e = child(x, 'ExternalUrl')?.text.trim();
        if (i) o.internalUrl = i;
        if (e) o.externalUrl = e;
        return o;
      };
      const out: MapiHttpUrls = { mailStore: urls(ms), addressBook: urls(ab) };
      if (el.attributes.Version) out.version = el.attributes.Version;
      return out;
    }
  return undefined;
}

export interface AutodiscoverUser {
  displayName?: string;
  legacyDn?: string;
  smtpAddress?: string;
  /** An Error element's ErrorCode and Message ([MS-OXDSCLI] 2.2.4.2), when the server refused the address. */
  error?: { code?: string; message?: string };
}

/** The User element (LegacyDN, DisplayName, AutoDiscoverSMTPAddress) or the Error of a POX response. */
export function autodiscoverUser(roots: readonly XmlElement[]): AutodiscoverUser {
  const out: AutodiscoverUser = {};
  for (const r of roots)
    for (const el of walk(r)) {
      if (el.name === 'User') {
        const t = (n: string) => child(el, n)?.text.trim() || undefined;
        const dn = t('LegacyDN');
        const name = t('DisplayName');
        const smtp = t('AutoDiscoverSMTPAddress');
        if (dn) out.legacyDn = dn;
        if (name) out.displayName = name;
        if (smtp) out.smtpAddress = smtp;
      } else if (el.name === 'Error') {
        const code = child(el, 'ErrorCode')?.text.trim();
        const message = child(el, 'Message')?.text.trim();
        out.error = { ...(code ? { code } : {}), ...(message ? { message } : {}) };
      }
    }
  return out;
}

/** A part's node: markup and text runs are leaves with their byte ranges, so the whole document is claimed. */
function partNode(p: XmlPart, b: Uint8Array): DecodedNode {
  if (p.kind === 'Element') return elementNode(p.el, b);
  const n: DecodedNode = { name: p.kind, offset: p.offset, length: p.length };
  if (p.kind === 'Text') {
    const t = utf8.decode(b.subarray(p.offset, p.offset + p.length));
    n.value = unescapeXml(t);
    if (!t.trim()) n.display = '(whitespace)';
  } else n.display = latin1Decode(b.subarray(p.offset, p.offset + Math.min(p.length, 120)));
  return n;
}

function elementNode(el: XmlElement, b: Uint8Array): DecodedNode {
  const n: DecodedNode = { name: el.name, offset: el.offset, length: el.length };
  // Attributes first (each over its `name="value"` bytes), then the tags, text and child elements in order.
  const kids: DecodedNode[] = el.attrs.map((a) => ({
    name: `@${local(a.name)}`,
    value: a.value,
    offset: a.offset,
    length: a.length,
  }));
  for (const p of el.parts) kids.push(partNode(p, b));
  if (kids.length) n.children = kids;
  const t = el.text.trim();
  if (t) {
    n.value = t;
    n.display = t.length > 200 ? t.slice(0, 200) + '…' : t;
  }
  return n;
}

/** Decoded Autodiscover body: the raw text (kept for encode), the elements, the mapiHttp URLs. */
export interface AutodiscoverValue extends StructValue {
  Raw: Uint8Array;
  Root?: string;
  MapiHttp?: MapiHttpUrls;
  EMailAddress?: string;
}

export const autodiscoverBody: Codec<AutodiscoverValue> = {
  kind: 'Autodiscover',
  minSize: 0,
  decode(r, name, _scope, env) {
    const start = r.pos;
    const raw = r.take(r.remaining);
    const { roots, parts, error } = scanXml(raw);
    const shift = (n: DecodedNode): DecodedNode => {
      n.offset += start;
      n.children?.forEach(shift);
      return n;
    };
    // [MS-OXDSCLI] 2.2: the body is one XML document; every byte of it belongs to a node.
    const children = parts.map((p) => {
      const n = shift(partNode(p, raw));
      // Text beside the root element is not part of the document: shown, but left unparsed.
      if (p.kind === 'Text' && n.display === undefined) {
        n.name = 'OutsideDocument';
        n.generated = true;
        n.display = `${p.length} byte(s) of text outside the XML document`;
      }
      return n;
    });
    const value: AutodiscoverValue = { Raw: raw };
    if (roots[0]) value.Root = roots[0].name;
    const urls = mapiHttpUrls(roots);
    if (urls) {
      value.MapiHttp = urls;
      const g = (n: string, v: string | undefined): DecodedNode[] =>
        v ? [{ name: n, value: v, offset: start, length: 0, generated: true }] : [];
      children.push({
        name: 'MapiHttp',
        offset: start,
        length: 0,
        generated: true,
        display: `MailStore ${urls.mailStore.externalUrl ?? urls.mailStore.internalUrl ?? '(none)'}, AddressBook ${
          urls.addressBook.externalUrl ?? urls.addressBook.internalUrl ?? '(none)'
        }`,
        children: [
          ...g('MailStoreInternalUrl', urls.mailStore.internalUrl),
          ...g('MailStoreExternalUrl', urls.mailStore.externalUrl),
          ...g('AddressBookInternalUrl', urls.addressBook.internalUrl),
          ...g('AddressBookExternalUrl', urls.addressBook.externalUrl),
        ],
      });
    }
    for (const root of roots)
      for (const el of walk(root))
        if (el.name === 'EMailAddress' && el.text.trim()) {
          value.EMailAddress = el.text.trim();
          break;
        }
    if (error) {
      env.failures++;
      children.push({
        name: 'XmlError',
        offset: start + Math.min(error.offset, raw.length),
        length: raw.length - Math.min(error.offset, raw.length),
        error: error.message,
      });
    }
    const node: DecodedNode = { name, offset: start, length: raw.length, children };
    const display = urls ? 'mapiHttp endpoints' : value.Root;
    if (display !== undefined) node.display = display;
    return { value, node };
  },
  encode(w, v) {
    w.bytes(v.Raw);
  },
};
