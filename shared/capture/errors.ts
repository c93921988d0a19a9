/** The error of the capture readers. */
import type { Exchange } from './exchange.js';

/**
 * A bad capture file: `file` and `where` (entry number, line, zip member…) say
 * where, so the message can be shown as is. Readers attach what they read
 * before the fault as `partial` where that makes sense.
 */
export class CaptureFileError extends Error {
  override name = 'CaptureFileError';
  /** What was read before the fault (kept, never thrown away). */
  partial?: { exchanges: Exchange[]; warnings: string[] };
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where ? where + ': ' : ''}${reason}`);
  }
}
