/**
 * The grammar layer over the FastTransfer lexer ([MS-OXCFXICS] 2.2.4.3): the
 * generated Structure node of each buffer, on the real hierarchy-sync stream
 * of syncgw exchange 44 and on streams built with the lexer's own encoder for
 * every production, misplaced markers, cut buffers and buffers that begin
 * inside a group.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DecodedNode,
  collectErrors,
  decode,
  encode,
  findAll,
  unclaimedBytes,
} from '../../../../shared/codec/index.js';
import { decodeBody, ropBuffersOf } from '../../../../shared/protocol/decode-exchange.js';
import { FX_MARKERS, type FxElement, fxStream } from '../../../../shared/protocol/rops/fasttransfer-stream.js';
import { FX_PRODUCTIONS } from '../../../../shared/protocol/rops/fasttransfer-grammar.js';
import { rng } from './rop-helpers.js';

const FIX = new URL('../../../fixtures/', import.meta.url);
const read = (p: string) => new Uint8Array(readFileSync(new URL(p, FIX)));

// ---------------------------------------------------------------------------
// Stream building with the lexer's encoder

const TAG_OF = new Map(Object.entries(FX_MARKERS).map(([t, n]) => [n, Number(t)]));
const M = (name: string): FxElement => ({ Kind: 'Marker', PropertyTag: TAG_OF.get(name)! });
const S = (tag: number, v: string): FxElement => ({ Kind: 'PropertyValue', PropertyTag: tag, Value: v });
const I = (tag: number, v: number): FxElement => ({ Kind: 'PropertyValue', PropertyTag: tag, Value: v });
const B = (tag: number, v: number[]): FxElement => ({
  Kind: 'PropertyValue',
  PropertyTag: tag,
  Value: new Uint8Array(v),
});
const META = (tag: number, v: number | Uint8Array): FxElement => ({ Kind: 'MetaProperty', PropertyTag: tag, Value: v });
const subject = (v: string) => S(0x0037001f, v);
const cls = (v: string) => S(0x001a001f, v);
const name = (v: string) => S(0x3001001f, v);
const sourceKey = (v: number[]) => B(0x65e00102, v);
const size = (n: number) => I(0x0e080003, n);

/** Encodes `els` and decodes them again with the grammar layer asked for. */
function structure(els: FxElement[], context: Record<string, unknown> = {}) {
  const bytes = encode(fxStream, els);
  const d = decode(fxStream, bytes, { context: { fxStructure: true, ...context } });
  const s = d.tree.children![0]!;
  expect(s.name).toBe('Structure');
  expect(s.generated).toBe(true);
  // The flat list is unchanged and still claims every byte; the Structure claims none.
  const flat = decode(fxStream, bytes, { context: { ...context, fxStructure: false } });
  expect(d.tree.children!.slice(1)).toEqual(flat.tree.children);
  expect(d.value).toEqual(flat.value);
  expect(unclaimedBytes(d.tree, 'body', bytes.length)).toBe(unclaimedBytes(flat.tree, 'body', bytes.length));
  return { s, bytes, tree: d.tree, errors: collectErrors(d.tree).map((e) => e.message) };
}

/** [name, display] of a node's children. */
const shape = (n: DecodedNode | undefined) => (n?.children ?? []).map((c) => [c.name, c.display]);
const names = (n: DecodedNode | undefined) => (n?.children ?? []).map((c) => c.name);
const span = (n: DecodedNode | undefined) => [n?.offset, n?.length];

/** Byte offset of element `i` of `els` in their encoding. */
const at = (els: FxElement[], i: number) => encode(fxStream, els.slice(0, i)).length;

// ---------------------------------------------------------------------------

describe('real capture: the hierarchy sync download of syncgw exchange 44', () => {
  const q = decodeBody('Execute', 'request', read('syncgw/execute_req44.bin'));
  const ctx = { execRequest: ropBuffersOf(q.value)[0] };
  const r = decodeBody('Execute', 'response', read('syncgw/execute_resp44.bin'), ctx);
  const buf = findAll(r.tree, 'TransferBuffer')[0]!;
  const s = buf.children![0]!;

  it('the Structure is the first child of TransferBuffer, spans the stream and claims nothing', () => {
    expect(s).toMatchObject({ name: 'Structure', value: 'hierarchySync', offset: 79, length: 6469, generated: true });
    // The kind comes from the RopSynchronizationConfigure earlier in the same Execute.
    expect(s.display).toBe(
      'hierarchySync (from RopSynchronizationConfigure (SynchronizationType 2), request #2 of this Execute): ' +
        '19 folderChange, 1 state, IncrSyncEnd',
    );
    expect(buf.children).toHaveLength(1 + 376);
    expect(names(s)).toEqual([...Array<string>(19).fill('folderChange'), 'state', 'Marker']);
    expect(r.errors).toEqual([]);
    expect(r.unparsedBytes).toBe(0);
  });

  it('folder changes: offsets, element leaves and key properties', () => {
    const first = s.children![0]!;
    expect(span(first)).toEqual([79, 281]);
    expect(first.display).toBe(
      'Folder change 1: PidTagDisplayName "Gesendete Elemente", PidTagContainerClass "IPF.Note", ' +
        'PidTagSourceKey 01000000a5187b6fbcdcea1ed03c565700000000000a, PidTagParentSourceKey (empty), 18 properties',
    );
    // Leaves point at the flat list's bytes: the same offsets, lengths and displays, generated.
    expect(first.children).toHaveLength(19);
    for (let i = 0; i < 19; i++) {
      const el = buf.children![1 + i]!;
      expect(first.children![i]).toMatchObject({ offset: el.offset, length: el.length, display: el.display });
      expect(first.children![i]!.generated).toBe(true);
      expect(first.children![i]!.children).toBeUndefined();
    }
    expect(shape(first)[4]).toEqual(['Property', 'PidTagDisplayName (0x3001001F): "Gesendete Elemente"']);
    const quick = s.children![13]!;
    expect(span(quick)).toEqual([4590, 339]);
    expect(quick.display).toMatch(
      /^Folder change 14: PidTagDisplayName "Schnellkontakte", PidTagContainerClass "IPF.Contact.MOC.QuickContacts", .*PidTagParentSourceKey 01000000a5187b6fbcdcea1ed03c5657000000000013, 18 properties$/,
    );
    expect(span(s.children![3])).toEqual([908, 1201]);
    expect(s.children![3]!.display).toMatch(/^Folder change 4: PidTagDisplayName "Posteingang", .*, 28 properties$/);
    // Consecutive groups tile the stream.
    for (let i = 1; i < 20; i++) {
      const a = s.children![i - 1]!;
      expect(s.children![i]!.offset).toBe(a.offset + a.length);
    }
  });

  it('the ICS state and IncrSyncEnd', () => {
    const state = s.children![19]!;
    expect(span(state)).toEqual([6460, 84]);
    expect(state.display).toBe('ICS state 1: MetaTagIdsetGiven 30 bytes, MetaTagCnsetSeen 30 bytes, 2 properties');
    expect(names(state)).toEqual(['Marker', 'MetaProperty', 'MetaProperty', 'Marker']);
    expect(s.children![20]).toMatchObject({ name: 'Marker', offset: 6544, length: 4 });
  });
});

describe('real fixtures: the grammar layer changes no claim, error or value', () => {
  interface Pair {
    name: string;
    request: Uint8Array;
    response: Uint8Array;
  }
  const pairs: Pair[] = [];
  for (const f of readdirSync(new URL('syncgw/', FIX))) {
    const m = /^execute_req(\d+)\.bin$/.exec(f);
    if (m) pairs.push({ name: f, request: read(`syncgw/${f}`), response: read(`syncgw/execute_resp${m[1]}.bin`) });
  }
  for (const cap of ['gromox-ruler/cap1', 'gromox-ruler/cap2'])
    for (const f of readdirSync(new URL(`${cap}/`, FIX)).filter((x) => x.endsWith('-Execute.request.bin')))
      pairs.push({
        name: `${cap}/${f}`,
        request: read(`${cap}/${f}`),
        response: read(`${cap}/${f.replace('request', 'response')}`),
      });

  it('every Execute body: same errors and unparsed bytes with and without it; values-only unchanged', () => {
    expect(pairs.length).toBeGreaterThan(20);
    let structures = 0;
    for (const p of pairs) {
      const q = decodeBody('Execute', 'request', p.request);
      const bufs = ropBuffersOf(q.value);
      const ctx = bufs.length === 1 ? { execRequest: bufs[0] } : bufs.length ? { execRequest: bufs } : {};
      for (const [dir, body, c] of [
        ['request', p.request, {}],
        ['response', p.response, ctx],
      ] as const) {
        const on = decodeBody('Execute', dir, body, c);
        const off = decodeBody('Execute', dir, body, { ...c, fxStructure: false });
        const values = decodeBody('Execute', dir, body, c, { tree: false });
        expect(on.errors, `${p.name} ${dir}`).toEqual(off.errors);
        expect(on.unparsedBytes, `${p.name} ${dir}`).toBe(off.unparsedBytes);
        expect(on.value).toEqual(off.value);
        expect(values.value).toEqual(on.value);
        structures += findAll(on.tree, 'Structure').length;
        expect(findAll(off.tree, 'Structure')).toEqual([]);
      }
    }
    expect(structures).toBe(1); // the one FastTransfer download among the fixtures (syncgw 44)
  });
});

describe('every production, on streams built with the encoder', () => {
  it('messageList: messages (normal and FAI) with recipients, attachments and an embedded message', () => {
    const els = [
      M('StartMessage'),
      subject('Hello'),
      cls('IPM.Note'),
      I(0x0e070003, 1),
      M('StartRecip'),
      name('Alice'),
      I(0x0c150003, 1),
      M('EndToRecip'),
      M('StartRecip'),
      name('Bob'),
      M('EndToRecip'),
      M('NewAttach'),
      S(0x3707001f, 'a.txt'),
      M('StartEmbed'),
      subject('inner'),
      M('StartRecip'),
      name('Carol'),
      M('EndToRecip'),
      M('EndEmbed'),
      M('EndAttach'),
      M('EndMessage'),
      META(0x400f0003, 0x80040380), // MetaTagEcWarning between messages
      M('StartFAIMsg'),
      cls('IPM.Configuration.X'),
      M('EndMessage'),
    ];
    const { s, bytes, errors } = structure(els);
    expect(errors).toEqual([]);
    expect(s).toMatchObject({ value: 'messageList', offset: 0, length: bytes.length });
    expect(s.display).toBe('messageList: 2 message, 1 property');
    expect(names(s)).toEqual(['message', 'MetaProperty', 'message']);
    const [m1, , m2] = s.children!;
    expect(span(m1)).toEqual([0, at(els, 21)]);
    expect(m1!.display).toBe(
      'Message 1: PidTagSubject "Hello", PidTagMessageClass "IPM.Note", 3 properties, 2 recipients, 1 attachment',
    );
    expect(names(m1)).toEqual([
      'Marker',
      'Property',
      'Property',
      'Property',
      'recipient',
      'recipient',
      'attachment',
      'Marker',
    ]);
    expect(m1!.children![4]!.display).toBe(
      'Recipient 1: PidTagDisplayName "Alice", PidTagRecipientType 1, 2 properties',
    );
    expect(m1!.children![5]!.display).toBe('Recipient 2: PidTagDisplayName "Bob", 1 property');
    const att = m1!.children![6]!;
    expect(span(att)).toEqual([at(els, 11), at(els, 20) - at(els, 11)]);
    expect(att.display).toBe('Attachment 1: PidTagAttachLongFilename "a.txt", 1 property, 1 embedded message');
    const emb = att.children![2]!;
    expect(emb.name).toBe('embeddedMessage');
    expect(emb.display).toBe('Embedded message 1: PidTagSubject "inner", 1 property, 1 recipient');
    expect(span(m2)).toEqual([at(els, 22), bytes.length - at(els, 22)]);
    expect(m2!.display).toBe('Message 2 (FAI): PidTagMessageClass "IPM.Configuration.X", 1 property');
  });

  it('topFolder: folder content, messages and subfolders', () => {
    const els = [
      M('StartTopFld'),
      name('Top'),
      M('StartMessage'),
      subject('m'),
      M('EndMessage'),
      M('StartSubFld'),
      name('Child'),
      S(0x3613001f, 'IPF.Note'),
      M('StartFAIMsg'),
      M('EndMessage'),
      M('EndFolder'),
      M('EndFolder'),
    ];
    const { s, errors } = structure(els);
    expect(errors).toEqual([]);
    expect(s.display).toBe('topFolder: 1 topFolder');
    const top = s.children![0]!;
    expect(top.display).toBe('Top folder 1: PidTagDisplayName "Top", 1 property, 1 message, 1 subfolder');
    expect(names(top)).toEqual(['Marker', 'Property', 'message', 'subFolder', 'Marker']);
    expect(top.children![3]!.display).toBe(
      'Subfolder 1: PidTagDisplayName "Child", PidTagContainerClass "IPF.Note", 2 properties, 1 message',
    );
  });

  it('contentsSync: progress, full and partial message changes, deletions, read states, state, IncrSyncEnd', () => {
    const els = [
      M('IncrSyncProgressMode'),
      B(0x00000102, [0, 0, 1, 0]),
      M('IncrSyncProgressPerMsg'),
      size(120),
      I(0x67aa000b, 1), // PidTagAssociated
      M('IncrSyncChg'),
      sourceKey([1, 2]),
      I(0x67aa000b, 1),
      M('IncrSyncMessage'),
      subject('full'),
      M('StartRecip'),
      name('R'),
      M('EndToRecip'),
      M('NewAttach'),
      M('EndAttach'),
      M('IncrSyncGroupInfo'),
      B(0x00000102, [9, 9]),
      META(0x407c0003, 7), // MetaTagIncrSyncGroupId
      M('IncrSyncChgPartial'),
      sourceKey([3]),
      META(0x407a0003, 0), // MetaTagIncrementalSyncMessagePartial: group 0
      subject('partial'),
      META(0x407a0003, 2),
      cls('IPM.Note'),
      M('IncrSyncDel'),
      META(0x67e50102, new Uint8Array(3)),
      M('IncrSyncRead'),
      META(0x402d0102, new Uint8Array(2)),
      M('IncrSyncStateBegin'),
      META(0x67960102, new Uint8Array(0)),
      M('IncrSyncStateEnd'),
      M('IncrSyncEnd'),
    ];
    const { s, errors } = structure(els);
    expect(errors).toEqual([]);
    expect(s.value).toBe('contentsSync');
    expect(s.display).toBe(
      'contentsSync: 1 progressTotal, 1 progressPerMessage, 1 groupInfo, 1 messageChangeFull, ' +
        '1 messageChangePartial, 1 deletions, 1 readStateChanges, 1 state, IncrSyncEnd',
    );
    expect(names(s)).toEqual([
      'progressTotal',
      'progressPerMessage',
      'messageChangeFull',
      'groupInfo',
      'messageChangePartial',
      'deletions',
      'readStateChanges',
      'state',
      'Marker',
    ]);
    const [total, per, full, info, partial, del, read, state] = s.children!;
    expect(total!.display).toBe('Progress total 1: 1 property');
    expect(per!.display).toBe('Progress per message 1 (FAI): PidTagMessageSize 120, PidTagAssociated 1, 2 properties');
    expect(span(full)).toEqual([at(els, 5), at(els, 15) - at(els, 5)]);
    expect(full!.display).toBe(
      'Message change 1 (FAI): PidTagSubject "full", PidTagSourceKey 0102, 1 property, 1 recipient, 1 attachment',
    );
    expect(names(full)).toEqual(['Marker', 'messageChangeHeader', 'Marker', 'Property', 'recipient', 'attachment']);
    expect(full!.children![1]!.display).toBe('Header 1 (FAI): PidTagSourceKey 0102, 2 properties');
    expect(span(full!.children![1])).toEqual([at(els, 6), at(els, 8) - at(els, 6)]);
    expect(info!.display).toBe('Property group info 1: 2 properties');
    expect(names(partial)).toEqual([
      'Marker',
      'messageChangeHeader',
      'MetaProperty',
      'Property',
      'MetaProperty',
      'Property',
    ]);
    expect(partial!.display).toBe(
      'Partial message change 1: PidTagSubject "partial", PidTagMessageClass "IPM.Note", PidTagSourceKey 03, 4 properties',
    );
    expect(del!.display).toBe('Deletions 1: MetaTagIdsetDeleted 000000, 1 property');
    expect(read!.display).toBe('Read state changes 1: MetaTagIdsetRead 0000, 1 property');
    expect(state!.display).toBe('ICS state 1: MetaTagCnsetSeen (empty), 1 property');
  });

  it('the other top-level kinds: state, messageContent, attachmentContent, folderContent, propList', () => {
    const kinds = (els: FxElement[]) => structure(els).s.value;
    expect(kinds([M('IncrSyncStateBegin'), META(0x67960102, new Uint8Array(0)), M('IncrSyncStateEnd')])).toBe('state');
    expect(kinds([subject('x'), M('StartRecip'), M('EndToRecip'), M('NewAttach'), M('EndAttach')])).toBe(
      'messageContent',
    );
    expect(kinds([S(0x3704001f, 'f'), M('StartEmbed'), subject('e'), M('EndEmbed')])).toBe('attachmentContent');
    expect(kinds([name('f'), M('StartSubFld'), M('EndFolder')])).toBe('folderContent');
    const { s } = structure([subject('only')]);
    expect(s).toMatchObject({
      value: null,
      display: 'propList (messageContent, folderContent or attachmentContent): 1 property',
    });
    expect(kinds([M('FXErrorInfo'), I(0x0e000003, 5)])).toBe('messageList');
    // Every production of the table was met above or here.
    expect(Object.keys(FX_PRODUCTIONS).sort()).toEqual(
      [
        'attachment',
        'deletions',
        'embeddedMessage',
        'errorInfo',
        'folderChange',
        'groupInfo',
        'message',
        'messageChangeFull',
        'messageChangeHeader',
        'messageChangePartial',
        'progressPerMessage',
        'progressTotal',
        'readStateChanges',
        'recipient',
        'state',
        'subFolder',
        'topFolder',
      ].sort(),
    );
  });

  it('hierarchySync: folder changes and deletions', () => {
    const { s } = structure([
      M('IncrSyncChg'),
      name('A'),
      M('IncrSyncChg'),
      name('B'),
      M('IncrSyncDel'),
      META(0x67e50102, new Uint8Array(1)),
      M('IncrSyncStateBegin'),
      M('IncrSyncStateEnd'),
      M('IncrSyncEnd'),
    ]);
    expect(s.display).toBe('hierarchySync: 2 folderChange, 1 deletions, 1 state, IncrSyncEnd');
    expect(shape(s).slice(0, 2)).toEqual([
      ['folderChange', 'Folder change 1: PidTagDisplayName "A", 1 property'],
      ['folderChange', 'Folder change 2: PidTagDisplayName "B", 1 property'],
    ]);
  });
});

describe('elements that do not fit the grammar', () => {
  it('a marker in the wrong place is an error node; the rest is still grouped', () => {
    const els = [M('StartMessage'), M('NewAttach'), M('EndToRecip'), M('EndAttach'), M('EndMessage')];
    const { s, errors } = structure(els);
    expect(errors).toEqual(['unexpected EndToRecip inside attachment: no recipient is open ([MS-OXCFXICS] 2.2.4.3)']);
    const att = s.children![0]!.children![1]!;
    expect(att.name).toBe('attachment');
    expect(att.children![1]).toMatchObject({ name: 'Unexpected', offset: 8, length: 4, generated: true });
    expect(s.children![0]!.display).toBe('Message 1: 0 properties, 1 attachment');
  });

  it('a missing end marker: the group ends where an enclosing one takes the marker', () => {
    const els = [M('StartMessage'), M('StartRecip'), name('x'), M('NewAttach'), M('EndAttach'), M('EndMessage')];
    const { s, errors } = structure(els);
    expect(errors).toEqual([
      'Recipient ended without EndToRecip: NewAttach belongs to an enclosing group ([MS-OXCFXICS] 2.2.4.3)',
    ]);
    const msg = s.children![0]!;
    expect(names(msg)).toEqual(['Marker', 'recipient', 'attachment', 'Marker']);
    expect(msg.children![1]!.display).toBe(
      'Recipient 1: PidTagDisplayName "x", 1 property; EndToRecip missing: ended by NewAttach',
    );
  });

  it('an end marker with nothing open and other content before it is an error, not a continuation', () => {
    const { s, errors } = structure([M('StartMessage'), M('EndMessage'), M('EndMessage')]);
    expect(errors).toEqual([
      'unexpected EndMessage at the top of the stream: no message is open ([MS-OXCFXICS] 2.2.4.3)',
    ]);
    expect(names(s)).toEqual(['message', 'Unexpected']);
  });

  it('a stream cut at the buffer end: open groups continue in the next buffer', () => {
    const els = [M('StartMessage'), subject('long subject'), M('StartRecip'), name('Alice')];
    const bytes = encode(fxStream, els);
    const cut = bytes.subarray(0, bytes.length - 5);
    const d = decode(fxStream, cut, { context: { fxStructure: true } });
    expect(collectErrors(d.tree)).toEqual([]);
    const s = d.tree.children![0]!;
    expect(s.display).toBe('messageList: 1 message; continues in the next buffer');
    const msg = s.children![0]!;
    expect(msg.display).toBe(
      'Message 1: PidTagSubject "long subject", 1 property, 1 recipient; continues in the next buffer',
    );
    expect(span(msg)).toEqual([0, cut.length]);
    const rec = msg.children![2]!;
    expect(rec.display).toBe('Recipient 1: 0 properties; continues in the next buffer');
    expect(rec.children![1]).toMatchObject({ name: 'CutElement', offset: at(els, 3), length: cut.length - at(els, 3) });
    expect(unclaimedBytes(d.tree, 'body', cut.length)).toBe(0);
  });

  it('a buffer that begins inside an attachment of a message: the groups it closes continue from the previous buffer', () => {
    const els = [
      S(0x3707001f, 'b.bin'),
      M('EndAttach'),
      M('NewAttach'),
      M('EndAttach'),
      M('EndMessage'),
      M('StartMessage'),
      subject('next'),
      M('EndMessage'),
    ];
    const { s, errors } = structure(els);
    expect(errors).toEqual([]);
    expect(s.display).toBe('messageList: 2 message; continues from the previous buffer');
    const [first, second] = s.children!;
    expect(first!.display).toBe('Message 1: 0 properties, 2 attachments; continues from the previous buffer');
    expect(span(first)).toEqual([0, at(els, 5)]);
    expect(first!.children![0]!.display).toBe(
      'Attachment 1: PidTagAttachLongFilename "b.bin", 1 property; continues from the previous buffer',
    );
    expect(second!.display).toBe('Message 2: PidTagSubject "next", 1 property');
  });

  it('a buffer that begins inside a message change header, or after it, in a contents sync', () => {
    const header = structure([
      sourceKey([5]),
      M('IncrSyncMessage'),
      subject('s'),
      M('IncrSyncChg'),
      sourceKey([6]),
      M('IncrSyncMessage'),
      M('IncrSyncEnd'),
    ]);
    expect(header.errors).toEqual([]);
    expect(shape(header.s)).toEqual([
      [
        'messageChangeFull',
        'Message change 1: PidTagSubject "s", PidTagSourceKey 05, 1 property; continues from the previous buffer',
      ],
      ['messageChangeFull', 'Message change 2: PidTagSourceKey 06, 0 properties'],
      ['Marker', 'IncrSyncEnd (0x40140003)'],
    ]);
    const body = structure([subject('rest'), M('StartRecip'), M('EndToRecip'), M('IncrSyncChg'), M('IncrSyncMessage')]);
    expect(body.errors).toEqual([]);
    expect(names(body.s)).toEqual(['continuation', 'messageChangeFull']);
    expect(body.s.children![0]!.display).toBe(
      'Continuation of a group begun in the previous buffer: 1 property, 1 recipient',
    );
    expect(body.s.display).toBe(
      'contentsSync: 1 continuation, 1 messageChangeFull; continues from the previous buffer',
    );
  });

  it('an element completed from the carry of the previous buffer', () => {
    const els = [subject('carried'), M('EndMessage')];
    const bytes = encode(fxStream, els);
    const d = decode(fxStream, bytes.subarray(6), { context: { fxStructure: true, fxCarry: bytes.subarray(0, 6) } });
    expect(collectErrors(d.tree)).toEqual([]);
    const s = d.tree.children![0]!;
    expect(s.display).toBe('messageList: 1 message; continues from the previous buffer');
    const msg = s.children![0]!;
    expect(msg.display).toBe('Message 1: PidTagSubject "carried", 1 property; continues from the previous buffer');
    expect(msg.children![0]).toMatchObject({ name: 'ContinuedElement', offset: 0, length: bytes.length - 6 - 4 });
  });

  it('bytes the lexer cannot read: one error (the lexer’s), shown in the structure without a second one', () => {
    const bytes = new Uint8Array([...encode(fxStream, [M('StartMessage')]), 0x77, 0x00, 0x01, 0x00, 0xaa, 0xbb]);
    const d = decode(fxStream, bytes, { context: { fxStructure: true } });
    expect(collectErrors(d.tree).map((e) => e.message)).toEqual([
      'unknown property type 0x0077 in the FastTransfer stream',
    ]);
    const msg = d.tree.children![0]!.children![0]!;
    expect(msg.display).toBe('Message 1: 0 properties; not read past the bytes the lexer could not read');
    expect(msg.children![1]).toMatchObject({ name: 'Undecoded', offset: 4, length: 6 });
    expect(msg.children![1]!.error).toBeUndefined();
  });

  it('random element sequences never throw and never lose the flat list', () => {
    const all = Object.values(FX_MARKERS);
    const next = rng(7);
    for (let round = 0; round < 300; round++) {
      const els: FxElement[] = [];
      const n = 1 + Math.floor(next() * 30);
      for (let i = 0; i < n; i++) els.push(next() < 0.6 ? M(all[Math.floor(next() * all.length)]!) : subject('x'));
      const bytes = encode(fxStream, els);
      const cut = bytes.subarray(0, Math.floor(next() * (bytes.length + 1)));
      const d = decode(fxStream, cut, { context: { fxStructure: true } });
      const s = d.tree.children?.[0];
      if (!cut.length) continue;
      expect(s?.name).toBe('Structure');
      expect(s?.display).not.toMatch(/structure not available/);
      expect(unclaimedBytes(d.tree, 'body', cut.length)).toBe(0);
      expect(d.tree.children!.length).toBe((d.value as FxElement[]).length + 1);
    }
  });
});

describe('when it is built', () => {
  const els = [M('StartMessage'), M('EndMessage')];
  const bytes = encode(fxStream, els);

  it('not for a lone fxStream decode unless asked, nor in values-only mode', () => {
    expect(names(decode(fxStream, bytes).tree)).toEqual(['Marker', 'Marker']);
    const v = decode(fxStream, bytes, { context: { fxStructure: true }, tree: false });
    expect(v.value).toEqual(els);
    expect(v.value).toEqual(decode(fxStream, bytes).value);
  });
});
