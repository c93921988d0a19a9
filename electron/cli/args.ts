import { type OptionSpec, type ParsedArgs, UsageError } from './command.js';

/** Parses `--name value`, `--name=value`, `-a value`, flags and `--` for one command's options. */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.alias) byName.set(s.alias, s);
  }
  const out: ParsedArgs = { positionals: [], options: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const long = a.startsWith('--');
    const body = a.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    const key = eq >= 0 ? body.slice(0, eq) : body;
    const spec = byName.get(key);
    if (!spec || (!long && spec.alias !== key)) throw new UsageError(`unknown option ${long ? '--' : '-'}${key}`);
    if (!spec.value) {
      if (eq >= 0) throw new UsageError(`--${spec.name} takes no value`);
      out.options[spec.name] = true;
      continue;
    }
    let v: string | undefined;
    if (eq >= 0) v = body.slice(eq + 1);
    else {
      v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2))
        throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
      i++;
    }
    if (spec.repeat) {
      const prev = out.options[spec.name];
      out.options[spec.name] = [...(Array.isArray(prev) ? prev : []), v];
    } else out.options[spec.name] = v;
  }
  return out;
}
