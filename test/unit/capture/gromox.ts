/**
 * The gromox-ruler cap1 capture (test/fixtures/gromox-ruler/cap1) as Exchanges, read by the
 * body-folder loader. The pcap's times are not in the extracted files, so the times here are
 * synthetic (exchange i starts at T0 + 100·i ms, its response chunks 2.5 ms apart) and the
 * server is the gromox test host.
 */
import { join } from 'node:path';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';

const DIR = join(import.meta.dirname, '../../fixtures/gromox-ruler/cap1');
const T0 = 1795864000000;

export function gromoxCapture(): Exchange[] {
  return loadBodyFolder(DIR).exchanges.map((ex, i) => {
    const start = T0 + 100 * i;
    const res = ex.response!;
    const chunks = res.chunks.length ? res.chunks : [{ time: 0, offset: 0, length: res.body.length }];
    const { comment: _name, ...rest } = ex;
    return {
      ...rest,
      server: { address: '127.0.0.1', port: 10080 },
      origin: 'http://127.0.0.1:10080',
      timings: {
        requestStart: start,
        requestEnd: start + 1,
        responseHeaders: start + 5,
        responseEnd: start + 5 + (chunks.length - 1) * 2.5,
      },
      response: { ...res, chunks: chunks.map((c, k) => ({ ...c, time: start + 5 + k * 2.5 })) },
    };
  });
}
