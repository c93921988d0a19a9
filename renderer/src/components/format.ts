export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Names of X-ResponseCode values ([MS-OXCMAPIHTTP] 2.2.3.3.3). */
export const RESPONSE_CODES: Record<number, string> = {
  0: 'Success',
  1: 'Unknown Failure',
  2: 'Invalid Verb',
  3: 'Invalid Path',
  4: 'Invalid Header',
  5: 'Invalid Request Type',
  6: 'Invalid Context Cookie',
  7: 'Missing Header',
  8: 'Anonymous Not Allowed',
  9: 'Too Large',
  10: 'Context Not Found',
  11: 'No Privilege',
  12: 'Invalid Request Body',
  13: 'Missing Cookie',
  14: 'Reserved',
  15: 'Invalid Sequence',
  16: 'Endpoint Disabled',
  17: 'Invalid Response',
  18: 'Endpoint Shutting Down',
};
