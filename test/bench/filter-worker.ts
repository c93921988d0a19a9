/**
 * One worker of the filter bench's "no index" measure: the session pass over
 * its share of the sessions (sessions are independent after grouping), with
 * each exchange's decoded fields matched against the filter as it goes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileCaptureFilter, decodedFieldMap, httpFields, matchNode } from '../../shared/filter/index.js';
import { SessionModel } from '../../shared/session/model.js';
import { filterCapture } from './filter-capture.js';

const { n, rows, part, parts, expr } = workerData as {
  n: number;
  rows: number;
  part: number;
  parts: number;
  expr: string;
};
const f = compileCaptureFilter(expr);
const ids: number[] = [];
const model = new SessionModel({
  cacheSize: 0,
  onDecoded: (ex, d, view) => {
    const fields = d
      ? decodedFieldMap(d, view ? { namedPropertyName: (id) => view.namedPropertyName(id) } : {})
      : new Map();
    httpFields({ request: ex.request.headers, response: ex.response?.headers }, (k, v) => {
      const l = fields.get(k) ?? [];
      l.push(v);
      fields.set(k, l);
    });
    if (matchNode(f.root, { record: {}, fields })) ids.push(ex.id);
  },
});
let bytes = 0;
for (const ex of filterCapture(n, rows, part, parts)) {
  bytes += ex.request.body.length + (ex.response?.body.length ?? 0);
  model.add(ex);
}
parentPort!.postMessage({ ids, bytes });
