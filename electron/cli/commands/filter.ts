/**
 * `mapiscope filter <capture> '<expr>' [--json]`: the exchanges a filter
 * matches, with the fields that matched (and, for decoded fields, the path of
 * the node in the decoded tree). The capture gets one session pass that feeds
 * the field index; the filter is then evaluated over the index.
 */
import {
  type ExchangeRecord,
  type FieldTest,
  FieldNames,
  HEAD_ROOT_PATH,
  fieldRegistry,
  httpFields,
  keysOf,
  matchedNodes,
  readsHead,
  recordValues,
  testValues,
  valueKey,
} from '../../../shared/filter/index.js';
import { requestHeadTree, responseHeadTree } from '../../../shared/protocol/mapihttp/headers.js';
import { compileOrExplain, loadCaptureExchanges, runCaptureFilter } from '../capture-filter.js';
import { type Command, CliFailure, UsageError } from '../command.js';

function shown(v: unknown): string | number | boolean | undefined {
  const k = valueKey(v);
  return typeof k === 'bigint' ? k.toString() : k;
}

export const filterCommand: Command = {
  name: 'filter',
  summary: 'list the exchanges of a capture that a filter matches',
  usage: ["filter <capture.har|.saz|.mscap|folder> '<expr>' [--json]"],
  options: [],
  details: [
    'The filter language is described in `mapiscope fields --help`; examples:',
    "  mapiscope filter today.mscap 'rop == RopQueryRows and RopQueryRows.RowCount > 0'",
    "  mapiscope filter today.mscap 'ReturnValue == ecNullObject'",
    '  mapiscope filter today.mscap \'prop.PidTagSubject matches "(?i)invoice"\'',
    "  mapiscope filter today.mscap 'RopOpenFolder.request.FolderId == 1-0x0D'",
    'Prints one line per matching exchange: id, request type, the fields that matched.',
    '--json prints [{id, type, matched: [{field, value, side?, path?, namePath?}]}]; a bad filter exits 2',
    'with the column of the problem. `path` is the node in the side\'s decoded tree (from "0"), or for a',
    `header, cookie, method, target or status in its HTTP head tree (from "${HEAD_ROOT_PATH}"), as the UI highlights it.`,
  ].join('\n'),
  async run(args, io) {
    const [file, expr, extra] = args.positionals;
    if (!file || expr === undefined) throw new UsageError("give a capture and a filter: filter <capture> '<expr>'");
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (quote the filter)`);
    const f = compileOrExplain(expr);
    const exchanges = await loadCaptureExchanges(file, io);
    if (!exchanges)
      throw new CliFailure(`${file} is not a capture: give a .har, .saz, .mscap file or a folder of bodies`);
    const run = runCaptureFilter(exchanges, f, 2);
    const names = new FieldNames(fieldRegistry());
    const out = run.matched.map((id) => {
      const ex = run.byId.get(id)!;
      const facts = run.model.factsOf(id);
      const matched: {
        field: string;
        value?: string | number | boolean | undefined;
        side?: unknown;
        path?: unknown;
        namePath?: unknown;
      }[] = [];
      // HTTP head fields: the node of the side's head tree, as the UI highlights it.
      const headTests = f.tests.filter(readsHead);
      const inHead = new Set<FieldTest>();
      if (headTests.length) {
        const response = ex.response ? responseHeadTree(ex) : undefined;
        const heads = { request: requestHeadTree(ex), ...(response ? { response } : {}), rootPath: HEAD_ROOT_PATH };
        const byText = new Map(headTests.map((t) => [t.text, t]));
        for (const m of matchedNodes(headTests, {}, facts?.requestType ?? '', names, {}, heads)) {
          matched.push({ field: m.field, value: shown(m.value), side: m.side, path: m.path, namePath: m.namePath });
          const t = byText.get(m.test);
          if (t) inHead.add(t);
        }
      }
      // Exchange-level fields: the value that passed (head fields the head trees did not show too).
      const rec: ExchangeRecord = {
        facts,
        session: facts?.session !== undefined ? run.model.session(facts.session) : undefined,
      };
      for (const t of f.tests)
        if (!keysOf(t.field) && !inHead.has(t)) {
          const vals = recordValues(t.field, rec);
          for (const v of vals) if (testValues(t, [v])) matched.push({ field: t.field.name, value: shown(v) });
        }
      if (f.needs.decoded) {
        const d = run.model.decode(ex);
        const view = run.model.viewFor(id);
        if (d.requestType)
          for (const m of matchedNodes(
            f.tests,
            { request: d.request?.tree, response: d.response?.tree },
            d.requestType,
            names,
            view ? { namedPropertyName: (pid) => view.namedPropertyName(pid) } : {},
          ))
            matched.push({ field: m.field, value: shown(m.value), side: m.side, path: m.path, namePath: m.namePath });
        const http = new Map<string, unknown[]>();
        httpFields({ request: ex.request.headers, response: ex.response?.headers }, (k, v) => {
          const l = http.get(k) ?? [];
          l.push(v);
          http.set(k, l);
        });
        for (const t of f.tests)
          for (const k of inHead.has(t) ? [] : (keysOf(t.field) ?? []))
            for (const v of http.get(k) ?? [])
              if (testValues(t, [v])) matched.push({ field: t.field.name, value: shown(v) });
      }
      return { id, type: facts?.requestType ?? ex.request.method, matched };
    });
    if (io.json) io.stdout(JSON.stringify(out) + '\n');
    else
      for (const o of out)
        io.stdout(
          `${o.id}\t${o.type}\t${o.matched
            .map((m) => (m.value !== undefined ? `${m.field}=${m.value}` : m.field))
            .filter((x, i, a) => a.indexOf(x) === i)
            .join(' ')}\n`,
        );
    io.stderr(`${out.length} of ${exchanges.length} exchanges match\n`);
    return 0;
  },
};
