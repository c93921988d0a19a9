/**
 * RopRelease and the response-only ROPs: [MS-OXCROPS] 2.2.15 (RopBufferTooSmall,
 * RopBackoff, RopRelease) and 2.2.14.2–3 (RopNotify framing, RopPending).
 */
import { array, bytes, field, rest, struct, u8, u16, u32, u32hex } from '../../codec/index.js';
import { type RopDefinition, defineRop } from './define.js';
import { ropIdCodec } from './header.js';
import { notificationData } from './common.js';

const ropId = (id: number) => field('RopId', ropIdCodec, { derive: () => id });

/** Releases the object at InputHandleIndex; the server never answers it ([MS-OXCROPS] 3.2.5.3). */
export const ropRelease = defineRop({
  id: 0x01,
  name: 'RopRelease',
  specRef: 'MS-OXCROPS 2.2.15.3',
  contextEffect: 'releasesHandle',
  request: [],
  response: null,
});

/** A notification for a subscription; it answers no request and sits after the real responses. */
export const ropNotify = defineRop({
  id: 0x2a,
  name: 'RopNotify',
  specRef: 'MS-OXCROPS 2.2.14.2',
  request: null,
  rawResponse: true,
  response: [
    ropId(0x2a),
    field('NotificationHandle', u32hex, {
      doc: 'Server handle of the subscription object (not an index into the handle table).',
    }),
    field('LogonId', u8, { doc: 'Logon the notification belongs to.' }),
    field('NotificationData', notificationData, { doc: 'The notification ([MS-OXCNOTIF] 2.2.1.4.1.2).' }),
  ],
});

/** More notifications are queued for a session than fitted into this response. */
export const ropPending = defineRop({
  id: 0x6e,
  name: 'RopPending',
  specRef: 'MS-OXCROPS 2.2.14.3',
  request: null,
  rawResponse: true,
  response: [ropId(0x6e), field('SessionIndex', u16, { doc: 'Session whose notifications are pending.' })],
});

const backoffRop = struct('BackoffRop', [
  field('RopIdBackoff', ropIdCodec, { doc: 'The ROP to delay.' }),
  field('Duration', u32, { doc: 'Milliseconds to wait before sending that ROP again.' }),
]);

/** The server asks the client to slow down; the backed-off ROP and all later ones were not run. */
export const ropBackoff = defineRop({
  id: 0xf9,
  name: 'RopBackoff',
  specRef: 'MS-OXCROPS 2.2.15.2',
  request: null,
  rawResponse: true,
  response: [
    ropId(0xf9),
    field('LogonId', u8, { doc: 'Logon being backed off.' }),
    field('Duration', u32, { doc: 'Milliseconds to back off the whole logon.' }),
    field('BackoffRopCount', u8, { derive: (v) => (v.BackoffRopData as unknown[]).length }),
    field('BackoffRopData', array(backoffRop, 'BackoffRopCount')),
    field('AdditionalDataSize', u16, { derive: (v) => (v.AdditionalData as Uint8Array).length }),
    field('AdditionalData', bytes('AdditionalDataSize')),
  ],
});

/**
 * The output buffer was too small: the rest of the ROP list is the unexecuted
 * tail of the request, byte for byte ([MS-OXCROPS] 3.1.5.1.2).
 */
export const ropBufferTooSmall = defineRop({
  id: 0xff,
  name: 'RopBufferTooSmall',
  specRef: 'MS-OXCROPS 2.2.15.1',
  request: null,
  rawResponse: true,
  response: [
    ropId(0xff),
    field('SizeNeeded', u16, { doc: 'Output buffer size the client needs to send these ROPs again.' }),
    field('RequestBuffers', rest, { doc: 'The request ROPs the server did not run.' }),
  ],
});

export const specialRops: readonly RopDefinition[] = [ropRelease, ropNotify, ropPending, ropBackoff, ropBufferTooSmall];
