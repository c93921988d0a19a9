import { describe, expect, it } from 'vitest';
import { type DecodedNode, findNode } from '../../../../shared/codec/index.js';
import { decodeBody } from '../../../../shared/protocol/decode-exchange.js';
import { fixture } from '../transport-helpers.js';

const text = (b: Uint8Array, n: DecodedNode) =>
  new TextDecoder('latin1').decode(b.subarray(n.offset, n.offset + n.length));

/**
 * [MS-OXDSCLI] 2.2.3 request as Outlook sends it: declaration, CRLFs and
 * indentation, a default namespace on the root; every byte is part of the
 * document, so nothing is unparsed.
 */
const REQUEST = new TextEncoder().encode(
  '<?xml version="1.0" encoding="utf-8"?>\r\n' +
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">\r\n' +
    '  <Request>\r\n' +
    '    <EMailAddress>alice@lab.test</EMailAddress>\r\n' +
    '    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\r\n' +
    '  </Request>\r\n' +
    '</Autodiscover>\r\n',
);

describe('XML bodies: every node has its real byte range', () => {
  it('an Outlook-style request: 0 unparsed bytes; declaration, tags, whitespace and @xmlns claimed', () => {
    const d = decodeBody('Autodiscover', 'request', REQUEST);
    expect(d.errors).toEqual([]);
    expect(d.unparsedBytes).toBe(0);
    expect(d.tree.children!.map((c) => [c.name, c.offset, c.length])).toEqual([
      ['XmlDeclaration', 0, 38],
      ['Text', 38, 2],
      ['Autodiscover', 40, REQUEST.length - 42],
      ['Text', REQUEST.length - 2, 2],
    ]);
    const root = findNode(d.tree, 'Autodiscover')!;
    const xmlns = root.children![0]!;
    expect([xmlns.name, xmlns.value]).toEqual([
      '@xmlns',
      'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
    ]);
    expect(text(REQUEST, xmlns)).toBe(
      'xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"',
    );
    expect(root.children!.slice(1, 3).map((c) => [c.name, text(REQUEST, c), c.display])).toEqual([
      [
        'StartTag',
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">',
        expect.any(String),
      ],
      ['Text', '\r\n  ', '(whitespace)'],
    ]);
    expect(root.children!.at(-1)!.name).toBe('EndTag');
    expect(text(REQUEST, root.children!.at(-1)!)).toBe('</Autodiscover>');
    const email = findNode(d.tree, 'Autodiscover/Request/EMailAddress')!;
    expect(email.children!.map((c) => [c.name, text(REQUEST, c)])).toEqual([
      ['StartTag', '<EMailAddress>'],
      ['Text', 'alice@lab.test'],
      ['EndTag', '</EMailAddress>'],
    ]);
    expect(d.value!.EMailAddress).toBe('alice@lab.test');
  });

  it('the real gromox response: 0 unparsed bytes', () => {
    const xml = fixture('gromox-ruler/gromox24__autodiscover-response_alice.xml');
    const d = decodeBody('Autodiscover', 'response', xml);
    expect(d.errors).toEqual([]);
    expect(d.unparsedBytes).toBe(0);
    expect(d.tree.children![0]).toMatchObject({ name: 'XmlDeclaration', offset: 0, length: 38 });
  });

  it('only bytes outside the document stay unparsed', () => {
    const b = new TextEncoder().encode('<a x="1">t</a>junk');
    const d = decodeBody('Autodiscover', 'response', b);
    expect(d.unparsedBytes).toBe(4);
    expect(d.tree.children!.at(-1)).toMatchObject({
      name: 'OutsideDocument',
      offset: 14,
      length: 4,
      generated: true,
      display: '4 byte(s) of text outside the XML document',
    });
  });
});
