/**
 * Named properties shown by the names the session mapped them to: the ids a
 * decoded Execute mentions (a requested tag, a row column) get the name
 * RopGetPropertyIdsFromNames gave them, and a tree row shows that name with the
 * tag as sent beside it.
 */
import { describe, expect, it } from 'vitest';
import { namedLabel, namedPropertiesIn } from '../../../shared/session/named-labels.js';
import { SessionModel } from '../../../shared/session/model.js';
import type { DecodedNode } from '../../../shared/codec/index.js';
import { LOGON_HANDLE, ROPS, ScriptedClient } from './helpers.js';

const NONE = 0xffffffff;

function find(n: DecodedNode, pred: (n: DecodedNode) => boolean): DecodedNode | undefined {
  if (pred(n)) return n;
  for (const c of n.children ?? []) {
    const hit = find(c, pred);
    if (hit) return hit;
  }
  return undefined;
}

/** Logon; PS_PUBLIC_STRINGS "Keywords" mapped to 0x8001; then RopGetPropertiesSpecific of 0x8001001F. */
function session() {
  const c = new ScriptedClient();
  c.connect();
  c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
  const keywords = '01 29030200 0000 0000 C000 000000000046 12 4B00650079007700 6F00720064007300 0000';
  c.execute(`56 00 00 02 0100 ${keywords}`, [LOGON_HANDLE], `56 00 00000000 0100 0180`, [LOGON_HANDLE]);
  // RopGetPropertiesSpecific: PropertySizeLimit 0, WantUnicode 1, one tag 0x8001001F; the row: Flag 0, "Ke".
  const props = c.execute('07 00 00 0000 0100 0100 1F000180', [LOGON_HANDLE], '07 00 00000000 00 4B00650000 00', [
    LOGON_HANDLE,
  ]);
  const m = new SessionModel();
  for (const ex of c.exchanges) m.add(ex);
  return { m, props };
}

describe('named properties by name', () => {
  it('the ids an Execute mentions get the names the session mapped before it', () => {
    const { m, props } = session();
    const d = m.decode(props);
    const view = m.viewFor(props.id)!;
    const nameOf = (id: number) => view.namedPropertyName(id);
    const named = namedPropertiesIn(d.request!.tree, nameOf);
    namedPropertiesIn(d.response!.tree, nameOf, named);
    expect(named).toEqual({ 0x8001: 'PidNameKeywords' });
    // Before the mapping, the id is unknown: nothing is named.
    const before = m.viewFor(props.id - 1)!;
    expect(namedPropertiesIn(d.request!.tree, (id) => before.namedPropertyName(id))).toEqual({});
  });

  it('a row shows the name, the tag as sent beside it', () => {
    const { m, props } = session();
    const d = m.decode(props);
    const names = { 0x8001: 'PidNameKeywords' };
    const tag = find(d.request!.tree, (n) => n.value === 0x8001001f && n.display !== undefined)!;
    expect(tag.display).toBe('0x8001001F (PtypString)');
    expect(namedLabel(tag, names)).toEqual({ display: 'PidNameKeywords', secondary: '0x8001001F (PtypString)' });
    const column = find(d.response!.tree, (n) => n.name === '0x8001001F')!;
    expect(column.value).toBe('Ke');
    expect(namedLabel(column, names)).toEqual({ name: 'PidNameKeywords', secondary: '0x8001001F' });
    // Ids below 0x8000 and ids the session did not map keep their own label.
    expect(namedLabel({ name: 'PropertyTag', value: 0x0037001f, display: 'PidTagSubject (0x0037001F)' }, names)).toBe(
      undefined,
    );
    expect(namedLabel({ name: '0x8002001F', value: 'x' }, names)).toBeUndefined();
  });
});
