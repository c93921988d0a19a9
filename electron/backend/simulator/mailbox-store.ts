/**
 * The scripted mailbox's in-memory store: folders, messages and folder rules,
 * with the ids a server assigns ([MS-OXCDATA] 2.2.1.1 FID, 2.2.1.2 MID: replica
 * id 1 and a global counter; rule ids [MS-OXORULE] 2.2.1.3.1.1 PidTagRuleId).
 *
 * The special folders and the seeded messages keep the same ids in every run
 * (they are the mailbox's own, as a real mailbox's are between sessions); ids
 * assigned while the simulator runs (RopCreateFolder, RopCreateMessage, rules
 * added by RopModifyRules) come from a counter that starts at a random point per
 * store, so two runs of the same session get different ids, as from a real server.
 */
import { randomInt } from 'node:crypto';
import { idToU64 } from '../../../shared/protocol/oxcdata/ids.js';

export const PropTag = {
  DisplayName: 0x3001001f,
  Comment: 0x3004001f,
  FolderId: 0x67480014,
  ParentFolderId: 0x67490014,
  Mid: 0x674a0014,
  ContentCount: 0x36020003,
  ContentUnreadCount: 0x36030003,
  Subfolders: 0x360a000b,
  ContainerClass: 0x3613001f,
  FolderType: 0x36010003,
  Subject: 0x0037001f,
  MessageClass: 0x001a001f,
  MessageSize: 0x0e080003,
  SenderName: 0x0c1a001f,
  MessageFlags: 0x0e070003,
  LastModificationTime: 0x30080040,
  /** [MS-OXORULE] 2.2.1.3.1 rule properties. */
  RuleId: 0x66740014,
  RuleSequence: 0x66760003,
  RuleState: 0x66770003,
  RuleName: 0x6682001f,
} as const;

export const ErrorCodes = {
  NotFound: 0x8004010f,
  NullObject: 0x000004b9,
  NoSupport: 0x80040102,
  InvalidParameter: 0x80070057,
  /** ecDuplicateName ([MS-OXCDATA] 2.4.1): a folder of that name exists (RopCreateFolder without OpenExisting). */
  DuplicateName: 0x80040604,
  /** ecNotInitialized: RopQueryRows before RopSetColumns. */
  NotInitialized: 0x80040103,
} as const;

export type PropValue = number | bigint | string | boolean | Uint8Array | object;

export interface MailboxMessage {
  mid: bigint;
  props: Map<number, PropValue>;
}
export interface MailboxRule {
  id: bigint;
  props: Map<number, PropValue>;
}
export interface MailboxFolder {
  fid: bigint;
  parent: bigint | undefined;
  props: Map<number, PropValue>;
  messages: MailboxMessage[];
  rules: MailboxRule[];
}

/** An id as the 8 wire bytes read little-endian: replica id 1, then the counter big-endian ([MS-OXCDATA] 2.2.1.1). */
export function makeFid(counter: number): bigint {
  return idToU64({ ReplicaId: 1, GlobalCounter: counter });
}

export interface MailboxStoreOptions {
  displayName?: string;
  messagesInInbox?: number;
  /** First global counter of the ids assigned while running (default: random per store). */
  firstAssignedCounter?: number;
}

/** The store every context of the simulator shares. */
export class MailboxStore {
  readonly folders = new Map<bigint, MailboxFolder>();
  readonly displayName: string;
  readonly mailboxGuid = '0b2c4d6e-8f10-4213-a435-c6d7e8f90a1b';
  readonly replGuid = '07f1e2d3-c4b5-46a7-9889-aabbccddeeff';
  /** The 13 special folder ids of a private logon ([MS-OXCSTOR] 2.2.1.1.3). */
  readonly specialFolders: bigint[] = [];
  private counter = 1;
  private assigned: number;
  /** Every id assigned while running, in order (tests compare them with a capture's). */
  readonly assignedIds: bigint[] = [];

  constructor(opts: MailboxStoreOptions = {}) {
    this.displayName = opts.displayName ?? 'Simulated User';
    this.assigned = opts.firstAssignedCounter ?? 0x100000 + randomInt(0xe00000);
    const names = [
      'Root',
      'Deferred Action',
      'Spooler Queue',
      'Top of Information Store',
      'Inbox',
      'Outbox',
      'Sent Items',
      'Deleted Items',
      'Common Views',
      'Schedule',
      'Finder',
      'Views',
      'Shortcuts',
    ];
    const root = this.addFolder(undefined, names[0]!, makeFid(this.counter++));
    this.specialFolders.push(root);
    const ipm = this.addFolder(root, names[3]!, makeFid(this.counter++));
    for (let i = 1; i < names.length; i++) {
      if (i === 3) {
        this.specialFolders.push(ipm);
        continue;
      }
      const parent = i >= 4 && i <= 7 ? ipm : root;
      this.specialFolders.push(this.addFolder(parent, names[i]!, makeFid(this.counter++)));
    }
    const inbox = this.specialFolders[4]!;
    const n = opts.messagesInInbox ?? 3;
    for (let i = 1; i <= n; i++) this.addMessage(inbox, `Message ${i}`, `Sender ${i}`, makeFid(this.counter++));
  }

  /** A new id from the running counter. */
  assignId(): bigint {
    const id = makeFid(this.assigned++);
    this.assignedIds.push(id);
    return id;
  }

  addFolder(parent: bigint | undefined, name: string, fid: bigint = this.assignId()): bigint {
    const props = new Map<number, PropValue>([
      [PropTag.DisplayName, name],
      [PropTag.FolderId, fid],
      [PropTag.ContainerClass, 'IPF.Note'],
    ]);
    if (parent !== undefined) props.set(PropTag.ParentFolderId, parent);
    this.folders.set(fid, { fid, parent, props, messages: [], rules: [] });
    return fid;
  }

  addMessage(folder: bigint, subject: string, sender: string, mid: bigint = this.assignId()): bigint {
    return this.saveMessage(
      folder,
      mid,
      new Map<number, PropValue>([
        [PropTag.Subject, subject],
        [PropTag.SenderName, sender],
        [PropTag.MessageClass, 'IPM.Note'],
        [PropTag.MessageSize, 1024 + subject.length],
        [PropTag.MessageFlags, 1],
      ]),
    );
  }

  /** Stores (or replaces) message `mid` in `folder` ([MS-OXCMSG] 3.2.5.3: committed on RopSaveChangesMessage). */
  saveMessage(folder: bigint, mid: bigint, props: ReadonlyMap<number, PropValue>): bigint {
    const f = this.folders.get(folder);
    if (!f) throw new Error(`no folder ${folder}`);
    const all = new Map(props);
    all.set(PropTag.Mid, mid);
    const existing = f.messages.find((m) => m.mid === mid);
    if (existing) existing.props = all;
    else f.messages.push({ mid, props: all });
    return mid;
  }

  /** The message `mid` wherever it is. */
  findMessage(mid: bigint): { folder: MailboxFolder; message: MailboxMessage } | undefined {
    for (const folder of this.folders.values()) {
      const message = folder.messages.find((m) => m.mid === mid);
      if (message) return { folder, message };
    }
    return undefined;
  }

  children(fid: bigint): MailboxFolder[] {
    return [...this.folders.values()].filter((f) => f.parent === fid);
  }

  /** Removes a folder and everything under it. */
  removeFolder(fid: bigint): void {
    for (const c of this.children(fid)) this.removeFolder(c.fid);
    this.folders.delete(fid);
  }

  /** Properties of a folder with the computed ones filled in. */
  folderProps(f: MailboxFolder): Map<number, PropValue> {
    const p = new Map(f.props);
    p.set(PropTag.ContentCount, f.messages.length);
    p.set(PropTag.ContentUnreadCount, 0);
    p.set(PropTag.Subfolders, this.children(f.fid).length > 0);
    return p;
  }

  /** A rules-table row: the rule's properties with its id ([MS-OXORULE] 2.2.1.3.1). */
  ruleProps(r: MailboxRule): Map<number, PropValue> {
    const p = new Map(r.props);
    p.set(PropTag.RuleId, r.id);
    return p;
  }
}
