export * from './model.js';
export {
  HarWriter,
  writeHar,
  exchangeToHarEntry,
  harTimings,
  isoTime,
  isTextual,
  type HarWriteOptions,
} from './writer.js';
export { absoluteUrl, absoluteTarget } from '../http-message.js';
export { HarReader, readHar, iterateHar, harTextDecoder, type HarInfo, type HarReadResult } from './reader.js';
export { HarScanner, HarScanError, type HarScanEvent } from './scanner.js';
export {
  buildMapiBlock,
  mapiBlockWithDecoder,
  isMapiExchange,
  parseMetaPreamble,
  parseCookieHeader,
  type MapiDecodeView,
} from './mapi.js';
export { CaptureFileError } from '../errors.js';
