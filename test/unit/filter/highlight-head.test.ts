/**
 * A filter on an HTTP field highlights the node of the HTTP head tree that
 * holds it (headers, cookies, method, target, status), beside the body's
 * decoded fields; each head node also gives its own filter text.
 */
import { describe, expect, it } from 'vitest';
import { FieldCatalog } from '../../../shared/filter/catalog.js';
import { compileFilterExpression } from '../../../shared/filter/evaluate.js';
import { matchedNodes } from '../../../shared/filter/highlight.js';
import { fieldRegistry } from '../../../shared/filter/registry.js';
import { FieldNames, filterTextFor, headFields } from '../../../shared/filter/tree.js';
import { requestHeadTree, responseHeadTree } from '../../../shared/protocol/mapihttp/headers.js';
import { ScriptedClient } from '../session/helpers.js';

const registry = fieldRegistry();
const catalog = new FieldCatalog(registry);
const names = new FieldNames(registry);

const c = new ScriptedClient();
const connect = c.connect();
const heads = { request: requestHeadTree(connect), response: responseHeadTree(connect)!, rootPath: 'h' };

function matched(expr: string) {
  const f = compileFilterExpression(expr, catalog);
  expect(f.errors).toEqual([]);
  return matchedNodes(f.tests, {}, 'Connect', names, {}, heads).map((m) => [m.side, m.path, m.namePath, m.value]);
}

describe('HTTP head nodes a filter matched', () => {
  it('a request header by name, any case, at its node', () => {
    const i = connect.request.headers.findIndex((h) => h.name === 'X-ClientInfo');
    const value = connect.request.headers[i]!.value;
    expect(matched(`http.header["x-clientinfo"] == "${value}"`)).toEqual([
      ['request', `h.1.${i}`, 'HttpRequest/Headers/X-ClientInfo', value],
    ]);
    expect(matched(`http.request.header["X-ClientInfo"] contains "nothing-like-it"`)).toEqual([]);
  });

  it('a response header, the status and the request line', () => {
    const code = connect.response!.headers.findIndex((h) => h.name === 'X-ResponseCode');
    expect(matched('http.response.header["X-ResponseCode"] == "0"')).toEqual([
      ['response', `h.1.${code}`, 'HttpResponse/Headers/X-ResponseCode', '0'],
    ]);
    expect(matched('http.status == 200')).toEqual([['response', 'h.0.1', 'HttpResponse/StatusLine/StatusCode', 200]]);
    expect(matched('http.status == 500')).toEqual([]);
    expect(matched('http.method == "POST" and http.url contains "/mapi/emsmdb"')).toEqual([
      ['request', 'h.0.0', 'HttpRequest/RequestLine/Method', 'POST'],
      ['request', 'h.0.1', 'HttpRequest/RequestLine/RequestTarget', connect.request.url],
    ]);
  });

  it('a cookie the response sets, at its part of Set-Cookie', () => {
    const sets = connect.response!.headers.filter((h) => h.name === 'Set-Cookie');
    const first = sets[0]!.value.split(';')[0]!;
    const [name, value] = first.split('=') as [string, string];
    const at = connect.response!.headers.findIndex((h) => h.name === 'Set-Cookie');
    expect(matched(`http.setCookie["${name}"] == "${value}"`)).toEqual([
      ['response', `h.1.${at}.0`, `HttpResponse/Headers/Set-Cookie/${name}`, value],
    ]);
  });

  it('a request cookie, at its part of Cookie', () => {
    const ping = c.ping();
    const at = ping.request.headers.findIndex((h) => h.name === 'Cookie');
    const [name, value] = ping.request.headers[at]!.value.split(';')[0]!.trim().split('=') as [string, string];
    const f = compileFilterExpression(`http.cookie["${name}"] == "${value}"`, catalog);
    const hits = matchedNodes(f.tests, {}, 'PING', names, {}, { request: requestHeadTree(ping), rootPath: 'h' });
    expect(hits.map((m) => [m.path, m.namePath, m.value])).toEqual([
      [`h.1.${at}.0`, `HttpRequest/Headers/Cookie/${name}`, value],
    ]);
  });

  it('every head field gives a filter that matches its own node', () => {
    for (const side of ['request', 'response'] as const)
      for (const f of headFields(heads[side], side, 'h')) {
        const text = filterTextFor(f, catalog.resolve(f.field));
        const hits = matched(text).filter(([s, p]) => s === side && p === f.path);
        expect(hits.length, text).toBe(1);
      }
  });
});
