/**
 * Incremental HAR splitter: takes the file's text in pieces and hands out
 * each `log.entries[i]` (and every other `log` member) as its own JSON text, so
 * a reader parses one entry at a time and memory follows the biggest entry,
 * not the file. It validates the JSON grammar as it goes; on a fault it throws
 * `HarScanError` with line and column, after the entries before the fault have
 * been handed out. Linear in the input: a value split over many pieces is
 * joined once, when it ends.
 */

export type HarScanEvent =
  | { kind: 'member'; key: string; json: string; line: number }
  | { kind: 'entry'; index: number; json: string; line: number };

export class HarScanError extends Error {
  override name = 'HarScanError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    /** Index of the entry being read when it failed, if inside `log.entries`. */
    readonly entry?: number,
  ) {
    super(`line ${line}, column ${column}${entry !== undefined ? ` (entry ${entry + 1})` : ''}: ${reason}`);
  }
}

type Role = 'root' | 'log' | 'entries' | 'other';
/** What a container expects next. */
type Expect = 'key0' | 'key' | 'colon' | 'value' | 'value0' | 'comma';
interface Frame {
  obj: boolean;
  role: Role;
  exp: Expect;
  /** The current member's key; undefined between members and in arrays. */
  key: string | undefined;
}

const LITERAL = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/;

export class HarScanner {
  private stack: Frame[] = [];
  private topDone = false;
  private sawLog = false;
  private sawEntries = false;
  private mode: 'ws' | 'str' | 'lit' = 'ws';
  private escape = false;
  private lit = '';
  /** Collects a key's text when the key matters (root and log objects). */
  private keyParts: string[] | undefined;
  private strIsKey = false;
  private capturing: { kind: 'member' | 'entry'; key: string; depth: number; line: number } | undefined;
  private parts: string[] = [];
  private entryIndex = 0;
  private line = 1;
  private lineStart = 0;
  private consumed = 0;
  private events: HarScanEvent[] = [];

  push(chunk: string): HarScanEvent[] {
    this.events = [];
    let capFrom = 0;
    const n = chunk.length;
    let i = 0;
    // Next backslash at or after the scan position (cached: searching again per string would be quadratic).
    let bs = -2;
    while (i < n) {
      if (this.mode === 'str') {
        // Fast skip to the next quote or backslash.
        let j = i;
        if (this.escape) {
          this.escape = false;
          j++;
        }
        for (;;) {
          const q = chunk.indexOf('"', j);
          if (bs !== -1 && bs < j) bs = chunk.indexOf('\\', j);
          const b = bs;
          if (b >= 0 && (q < 0 || b < q)) {
            if (b + 1 >= n) {
              this.escape = true;
              j = n;
              break;
            }
            j = b + 2;
            continue;
          }
          j = q < 0 ? n : q;
          break;
        }
        if (this.keyParts) this.keyParts.push(chunk.slice(i, j));
        if (j >= n) {
          i = n;
          break;
        }
        // closing quote at j
        i = j + 1;
        this.mode = 'ws';
        if (this.strIsKey) this.endKey();
        else if (this.endScalar(chunk, i, capFrom)) capFrom = i;
        continue;
      }
      if (this.mode === 'lit') {
        let j = i;
        while (j < n && isLitChar(chunk.charCodeAt(j))) j++;
        this.lit += chunk.slice(i, j);
        if (j >= n) {
          i = n;
          break;
        }
        i = j;
        this.mode = 'ws';
        if (!LITERAL.test(this.lit)) this.fail(`invalid value "${this.lit.slice(0, 40)}"`, i);
        if (this.endScalar(chunk, i, capFrom)) capFrom = i;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 10) {
        this.line++;
        this.lineStart = this.consumed + i + 1;
        i++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      if (this.topDone) this.fail('unexpected text after the end of the JSON document', i);
      const top = this.stack[this.stack.length - 1];
      if (c === 0x22 /* " */) {
        if (top?.obj && (top.exp === 'key' || top.exp === 'key0')) {
          this.strIsKey = true;
          this.keyParts = top.role === 'root' || top.role === 'log' ? [] : undefined;
          top.exp = 'colon';
        } else {
          if (this.beginValue(i)) capFrom = i;
          this.strIsKey = false;
          this.keyParts = undefined;
        }
        this.mode = 'str';
        i++;
        continue;
      }
      if (c === 0x3a /* : */) {
        if (!top?.obj || top.exp !== 'colon') this.fail('unexpected ":"', i);
        top.exp = 'value';
        i++;
        continue;
      }
      if (c === 0x2c /* , */) {
        if (!top || top.exp !== 'comma') this.fail('unexpected ","', i);
        top.exp = top.obj ? 'key' : 'value';
        i++;
        continue;
      }
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        const obj = c === 0x7b;
        if (this.beginValue(i)) capFrom = i;
        const role: Role = !top
          ? 'root'
          : top.role === 'root' && top.key === 'log' && obj
            ? 'log'
            : top.role === 'log' && top.key === 'entries' && !obj
              ? 'entries'
              : 'other';
        if (!top && !obj) this.fail('not a HAR file: the top level is an array, not an object', i);
        if (role === 'log') this.sawLog = true;
        if (role === 'entries') this.sawEntries = true;
        this.stack.push({ obj, role, exp: obj ? 'key0' : 'value0', key: undefined });
        i++;
        continue;
      }
      if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        const obj = c === 0x7d;
        if (!top || top.obj !== obj) this.fail(`unexpected "${obj ? '}' : ']'}"`, i);
        if (!(top.exp === 'comma' || (obj ? top.exp === 'key0' : top.exp === 'value0')))
          this.fail(`unexpected "${obj ? '}' : ']'}"`, i);
        this.stack.pop();
        i++;
        if (this.endValue(chunk, i, capFrom)) capFrom = i;
        continue;
      }
      if (isLitChar(c)) {
        if (!top) this.fail('not a HAR file: the top level is not an object', i);
        if (this.beginValue(i)) capFrom = i;
        this.mode = 'lit';
        this.lit = '';
        continue;
      }
      this.fail(`unexpected character ${JSON.stringify(chunk[i])}`, i);
    }
    if (this.capturing) this.parts.push(chunk.slice(capFrom));
    this.consumed += n;
    return this.events;
  }

  /** Call at end of input: throws when the document is incomplete or has no log.entries. */
  finish(): HarScanEvent[] {
    this.events = [];
    if (this.mode === 'lit' && this.stack.length === 0) this.topDone = true;
    if (!this.topDone) {
      if (this.consumed === 0 || (this.stack.length === 0 && !this.sawLog))
        this.fail('empty file: no JSON document', 0);
      this.fail(
        this.mode === 'str'
          ? 'file ends inside a string (truncated?)'
          : 'file ends before the JSON document is complete (truncated?)',
        0,
      );
    }
    if (!this.sawLog) throw new HarScanError('not a HAR file: no "log" object', this.line, 1);
    if (!this.sawEntries) throw new HarScanError('not a HAR file: "log" has no "entries" array', this.line, 1);
    return this.events;
  }

  /** Entries handed out so far. */
  get entryCount(): number {
    return this.entryIndex;
  }

  private fail(reason: string, i: number): never {
    const col = this.consumed + i - this.lineStart + 1;
    const inEntries = this.stack.some((f) => f.role === 'entries');
    throw new HarScanError(reason, this.line, Math.max(1, col), inEntries ? this.entryIndex : undefined);
  }

  private endKey(): void {
    const top = this.stack[this.stack.length - 1]!;
    if (this.keyParts) {
      try {
        top.key = JSON.parse('"' + this.keyParts.join('') + '"') as string;
      } catch {
        top.key = this.keyParts.join('');
      }
    } else top.key = undefined;
    this.keyParts = undefined;
    this.strIsKey = false;
  }

  /** A value starts at chunk index i; returns true if a capture starts here. */
  private beginValue(i: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) return false;
    if (!(top.exp === 'value' || top.exp === 'value0')) this.fail('a value where a key or separator was expected', i);
    top.exp = 'comma';
    if (this.capturing) return false;
    if (top.role === 'log' && top.key !== 'entries') {
      this.capturing = { kind: 'member', key: top.key ?? '', depth: this.stack.length, line: this.line };
      this.parts = [];
      return true;
    }
    if (top.role === 'log' && top.key === 'entries') {
      // entries value: only an array is acceptable; anything else is reported at its start.
      return false;
    }
    if (top.role === 'entries') {
      this.capturing = { kind: 'entry', key: '', depth: this.stack.length, line: this.line };
      this.parts = [];
      return true;
    }
    return false;
  }

  /** A scalar ended at chunk index i (exclusive). */
  private endScalar(chunk: string, i: number, capFrom: number): boolean {
    if (this.stack.length === 0) {
      this.fail('not a HAR file: the top level is not an object', i);
    }
    const top = this.stack[this.stack.length - 1]!;
    if (top.role === 'log' && top.key === 'entries') this.fail('"entries" is not an array', i);
    return this.endValue(chunk, i, capFrom);
  }

  /** A value (scalar or container) ended at chunk index i; emits a capture that ends here. */
  private endValue(chunk: string, i: number, capFrom: number): boolean {
    if (this.stack.length === 0) {
      this.topDone = true;
      return false;
    }
    const cap = this.capturing;
    if (!cap || this.stack.length !== cap.depth) return false;
    this.parts.push(chunk.slice(capFrom, i));
    const json = this.parts.join('');
    this.parts = [];
    this.capturing = undefined;
    if (cap.kind === 'entry') this.events.push({ kind: 'entry', index: this.entryIndex++, json, line: cap.line });
    else this.events.push({ kind: 'member', key: cap.key, json, line: cap.line });
    return true;
  }
}

function isLitChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2b ||
    c === 0x2e ||
    (c >= 0x41 && c <= 0x5a)
  );
}
