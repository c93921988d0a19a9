/**
 * `mapiscope fields [--json] [prefix]`: every filterable field with its type
 * and description, like `tshark -G fields`. The list is the field registry
 * (shared/filter/registry.ts), derived from the decoders' definitions.
 */
import { fieldRegistry } from '../../../shared/filter/index.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';

export const fieldsCommand: Command = {
  name: 'fields',
  summary: 'list every filterable field with its type and description',
  usage: ['fields [<prefix>] [--layer L] [--json]'],
  options: [
    {
      name: 'layer',
      value: 'L',
      description: 'only one layer: summary, http, mapi, session, body, rop, aux, prop',
    },
  ],
  details: [
    'One line per field: name, type, layer, description (tab-separated).',
    'Families that take a key are listed by their pattern: http.header["Name"], http.request.header["Name"],',
    'http.response.header["Name"], http.cookie["Name"], http.setCookie["Name"], prop["resolved name"].',
    'Example: mapiscope fields RopOpenFolder',
    '',
    'The filter language (mapiscope filter, decode --filter, the UI filter bar):',
    '  field == value, !=, <, <=, >, >=, contains, matches "regex" (a leading (?i) ignores case), in {a, b}',
    '  and / or / not / ( ) (also && || !); a field alone: present (a flag: true)',
    "  values in the field's own form: 0x1F or 31, ecNullObject, RopQueryRows, 1-0x0D (folder ids),",
    '  {c78618db-a67d-46d2-bf39-b9f8166302d6}, 2026-11-22T11:24:11Z, 2s, 10kb, "quoted text"',
    "  the list filter's short form still works: type:Execute|Bind code!=0 -aborted latency>2s",
  ].join('\n'),
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
    const prefix = args.positionals[0] ?? '';
    const layer = args.options.layer;
    if (layer !== undefined && typeof layer !== 'string') throw new UsageError('--layer needs a value');
    const families = [
      { name: 'http.header["Name"]', type: 'string', layer: 'http', description: 'a request or response header' },
      { name: 'http.request.header["Name"]', type: 'string', layer: 'http', description: 'a request header' },
      { name: 'http.response.header["Name"]', type: 'string', layer: 'http', description: 'a response header' },
      { name: 'http.cookie["Name"]', type: 'string', layer: 'http', description: 'a cookie the request sent' },
      { name: 'http.setCookie["Name"]', type: 'string', layer: 'http', description: 'a cookie the response set' },
      {
        name: 'prop["resolved name"]',
        type: 'value',
        layer: 'prop',
        description: 'a named property by the name the session resolved (also prop.PidLid…)',
      },
    ];
    const all = [...fieldRegistry(), ...families].filter(
      (f) => f.name.startsWith(prefix) && (layer === undefined || f.layer === layer),
    );
    if (io.json)
      io.stdout(
        JSON.stringify(
          all.map((f) => {
            const o: Record<string, unknown> = {
              name: f.name,
              type: f.type,
              layer: f.layer,
              description: f.description,
            };
            const x = f as { aliases?: readonly string[]; names?: object; bits?: object; of?: readonly string[] };
            if (x.aliases) o.aliases = x.aliases;
            if (x.names) o.values = Object.values(x.names);
            if (x.bits) o.flags = Object.keys(x.bits);
            if (x.of) o.of = x.of;
            return o;
          }),
        ) + '\n',
      );
    else for (const f of all) io.stdout(`${f.name}\t${f.type}\t${f.layer}\t${f.description}\n`);
    return 0;
  },
};
