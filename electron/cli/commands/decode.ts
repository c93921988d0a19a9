/**
 * `mapiscope decode <file> [--type T] [--direction request|response] [--json]`:
 * decode one raw MAPI/HTTP body. The type and direction come from the options
 * or from a file name such as `execute_req19.bin` or
 * `003-mapi-emsmdb-Execute.request.bin`. HAR / SAZ / capture files go through
 * the capture loader (`electron/backend/store/load.ts`, `loadExchanges`): every exchange
 * is decoded, the request first and then its response with it as context.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { type DecodedNode, toHex } from '../../../shared/codec/index.js';
import { bodyDecodeJson } from '../../../shared/protocol/decode-json.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import {
  type BodyDecode,
  type Direction,
  canonicalRequestType,
  decodeBody,
  decodeExchange,
} from '../../../shared/protocol/decode-exchange.js';
import { type Command, CliFailure, UsageError, optString } from '../command.js';

const CONTAINER_EXTENSIONS = new Set(['.har', '.saz', '.mscap', '.capture']);

/** Type and direction from a fixture-style file name, when it has one. */
export function inferFromName(file: string): { requestType?: string; direction?: Direction } {
  const name = basename(file);
  let m = /^([A-Za-z]+)_(req|resp)\d*\.bin$/.exec(name);
  if (m) {
    const t = canonicalRequestType(m[1]!);
    return { ...(t ? { requestType: t } : {}), direction: m[2] === 'req' ? 'request' : 'response' };
  }
  m = /-([A-Za-z]+)\.(request|response)\.bin$/.exec(name);
  if (m) {
    const t = canonicalRequestType(m[1]!);
    return { ...(t ? { requestType: t } : {}), direction: m[2] as Direction };
  }
  return {};
}

function showValue(n: DecodedNode): string {
  if (n.display !== undefined) return n.display;
  const v = n.value;
  if (v === undefined) return '';
  if (v instanceof Uint8Array) return v.length <= 32 ? toHex(v, ' ') : `${v.length} bytes`;
  if (typeof v === 'bigint') return v.toString();
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** Indented text tree: `name  @offset+length [buffer]  display`. */
export function treeText(root: DecodedNode): string {
  const lines: string[] = [];
  const rec = (n: DecodedNode, depth: number, parentBuf: string | undefined) => {
    const buf = n.buffer ?? parentBuf;
    const bufNote = n.buffer && n.buffer !== parentBuf ? ` [${n.buffer}]` : '';
    const shown = showValue(n);
    const err = n.error !== undefined ? `  !! ${n.error}` : '';
    lines.push(`${'  '.repeat(depth)}${n.name}  @${n.offset}+${n.length}${bufNote}${shown ? `  ${shown}` : ''}${err}`);
    for (const c of n.children ?? []) rec(c, depth + 1, buf);
  };
  rec(root, 0, undefined);
  return lines.join('\n') + '\n';
}

function bodyText(d: BodyDecode): string {
  let s = `${d.requestType} ${d.direction}, ${d.buffers.body?.length ?? 0} bytes\n`;
  s += treeText(d.tree);
  if (d.rops.length) s += `ROPs: ${d.rops.map((r) => `${r.name} (${r.id})`).join(', ')}\n`;
  s += `${d.errors.length} error(s), ${d.unparsedBytes} unparsed byte(s)\n`;
  for (const e of d.errors)
    s += `  ${e.path} @${e.offset}${e.buffer !== 'body' ? ` [${e.buffer}]` : ''}: ${e.message}\n`;
  return s;
}

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode a MAPI/HTTP body (.bin) or every exchange of a .har/.saz/.mscap file',
  usage: [
    'decode <file> [--type <RequestType>] [--direction request|response] [--json]',
    'decode <capture.har|.saz|.mscap> [--json]',
  ],
  options: [
    {
      name: 'type',
      alias: 't',
      value: 'RequestType',
      description: 'X-RequestType of the body (any case: Execute, BIND, …)',
    },
    { name: 'direction', alias: 'd', value: 'request|response', description: 'which side of the exchange the body is' },
    { name: 'raw-rops', description: 'frame Execute ROP buffers without decoding the ROPs' },
    {
      name: 'filter',
      alias: 'f',
      value: 'expr',
      description: 'a capture: decode only the exchanges this filter matches',
    },
  ],
  details: [
    'A raw body needs --type and --direction, unless the file name tells them:',
    '  execute_req19.bin, connect_resp18.bin, 003-mapi-emsmdb-Execute.request.bin',
    'Response bodies may start with the PROCESSING/PENDING/DONE preamble or not.',
    '--json prints {"requestType","direction","tree","errors","unparsedBytes","rops"}; each rops entry is',
    '{id, name, returnValue (responses), handleIndex, logonId, detail} (fields a ROP lacks are left out).',
    'HAR (.har), Fiddler SAZ (.saz) and capture (.mscap) files are decoded exchange by exchange;',
    'with --json the output is an array of {id, endpoint, requestType, responseCode, request, response}.',
    "--filter 'expr' decodes only the exchanges the filter matches (see `mapiscope filter --help`).",
  ].join('\n'),
  async run(args, io) {
    const file = args.positionals[0];
    if (!file) throw new UsageError('missing <file>');
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new CliFailure(`cannot read ${file}: no such file`);
    }
    const rawRops = args.options['raw-rops'] === true;
    const filterText = optString(args, 'filter');
    const { compileOrExplain, loadBodyFolderExchanges, loadContainerExchanges, runCaptureFilter } =
      await import('../capture-filter.js');
    const filter = filterText !== undefined ? compileOrExplain(filterText) : undefined;
    const ext = extname(file).toLowerCase();
    if (CONTAINER_EXTENSIONS.has(ext) || st.isDirectory()) {
      let exchanges: Exchange[] = st.isDirectory()
        ? await loadBodyFolderExchanges(file, io)
        : await loadContainerExchanges(file, io);
      // A whole capture decodes with its session model: one forward pass gives every exchange the
      // state before it (handles, SetColumns columns, named properties), and handle-origin nodes.
      const { SessionModel } = await import('../../../shared/session/model.js');
      const { annotateHandles } = await import('../../../shared/session/annotate.js');
      let model = new SessionModel({ cacheSize: 2 });
      if (filter) {
        // One pass feeds the model and the field index; only the matching exchanges are decoded.
        const run = runCaptureFilter(exchanges, filter, 2);
        model = run.model;
        const keep = new Set(run.matched);
        exchanges = exchanges.filter((ex) => keep.has(ex.id));
        io.stderr(`${exchanges.length} exchange(s) match the filter\n`);
      }
      const out = exchanges.map((ex) => {
        let d;
        if (rawRops) d = decodeExchange(ex, { rawRops: true });
        else {
          if (!filter) model.add(ex);
          d = model.decode(ex);
          const facts = model.factsOf(ex.id);
          if (facts) annotateHandles(d, facts);
        }
        return {
          id: ex.id,
          endpoint: d.endpoint,
          requestType: d.requestType,
          responseCode: d.responseCode,
          request: d.request,
          response: d.response,
        };
      });
      if (io.json)
        io.stdout(
          JSON.stringify(
            out.map((o) => ({
              id: o.id,
              endpoint: o.endpoint,
              requestType: o.requestType,
              responseCode: o.responseCode,
              request: o.request ? bodyDecodeJson(o.request) : undefined,
              response: o.response ? bodyDecodeJson(o.response) : undefined,
            })),
          ) + '\n',
        );
      else
        for (const o of out) {
          io.stdout(`# exchange ${o.id}: ${o.endpoint} ${o.requestType ?? ''}\n`);
          if (o.request) io.stdout(bodyText(o.request));
          if (o.response) io.stdout(bodyText(o.response));
        }
      return 0;
    }
    if (filter) throw new UsageError('--filter applies to a capture (.har, .saz, .mscap or a folder of bodies)');
    const inferred = inferFromName(file);
    const typeOpt = optString(args, 'type');
    const dirOpt = optString(args, 'direction');
    if (dirOpt !== undefined && dirOpt !== 'request' && dirOpt !== 'response')
      throw new UsageError(`--direction must be request or response, got "${dirOpt}"`);
    const requestType = typeOpt !== undefined ? (canonicalRequestType(typeOpt) ?? typeOpt) : inferred.requestType;
    const direction = dirOpt ?? inferred.direction;
    if (!requestType || !direction)
      throw new UsageError(
        `cannot tell the ${!requestType ? 'request type' : 'direction'} of ${basename(file)}; give ${!requestType ? '--type' : '--direction'}`,
      );
    if (
      typeOpt !== undefined &&
      canonicalRequestType(typeOpt) === undefined &&
      !/^(autodiscover|rpc_(in|out)_data)$/i.test(typeOpt)
    )
      io.stderr(`note: "${typeOpt}" is not a MAPI/HTTP request type; the body is shown raw\n`);
    const bytes = new Uint8Array(readFileSync(file));
    const d = decodeBody(requestType, direction, bytes, rawRops ? { rawRops: true } : {});
    if (io.json) io.stdout(JSON.stringify(bodyDecodeJson(d)) + '\n');
    else io.stdout(bodyText(d));
    return 0;
  },
};
