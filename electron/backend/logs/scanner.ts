/**
 * One pass over a log file's bytes: the header directives (`#Fields:` or the
 * plain first line name the columns, and may change mid-file), data rows
 * handed to a staging group per (kind, field list) with their line number, and
 * everything that is not a row reported: files that are not logs, rows before
 * any header, a row torn at the end of the file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { applyDirective, looksLikeHeaderRow, type LogHeader } from '../../../shared/logs/csv.js';
import { detectLogKind, type LogKind } from '../../../shared/logs/kinds.js';

export type IssueKind =
  | 'not-a-log'
  | 'unknown-kind'
  | 'row-before-header'
  | 'torn-row'
  | 'malformed-row'
  | 'fields-changed'
  | 'untyped-value'
  | 'read-error';

export interface ImportIssue {
  file: string;
  /** 1-based physical line, 0 for the whole file. */
  line: number;
  kind: IssueKind;
  message: string;
  /** The line's text when a row was not imported (nothing is lost). */
  raw?: string;
}

/** Receives the data rows of one (kind, fields) group. */
export interface RowSink {
  /** `bytes[start, end)` is the row without its line end. */
  row(
    kind: LogKind,
    fields: readonly string[],
    fileId: number,
    line: number,
    bytes: Buffer,
    start: number,
    end: number,
  ): void;
}

export interface ScannedFile {
  kind?: LogKind;
  header: LogHeader;
  /** Field lists seen, in order (more than one when `#Fields` changed). */
  fieldSets: string[][];
  /** `#Version` values seen, in order (more than one when the server was upgraded mid-file). */
  versions: string[];
  lines: number;
  rows: number;
  status: 'imported' | 'skipped';
  reason?: string;
}

const BLOCK = 4 << 20;
const HASH = 0x23;
const LF = 0x0a;
const CR = 0x0d;

/** Whether the first bytes look like an Exchange protocol log (text, header first). */
function sniff(head: Buffer): string | undefined {
  if (head.length === 0) return 'empty file';
  let s = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) s = 3;
  if (head.subarray(0, Math.min(head.length, 8192)).includes(0)) return 'binary content (NUL bytes)';
  const nl = head.indexOf(LF, s);
  const first = head.toString('utf8', s, nl < 0 ? head.length : nl).replace(/\r$/, '');
  if (head[s] === HASH)
    return /^#(Software|Version|Log-type|Date|Fields):/i.test(first)
      ? undefined
      : 'starts with a # line that is not a log directive';
  return looksLikeHeaderRow(first) ? undefined : 'no #Fields header and no column-name first line';
}

export function scanFile(
  path: string,
  display: string,
  fileId: number,
  sink: RowSink,
  issues: ImportIssue[],
): ScannedFile {
  const result: ScannedFile = { header: {}, fieldSets: [], versions: [], lines: 0, rows: 0, status: 'imported' };
  const base = basename(display);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    issues.push({ file: display, line: 0, kind: 'read-error', message: (e as Error).message });
    return { ...result, status: 'skipped', reason: (e as Error).message };
  }
  try {
    let buf = Buffer.allocUnsafe(BLOCK);
    let have = readSync(fd, buf, 0, BLOCK, null);
    const notLog = sniff(buf.subarray(0, have));
    if (notLog) {
      issues.push({ file: display, line: 0, kind: 'not-a-log', message: notLog });
      return { ...result, status: 'skipped', reason: notLog };
    }
    let fields: string[] | undefined;
    let kind: LogKind | undefined;
    let unknownReported = false;
    let line = 0;
    let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    let fieldsVersion: string | undefined;
    const setFields = (f: string[]) => {
      const prev = fields;
      const version = result.header.version;
      if (version && !result.versions.includes(version)) result.versions.push(version);
      if (prev && prev.length === f.length && prev.every((x, i) => x === f[i])) {
        fieldsVersion ??= version;
        return;
      }
      if (prev)
        issues.push({
          file: display,
          line,
          kind: 'fields-changed',
          message:
            `columns change here from ${prev.length} to ${f.length}` +
            (version !== fieldsVersion ? ` (version ${fieldsVersion ?? '?'} → ${version ?? '?'})` : ''),
        });
      fieldsVersion = version;
      fields = f;
      result.fieldSets.push(f);
      kind = detectLogKind(result.header.logType, base, f);
      if (kind) result.kind ??= kind;
      if (!kind && !unknownReported) {
        unknownReported = true;
        issues.push({
          file: display,
          line,
          kind: 'unknown-kind',
          message: `not one of the MAPI over HTTP logs (Log-type "${result.header.logType ?? '?'}")`,
        });
      }
    };
    let eof = false;
    while (true) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= have) {
        if (!eof) {
          // Keep the partial line, read more.
          const rest = have - pos;
          if (rest > buf.length / 2) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, pos, have);
            buf = bigger;
          } else buf.copy(buf, 0, pos, have);
          have = rest;
          pos = 0;
          const n = readSync(fd, buf, have, buf.length - have, null);
          if (n === 0) eof = true;
          have += n;
          continue;
        }
        if (pos < have) {
          line++;
          const text = buf.toString('utf8', pos, have);
          if (text.replace(/\r$/, '') !== '')
            issues.push({
              file: display,
              line,
              kind: 'torn-row',
              message: 'last line has no line end (written while the file was cut); kept here, not imported',
              raw: text,
            });
        }
        break;
      }
      line++;
      const end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
      if (end === pos) {
        pos = nl + 1;
        continue;
      }
      if (buf[pos] === HASH) {
        const text = buf.toString('utf8', pos, end);
        if (applyDirective(result.header, text)) setFields(result.header.fields!);
      } else if (line === 1 && looksLikeHeaderRow(buf.toString('utf8', pos, end))) {
        result.header.fields = buf.toString('utf8', pos, end).split(',');
        setFields(result.header.fields);
      } else if (!fields) {
        issues.push({
          file: display,
          line,
          kind: 'row-before-header',
          message: 'row before any #Fields line: its columns are unknown; kept here, not imported',
          raw: buf.toString('utf8', pos, end),
        });
      } else if (kind) {
        sink.row(kind, fields, fileId, line, buf, pos, end);
        result.rows++;
      }
      pos = nl + 1;
    }
    result.lines = line;
    if (!result.kind) {
      result.status = 'skipped';
      result.reason = result.fieldSets.length ? 'unknown log kind' : 'no header';
    }
    return result;
  } catch (e) {
    issues.push({ file: display, line: 0, kind: 'read-error', message: (e as Error).message });
    return { ...result, status: 'skipped', reason: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}
