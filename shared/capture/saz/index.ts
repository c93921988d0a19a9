export {
  readSaz,
  iterateSaz,
  parseSessionXml,
  parseFiddlerTime,
  type SazReadResult,
  type SazSessionMeta,
  type SazInfo,
} from './reader.js';
export { SazWriter, writeSaz, fiddlerTime, type SazWriteOptions } from './writer.js';
export { openZip, ZipWriter, crc32, type ZipArchive, type ZipEntry } from './zip.js';
export { parseMessage, serializeMessage, type RawMessage } from './http.js';
