/**
 * Notification ROPs: [MS-OXCROPS] 2.2.14, semantics [MS-OXCNOTIF] 2.2.1.
 *
 * RopRegisterNotification is defined here; the RopNotify and RopPending
 * framings live with the other response-only ROPs in special.ts, and the
 * NotificationData structure in notification-data.ts.
 */
import { bool8, field, u8 } from '../../codec/index.js';

import { flags16, flags8, folderIdCodec, messageIdCodec } from './common.js';

import { type RopDefinition, defineRop } from './define.js';

/** Event bits of RopRegisterNotification's 1-byte NotificationTypes (tables notify without registering). */
const RegisterTypeBits = {
  NewMail: 0x02,
  ObjectCreated: 0x04,
  ObjectDeleted: 0x08,
  ObjectModified: 0x10,
  ObjectMoved: 0x20,
  ObjectCopied: 0x40,
  SearchCompleted: 0x80,
};

const wholeStoreFields = [
  field('WantWholeStore', bool8, { doc: 'Whether the subscription covers the whole store.' }),
  field('FolderId', folderIdCodec, { when: (s) => s.num('WantWholeStore') === 0, doc: 'The folder to watch.' }),
  field('MessageId', messageIdCodec, {
    when: (s) => s.num('WantWholeStore') === 0,
    doc: 'The message to watch; 0 watches the folder.',
  }),
];

/**
 * [MS-OXCROPS] 2.2.14.1.1: NotificationTypes(1) · Reserved(1) · WantWholeStore(1)
 * · [FolderId · MessageId when WantWholeStore is 0], as gromox and Microsoft's
 * protocol test suite send it. Some decoders read [MS-OXCNOTIF] 2.2.1.2.1 as a
 * 2-byte NotificationTypes whose Extended bit (0x0400) adds a Reserved byte:
 * the same bytes unless that bit is set, so that reading is the alternative
 * taken only when the specified one leaves an inconsistent buffer.
 */
export const ropRegisterNotification = defineRop({
  id: 0x29,
  name: 'RopRegisterNotification',
  specRef: 'MS-OXCROPS 2.2.14.1',
  creates: 'subscription',
  handles: 'in-out',
  doc: 'Subscribes to notifications on a store, folder or message; the created object is the subscription.',
  request: [
    field('NotificationTypes', flags8(RegisterTypeBits), { doc: 'Events to subscribe to ([MS-OXCNOTIF] 2.2.1.2.1).' }),
    field('Reserved', u8, { doc: 'Reserved, 0x00.' }),
    ...wholeStoreFields,
  ],
  requestReadings: [
    {
      label: '2-byte NotificationTypes with Extended (0x0400) and a Reserved byte',
      fields: [
        field('NotificationTypes', flags16({ ...RegisterTypeBits, Extended: 0x0400 }), {
          doc: 'Events to subscribe to, 2 bytes.',
        }),
        field('Reserved', u8, { when: (s) => (s.num('NotificationTypes') & 0x0400) !== 0, doc: 'Reserved, 0x00.' }),
        ...wholeStoreFields,
      ],
    },
  ],
  response: [],
});

export const notificationRops: readonly RopDefinition[] = [ropRegisterNotification];
