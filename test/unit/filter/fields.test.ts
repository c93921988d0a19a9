import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { compileOrExplain, runCaptureFilter } from '../../../electron/cli/capture-filter.js';
import { shapeOf } from '../../../shared/codec/index.js';
import {
  FieldNames,
  compileCaptureFilter,
  decodedFieldMap,
  decodedFields,
  fieldCatalog,
  fieldRegistry,
  treeFields,
  valueKey,
} from '../../../shared/filter/index.js';
import { decodeBody, decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { ropsById } from '../../../shared/protocol/rops/registry.js';
import { SessionModel } from '../../../shared/session/model.js';

const cap1 = loadBodyFolder('test/fixtures/gromox-ruler/cap1').exchanges;
const cap2 = loadBodyFolder('test/fixtures/gromox-ruler/cap2').exchanges;
const byName = new Map(fieldRegistry().map((f) => [f.name, f]));
const ids = (expr: string) => runCaptureFilter(cap1, compileOrExplain(expr)).matched;

describe('field registry', () => {
  it('names every field of every ROP definition, on both sides', () => {
    for (const def of ropsById.values()) {
      // The request structure's own field list is the source: each top-level field is a name.
      const req = def.request ? shapeOf(def.request) : undefined;
      // A request with several readings (a choice of layouts) is checked through its layouts' fields.
      const layouts = req?.type === 'choice' ? req.cases().map((c) => shapeOf(c)) : [req];
      for (const shape0 of layouts)
        for (const f of shape0?.type === 'struct' ? shape0.fields() : []) {
          const name = `${def.name}.request.${f.name}`;
          const shape = shapeOf(f.codec);
          // Leaves are fields themselves; structures are reached through their parts.
          if (!shape || shape.type === 'enum' || shape.type === 'flags')
            expect(byName.has(name) || [...byName.keys()].some((n) => n.startsWith(name + '.')), name).toBe(true);
        }
      if (def.response && !def.spec.rawResponse)
        expect(byName.get(`${def.name}.response.ReturnValue`)?.type, def.name).toBe('error');
    }
    const rv = byName.get('ReturnValue')!;
    const withRv = [...ropsById.values()].filter((d) => byName.has(`${d.name}.response.ReturnValue`));
    expect(rv.of?.length).toBe(withRv.length);
  });

  it('gives the fields of the issue their names and types', () => {
    const t = (n: string) => byName.get(n)?.type;
    expect(t('Connect.request.UserDn')).toBe('string');
    expect(t('Bind.response.ServerGuid')).toBe('guid');
    expect(t('aux.AUX_PERF_CLIENTINFO.MachineName')).toBe('string');
    expect(t('RopOpenFolder.request.FolderId')).toBe('id');
    expect(t('RopQueryRows.response.RowCount')).toBe('number');
    expect(byName.get('RopQueryRows.RowCount')?.of).toEqual([
      'RopQueryRows.request.RowCount',
      'RopQueryRows.response.RowCount',
    ]);
    expect(t('ReturnValue')).toBe('error');
    expect(t('Execute.request.Flags')).toBe('flags');
    expect(byName.get('Execute.request.Flags')?.bits).toEqual({ NoCompression: 1, NoXorMagic: 2, Chain: 4 });
    expect(t('prop.PidTagDisplayName')).toBe('string');
    expect(t('prop.PidTagAttributeHidden')).toBe('bool');
    expect(t('mapi.type')).toBe('string');
    expect(t('session.expired')).toBe('bool');
    expect(fieldCatalog().resolve('http.header["X-ClientInfo"]')?.layer).toBe('http');
    expect(fieldCatalog().resolve('code')?.name).toBe('mapi.responseCode');
    // The ROP list itself and property rows are not fields: each ROP and each column is named on its own.
    expect(byName.has('Execute.request.RopBuffer.RopsList')).toBe(false);
    expect(byName.has('QueryRows.response.RowData')).toBe(false);
    // One name, one field.
    expect(new Set(fieldRegistry().map((f) => f.name)).size).toBe(fieldRegistry().length);
  });
});

describe('filters on real captures (gromox-ruler cap1, 52 exchanges)', () => {
  it('matches decoded fields of bodies, ROPs, AUX blocks and properties exactly', () => {
    expect(ids('rop == RopQueryRows')).toEqual([8, 32, 37, 42]);
    expect(ids('ReturnValue == ecNullObject')).toEqual([
      3, 7, 8, 12, 19, 20, 24, 25, 26, 30, 31, 32, 36, 37, 41, 42, 46, 47, 50, 51,
    ]);
    // Error codes in hex or by the spec's own name give the same set.
    expect(ids('ReturnValue == 0x4B9')).toEqual(ids('ReturnValue == NullObject'));
    expect(ids('RopOpenFolder.request.FolderId == 1-0x0D and session == 3')).toEqual([12]);
    expect(ids('RopOpenFolder.request.FolderId == 1-0x00000000000D')).toEqual(ids('RopOpenFolder.FolderId == 1-0x0D'));
    expect(ids('Connect.request.UserDn contains "cn=0100000001000000-alice"')).toEqual([
      1, 5, 10, 17, 22, 28, 34, 39, 44, 48,
    ]);
    expect(ids('Bind.response.ServerGuid')).toEqual([13]);
    expect(ids('aux.AUX_EXORGINFO.OrgFlags == 3')).toEqual([1, 5, 10, 17, 22, 28, 34, 39, 44, 48]);
    expect(ids('prop.PidTagDisplayName contains "Alice"')).toEqual([14]);
    expect(ids('prop.PidTagSmtpAddress matches "(?i)^ALICE@"')).toEqual([14]);
    expect(ids('prop.PidTagAttributeHidden == true')).toEqual([26]);
    expect(ids('RopLogon.response.MailboxGuid == {c78618db-a67d-46d2-bf39-b9f8166302d6}').length).toBe(10);
    expect(ids('Execute.request.Flags contains NoXorMagic and rop == RopCreateFolder')).toEqual([26]);
    expect(ids('RopCreateFolder.request.DisplayName == searcher')).toEqual([26]);
    expect(ids('mapi.type in {Bind, QueryRows}')).toEqual([13, 14, 15]);
    expect(ids('http.status != 200')).toEqual([]);
    expect(ids('not (mapi.type == Execute) and session == 3')).toEqual([10, 16]);
    expect(ids('http.request.header["X-RequestType"] == bind')).toEqual([13]);
  });

  it('keeps the list filter short form working', () => {
    expect(ids('type:Execute rop:QueryRows')).toEqual([8, 32, 37, 42]);
    expect(ids('type:Connect|Bind session:3')).toEqual([10]);
    expect(ids('-type:Execute session:3')).toEqual([10, 16]);
    expect(ids('nspi')).toEqual([13, 14, 15]);
  });

  it('reports bad filters by column, never by exception', () => {
    const bad: [string, number, string][] = [
      ['RopOpenFolder.request.FolderId == 1-0xZZ', 34, 'is not a folder or message id'],
      ['ReturnValue == ecNoSuchError', 15, 'is not an error name or number'],
      ['Bind.response.ServerGuid == 42', 28, 'is not a GUID'],
      ['RopNope.request.X == 1', 0, 'unknown field "RopNope.request.X"'],
      ['(rop == RopLogon', 0, 'unclosed "("'],
      ['prop.PidTagSubject matches "(["', 27, 'bad regular expression'],
      ['http.status in {200, x}', 21, 'is not a number'],
      ['session ==', 10, 'missing value'],
    ];
    for (const [text, at, msg] of bad) {
      const c = compileCaptureFilter(text);
      expect(c.errors[0]?.at, text).toBe(at);
      expect(c.errors[0]?.message, text).toContain(msg);
    }
    // Random text: errors or a filter, never a throw.
    const chars = 'abR.op=!<>(){}"[]\\ 0x1-~|andornot:';
    let seed = 7;
    for (let i = 0; i < 600; i++) {
      let s = '';
      for (let j = 0; j < 1 + (i % 30); j++)
        s += chars[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % chars.length];
      expect(() => compileCaptureFilter(s)).not.toThrow();
    }
  });
});

describe('decoded fields from values and from trees agree', () => {
  it('gives the same fields and values both ways on every exchange of cap1 and cap2, all registered', () => {
    const names = new FieldNames(fieldRegistry());
    let checked = 0;
    for (const cap of [cap1, cap2]) {
      const m = new SessionModel();
      for (const ex of cap) {
        m.add(ex);
        const view = m.viewFor(ex.id);
        const ctx = view ? { namedPropertyName: (id: number) => view.namedPropertyName(id) } : {};
        const fromValues = new Set<string>();
        decodedFields(
          decodeExchange(ex, m.contextFor(ex) ?? {}, { tree: false }),
          (k, v) => fromValues.add(`${k}=${String(valueKey(v))}`),
          ctx,
        );
        const d = m.decode(ex);
        const fromTree = new Set<string>();
        for (const side of ['request', 'response'] as const) {
          const part = d[side];
          if (part && d.requestType)
            for (const t of treeFields(part.tree, d.requestType, side, names, ctx))
              fromTree.add(`${t.field}=${String(valueKey(t.value))}`);
        }
        expect([...fromTree].sort(), `exchange ${ex.id}`).toEqual([...fromValues].sort());
        for (const k of fromValues) {
          const field = k.slice(0, k.indexOf('='));
          if (!field.startsWith('prop.')) expect(byName.has(field), field).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBe(57);
  });

  it('names AUX block fields of a real Outlook Connect request (syncgw connect_req18)', () => {
    const body = decodeBody(
      'Connect',
      'request',
      new Uint8Array(readFileSync('test/fixtures/syncgw/connect_req18.bin')),
    );
    const m = decodedFieldMap({ endpoint: 'emsmdb', requestType: 'Connect', request: body } as never);
    expect(m.get('aux.AUX_PERF_CLIENTINFO.AdapterName')).toEqual(['vEthernet (Extern)']);
    expect(m.get('aux.AUX_PERF_PROCESSINFO.ProcessName')).toEqual(['OUTLOOK.EXE']);
    expect(m.get('aux.AUX_PERF_CLIENTINFO.ClientMode')).toEqual([2]);
  });
});
