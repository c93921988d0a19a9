/**
 * Which FastTransfer stream a buffer belongs to ([MS-OXCFXICS] 2.2.4.3), told
 * by the ROP that opened the transfer: RopFastTransferSourceCopyFolder gives
 * topFolder, CopyMessages messageList, CopyTo and CopyProperties the content of
 * the object they were called on (folderContent, messageContent or
 * attachmentContent), RopSynchronizationConfigure contentsSync or
 * hierarchySync by its SynchronizationType, RopSynchronizationGetTransferState
 * state, and RopFastTransferDestinationConfigure the one its SourceOperation
 * names ([MS-OXCFXICS] 2.2.3.1.1 and 2.2.3.1.2) — each definition's
 * `opensStream` says which. The opening ROP is looked for
 * earlier in the same Execute, then in the session model; the buffer's content
 * is the fallback (fasttransfer-grammar.ts).
 */
import type { DecodeEnv, Scope, StructValue } from '../../codec/index.js';
import { type RopContextProvider, sessionOf, siteOf } from './context.js';
import type { TransferStream } from './define.js';
import { knownRop } from './known-rops.js';

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

const CONTENT_OF: Readonly<Record<string, string>> = {
  folder: 'folderContent',
  message: 'messageContent',
  attachment: 'attachmentContent',
};
const ANY_CONTENT = 'folderContent, messageContent or attachmentContent';
const INVALID_HANDLE = 0xffffffff;

/**
 * The stream of a transfer of an object's own content (RopFastTransferSourceCopyTo,
 * CopyProperties, and the destination of either): folderContent, messageContent or
 * attachmentContent by the kind of object it was called on.
 */
export function contentStream(objectKind: string | undefined): TransferStream {
  return {
    kind: (objectKind && CONTENT_OF[objectKind]) ?? ANY_CONTENT,
    ...(objectKind ? { by: ` on a ${objectKind}` } : {}),
  };
}

/** The stream kind a request that opens a transfer gives, with `objectKind` the kind of its input object. */
export function kindOfOpener(q: StructValue, objectKind: string | undefined): string | undefined {
  return streamOf(q, objectKind)?.kind;
}

function streamOf(q: StructValue, objectKind: string | undefined): TransferStream | undefined {
  return knownRop(q.RopId as number)?.opensStream?.(q, objectKind);
}

/** True for the ROPs whose output handle is a FastTransfer context whose stream its definition names. */
export function opensTransfer(ropId: number): boolean {
  return knownRop(ropId)?.opensStream !== undefined;
}

/** "RopFastTransferSourceCopyTo on a message" */
export function openerText(q: StructValue, objectKind: string | undefined): string {
  const d = knownRop(q.RopId as number);
  if (!d?.opensStream) return 'the opening ROP';
  return `${d.name}${streamOf(q, objectKind)?.by ?? ''}`;
}

function fxSession(env: DecodeEnv): (RopContextProvider & FxKindSource) | undefined {
  return sessionOf(env);
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
    if (q?.OutputHandleIndex === index) return knownRop(q.RopId as number)?.creates;
  }
  const h = handles[index];
  return h !== undefined && h !== INVALID_HANDLE ? session?.handleInfo?.(h)?.kind : undefined;
}
