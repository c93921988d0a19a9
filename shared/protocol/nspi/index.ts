/**
 * NSPI (address book) request and response body codecs by canonical request
 * type ("Bind", "QueryRows", …). Placeholder created by the transport layer so
 * the dispatcher compiles; the NSPI engineer owns and fills this file.
 */
import type { Codec, StructValue } from '../../codec/index.js';

export const nspiRequestCodecs: Record<string, Codec<StructValue>> = {};
export const nspiResponseCodecs: Record<string, Codec<StructValue>> = {};
