/**
 * Damaged inputs never escape as anything but CaptureFileError (file + place),
 * never hang, and keep what was readable: random truncations and byte flips of
 * our own HAR and SAZ exports of the gromox capture (seeded, so failures repeat).
 */
import { describe, expect, it } from 'vitest';
import { CaptureFileError } from '../../../shared/capture/errors.js';
import { readHar, writeHar } from '../../../shared/capture/har/index.js';
import { readSaz, writeSaz } from '../../../shared/capture/saz/index.js';
import { gromoxCapture } from './gromox.js';
import { lcgFloat } from '../../helpers/prng.js';

const rng = lcgFloat;

describe('damaged files', () => {
  it('HAR: 150 truncations and 150 character flips', async () => {
    const cap = gromoxCapture().slice(0, 12);
    let text = '';
    for await (const p of writeHar(cap)) text += p;
    const r = rng(7);
    let errors = 0;
    for (let k = 0; k < 300; k++) {
      let t: string;
      if (k < 150) t = text.slice(0, Math.floor(r() * text.length));
      else {
        const at = Math.floor(r() * text.length);
        t = text.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + text.slice(at + 1);
      }
      try {
        const res = readHar(t, 'fuzz.har');
        expect(res.exchanges.length).toBeLessThanOrEqual(12);
      } catch (e) {
        if (!(e instanceof CaptureFileError)) throw new Error(`case ${k}: ${String(e)}`);
        expect(e.message.startsWith('fuzz.har: ')).toBe(true);
        expect(e.partial!.exchanges.length).toBeLessThanOrEqual(12);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(150);
  });

  it('SAZ: 100 truncations and 100 byte flips', async () => {
    const cap = gromoxCapture().slice(0, 8);
    const parts: Uint8Array[] = [];
    for await (const p of writeSaz(cap)) parts.push(p);
    const zip = new Uint8Array(Buffer.concat(parts));
    const r = rng(11);
    for (let k = 0; k < 200; k++) {
      let z: Uint8Array;
      if (k < 100) z = zip.slice(0, Math.floor(r() * zip.length));
      else {
        z = zip.slice();
        const at = Math.floor(r() * z.length);
        z[at] = z[at]! ^ (1 + Math.floor(r() * 255));
      }
      try {
        const res = readSaz(z, 'fuzz.saz');
        expect(res.exchanges.length).toBeLessThanOrEqual(8);
      } catch (e) {
        if (!(e instanceof CaptureFileError)) throw new Error(`case ${k}: ${String((e as Error).stack)}`);
        expect(e.message.startsWith('fuzz.saz: ')).toBe(true);
      }
    }
  });
});

describe('hand-edited SAZ session flags', () => {
  it('unreadable x-mapiscope flags are ignored with a warning, the session is kept', async () => {
    const { openZip, ZipWriter } = await import('../../../shared/capture/saz/index.js');
    const { mapiExchange } = await import('./factory.js');
    const ex = mapiExchange({ aborted: { kind: 'timeout', message: 't' } });
    const parts: Uint8Array[] = [];
    for await (const p of writeSaz([ex])) parts.push(p);
    const a = openZip(new Uint8Array(Buffer.concat(parts)), 'a.saz');
    const w = new ZipWriter();
    const out: Uint8Array[] = [];
    for (const e of a.entries) {
      let b = a.read(e);
      if (e.name === 'raw/1_m.xml') {
        const xml = new TextDecoder()
          .decode(b)
          .replace(/N="x-mapiscope-tls" V="[^"]*"/, 'N="x-mapiscope-tls" V="{bad"')
          .replace(/N="x-mapiscope-aborted" V="[^"]*"/, 'N="x-mapiscope-aborted" V="[1]"')
          .replace(/N="x-mapiscope-id" V="3"/, 'N="x-mapiscope-id" V="three"');
        b = new TextEncoder().encode(xml);
      }
      out.push(...w.add(e.name, b));
    }
    out.push(...w.finish());
    const r = readSaz(new Uint8Array(Buffer.concat(out)), 'edited.saz');
    expect(r.exchanges.length).toBe(1);
    expect(r.exchanges[0]!.id).toBe(1);
    expect(r.exchanges[0]!.tls).toBeUndefined();
    expect(r.exchanges[0]!.aborted).toBeUndefined();
    expect(r.exchanges[0]!.request.body).toEqual(ex.request.body);
    expect(r.warnings).toEqual([
      'session 1: x-mapiscope-aborted flag unreadable; ignored',
      'session 1: x-mapiscope-tls flag unreadable; ignored',
    ]);
  });
});
