export * from './model.js';
export {
  HarWriter,
  writeHar,
  exchangeToHarEntry,
  harTimings,
  isoTime,
  absoluteUrl,
  absoluteTarget,
  isTextual,
  type HarWriteOptions,
} from './writer.js';
export { HarReader, readHar, harTextDecoder, type HarReadResult } from './reader.js';
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
