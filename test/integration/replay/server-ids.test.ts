/**
 * Server-assigned ids in a replay, end to end: a client session that creates a
 * message (RopCreateMessage + RopSaveChangesMessage), a folder (RopCreateFolder)
 * and a rule (RopModifyRules ROW_ADD, its id read back from the rules table),
 * opens the message again and deletes all three, is recorded through the capture
 * proxy against one scripted mailbox, then replayed against another whose store
 * assigns other ids. The replay must send this run's ids in the later requests,
 * so the replay's own deletes leave the second mailbox as it was.
 * Layouts: [MS-OXCROPS] 2.2.4.2/2.2.4.3 RopCreateFolder/RopDeleteFolder, 2.2.4.11
 * RopDeleteMessages, 2.2.6.1–2.2.6.3 RopOpenMessage/RopCreateMessage/
 * RopSaveChangesMessage, 2.2.11.1/2.2.11.2 RopModifyRules/RopGetRulesTable.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type StructValue, encode } from '../../../shared/codec/index.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { decodeBody, ropBuffersOf } from '../../../shared/protocol/decode-exchange.js';
import { type IdValue, idFromU64, idToU64 } from '../../../shared/protocol/oxcdata/ids.js';
import type { RopDefinition } from '../../../shared/protocol/rops/define.js';
import {
  ropCreateFolder,
  ropDeleteFolder,
  ropDeleteMessages,
  ropOpenFolder,
} from '../../../shared/protocol/rops/folder.js';
import { ropCreateMessage, ropOpenMessage, ropSaveChangesMessage } from '../../../shared/protocol/rops/message.js';
import { ropGetPropertiesSpecific, ropSetProperties } from '../../../shared/protocol/rops/property.js';
import { RuleDataFlags, ropGetRulesTable, ropModifyRules } from '../../../shared/protocol/rops/rule.js';
import { ropQueryRows, ropSetColumns } from '../../../shared/protocol/rops/table.js';
import { MitmProxyEngine } from '../../../electron/backend/proxy/mitm-engine.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { replayCapture } from '../../../electron/backend/replay/replayer.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  MailboxStore,
  PropTag,
  buildConnectRequest,
  buildExecuteRequest,
  parseExecuteResponse,
  ropLogonRequest,
} from '../../../electron/backend/simulator/index.js';
import { CaptureWriter } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';
import { concatBytes } from '../../../shared/codec/bytes.js';

const NONE = 0xffffffff;
const PATH = '/mapi/emsmdb/?MailboxId=alice@lab.test';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** One request ROP, encoded by its definition. */
const rop = (def: RopDefinition, v: StructValue): Uint8Array => encode(def.request!, { LogonId: 0, ...v });
const cat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** The decoded response ROPs of an Execute (the request as context). */
function answers(request: Uint8Array, responseEntityBody: Uint8Array): StructValue[] {
  const req = decodeBody('Execute', 'request', request);
  const res = decodeBody('Execute', 'response', responseEntityBody, { execRequest: ropBuffersOf(req.value)[0] });
  expect(res.errors).toEqual([]);
  return ((ropBuffersOf(res.value)[0] as StructValue).RopsList ?? []) as StructValue[];
}

async function mailboxSim(store: MailboxStore): Promise<ExchangeSimulator> {
  const sim = new ExchangeSimulator({ responder: new MailboxResponder(store) });
  await sim.start();
  cleanup.push(() => sim.stop());
  return sim;
}

/**
 * A conforming client's session through the capture proxy: every request uses the handles and ids the
 * server answered. Returns the capture and the ids the first mailbox assigned.
 */
async function recordSession(store: MailboxStore) {
  const mailbox = await mailboxSim(store);
  const proxy = new MitmProxyEngine({ mode: 'reverse', reverseTarget: mailbox.url });
  const recorded: Exchange[] = [];
  proxy.on('exchange', (e) => recorded.push(e));
  const ep = await proxy.start();
  const c = new MapiClient(`http://127.0.0.1:${ep.port}`);
  const inboxId = idFromU64(store.specialFolders[4]!);
  let ids: { mid: bigint; fid: bigint; ruleId: bigint } | undefined;
  const exec = async (rops: Uint8Array, handles: number[]) => {
    const body = buildExecuteRequest(rops, handles);
    const r = await c.send(PATH, 'Execute', body);
    expect(r.responseCode).toBe(0);
    return { rops: answers(body, r.entity!.body), handles: parseExecuteResponse(r.entity!.body)!.payloads[0]!.handles };
  };
  try {
    await c.send(PATH, 'Connect', buildConnectRequest('/o=Org/cn=alice'));
    const lo = await exec(
      cat(
        ropLogonRequest('/o=Org/cn=alice'),
        rop(ropOpenFolder, { InputHandleIndex: 0, OutputHandleIndex: 1, FolderId: inboxId, OpenModeFlags: 0 }),
      ),
      [NONE, NONE],
    );
    const inbox = lo.handles[1]!;
    const created = await exec(
      cat(
        rop(ropCreateMessage, {
          InputHandleIndex: 0,
          OutputHandleIndex: 1,
          CodePageId: 0x0fff,
          FolderId: inboxId,
          AssociatedFlag: 0,
        }),
        rop(ropSetProperties, {
          InputHandleIndex: 1,
          PropertyValues: [{ PropertyTag: PropTag.Subject, PropertyValue: 'Replay me' }],
        }),
        rop(ropSaveChangesMessage, { ResponseHandleIndex: 1, InputHandleIndex: 1, SaveFlags: 0x02 }),
      ),
      [inbox, NONE],
    );
    const mid = created.rops[2]!.MessageId as IdValue;
    const folder = await exec(
      rop(ropCreateFolder, {
        InputHandleIndex: 0,
        OutputHandleIndex: 1,
        FolderType: 1,
        UseUnicodeStrings: 1,
        OpenExisting: 0,
        Reserved: 0,
        DisplayName: 'Replay folder',
        Comment: '',
      }),
      [inbox, NONE],
    );
    const fid = folder.rops[0]!.FolderId as IdValue;
    await exec(
      rop(ropModifyRules, {
        InputHandleIndex: 0,
        ModifyRulesFlags: 0,
        RulesData: [
          {
            RuleDataFlags: RuleDataFlags.ROW_ADD,
            PropertyValues: [
              { PropertyTag: PropTag.RuleName, PropertyValue: 'Replay rule' },
              { PropertyTag: PropTag.RuleSequence, PropertyValue: 10 },
              { PropertyTag: PropTag.RuleState, PropertyValue: 1 },
            ],
          },
        ],
      }),
      [inbox],
    );
    const rules = await exec(
      cat(
        rop(ropGetRulesTable, { InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0x40 }),
        rop(ropSetColumns, {
          InputHandleIndex: 1,
          SetColumnsFlags: 0,
          PropertyTags: [PropTag.RuleName, PropTag.RuleId],
        }),
        rop(ropQueryRows, { InputHandleIndex: 1, QueryRowsFlags: 0, ForwardRead: 1, RowCount: 50 }),
      ),
      [inbox, NONE],
    );
    const rows = rules.rops[2]!.RowData as StructValue[];
    expect(rows).toHaveLength(1);
    const ruleId = (rows[0]!.ValueArray as unknown[])[1] as bigint;
    const opened = await exec(
      cat(
        rop(ropOpenMessage, {
          InputHandleIndex: 0,
          OutputHandleIndex: 1,
          CodePageId: 0x0fff,
          FolderId: inboxId,
          OpenModeFlags: 0,
          MessageId: mid,
        }),
        rop(ropGetPropertiesSpecific, {
          InputHandleIndex: 1,
          PropertySizeLimit: 0,
          WantUnicode: 1,
          PropertyTags: [PropTag.Subject],
        }),
      ),
      [inbox, NONE],
    );
    expect(opened.rops.map((x) => x.ReturnValue)).toEqual([0, 0]);
    const removed = await exec(
      cat(
        rop(ropDeleteMessages, { InputHandleIndex: 0, WantAsynchronous: 0, NotifyNonRead: 0, MessageIds: [mid] }),
        rop(ropDeleteFolder, { InputHandleIndex: 0, DeleteFolderFlags: 0x05, FolderId: fid }),
        rop(ropModifyRules, {
          InputHandleIndex: 0,
          ModifyRulesFlags: 0,
          RulesData: [
            {
              RuleDataFlags: RuleDataFlags.ROW_REMOVE,
              PropertyValues: [{ PropertyTag: PropTag.RuleId, PropertyValue: ruleId }],
            },
          ],
        }),
      ),
      [inbox],
    );
    expect(removed.rops.map((x) => [x.ReturnValue, x.PartialCompletion])).toEqual([
      [0, 0],
      [0, 0],
      [0, undefined],
    ]);
    ids = { mid: idToU64(mid), fid: idToU64(fid), ruleId: BigInt.asUintN(64, ruleId) };
    await c.send(PATH, 'Disconnect', new Uint8Array(4));
    for (let i = 0; i < 100 && recorded.length < 9; i++) await new Promise((res) => setTimeout(res, 20));
  } finally {
    c.close();
    await proxy.stop();
  }
  expect(recorded).toHaveLength(9);
  return { recorded, ...ids };
}

/** What a mailbox holds that a replay could change: Inbox messages, folders, rules. */
function snapshot(store: MailboxStore) {
  return {
    folders: [...store.folders.keys()].sort(),
    inbox: store.folders.get(store.specialFolders[4]!)!.messages.map((m) => m.mid),
    rules: [...store.folders.values()].flatMap((f) => f.rules.map((r) => r.id)),
  };
}

const hex = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;

describe('server-assigned ids in a replay against the scripted mailbox', () => {
  it('the later RopOpenMessage, RopDeleteMessages, RopDeleteFolder and RopModifyRules target the ids of this run', async () => {
    const first = new MailboxStore({ firstAssignedCounter: 0x200000 });
    const cap = await recordSession(first);
    // The first mailbox assigned message, folder, rule ids in that order, and the session removed all three.
    expect(first.assignedIds).toEqual([cap.mid, cap.fid, cap.ruleId]);
    expect(first.folders.has(cap.fid)).toBe(false);

    const second = new MailboxStore({ firstAssignedCounter: 0x700000 });
    const before = snapshot(second);
    const target = await mailboxSim(second);
    const r = await replayCapture(cap.recorded, { target: target.url, allowChanges: true, record: true });

    // This run's ids differ from the captured ones, as a real server's would.
    const [mid, fid, ruleId] = second.assignedIds;
    expect(second.assignedIds).toHaveLength(3);
    for (const [c, l] of [
      [cap.mid, mid],
      [cap.fid, fid],
      [cap.ruleId, ruleId],
    ])
      expect(l).not.toBe(c);
    expect(r.summary).toMatchObject({ replayed: 9, succeeded: 9, failed: 0 });
    // Every ROP answered as in the capture: the open and the three deletes found their objects.
    for (const e of r.exchanges) expect(e.replayed.rops).toEqual(e.captured.rops);
    // The report lists the mappings.
    expect(r.serverIds).toEqual(
      expect.arrayContaining([
        { captured: hex(cap.mid), live: hex(mid!) },
        { captured: hex(cap.fid), live: hex(fid!) },
        { captured: hex(cap.ruleId), live: hex(ruleId!) },
      ]),
    );
    expect(r.serverIds).toHaveLength(3);
    // The requests sent carry this run's ids: the last Execute (the deletes) as the target decoded it.
    const sent = r.recorded!.filter((e) => e.comment?.endsWith('(replay)'));
    const deletes = decodeBody('Execute', 'request', sent[7]!.request.body);
    const [del, delFolder, delRule] = (ropBuffersOf(deletes.value)[0] as StructValue).RopsList as StructValue[];
    expect((del!.MessageIds as IdValue[]).map(idToU64)).toEqual([mid]);
    expect(idToU64(delFolder!.FolderId as IdValue)).toBe(fid);
    const ruleValue = ((delRule!.RulesData as StructValue[])[0]!.PropertyValues as StructValue[])[0]!;
    expect(BigInt.asUintN(64, ruleValue.PropertyValue as bigint)).toBe(ruleId);
    const open = decodeBody('Execute', 'request', sent[6]!.request.body);
    const openRop = ((ropBuffersOf(open.value)[0] as StructValue).RopsList as StructValue[])[0]!;
    expect(idToU64(openRop.MessageId as IdValue)).toBe(mid);
    // The replay's own deletes removed what it created: the mailbox is as before.
    expect(snapshot(second)).toEqual(before);
  });

  it('without the mapping the captured ids miss: the same deletes sent verbatim leave the objects behind', async () => {
    const cap = await recordSession(new MailboxStore({ firstAssignedCounter: 0x300000 }));
    const second = new MailboxStore({ firstAssignedCounter: 0x800000 });
    const target = await mailboxSim(second);
    const c = new MapiClient(target.url);
    cleanup.push(() => c.close());
    // The captured bytes as they are (the handles of the first server happen to be this one's too).
    let last: StructValue[] = [];
    for (const e of cap.recorded) {
      const type = e.request.headers.find((h) => /x-requesttype/i.test(h.name))!.value;
      const res = await c.send(e.request.url, type, e.request.body);
      if (type === 'Execute') last = answers(e.request.body, res.entity!.body);
    }
    // DeleteMessages: partial completion (no such message); DeleteFolder and ModifyRules: ecNotFound.
    expect(last.map((x) => [x.ReturnValue, x.PartialCompletion])).toEqual([
      [0, 1],
      [0x8004010f, undefined],
      [0x8004010f, undefined],
    ]);
    expect(second.folders.get(second.specialFolders[4]!)!.messages.map((m) => m.mid)).toContain(second.assignedIds[0]);
  });
});

describe('replay of mailbox changes against a server', () => {
  it('is refused without --allow-changes, naming the changing ROPs, and the server gets no request', async () => {
    const cap = await recordSession(new MailboxStore());
    const dir = mkdtempSync(join(tmpdir(), 'mapiscope-ids-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'changes.mscap');
    const w = await CaptureWriter.create(file, { source: 'test' });
    for (const e of cap.recorded) await w.append(e);
    await w.close();

    // A plain local server, not the simulator: it must see nothing.
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    let err = '';
    const code = await runCli(['replay', file, '--target', url], {
      stdout: () => undefined,
      stderr: (s) => (err += s),
    });
    expect(code).toBe(1);
    const ids = cap.recorded
      .filter((e) => e.request.headers.some((h) => /x-requesttype/i.test(h.name) && h.value === 'Execute'))
      .map((e) => e.id);
    expect(err).toContain(
      `4 captured request(s) change the mailbox (#${ids[1]} RopCreateMessage, RopSetProperties, RopSaveChangesMessage; #${ids[2]} RopCreateFolder; #${ids[3]} RopModifyRules; #${ids[6]} RopDeleteMessages, RopDeleteFolder, RopModifyRules): replaying them changes the target's real mailbox; give --allow-changes`,
    );
    expect(hits).toBe(0);

    // With --allow-changes against a scripted mailbox at a URL: replayed, ids re-mapped and listed.
    const store = new MailboxStore();
    const sim = await mailboxSim(store);
    let out = '';
    expect(
      await runCli(['replay', file, '--target', sim.url, '--allow-changes'], {
        stdout: (s) => (out += s),
        stderr: () => undefined,
      }),
    ).toBe(0);
    expect(out).toMatch(/replayed 9 exchange\(s\) in \d+ ms: 9 succeeded, 0 failed/);
    const [mid, fid, ruleId] = store.assignedIds;
    expect(out).toContain(`  server id ${hex(cap.mid)} → ${hex(mid!)}\n`);
    expect(out).toContain(`  server id ${hex(cap.fid)} → ${hex(fid!)}\n`);
    expect(out).toContain(`  server id ${hex(cap.ruleId)} → ${hex(ruleId!)}\n`);
    expect(store.assignedIds).toHaveLength(3);
    expect(store.folders.has(fid!)).toBe(false);
  });
});
