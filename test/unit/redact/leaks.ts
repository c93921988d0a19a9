/**
 * Where an original value still shows in exported bytes: every encoding it
 * could take there — UTF-8 and Latin-1, UTF-16LE (ASCII case-insensitive, as
 * the Redactor matches), URL-encoded, JSON-escaped, hex (the JSON trees show
 * binary values in hex) and base64 at all three alignments (HAR bodies).
 */
const lowerByte = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

function indexOfCaseless(hay: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  outer: for (let i = 0; i + n <= hay.length; i++) {
    for (let j = 0; j < n; j++) if (lowerByte(hay[i + j]!) !== lowerByte(needle[j]!)) continue outer;
    return i;
  }
  return -1;
}

function utf16(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) & 0xff;
    out[i * 2 + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The stable middle of the base64 of `b` placed at offset 0, 1 and 2 of a 3-byte group. */
function base64Forms(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const buf = new Uint8Array(pad + b.length);
    buf.set(b, pad);
    const s = Buffer.from(buf).toString('base64');
    // Characters that depend only on bytes of `b`: from the first whole group to the last whole group.
    const from = pad ? 4 : 0;
    const whole = Math.floor((pad + b.length) / 3) * 4;
    if (whole - from >= 8) out.push(s.slice(from, whole));
  }
  return out;
}

/** Byte and text forms of `value` to search for. */
export function forms(value: string): { label: string; bytes: Uint8Array; caseless: boolean }[] {
  const enc = new TextEncoder();
  const out: { label: string; bytes: Uint8Array; caseless: boolean }[] = [];
  const add = (label: string, s: string | Uint8Array, caseless = true) =>
    out.push({ label, bytes: typeof s === 'string' ? enc.encode(s) : s, caseless });
  add('8-bit', value);
  if (/^[\u0000-\u00ff]*$/.test(value) && /[\u0080-\u00ff]/.test(value))
    add(
      'Latin-1',
      Uint8Array.from(value, (c) => c.charCodeAt(0)),
    );
  add('UTF-16LE', utf16(value));
  const url = encodeURIComponent(value);
  if (url !== value) add('URL-encoded', url);
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) add('JSON-escaped', json);
  add('hex of 8-bit', hex(enc.encode(value)));
  add('hex of UTF-16LE', hex(utf16(value)));
  for (const [i, b] of base64Forms(enc.encode(value)).entries()) add(`base64 of 8-bit (${i})`, b, false);
  for (const [i, b] of base64Forms(utf16(value)).entries()) add(`base64 of UTF-16LE (${i})`, b, false);
  return out;
}

/** Every form of every value found in `bytes`, as "value (form) @offset". */
export function leaks(bytes: Uint8Array, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const v of values)
    for (const f of forms(v)) {
      const at = f.caseless ? indexOfCaseless(bytes, f.bytes) : Buffer.from(bytes).indexOf(Buffer.from(f.bytes));
      if (at >= 0) found.push(`${JSON.stringify(v)} (${f.label}) @${at}`);
    }
  return found;
}
