/**
 * Recognising the EntryIDs of [MS-OXCDATA] 2.2.4 / 2.2.5 inside binary
 * property values (PidTagEntryId, PidTagParentEntryId, PidTagRecipientEntryId,
 * …), so a tree shows their fields. Only exact matches count: the right
 * ProviderUID (address book, one-off) or the exact size and type code of a
 * folder (46 bytes) or message (70 bytes) EntryID, and a clean decode of every
 * byte. Anything else stays plain bytes.
 */
import {
  type Codec,
  type DecodedNode,
  type StructValue,
  collectErrors,
  decode,
  guidToString,
} from '../../codec/index.js';
import {
  PROVIDER_UID_ADDRESS_BOOK,
  PROVIDER_UID_ONE_OFF,
  abEntryId,
  folderEntryId,
  messageEntryId,
  oneOffEntryId,
} from './ids.js';

const FOLDER_TYPES = new Set([0x0001, 0x0003, 0x0005, 0x000c]);
const MESSAGE_TYPES = new Set([0x0007, 0x0009, 0x000b]);

/** The EntryID codec these bytes are, if they are one. */
export function entryIdCodecFor(b: Uint8Array): Codec<StructValue> | undefined {
  if (b.length < 21) return undefined;
  const type = b[20]! | (b[21]! << 8);
  if (b.length === 46 && FOLDER_TYPES.has(type)) return folderEntryId;
  if (b.length === 70 && MESSAGE_TYPES.has(type)) return messageEntryId;
  const provider = guidToString(b, 4);
  if (provider === PROVIDER_UID_ADDRESS_BOOK && b.length >= 29) return abEntryId;
  if (provider === PROVIDER_UID_ONE_OFF && b.length >= 27) return oneOffEntryId;
  return undefined;
}

function shift(n: DecodedNode, by: number): void {
  n.offset += by;
  for (const c of n.children ?? []) shift(c, by);
}

/** Give a `Data` node holding an EntryID its decoded fields as children (same bytes, value unchanged). */
export function annotateEntryIdData(data: DecodedNode, bytes: Uint8Array): void {
  const codec = entryIdCodecFor(bytes);
  if (!codec || data.children) return;
  const d = decode(codec, bytes);
  if (collectErrors(d.tree).length > 0 || d.tree.length !== bytes.length) return;
  delete d.tree.buffer;
  shift(d.tree, data.offset);
  data.children = [d.tree];
  data.display = `${codec.kind}: ${d.tree.display ?? ''}`.trim();
}
