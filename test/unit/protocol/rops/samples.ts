/**
 * One or more hand-assembled wire samples per ROP of the store, folder,
 * table, message, transport and special families (built from the layouts of
 * [MS-OXCROPS] 2.2.3–2.2.7, 2.2.14–2.2.15), with the context each needs.
 * Used by the round-trip and fuzz tests and the benchmark.
 */
import type { DecodeContext } from '../../../../shared/codec/index.js';

export interface Sample {
  /** RopId of the definition. */
  id: number;
  side: 'request' | 'response';
  hex: string;
  context?: DecodeContext;
  /** What the sample shows. */
  note?: string;
}

const FID = '01 00 00 00 00 00 00 0D';
const MID = '01 00 00 00 00 12 34 56';
const GUID = '15 F3 A9 7A BB E0 C2 43 A6 C2 A4 06 C2 92 E8 A5';
const LTID = `${GUID} 00 00 00 00 00 0D 00 00`;
const FILETIME = '80 B4 34 71 65 03 D9 01';
const EXIST = '05 00 08 1F 00 37 00'; // RestrictionDataSize 5, ExistRestriction(PidTagSubject)
const OK = '00 00 00 00';
const NOT_FOUND = '0F 01 04 80';

/** RecipientRow: SMTP, DisplayName present, Unicode; 2 columns (PidTagDisplayName, PidTagRecipientType). */
const RECIPIENT_ROW = '13 02 41 00 6C 00 00 00 02 00 00 41 00 6C 00 00 00 01 00 00 00';
const RECIPIENT_COLUMNS = '02 00 1F 00 01 30 03 00 15 0C';
const recipientCols = [0x3001001f, 0x0c150003];
/** HasNamedProperties, SubjectPrefix "RE: " (8-bit), NormalizedSubject "Hi" (UTF-16), 1 recipient. */
const MESSAGE_HEADER = `01 02 52 45 3A 20 00 04 48 00 69 00 00 00 01 00 ${RECIPIENT_COLUMNS} 01 01 E4 04 00 00 15 00 ${RECIPIENT_ROW}`;

const logonRequestPrivate = 'FE 00 00 01 0C 00 00 01 00 00 00 00 04 00 61 62 63 00';
const logonRequestPublic = 'FE 00 00 00 02 00 00 01 00 00 00 00 00 00';
const fids13 = Array.from(
  { length: 13 },
  (_, i) => `01 00 00 00 00 00 00 ${(i + 1).toString(16).padStart(2, '0')}`,
).join(' ');
const privateLogonRequestValue = {
  RopId: 0xfe,
  LogonId: 0,
  OutputHandleIndex: 0,
  LogonFlags: 1,
  OpenFlags: 0x0100000c,
  StoreState: 0,
  EssdnSize: 4,
  Essdn: 'abc',
};

export const SAMPLES: Sample[] = [
  // --- store / logon (2.2.3) ---
  { id: 0xfe, side: 'request', hex: logonRequestPrivate, note: 'private logon with an Essdn' },
  { id: 0xfe, side: 'request', hex: logonRequestPublic, note: 'public logon, no Essdn' },
  {
    id: 0xfe,
    side: 'response',
    hex: `FE 00 ${OK} 01 ${fids13} 07 ${GUID} FF FF ${GUID} 15 0A 14 01 1C 0B E6 07 ${FILETIME} 00 00 00 00`,
    context: { ropRequest: privateLogonRequestValue },
    note: 'private mailbox',
  },
  {
    id: 0xfe,
    side: 'response',
    hex: `FE 00 ${OK} 00 ${fids13} 02 00 ${GUID} ${'00 '.repeat(16)}`,
    context: { ropRequest: { ...privateLogonRequestValue, LogonFlags: 0 } },
    note: 'public folders',
  },
  {
    id: 0xfe,
    side: 'response',
    hex: 'FE 00 78 04 00 00 01 05 61 62 63 64 00',
    context: { ropRequest: privateLogonRequestValue },
    note: 'redirect (ecWrongServer)',
  },
  { id: 0xfe, side: 'response', hex: 'FE 00 EB 03 00 00', note: 'failure: header only' },
  { id: 0x27, side: 'request', hex: '27 00 00 49 50 4D 00' },
  { id: 0x27, side: 'response', hex: `27 00 ${OK} ${FID} 49 50 4D 00` },
  { id: 0x26, side: 'request', hex: `26 00 00 ${FID} 49 50 4D 00` },
  { id: 0x26, side: 'response', hex: `26 00 ${OK}` },
  { id: 0x68, side: 'request', hex: '68 00 00' },
  { id: 0x68, side: 'response', hex: `68 00 ${OK} 01 00 00 00 00 ${FID} 49 50 4D 00 ${FILETIME}` },
  { id: 0x7b, side: 'request', hex: '7B 00 00' },
  { id: 0x7b, side: 'response', hex: `7B 00 ${OK} 00 00 00 01` },
  { id: 0x42, side: 'request', hex: `42 00 00 ${FID}` },
  { id: 0x42, side: 'response', hex: `42 00 ${OK} 02 00 01 00 61 00 62 00` },
  { id: 0x45, side: 'request', hex: `45 00 00 ${FID}` },
  { id: 0x45, side: 'response', hex: `45 00 ${OK} 01 01 00 01 00 73 00`, note: 'ghosted, one server' },
  { id: 0x45, side: 'response', hex: `45 00 ${OK} 00`, note: 'not ghosted' },
  { id: 0x43, side: 'request', hex: `43 00 00 ${FID}` },
  { id: 0x43, side: 'response', hex: `43 00 ${OK} ${LTID}` },
  { id: 0x44, side: 'request', hex: `44 00 00 ${LTID}` },
  { id: 0x44, side: 'response', hex: `44 00 ${OK} ${FID}` },
  { id: 0x60, side: 'request', hex: `60 00 00 ${GUID}` },
  { id: 0x60, side: 'response', hex: `60 00 ${OK} 02 00 ${LTID} ${LTID}` },
  { id: 0x61, side: 'request', hex: `61 00 00 ${LTID}` },
  { id: 0x61, side: 'response', hex: `61 00 ${OK} ${GUID}` },
  { id: 0x63, side: 'request', hex: `63 00 00 ${LTID} 00 00 00 00 00 00 10` },
  { id: 0x63, side: 'response', hex: `63 00 ${OK} 01 03 00 AA BB CC` },
  {
    id: 0x64,
    side: 'request',
    hex: `64 00 00 ${LTID} 01 00 00 00 00 02 00 AA BB ${GUID}`,
    context: { logonFlags: 1 },
    note: 'first chunk of a private logon carries ReplGuid',
  },
  {
    id: 0x64,
    side: 'request',
    hex: `64 00 00 ${LTID} 01 00 00 00 00 02 00 AA BB`,
    context: { logonFlags: 0 },
    note: 'public logon: no ReplGuid',
  },
  {
    id: 0x64,
    side: 'request',
    hex: `64 00 00 ${LTID} 00 10 00 00 00 01 00 AA`,
    note: 'DataOffset ≠ 0: no ReplGuid, no context needed',
  },
  { id: 0x64, side: 'response', hex: `64 00 ${OK}` },

  // --- folder (2.2.4) ---
  { id: 0x02, side: 'request', hex: `02 00 00 01 ${FID} 04` },
  { id: 0x02, side: 'response', hex: `02 01 ${OK} 01 00` },
  { id: 0x02, side: 'response', hex: `02 01 ${OK} 00 01 02 00 01 00 61 00 62 63 00`, note: 'ghosted' },
  { id: 0x1c, side: 'request', hex: '1C 00 00 01 01 01 00 00 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00 00 00' },
  { id: 0x1c, side: 'request', hex: '1C 00 00 01 02 00 01 00 61 62 00 63 00', note: '8-bit names' },
  { id: 0x1c, side: 'response', hex: '1C 01 00 00 00 00 01 00 00 00 0E 91 52 12 00' },
  {
    id: 0x1c,
    side: 'response',
    hex: `1C 01 ${OK} ${FID} 01 00 01 01 00 01 00 73 00`,
    note: 'existing ghosted public folder',
  },
  { id: 0x1d, side: 'request', hex: '1D 00 01 05 01 00 00 00 0E 8E DF 36' },
  { id: 0x1d, side: 'response', hex: `1D 00 ${OK} 00` },
  { id: 0x1d, side: 'response', hex: `1D 00 ${NOT_FOUND} 01`, note: 'failure that still carries PartialCompletion' },
  { id: 0x1d, side: 'response', hex: `1D 00 ${NOT_FOUND}`, note: 'failure without PartialCompletion' },
  { id: 0x30, side: 'request', hex: `30 00 00 ${EXIST} 01 00 ${FID} 02 00 00 00` },
  { id: 0x30, side: 'request', hex: `30 00 00 00 00 00 00 01 00 00 00`, note: 'no restriction, no folders' },
  { id: 0x30, side: 'response', hex: `30 01 ${OK}` },
  { id: 0x31, side: 'request', hex: '31 00 00 01 01 00' },
  { id: 0x31, side: 'response', hex: `31 00 ${OK} ${EXIST} 00 01 00 ${FID} 01 10 00 00` },
  { id: 0x33, side: 'request', hex: `33 00 01 02 01 00 ${MID} 00 01` },
  { id: 0x33, side: 'response', hex: `33 01 ${OK} 00` },
  { id: 0x33, side: 'response', hex: '33 01 03 05 00 00 02 00 00 00 00', note: 'null destination (ecDstNullObject)' },
  {
    id: 0x35,
    side: 'request',
    hex: '35 00 01 02 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00',
  },
  { id: 0x35, side: 'request', hex: `35 00 01 02 00 00 ${FID} 41 62 00`, note: '8-bit name' },
  { id: 0x35, side: 'response', hex: '35 01 00 00 00 00 00' },
  { id: 0x35, side: 'response', hex: '35 01 03 05 00 00 02 00 00 00 01', note: 'null destination' },
  {
    id: 0x36,
    side: 'request',
    hex: '36 00 00 01 01 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00',
  },
  { id: 0x36, side: 'response', hex: '36 00 00 00 00 00 00' },
  { id: 0x58, side: 'request', hex: '58 00 00 00 01' },
  { id: 0x58, side: 'response', hex: `58 00 ${OK} 00` },
  { id: 0x92, side: 'request', hex: '92 00 00 00 00' },
  { id: 0x92, side: 'response', hex: `92 00 ${OK} 01` },
  { id: 0x1e, side: 'request', hex: `1E 00 00 00 01 02 00 ${MID} ${MID}` },
  { id: 0x1e, side: 'response', hex: `1E 00 ${OK} 00` },
  { id: 0x91, side: 'request', hex: `91 00 00 01 00 01 00 ${MID}` },
  { id: 0x91, side: 'response', hex: `91 00 ${OK} 00` },
  { id: 0x04, side: 'request', hex: '04 00 00 01 40' },
  { id: 0x04, side: 'response', hex: `04 01 ${OK} 05 00 00 00` },
  { id: 0x05, side: 'request', hex: '05 00 00 01 42' },
  { id: 0x05, side: 'response', hex: `05 01 ${OK} 0A 00 00 00` },

  // --- table (2.2.5) ---
  { id: 0x12, side: 'request', hex: '12 00 00 00 02 00 1F 00 37 00 03 00 0E 0E' },
  { id: 0x12, side: 'response', hex: `12 00 ${OK} 00` },
  { id: 0x13, side: 'request', hex: '13 00 00 00 02 00 01 00 01 00 1F 30 08 80 00 40 00 06 0E 01' },
  { id: 0x13, side: 'response', hex: `13 01 ${OK} 00` },
  { id: 0x14, side: 'request', hex: `14 00 00 00 ${EXIST}` },
  { id: 0x14, side: 'request', hex: '14 00 00 01 00 00', note: 'clear the restriction' },
  { id: 0x14, side: 'response', hex: `14 00 ${OK} 0E` },
  { id: 0x15, side: 'request', hex: '15 00 00 00 01 32 00' },
  {
    id: 0x15,
    side: 'response',
    hex: `15 00 ${OK} 02 02 00 00 41 00 00 00 0A 00 00 00 01 00 42 00 00 00 01`,
    context: { columns: [0x0037001f, 0x0e080003] },
    note: 'a standard and a flagged row',
  },
  { id: 0x38, side: 'request', hex: '38 00 00' },
  { id: 0x38, side: 'response', hex: `38 00 ${OK} 00` },
  { id: 0x16, side: 'request', hex: '16 00 00' },
  { id: 0x16, side: 'response', hex: `16 00 ${OK} 09` },
  { id: 0x17, side: 'request', hex: '17 00 00' },
  { id: 0x17, side: 'response', hex: `17 00 ${OK} 05 00 00 00 0A 00 00 00` },
  { id: 0x18, side: 'request', hex: '18 00 00 01 FB FF FF FF 01' },
  { id: 0x18, side: 'response', hex: `18 00 ${OK} 01 FC FF FF FF` },
  { id: 0x19, side: 'request', hex: '19 00 00 04 00 01 02 03 04 02 00 00 00 00' },
  { id: 0x19, side: 'response', hex: `19 00 ${OK} 00 00 02 00 00 00` },
  { id: 0x1a, side: 'request', hex: '1A 00 00 01 00 00 00 02 00 00 00' },
  { id: 0x1a, side: 'response', hex: `1A 00 ${OK}` },
  { id: 0x1b, side: 'request', hex: '1B 00 00' },
  { id: 0x1b, side: 'response', hex: `1B 00 ${OK} 04 00 01 02 03 04` },
  { id: 0x37, side: 'request', hex: '37 00 00' },
  { id: 0x37, side: 'response', hex: `37 00 ${OK} 01 00 1F 00 37 00` },
  { id: 0x4f, side: 'request', hex: `4F 00 00 00 ${EXIST} 00 00 00` },
  { id: 0x4f, side: 'response', hex: `4F 00 ${OK} 00 01 00 41 00 00 00`, context: { columns: [0x0037001f] } },
  { id: 0x4f, side: 'response', hex: `4F 00 ${OK} 00 00`, note: 'no row found: no columns needed' },
  { id: 0x89, side: 'request', hex: '89 00 00 04 00 01 02 03 04' },
  { id: 0x89, side: 'response', hex: `89 00 ${OK}` },
  { id: 0x81, side: 'request', hex: '81 00 00' },
  { id: 0x81, side: 'response', hex: `81 00 ${OK}` },
  { id: 0x59, side: 'request', hex: '59 00 00 0A 00 01 00 00 00 00 00 00 01' },
  {
    id: 0x59,
    side: 'response',
    hex: `59 00 ${OK} 01 00 00 00 01 00 00 41 00 00 00`,
    context: { columns: [0x0037001f] },
  },
  { id: 0x5a, side: 'request', hex: '5A 00 00 01 00 00 00 00 00 00 01' },
  { id: 0x5a, side: 'response', hex: `5A 00 ${OK} 03 00 00 00` },
  { id: 0x6b, side: 'request', hex: '6B 00 00 01 00 00 00 00 00 00 01 00 00 00 00' },
  { id: 0x6b, side: 'response', hex: `6B 00 ${OK} 02 00 AA BB` },
  { id: 0x6c, side: 'request', hex: '6C 00 00 02 00 AA BB' },
  { id: 0x6c, side: 'response', hex: `6C 00 ${OK} 02 00 CC DD` },

  // --- message and attachment (2.2.6) ---
  { id: 0x03, side: 'request', hex: `03 00 00 01 FF 0F ${FID} 01 ${MID}` },
  {
    id: 0x03,
    side: 'response',
    hex: `03 01 ${OK} ${MESSAGE_HEADER}`,
    note: 'recipient rows over the columns of the same response',
  },
  { id: 0x06, side: 'request', hex: `06 00 00 01 FF 0F ${FID} 00` },
  { id: 0x06, side: 'response', hex: `06 01 ${OK} 01 ${MID}` },
  { id: 0x06, side: 'response', hex: `06 01 ${OK} 00` },
  { id: 0x0c, side: 'request', hex: '0C 00 01 00 02' },
  { id: 0x0c, side: 'response', hex: `0C 01 ${OK} 00 ${MID}` },
  { id: 0x0d, side: 'request', hex: '0D 00 00 00 00 00 00' },
  { id: 0x0d, side: 'response', hex: `0D 00 ${OK}` },
  {
    id: 0x0e,
    side: 'request',
    hex: `0E 00 00 ${RECIPIENT_COLUMNS} 02 00 00 00 00 00 01 15 00 ${RECIPIENT_ROW} 01 00 00 00 02 00 00`,
    note: 'one row set, one row removed (size 0)',
  },
  { id: 0x0e, side: 'response', hex: `0E 00 ${OK}` },
  { id: 0x0f, side: 'request', hex: '0F 00 00 00 00 00 00 00 00' },
  {
    id: 0x0f,
    side: 'response',
    hex: `0F 00 ${OK} 01 00 00 00 00 01 E4 04 00 00 15 00 ${RECIPIENT_ROW}`,
    context: { recipientColumns: recipientCols },
  },
  { id: 0x10, side: 'request', hex: '10 00 00 00 00' },
  { id: 0x10, side: 'response', hex: `10 00 ${OK} ${MESSAGE_HEADER}` },
  { id: 0x20, side: 'request', hex: `20 00 00 ${MID} 08 00 00 00 08 00 00 00` },
  { id: 0x20, side: 'response', hex: `20 00 ${OK} 00 00 00 00` },
  { id: 0x1f, side: 'request', hex: `1F 00 00 ${MID}` },
  { id: 0x1f, side: 'response', hex: `20 00 ${OK} 08 00 00 00`, note: 'answered with RopId 0x20' },
  { id: 0x66, side: 'request', hex: `66 00 00 00 01 01 00 ${MID}` },
  { id: 0x66, side: 'response', hex: `66 00 ${OK} 00` },
  {
    id: 0x11,
    side: 'request',
    hex: '11 00 01 00 00',
    context: { logonFlags: 1 },
    note: 'private logon: no ClientData',
  },
  {
    id: 0x11,
    side: 'request',
    hex: `11 00 01 00 00 ${LTID}`,
    context: { logonFlags: 0 },
    note: 'public logon: ClientData',
  },
  { id: 0x11, side: 'response', hex: `11 01 ${OK} 00` },
  { id: 0x11, side: 'response', hex: `11 01 ${OK} 01 00 ${LTID}` },
  { id: 0x22, side: 'request', hex: '22 00 00 01 01 00 00 00 00' },
  { id: 0x22, side: 'response', hex: `22 01 ${OK}` },
  { id: 0x23, side: 'request', hex: '23 00 00 01' },
  { id: 0x23, side: 'response', hex: `23 01 ${OK} 02 00 00 00` },
  { id: 0x24, side: 'request', hex: '24 00 00 02 00 00 00' },
  { id: 0x24, side: 'response', hex: `24 00 ${OK}` },
  { id: 0x25, side: 'request', hex: '25 00 01 00 02' },
  { id: 0x25, side: 'response', hex: `25 01 ${OK}` },
  { id: 0x46, side: 'request', hex: '46 00 00 01 FF 0F 02' },
  { id: 0x46, side: 'response', hex: `46 01 ${OK} 00 ${MID} ${MESSAGE_HEADER}` },
  { id: 0x21, side: 'request', hex: '21 00 00 01 40' },
  { id: 0x21, side: 'response', hex: `21 01 ${OK}` },
  { id: 0x52, side: 'request', hex: '52 00 00' },
  { id: 0x52, side: 'response', hex: `52 00 ${OK} 02 00 00 00 00 00 01 00 00 00` },

  // --- transport (2.2.7) ---
  { id: 0x32, side: 'request', hex: '32 00 00 00' },
  { id: 0x32, side: 'response', hex: `32 00 ${OK}` },
  { id: 0x34, side: 'request', hex: `34 00 00 ${FID} ${MID}` },
  { id: 0x34, side: 'response', hex: `34 00 ${OK}` },
  { id: 0x49, side: 'request', hex: '49 00 00' },
  { id: 0x49, side: 'response', hex: `49 00 ${OK} 02 00 08 00 53 4D 54 50 00 45 58 00` },
  { id: 0x47, side: 'request', hex: '47 00 00' },
  { id: 0x47, side: 'response', hex: `47 00 ${OK}` },
  { id: 0x48, side: 'request', hex: `48 00 00 ${MID} 01` },
  { id: 0x48, side: 'response', hex: `48 00 ${OK}` },
  { id: 0x4a, side: 'request', hex: '4A 00 00' },
  { id: 0x4a, side: 'response', hex: `4A 00 ${OK} 01` },
  { id: 0x4a, side: 'response', hex: `4A 00 ${OK} 00 01 00 03 00 76 66 0A 00 00 00` },
  { id: 0x51, side: 'request', hex: `51 00 00 ${MID} ${FID} 49 50 4D 2E 4E 6F 74 65 00 01 00 00 00` },
  { id: 0x51, side: 'response', hex: `51 00 ${OK}` },
  { id: 0x6d, side: 'request', hex: '6D 00 00' },
  { id: 0x6d, side: 'response', hex: `6D 00 ${OK} ${FID}` },
  { id: 0x6f, side: 'request', hex: '6F 00 00 53 4D 54 50 00 01' },
  { id: 0x6f, side: 'response', hex: `6F 00 ${OK} 00 02 00 AA BB 03 00 01 02 03 68 2E 68 6C 70 00` },
  { id: 0x6f, side: 'response', hex: `6F 00 ${OK} 00 00 00 00 00`, note: 'no help file' },

  // --- RopRelease and the special responses (2.2.14, 2.2.15) ---
  { id: 0x01, side: 'request', hex: '01 00 00' },
  { id: 0x6e, side: 'response', hex: '6E 01 00' },
  { id: 0xf9, side: 'response', hex: 'F9 00 E8 03 00 00 01 0A 64 00 00 00 02 00 AA BB' },
  { id: 0xff, side: 'response', hex: 'FF 00 10 15 00 00 00 01 32 00' },
];
