/**
 * The scripted mailbox answers the common ROPs from its in-memory store; its
 * answers are checked with the project's own ROP decoders (shared/protocol).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Writer, findAll, utf16Encode, type StructValue } from '../../../shared/codec/index.js';
import { decodeBody, ropBuffersOf } from '../../../shared/protocol/decode-exchange.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  MailboxStore,
  PropTag,
  buildConnectRequest,
  buildExecuteRequest,
  buildExecuteResponse,
  parseExecuteResponse,
  ropLogonRequest,
  withRopPayloads,
} from '../../../electron/backend/simulator/index.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { ropResponse } from '../../../electron/backend/simulator/mailbox.js';
import { ropOpenFolder } from '../../../shared/protocol/rops/folder.js';
import { ropGetMessageStatus } from '../../../shared/protocol/rops/message.js';
import { ropSetProperties } from '../../../shared/protocol/rops/property.js';
import { encode, type StructValue as Value } from '../../../shared/codec/index.js';
import type { RopDefinition } from '../../../shared/protocol/rops/define.js';
import { ropCreateFolder, ropDeleteFolder } from '../../../shared/protocol/rops/folder.js';
import { ropCreateMessage, ropSaveChangesMessage } from '../../../shared/protocol/rops/message.js';
import { RuleDataFlags, ropModifyRules } from '../../../shared/protocol/rops/rule.js';
import { idFromU64, idToU64, type IdValue } from '../../../shared/protocol/oxcdata/ids.js';
import { concatBytes } from '../../../shared/codec/bytes.js';

const EMSMDB = '/mapi/emsmdb/?MailboxId=simulated@mapiscope.test';
const NONE = 0xffffffff;
let sim: ExchangeSimulator | undefined;
let client: MapiClient | undefined;
afterEach(async () => {
  client?.close();
  await sim?.stop();
  sim = undefined;
});

const rop = (f: (w: Writer) => void) => {
  const w = new Writer();
  f(w);
  return w.finish();
};
const cat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);
const openFolder = (inIdx: number, out: number, fid: bigint) =>
  rop((w) => w.u8(0x02).u8(0).u8(inIdx).u8(out).u64(fid).u8(0));
const getTable = (id: 0x04 | 0x05, inIdx: number, out: number) => rop((w) => w.u8(id).u8(0).u8(inIdx).u8(out).u8(0x40));
const setColumns = (idx: number, tags: number[]) =>
  rop((w) => {
    w.u8(0x12).u8(0).u8(idx).u8(0).u16(tags.length);
    for (const t of tags) w.u32(t);
  });
const queryRows = (idx: number, n: number) => rop((w) => w.u8(0x15).u8(0).u8(idx).u8(0).u8(1).u16(n));
const getProps = (idx: number, tags: number[]) =>
  rop((w) => {
    w.u8(0x07).u8(0).u8(idx).u16(0).u16(1).u16(tags.length);
    for (const t of tags) w.u32(t);
  });
const setDisplayName = (idx: number, name: string) => {
  const v = cat(utf16Encode(name), new Uint8Array(2));
  return rop((w) =>
    w
      .u8(0x0a)
      .u8(0)
      .u8(idx)
      .u16(2 + 4 + v.length)
      .u16(1)
      .u32(PropTag.DisplayName)
      .bytes(v),
  );
};

/** Decodes a response with the shared decoders, the request as context. */
function decoded(request: Uint8Array, entityBody: Uint8Array) {
  const req = decodeBody('Execute', 'request', request);
  const first = ropBuffersOf(req.value)[0];
  const res = decodeBody('Execute', 'response', entityBody, first ? { execRequest: first } : {});
  const buf = ropBuffersOf(res.value)[0];
  return {
    errors: res.errors,
    unanswered: findAll(res.tree, 'UnansweredRops').map((n) => n.display),
    rops: (buf?.RopsList ?? []) as StructValue[],
    handles: (buf?.ServerObjectHandleTable ?? []) as number[],
  };
}

async function setup() {
  const store = new MailboxStore({ displayName: 'Alice Tester', messagesInInbox: 3 });
  const responder = new MailboxResponder(store);
  sim = new ExchangeSimulator({ responder });
  await sim.start();
  client = new MapiClient(sim.url);
  await client.send(EMSMDB, 'Connect', buildConnectRequest('/o=Org/cn=alice'));
  return { store, responder };
}

describe('scripted mailbox', () => {
  it('writes Execute responses byte for byte as the shared Execute codec encodes them', () => {
    const payloads = [{ rops: new Uint8Array([0xfe, 0, 0, 0, 0, 0, 1]), handles: [0x1101, NONE] }];
    const direct = buildExecuteResponse(payloads);
    expect(direct).toEqual(
      withRopPayloads('response', { StatusCode: 0, ErrorCode: 0, Flags: 0, AuxiliaryBuffer: [] }, payloads),
    );
    expect(Array.from(direct.subarray(0, 24))).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 0, 0, 4, 0, 17, 0, 17, 0,
    ]);
  });

  it('logs on, opens the Inbox and reads its contents table (SetColumns + QueryRows)', async () => {
    const { store } = await setup();
    const inbox = store.specialFolders[4]!;
    const body = buildExecuteRequest(
      cat(
        ropLogonRequest('/o=Org/cn=alice'),
        openFolder(0, 1, inbox),
        getTable(0x05, 1, 2),
        setColumns(2, [PropTag.Subject, PropTag.Mid]),
        queryRows(2, 10),
      ),
      [NONE, NONE, NONE],
    );
    const r = await client!.send(EMSMDB, 'Execute', body);
    expect(r.responseCode).toBe(0);
    const d = decoded(body, r.entity!.body);
    expect(d.errors).toEqual([]);
    expect(d.rops.map((x) => [x.RopId, x.ReturnValue])).toEqual([
      [0xfe, 0],
      [0x02, 0],
      [0x05, 0],
      [0x12, 0],
      [0x15, 0],
    ]);
    expect(d.rops[0]!.LogonFlags).toBe(1);
    expect(d.rops[2]!.RowCount).toBe(3);
    const rows = d.rops[4]!;
    expect(rows.RowCount).toBe(3);
    expect(rows.Origin).toBe(2);
    expect(JSON.stringify(rows.RowData, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toContain('Message 1');
    // Three distinct live handles, minted for this context.
    expect(new Set(d.handles).size).toBe(3);
    expect(d.handles.every((h) => h !== NONE)).toBe(true);
  });

  it('keeps objects across Executes: hierarchy table, get and set properties, missing property flagged', async () => {
    const { store, responder } = await setup();
    const first = buildExecuteRequest(
      cat(ropLogonRequest('/o=Org/cn=alice'), openFolder(0, 1, store.specialFolders[3]!)),
      [NONE, NONE],
    );
    const r1 = await client!.send(EMSMDB, 'Execute', first);
    const h = parseExecuteResponse(r1.entity!.body)!.payloads[0]!.handles;
    const ipm = h[1]!;

    const second = buildExecuteRequest(
      cat(getTable(0x04, 0, 1), setColumns(1, [PropTag.DisplayName, PropTag.FolderId]), queryRows(1, 50)),
      [ipm, NONE],
    );
    const r2 = await client!.send(EMSMDB, 'Execute', second);
    const d2 = decoded(second, r2.entity!.body);
    expect(d2.errors).toEqual([]);
    expect(d2.rops[0]!.RowCount).toBe(4);
    const names = JSON.stringify(d2.rops[2]!.RowData, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    for (const n of ['Inbox', 'Outbox', 'Sent Items', 'Deleted Items']) expect(names).toContain(n);

    const third = buildExecuteRequest(
      cat(setDisplayName(0, 'Renamed'), getProps(0, [PropTag.DisplayName, PropTag.Subfolders, 0x12340003])),
      [ipm],
    );
    const r3 = await client!.send(EMSMDB, 'Execute', third);
    const raw = parseExecuteResponse(r3.entity!.body)!.payloads[0]!.rops;
    // RopSetProperties: 0A 00 RV=0 PropertyProblemCount=0; RopGetPropertiesSpecific: 07 00 RV=0, flagged row.
    expect(Array.from(raw.subarray(0, 8))).toEqual([0x0a, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(raw.subarray(8, 15))).toEqual([0x07, 0, 0, 0, 0, 0, 0x01]);
    const rest = raw.subarray(15);
    const name = cat(new Uint8Array([0]), utf16Encode('Renamed'), new Uint8Array([0, 0]));
    expect(Array.from(rest.subarray(0, name.length))).toEqual(Array.from(name));
    // Subfolders: flag 0, value true; the unknown property: flag 0x0A + NotFound.
    expect(Array.from(rest.subarray(name.length))).toEqual([0x00, 0x01, 0x0a, 0x0f, 0x01, 0x04, 0x80]);
    expect(store.folders.get(store.specialFolders[3]!)!.props.get(PropTag.DisplayName)).toBe('Renamed');
    expect(responder.stats()).toMatchObject({ executes: 3, unsupportedRops: 0 });
  });

  it('answers every ROP: ecNotSupported for those it does not script, and goes on after them', async () => {
    const { responder } = await setup();
    const body = buildExecuteRequest(
      cat(
        ropLogonRequest('/o=Org/cn=alice'),
        rop((w) => w.u8(0x3e).u8(0).u8(0).u8(1).u8(0)), // RopGetPermissionsTable: not scripted
        setColumns(1, [PropTag.DisplayName]),
        queryRows(1, 10),
        rop((w) => w.u8(0x01).u8(0).u8(1)), // RopRelease: never answered
        rop((w) => w.u8(0x27).u8(0).u8(0).bytes(new TextEncoder().encode('IPM.Note\0'))), // RopGetReceiveFolder
        getProps(0, [PropTag.DisplayName]),
      ),
      [NONE, NONE],
    );
    const r = await client!.send(EMSMDB, 'Execute', body);
    expect(r.responseCode).toBe(0);
    const d = decoded(body, r.entity!.body);
    expect(d.errors).toEqual([]);
    // GetPermissionsTable fails, so the table index stays empty and SetColumns/QueryRows get ecNullObject.
    expect(d.rops.map((x) => [x.RopId, x.ReturnValue])).toEqual([
      [0xfe, 0],
      [0x3e, 0x80040102],
      [0x12, 0x4b9],
      [0x15, 0x4b9],
      [0x27, 0x80040102],
      [0x07, 0],
    ]);
    expect(d.rops.map((x) => x.InputHandleIndex ?? x.OutputHandleIndex)).toEqual([0, 1, 1, 1, 0, 0]);
    // 3E 01 02010480: RopId, the echoed OutputHandleIndex, MAPI_E_NO_SUPPORT (ecNotSupported).
    const raw = parseExecuteResponse(r.entity!.body)!.payloads[0]!.rops;
    const at = raw.indexOf(0x3e);
    expect(Array.from(raw.subarray(at, at + 6))).toEqual([0x3e, 0x01, 0x02, 0x01, 0x04, 0x80]);
    expect(d.unanswered).toEqual([]);
    expect(responder.stats()).toMatchObject({ executes: 1, rops: 7, unsupportedRops: 2 });
  });

  it('answers ecNullObject for an unknown handle and stops at a RopId no decoder knows (its length is unknowable)', async () => {
    const { responder } = await setup();
    const body = buildExecuteRequest(
      cat(
        getTable(0x04, 0, 1),
        rop((w) => w.u8(0x99).u8(0).u8(0)),
      ),
      [0x12345678, NONE],
    );
    const r = await client!.send(EMSMDB, 'Execute', body);
    expect(r.responseCode).toBe(0);
    const p = parseExecuteResponse(r.entity!.body)!.payloads[0]!;
    expect(Array.from(p.rops)).toEqual([0x04, 0x01, 0xb9, 0x04, 0, 0]);
    expect(responder.stats()).toMatchObject({ ropErrors: 1, unsupportedRops: 1 });
  });
});

describe('scripted mailbox responses are encoded by the ROP definitions', () => {
  it('success and failure layouts, the response RopId and the echoed index come from defineRop', () => {
    // [MS-OXCROPS] 2.2.4.1.2 RopOpenFolder success: RopId, OutputHandleIndex, ReturnValue, HasRules, IsGhosted.
    expect([...ropResponse(ropOpenFolder, 1, 0, { HasRules: 0, IsGhosted: 0 })]).toEqual([
      0x02, 0x01, 0, 0, 0, 0, 0, 0,
    ]);
    // A failure is the 6-byte header only; RopGetMessageStatus is answered with RopId 0x20 ([MS-OXCROPS] 2.2.6.9.2).
    expect([...ropResponse(ropGetMessageStatus, 3, 0x80040102)]).toEqual([0x20, 0x03, 0x02, 0x01, 0x04, 0x80]);
    // Counts are derived: RopSetProperties with no problems ends with PropertyProblemCount 0.
    expect([...ropResponse(ropSetProperties, 0, 0, { PropertyProblems: [] })]).toEqual([0x0a, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('scripted mailbox: server-assigned ids', () => {
  const req = (def: RopDefinition, v: Value) => encode(def.request!, { LogonId: 0, ...v });
  const folder = (name: string, openExisting = 0) =>
    req(ropCreateFolder, {
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      FolderType: 1,
      UseUnicodeStrings: 1,
      OpenExisting: openExisting,
      Reserved: 0,
      DisplayName: name,
      Comment: '',
    });

  it('assigns folder and message ids from its own counter; refuses a duplicate name; keeps a non-empty folder', async () => {
    const store = new MailboxStore({ firstAssignedCounter: 0x123456 });
    sim = new ExchangeSimulator({ responder: new MailboxResponder(store) });
    await sim.start();
    client = new MapiClient(sim.url);
    await client.send(EMSMDB, 'Connect', buildConnectRequest('/o=Org/cn=alice'));
    const lo = buildExecuteRequest(
      cat(ropLogonRequest('/o=Org/cn=alice'), openFolder(0, 1, store.specialFolders[4]!)),
      [NONE, NONE],
    );
    const inbox = parseExecuteResponse((await client.send(EMSMDB, 'Execute', lo)).entity!.body)!.payloads[0]!
      .handles[1]!;
    const body = buildExecuteRequest(
      cat(
        folder('Projects'),
        req(ropCreateMessage, {
          InputHandleIndex: 1,
          OutputHandleIndex: 2,
          CodePageId: 0x0fff,
          FolderId: { ReplicaId: 1, GlobalCounter: 0x123456 },
          AssociatedFlag: 0,
        }),
        req(ropSaveChangesMessage, { ResponseHandleIndex: 2, InputHandleIndex: 2, SaveFlags: 0 }),
        folder('Projects'),
        folder('Projects', 1),
        req(ropDeleteFolder, {
          InputHandleIndex: 0,
          DeleteFolderFlags: 0,
          FolderId: { ReplicaId: 1, GlobalCounter: 0x123456 },
        }),
        req(ropModifyRules, {
          InputHandleIndex: 0,
          ModifyRulesFlags: 0,
          RulesData: [
            {
              RuleDataFlags: RuleDataFlags.ROW_REMOVE,
              PropertyValues: [{ PropertyTag: PropTag.RuleId, PropertyValue: 0x0001000000000777n }],
            },
          ],
        }),
      ),
      [inbox, NONE, NONE],
    );
    const r = await client.send(EMSMDB, 'Execute', body);
    const d = decoded(body, r.entity!.body);
    expect(d.errors).toEqual([]);
    // [MS-OXCDATA] 2.2.1.1: ReplicaId 1, then the counter: the first id assigned is the folder's.
    expect(d.rops[0]).toMatchObject({ ReturnValue: 0, FolderId: { ReplicaId: 1, GlobalCounter: 0x123456 } });
    expect(d.rops[1]).toMatchObject({
      ReturnValue: 0,
      HasMessageId: 1,
      MessageId: { ReplicaId: 1, GlobalCounter: 0x123457 },
    });
    expect(d.rops[2]).toMatchObject({ ReturnValue: 0, MessageId: { ReplicaId: 1, GlobalCounter: 0x123457 } });
    // ecDuplicateName without OpenExisting; with it, the existing folder and IsExistingFolder.
    expect(d.rops[3]).toMatchObject({ ReturnValue: 0x80040604 });
    expect(d.rops[4]).toMatchObject({ ReturnValue: 0, IsExistingFolder: 1, FolderId: { GlobalCounter: 0x123456 } });
    // [MS-OXCFOLD] 2.2.1.3: a folder holding a message is not deleted without DEL_MESSAGES.
    expect(d.rops[5]).toMatchObject({ ReturnValue: 0, PartialCompletion: 1 });
    // A rule id the folder does not have: ecNotFound.
    expect(d.rops[6]).toMatchObject({ ReturnValue: 0x8004010f });
    const fid = idToU64(d.rops[0]!.FolderId as IdValue);
    expect(store.assignedIds).toEqual([fid, idToU64(d.rops[1]!.MessageId as IdValue)]);
    expect(store.folders.get(fid)!.messages.map((m) => idFromU64(m.mid))).toEqual([
      { ReplicaId: 1, GlobalCounter: 0x123457 },
    ]);
  });
});
