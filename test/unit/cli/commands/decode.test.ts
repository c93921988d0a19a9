import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../../../../electron/cli/main.js';
import { inferFromName } from '../../../../electron/cli/commands/decode.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HarWriter } from '../../../../shared/capture/har/writer.js';
import { FIXTURES, loadMetaExchange } from '../../protocol/transport-helpers.js';

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}
const fx = (p: string) => join(FIXTURES, p);

describe('mapiscope decode', () => {
  it('infers type and direction from fixture-style names', () => {
    expect(inferFromName('/x/execute_req19.bin')).toEqual({ requestType: 'Execute', direction: 'request' });
    expect(inferFromName('connect_resp18.bin')).toEqual({ requestType: 'Connect', direction: 'response' });
    expect(inferFromName('003-mapi-emsmdb-Execute.request.bin')).toEqual({
      requestType: 'Execute',
      direction: 'request',
    });
    expect(inferFromName('013-mapi-nspi-BIND.response.bin')).toEqual({ requestType: 'Bind', direction: 'response' });
    expect(inferFromName('execute_req45.decompressed.bin')).toEqual({});
    expect(inferFromName('body.bin')).toEqual({});
  });

  it('--json prints the documented shape with the exact tree of a Connect response', async () => {
    const r = await cli(['decode', fx('syncgw/connect_resp18.bin'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['requestType', 'direction', 'tree', 'errors', 'unparsedBytes', 'rops']);
    expect(j).toMatchObject({ requestType: 'Connect', direction: 'response', errors: [], unparsedBytes: 0, rops: [] });
    expect(j.tree).toMatchObject({ name: 'ConnectResponse', offset: 0, length: 99, buffer: 'body' });
    expect(j.tree.children[6]).toEqual({
      name: 'DisplayName',
      value: 't1@gromm.fritz.box',
      display: '"t1@gromm.fritz.box"',
      offset: 21,
      length: 38,
    });
  });

  it('--json lists the ROPs of an Execute request and the decompressed buffer id in the tree', async () => {
    const r = await cli(['decode', fx('syncgw/execute_req45.bin'), '--json']);
    const j = JSON.parse(r.out);
    // Payload (execute_req45.decompressed.bin): 02 00 00 01 | 01 00 00 00 00 00 00 01 | 00, twice more
    // with GlobalCounter 09 and 0D: RopOpenFolder, LogonId 0, InputHandleIndex 0, FolderId 1-0x…01.
    expect(j.rops).toEqual([
      {
        id: '0x02',
        name: 'RopOpenFolder',
        handleIndex: 0,
        logonId: 0,
        detail: 'FolderId=1-0x000000000001 OpenModeFlags=0',
      },
      {
        id: '0x02',
        name: 'RopOpenFolder',
        handleIndex: 0,
        logonId: 0,
        detail: 'FolderId=1-0x000000000009 OpenModeFlags=0',
      },
      {
        id: '0x02',
        name: 'RopOpenFolder',
        handleIndex: 0,
        logonId: 0,
        detail: 'FolderId=1-0x00000000000D OpenModeFlags=0',
      },
    ]);
    expect(JSON.stringify(j.tree)).toContain('"buffer":"rpcext#1"');
  });

  it('--json rops of responses carry the ReturnValue and the echoed handle index', async () => {
    // execute_resp45: three RopOpenFolder successes into output handles 1, 2, 3.
    const ok = JSON.parse((await cli(['decode', fx('syncgw/execute_resp45.bin'), '--json'])).out);
    expect(ok.rops).toEqual(
      [1, 2, 3].map((h) => ({
        id: '0x02',
        name: 'RopOpenFolder',
        returnValue: '0x00000000',
        handleIndex: h,
        detail: 'HasRules=0 IsGhosted=0',
      })),
    );
    // cap1 008 response payload: 3F 01 B9040000 | 12 01 B9040000 | 15 01 B9040000 (ecNullObject).
    const failed = await cli(['decode', fx('gromox-ruler/cap1/008-mapi-emsmdb-Execute.response.bin'), '--json']);
    expect(JSON.parse(failed.out).rops).toEqual([
      { id: '0x3F', name: 'RopGetRulesTable', returnValue: '0x000004B9', handleIndex: 1 },
      { id: '0x12', name: 'RopSetColumns', returnValue: '0x000004B9', handleIndex: 1 },
      { id: '0x15', name: 'RopQueryRows', returnValue: '0x000004B9', handleIndex: 1 },
    ]);
    // Its request: LogonId 12 (0x0C), each ROP on handle index 0 or 1.
    const req = await cli(['decode', fx('gromox-ruler/cap1/008-mapi-emsmdb-Execute.request.bin'), '--json']);
    expect(JSON.parse(req.out).rops).toEqual([
      { id: '0x3F', name: 'RopGetRulesTable', handleIndex: 0, logonId: 12, detail: 'TableFlags=64' },
      {
        id: '0x12',
        name: 'RopSetColumns',
        handleIndex: 1,
        logonId: 12,
        detail: 'SetColumnsFlags=0 PropertyTagCount=2 PropertyTags=[2]',
      },
      {
        id: '0x15',
        name: 'RopQueryRows',
        handleIndex: 1,
        logonId: 12,
        detail: 'QueryRowsFlags=0 ForwardRead=1 RowCount=50',
      },
    ]);
  });

  it('text output is an indented tree with offsets; --type/--direction override the name', async () => {
    const r = await cli(['decode', fx('gromox-ruler/cap2/003-mapi-emsmdb-NotificationWait.response.bin')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('NotificationWait response, 26 bytes\n');
    expect(r.out).toContain('  MetaTag  @12+7  PENDING (no CRLF)\n');
    const t = await cli([
      'decode',
      fx('syncgw/disconnect_req23.bin'),
      '--type',
      'disconnect',
      '--direction',
      'request',
    ]);
    expect(t.out).toContain('DisconnectRequest  @0+4 [body]');
    expect(t.out).toContain('0 error(s), 0 unparsed byte(s)');
  });

  it('usage errors exit 2, missing files exit 1', async () => {
    expect((await cli(['decode'])).code).toBe(2);
    const noType = await cli(['decode', fx('syncgw/execute_req45.decompressed.bin')]);
    expect(noType.code).toBe(2);
    expect(noType.err).toContain('cannot tell the request type');
    expect((await cli(['decode', fx('syncgw/connect_req18.bin'), '--direction', 'sideways'])).code).toBe(2);
    const missing = await cli(['decode', fx('nope.bin'), '--type', 'Execute', '--direction', 'request']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no such file');
  });

  it('a HAR capture is decoded exchange by exchange, responses with their request as context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapiscope-decode-'));
    try {
      const w = new HarWriter();
      const exs = [
        loadMetaExchange('gromox-ruler/cap1/001-mapi-emsmdb-Connect', 1),
        loadMetaExchange('gromox-ruler/cap1/002-mapi-emsmdb-Execute', 2),
      ];
      const file = join(dir, 'two.har');
      writeFileSync(file, w.begin() + exs.map((e) => w.add(e)).join('') + w.end());
      const r = await cli(['decode', file, '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as {
        id: number;
        endpoint: string;
        requestType: string;
        responseCode: number;
        request: { errors: unknown[] };
        response: { errors: unknown[]; rops: unknown[] };
      }[];
      expect(j.map((e) => [e.id, e.endpoint, e.requestType, e.responseCode])).toEqual([
        [1, 'emsmdb', 'Connect', 0],
        [2, 'emsmdb', 'Execute', 0],
      ]);
      // With its request as context the private-mailbox RopLogon response layout applies.
      expect(j[1]!.response.rops).toEqual([
        {
          id: '0xFE',
          name: 'RopLogon',
          returnValue: '0x00000000',
          handleIndex: 0,
          detail: 'LogonFlags=1 ResponseFlags=7 MailboxGuid="c78618db-a67d-46d2-bf39-b9f8166302d6" ReplId=65535',
        },
      ]);
      expect(j.every((e) => e.request.errors.length === 0 && e.response.errors.length === 0)).toBe(true);
      const bad = join(dir, 'bad.har');
      writeFileSync(bad, '{"log": [');
      const b = await cli(['decode', bad]);
      expect(b.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
