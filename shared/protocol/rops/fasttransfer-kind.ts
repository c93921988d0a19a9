/**
 * Which FastTransfer stream a buffer belongs to ([MS-OXCFXICS] 2.2.4.3), told
 * by the ROP that opened the transfer: RopFastTransferSourceCopyFolder gives
 * topFolder, CopyMessages messageList, CopyTo and CopyProperties the content of
 * the object they were called on (folderContent, messageContent or
 * attachmentContent), RopSynchronizationConfigure contentsSync or
 * hierarchySync by its SynchronizationType, RopSynchronizationGetTransferState
 * state, and RopFastTransferDestinationConfigure the one its SourceOperation
 * names ([MS-OXCFXICS] 2.2.3.1.1 and 2.2.3.1.2). The opening ROP is looked for
 * earlier in the same Execute, then in the session model; the buffer's content
 * is the fallback (fasttransfer-grammar.ts).
 */
import type { DecodeEnv, Scope, StructValue } from '../../codec/index.js';
import { type RopContextProvider, sessionOf, siteOf } from './context.js';

/** A stream kind and where it was learned ("RopFastTransferSourceCopyTo on a message, request #2"). */
export interface FxStreamKind {
  readonly kind: string;
  readonly source: string;
}

/** What the session model tells about a FastTransfer context and the objects transfers start from. */
export interface FxKindSource {
  /** The kind of stream of the FastTransfer context with this server handle, when its opening ROP was seen. */
  fastTransferKind?(serverHandle: number): FxStreamKind | undefined;
  /** What the object with this server handle is (folder, message, attachment, …). */
  handleInfo?(serverHandle: number): { kind: string } | undefined;
}

const OPENER_NAME: Readonly<Record<number, string>> = {
  0x4b: 'RopFastTransferSourceCopyMessages',
  0x4c: 'RopFastTransferSourceCopyFolder',
  0x4d: 'RopFastTransferSourceCopyTo',
  0x69: 'RopFastTransferSourceCopyProperties',
  0x70: 'RopSynchronizationConfigure',
  0x82: 'RopSynchronizationGetTransferState',
  0x53: 'RopFastTransferDestinationConfigure',
};

const CONTENT_OF: Readonly<Record<string, string>> = {
  folder: 'folderContent',
  message: 'messageContent',
  attachment: 'attachmentContent',
};
/** Object kinds by the RopId that creates them (as the session model names them). */
const CREATED_KIND: Readonly<Record<number, string>> = {
  0x02: 'folder',
  0x1c: 'folder',
  0x03: 'message',
  0x06: 'message',
  0x46: 'message',
  0x22: 'attachment',
  0x23: 'attachment',
};
const ANY_CONTENT = 'folderContent, messageContent or attachmentContent';
const INVALID_HANDLE = 0xffffffff;

/** The stream kind a request that opens a transfer gives, with `objectKind` the kind of its input object. */
export function kindOfOpener(q: StructValue, objectKind: string | undefined): string | undefined {
  switch (q.RopId) {
    case 0x4b:
      return 'messageList';
    case 0x4c:
      return 'topFolder';
    case 0x4d:
    case 0x69:
      return (objectKind && CONTENT_OF[objectKind]) ?? ANY_CONTENT;
    case 0x70:
      return q.SynchronizationType === 0x01
        ? 'contentsSync'
        : q.SynchronizationType === 0x02
          ? 'hierarchySync'
          : undefined;
    case 0x82:
      return 'state';
    case 0x53:
      switch (q.SourceOperation) {
        case 0x01:
        case 0x02:
          return (objectKind && CONTENT_OF[objectKind]) ?? ANY_CONTENT;
        case 0x03:
          return 'messageList';
        case 0x04:
          return 'topFolder';
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}

/** True for the ROPs whose output handle is a FastTransfer context. */
export function opensTransfer(ropId: number): boolean {
  return OPENER_NAME[ropId] !== undefined;
}

/** "RopFastTransferSourceCopyTo on a message" */
export function openerText(q: StructValue, objectKind: string | undefined): string {
  const name = OPENER_NAME[q.RopId as number] ?? 'the opening ROP';
  const on = q.RopId === 0x4d || q.RopId === 0x69 || q.RopId === 0x53 ? objectKind : undefined;
  const sync = q.RopId === 0x70 ? ` (SynchronizationType ${String(q.SynchronizationType)})` : '';
  return `${name}${sync}${on ? ` on a ${on}` : ''}`;
}

function fxSession(env: DecodeEnv): (RopContextProvider & FxKindSource) | undefined {
  return sessionOf(env) as (RopContextProvider & FxKindSource) | undefined;
}

/**
 * The kind of the stream the ROP being decoded (GetBuffer, PutBuffer) carries,
 * from the ROP that created its FastTransfer context; undefined when that ROP
 * is not known (the content then decides).
 */
export function fxStreamKindOf(scope: Scope, env: DecodeEnv): FxStreamKind | undefined {
  const site = siteOf(scope);
  const session = fxSession(env);
  const index = scope.get('InputHandleIndex');
  if (!site || typeof index !== 'number') return undefined;
  // Earlier in the same Execute.
  for (let i = site.requestIndex - 1; i >= 0; i--) {
    const q = site.requests[i];
    if (!q || q.OutputHandleIndex !== index) continue;
    if (!opensTransfer(q.RopId as number)) return undefined; // another object took this index
    const objectKind = objectKindAt(site.requests, i, q.InputHandleIndex as number, site.requestHandles, session);
    const kind = kindOfOpener(q, objectKind);
    return kind ? { kind, source: `${openerText(q, objectKind)}, request #${i + 1} of this Execute` } : undefined;
  }
  const h = site.requestHandles[index];
  return h !== undefined && h !== INVALID_HANDLE ? session?.fastTransferKind?.(h) : undefined;
}

/** What the object at handle index `index` is, as of request `before` (same Execute, then the session). */
function objectKindAt(
  reqs: readonly StructValue[],
  before: number,
  index: number,
  handles: readonly number[],
  session: FxKindSource | undefined,
): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const q = reqs[i];
    if (q?.OutputHandleIndex === index) return CREATED_KIND[q.RopId as number];
  }
  const h = handles[index];
  return h !== undefined && h !== INVALID_HANDLE ? session?.handleInfo?.(h)?.kind : undefined;
}
