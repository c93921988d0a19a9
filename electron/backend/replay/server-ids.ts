/**
 * Server-assigned ids in a replay, and the ROPs that change a mailbox.
 *
 * Folder and message ids minted during the captured session
 * (RopCreateFolder FolderId, RopCreateMessage MessageId, RopSaveChangesMessage
 * MessageId; [MS-OXCROPS] 2.2.4.2, 2.2.6.2, 2.2.6.3) and rule ids read back from
 * a rules table (PidTagRuleId, [MS-OXORULE] 2.2.1.3.1.1) differ on the live
 * server. Like handles, they are learned by comparing the captured and the
 * live answer of the same request, and every later request carries the live
 * id in place of the captured one (each id is an 8-byte little-endian value in
 * the ROP request bytes, [MS-OXCDATA] 2.2.1.1/2.2.1.2).
 *
 * Ids in property rows (a rules or contents table read with RopQueryRows) are
 * learned only from rows that agree on every other column, captured and live
 * paired one to one: a row that could be another object's never maps an id.
 */
import type { StructValue } from '../../../shared/codec/index.js';
import { decodeBody } from '../../../shared/protocol/decode-exchange.js';
import { ROW_COLUMNS } from '../../../shared/protocol/oxcdata/values.js';
import { ropsById } from '../../../shared/protocol/rops/registry.js';
import { ropFastTransferDestinationPutBuffer } from '../../../shared/protocol/rops/fasttransfer.js';
import {
  ropCopyFolder,
  ropCreateFolder,
  ropDeleteFolder,
  ropDeleteMessages,
  ropEmptyFolder,
  ropHardDeleteMessages,
  ropHardDeleteMessagesAndSubfolders,
  ropMoveCopyMessages,
  ropMoveFolder,
  ropSetSearchCriteria,
} from '../../../shared/protocol/rops/folder.js';
import {
  ropSetLocalReplicaMidsetDeleted,
  ropSynchronizationImportDeletes,
  ropSynchronizationImportHierarchyChange,
  ropSynchronizationImportMessageChange,
  ropSynchronizationImportMessageMove,
  ropSynchronizationImportReadStateChanges,
} from '../../../shared/protocol/rops/ics.js';
import {
  ropCreateAttachment,
  ropCreateMessage,
  ropDeleteAttachment,
  ropSaveChangesAttachment,
  ropSaveChangesMessage,
  ropSetMessageReadFlag,
  ropSetReadFlags,
} from '../../../shared/protocol/rops/message.js';
import { ropModifyPermissions } from '../../../shared/protocol/rops/permission.js';
import {
  ropCopyProperties,
  ropCopyTo,
  ropDeleteProperties,
  ropDeletePropertiesNoReplicate,
  ropSetProperties,
  ropSetPropertiesNoReplicate,
} from '../../../shared/protocol/rops/property.js';
import { ropModifyRules } from '../../../shared/protocol/rops/rule.js';
import {
  ropCommitStream,
  ropSetStreamSize,
  ropWriteAndCommitStream,
  ropWriteStream,
} from '../../../shared/protocol/rops/stream.js';
import { ropSubmitMessage, ropTransportSend } from '../../../shared/protocol/rops/transport.js';

import type { DecodedAnswer } from './diff.js';

/** Value fields that carry a server-assigned 64-bit id. */
const ID_FIELDS = new Set(['FolderId', 'MessageId', 'RuleId', 'Mid', 'Fid']);
/** PidTagRuleId, PidTagMid, PidTagFolderId, PidTagParentFolderId as property tags in rows. */
const ID_TAGS = new Set([0x66740014, 0x674a0014, 0x67480014, 0x67490014]);

const key = (v: bigint) => v.toString(16);

/** The id as the 8 bytes on the wire read little-endian (what `rewrite` searches for). */
function asBig(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v); // PtypInteger64 decodes signed
  if (v && typeof v === 'object' && 'ReplicaId' in v && 'GlobalCounter' in v) {
    // [MS-OXCDATA] 2.2.1.1: ReplicaId (u16 LE), then the 6-byte GlobalCounter, most significant first.
    const o = v as { ReplicaId: number; GlobalCounter: number };
    const b = new Uint8Array(8);
    b[0] = o.ReplicaId & 0xff;
    b[1] = o.ReplicaId >>> 8;
    let c = o.GlobalCounter;
    for (let i = 7; i >= 2; i--) {
      b[i] = c % 256;
      c = Math.floor(c / 256);
    }
    return asBig(b);
  }
  if (v instanceof Uint8Array && v.length === 8) {
    let x = 0n;
    for (let i = 7; i >= 0; i--) x = (x << 8n) | BigInt(v[i]!);
    return x;
  }
  return undefined;
}

/** A decoded property row's columns ([MS-OXCDATA] 2.8.1), when `v` is one. */
function rowColumns(v: unknown): readonly number[] | undefined {
  return v && typeof v === 'object' ? ROW_COLUMNS.get(v)?.columns : undefined;
}

/** The plain value of a row cell (standard, typed or flagged); undefined for a cell without value. */
function cellValue(v: unknown): unknown {
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('Flag' in o && o.Flag !== 0) return undefined;
    if ('PropertyValue' in o) return o.PropertyValue;
  }
  return v;
}

/** The row's values of its non-id columns, as one comparable text. */
function rowKey(row: StructValue, columns: readonly number[]): string {
  const values = row.ValueArray as unknown[];
  return JSON.stringify(
    columns.map((t, i) => (ID_TAGS.has(t >>> 0) ? null : cellValue(values[i]))),
    (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x),
  );
}

/** Captured id → live id, learned from pairs of answers. */
export class ServerIdMap {
  private readonly map = new Map<string, bigint>();
  private readonly captured = new Map<string, bigint>();

  get size(): number {
    return this.map.size;
  }

  entries(): [bigint, bigint][] {
    return [...this.map].map(([k, v]) => [this.captured.get(k)!, v]);
  }

  /** Walks the captured and live decoded answers side by side; differing id fields become mappings. */
  learn(captured: DecodedAnswer, live: DecodedAnswer): number {
    let n = 0;
    const walk = (a: unknown, b: unknown, field: string, tag?: number) => {
      if (ID_FIELDS.has(field) && a && b && typeof a === 'object' && 'ReplicaId' in a) {
        const ca = asBig(a);
        const lb = asBig(b);
        if (ca !== undefined && lb !== undefined && ca !== lb) {
          if (this.map.get(key(ca)) !== lb) n++;
          this.map.set(key(ca), lb);
          this.captured.set(key(ca), ca);
        }
        return;
      }
      if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
        const ca = asBig(a);
        const lb = asBig(b);
        if (
          ca !== undefined &&
          lb !== undefined &&
          ca !== lb &&
          ca !== 0n &&
          (ID_FIELDS.has(field) || ID_TAGS.has(tag ?? -1))
        ) {
          if (this.map.get(key(ca)) !== lb) n++;
          this.map.set(key(ca), lb);
          this.captured.set(key(ca), ca);
        }
        return;
      }
      if (a instanceof Uint8Array || b instanceof Uint8Array) {
        const ca = asBig(a);
        const lb = asBig(b);
        if (ca !== undefined && lb !== undefined) walk(ca, lb, field, tag);
        return;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        if (a.some((x) => rowColumns(x)) || b.some((x) => rowColumns(x))) learnRows(a, b);
        else for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], field, tag);
        return;
      }
      if (rowColumns(a) || rowColumns(b)) {
        learnRows([a], [b]);
        return;
      }
      const ao = a as Record<string, unknown>;
      const bo = b as Record<string, unknown>;
      // A failed ROP on either side says nothing about ids.
      if (typeof ao.ReturnValue === 'number' && (ao.ReturnValue !== 0 || bo.ReturnValue !== 0)) return;
      const t = typeof ao.PropertyTag === 'number' ? ao.PropertyTag : typeof ao.Tag === 'number' ? ao.Tag : tag;
      for (const k of Object.keys(ao)) if (k in bo) walk(ao[k], bo[k], k, t);
    };
    /** Rows paired by their other columns (each key once on both sides); their id columns map. */
    const learnRows = (caps: unknown[], lives: unknown[]) => {
      const index = (rows: unknown[]) => {
        const m = new Map<string, StructValue[]>();
        for (const r of rows) {
          const cols = rowColumns(r);
          if (!cols || !cols.some((t) => ID_TAGS.has(t >>> 0))) continue;
          const k = `${cols.join(',')}|${rowKey(r as StructValue, cols)}`;
          m.set(k, [...(m.get(k) ?? []), r as StructValue]);
        }
        return m;
      };
      const liveRows = index(lives);
      for (const [k, cs] of index(caps)) {
        const ls = liveRows.get(k);
        if (cs.length !== 1 || ls?.length !== 1) continue;
        const cols = rowColumns(cs[0])!;
        const cv = cs[0]!.ValueArray as unknown[];
        const lv = ls[0]!.ValueArray as unknown[];
        cols.forEach((t, i) => {
          if (ID_TAGS.has(t >>> 0)) walk(cellValue(cv[i]), cellValue(lv[i]), '', t >>> 0);
        });
      }
    };
    walk(captured.value, live.value, '');
    return n;
  }

  /** `rops` with every captured id (8 bytes LE) replaced by its live id; the same array when none occurs. */
  rewrite(rops: Uint8Array): Uint8Array {
    if (this.map.size === 0 || rops.length < 8) return rops;
    let out: Uint8Array | undefined;
    const dv = new DataView(rops.buffer, rops.byteOffset, rops.byteLength);
    for (let i = 0; i + 8 <= rops.length; i++) {
      const live = this.map.get(key(dv.getBigUint64(i, true)));
      if (live === undefined) continue;
      out ??= Uint8Array.from(rops);
      new DataView(out.buffer).setBigUint64(i, live, true);
      i += 7;
    }
    return out ?? rops;
  }
}

/** ROPs that change a mailbox's content or settings ([MS-OXCROPS] 2.2.4–2.2.13), named by their definitions. */
export const CHANGING_ROPS: ReadonlySet<number> = new Set(
  [
    ropCreateMessage,
    ropSetProperties,
    ropDeleteProperties,
    ropSaveChangesMessage,
    ropSetMessageReadFlag,
    ropCreateFolder,
    ropDeleteFolder,
    ropDeleteMessages,
    ropCreateAttachment,
    ropDeleteAttachment,
    ropSaveChangesAttachment,
    ropWriteStream,
    ropSetStreamSize,
    ropSetSearchCriteria,
    ropSubmitMessage,
    ropMoveCopyMessages,
    ropMoveFolder,
    ropCopyFolder,
    ropCopyTo,
    ropModifyPermissions,
    ropModifyRules,
    ropTransportSend,
    ropFastTransferDestinationPutBuffer,
    ropEmptyFolder,
    ropCommitStream,
    ropSetReadFlags,
    ropCopyProperties,
    ropSynchronizationImportMessageChange,
    ropSynchronizationImportHierarchyChange,
    ropSynchronizationImportDeletes,
    ropSynchronizationImportMessageMove,
    ropSynchronizationImportReadStateChanges,
    ropSetPropertiesNoReplicate,
    ropDeletePropertiesNoReplicate,
    ropWriteAndCommitStream,
    ropHardDeleteMessages,
    ropHardDeleteMessagesAndSubfolders,
    ropSetLocalReplicaMidsetDeleted,
  ].map((d) => d.id),
);

/** Names of the mailbox-changing ROPs in one Execute request body. */
export function changingRops(executeRequestBody: Uint8Array): string[] {
  try {
    const d = decodeBody('Execute', 'request', executeRequestBody);
    const out: string[] = [];
    const visit = (v: unknown) => {
      if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
      if (Array.isArray(v)) return v.forEach(visit);
      const o = v as StructValue;
      if (Array.isArray(o.RopsList))
        for (const r of o.RopsList as StructValue[])
          if (typeof r.RopId === 'number' && CHANGING_ROPS.has(r.RopId))
            out.push(ropsById.get(r.RopId)?.name ?? `Rop 0x${r.RopId.toString(16)}`);
      for (const k of Object.keys(o)) visit(o[k]);
    };
    visit(d.value);
    return out;
  } catch {
    return [];
  }
}
