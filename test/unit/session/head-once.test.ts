/**
 * One pass over an exchange's head: `SessionModel.add` reads the HTTP heads once
 * (`parseExchangeHead`), never looks a header up by name (`headerValue`/`headerValues`), and
 * parses each X-ResponseCode once — the head's, and the one after DONE (by the stream decoder).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import * as exchange from '../../../shared/capture/exchange.js';
import * as head from '../../../shared/protocol/mapihttp/head.js';
import * as requestTypes from '../../../shared/protocol/mapihttp/request-types.js';
import { SessionModel } from '../../../shared/session/model.js';
import { LOGON_HANDLE, ROPS, ScriptedClient, loadCap1 } from './helpers.js';

vi.mock(import('../../../shared/capture/exchange.js'), async (original) => {
  const m = await original();
  return { ...m, headerValue: vi.fn(m.headerValue), headerValues: vi.fn(m.headerValues) };
});
vi.mock(import('../../../shared/protocol/mapihttp/head.js'), async (original) => {
  const m = await original();
  return { ...m, parseExchangeHead: vi.fn(m.parseExchangeHead) };
});
vi.mock(import('../../../shared/protocol/mapihttp/request-types.js'), async (original) => {
  const m = await original();
  return { ...m, parseResponseCode: vi.fn(m.parseResponseCode) };
});

/** The X-ResponseCode texts of an exchange: the head's first, then the last one after DONE. */
function responseCodeTexts(ex: Exchange): string[] {
  const out: string[] = [];
  const h = ex.response?.headers.find((x) => x.name.toLowerCase() === 'x-responsecode');
  if (h) out.push(h.value);
  const text = new TextDecoder('latin1').decode(ex.response?.body.subarray(0, 400) ?? new Uint8Array(0));
  const done = text.indexOf('DONE\r\n');
  if (done >= 0) {
    const tail = [...text.slice(done, text.indexOf('\r\n\r\n', done)).matchAll(/X-ResponseCode:\s*([^\r]*)/gi)];
    if (tail.length) out.push(tail[tail.length - 1]![1]!);
  }
  return out;
}

function scripted(): Exchange[] {
  const c = new ScriptedClient();
  c.connect();
  c.execute(ROPS.logonReq, [0xffffffff], ROPS.logonResp, [LOGON_HANDLE], { trailerCode: 0 });
  c.notificationWait({ pending: 2 });
  c.ping();
  c.execute(ROPS.releaseReq(0), [LOGON_HANDLE], '', [LOGON_HANDLE], { status: 500, responseCode: null });
  c.disconnect({ trailerCode: 0 });
  return c.exchanges;
}

describe('SessionModel.add reads each head once', () => {
  const headerValue = vi.mocked(exchange.headerValue);
  const headerValues = vi.mocked(exchange.headerValues);
  const parseHead = vi.mocked(head.parseExchangeHead);
  const parseCode = vi.mocked(requestTypes.parseResponseCode);
  beforeEach(() => vi.clearAllMocks());

  it.each([
    ['the real ruler ⇄ gromox capture (cap1, 52 exchanges)', loadCap1],
    ['scripted exchanges with X-ResponseCode after DONE, PENDING, a 500 without code', scripted],
  ])('%s', (_name, load) => {
    const list = load();
    const model = new SessionModel();
    let trailers = 0;
    for (const ex of list) {
      vi.clearAllMocks();
      model.add(ex);
      expect(parseHead).toHaveBeenCalledTimes(1);
      expect(parseHead).toHaveBeenCalledWith(ex);
      expect(headerValue).not.toHaveBeenCalled();
      expect(headerValues).not.toHaveBeenCalled();
      const texts = responseCodeTexts(ex);
      if (texts.length === 2) trailers++;
      expect(parseCode.mock.calls.map((c) => c[0])).toEqual(texts);
    }
    expect(model.count).toBe(list.length);
    // The second list has both kinds of X-ResponseCode, so the count above is not vacuous.
    if (load === scripted) expect(trailers).toBe(2);
  });
});
