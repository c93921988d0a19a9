/**
 * Notification ROPs: [MS-OXCROPS] 2.2.14, semantics [MS-OXCNOTIF] 2.2.1.
 *
 * RopRegisterNotification is defined here; the RopNotify and RopPending
 * framings live with the other response-only ROPs in special.ts, and the
 * NotificationData structure in notification-data.ts.
 */
import { bool8, field, u8 } from '../../codec/index.js';

import { flags8, folderIdCodec, messageIdCodec } from './common.js';

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

/**
 * [MS-OXCROPS] 2.2.14.1.1: NotificationTypes(1) · Reserved(1) · WantWholeStore(1)
 * · [FolderId · MessageId when WantWholeStore is 0]. ROPS.md reads a 2-byte
 * NotificationTypes with Reserved only for Extended; the bytes are the same
 * for every registrable type, and Microsoft's protocol test suite sends the
 * layout used here.
 */
export const ropRegisterNotification = defineRop({
  id: 0x29,
  name: 'RopRegisterNotification',
  specRef: 'MS-OXCROPS 2.2.14.1',
  handles: 'in-out',
  doc: 'Subscribes to notifications on a store, folder or message; the created object is the subscription.',
  request: [
    field('NotificationTypes', flags8(RegisterTypeBits), { doc: 'Events to subscribe to ([MS-OXCNOTIF] 2.2.1.2.1).' }),
    field('Reserved', u8, { doc: 'Reserved, 0x00.' }),
    field('WantWholeStore', bool8, { doc: 'Whether the subscription covers the whole store.' }),
    field('FolderId', folderIdCodec, { when: (s) => s.num('WantWholeStore') === 0, doc: 'The folder to watch.' }),
    field('MessageId', messageIdCodec, {
      when: (s) => s.num('WantWholeStore') === 0,
      doc: 'The message to watch; 0 watches the folder.',
    }),
  ],
  response: [],
});

export const notificationRops: readonly RopDefinition[] = [ropRegisterNotification];
