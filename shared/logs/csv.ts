/**
 * The text layer every Exchange protocol log shares (Utf8Csv rows under a
 * `#`-directive header block). Formats: shared/logs/FORMATS.md.
 */

/** One row into its fields: `,` separates, `"…"` quotes with `""` inside. */
export function splitCsvRow(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let v = '';
      i++;
      while (i < n) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = n;
          break;
        }
        v += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      const c = line.indexOf(',', i);
      if (c < 0) return out;
      i = c + 1;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** The `#Name: value` directives of a header block. */
export interface LogHeader {
  software?: string;
  version?: string;
  logType?: string;
  date?: string;
  fields?: string[];
}

/** Applies one `#…` line to `h`; returns true when it was a `#Fields:` line. */
export function applyDirective(h: LogHeader, line: string): boolean {
  const i = line.indexOf(':');
  if (i < 0) return false;
  const name = line.slice(1, i).trim().toLowerCase();
  const value = line.slice(i + 1).trim();
  if (name === 'software') h.software = value;
  else if (name === 'version') h.version = value;
  else if (name === 'log-type') h.logType = value;
  else if (name === 'date') h.date = value;
  else if (name === 'fields') {
    h.fields = value.split(',').map((f) => f.trim());
    return true;
  }
  return false;
}

/**
 * Whether a plain first line (no `#`) is a CsvCompatible header row: every field
 * looks like a column name and none looks like a value (no digits-only, no time).
 */
export function looksLikeHeaderRow(line: string): boolean {
  const f = line.split(',');
  if (f.length < 5) return false;
  return f.every((x) => /^[A-Za-z][A-Za-z0-9-]*$/.test(x));
}
