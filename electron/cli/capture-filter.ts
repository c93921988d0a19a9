/**
 * What `filter` and `decode --filter` share: reading a capture (HAR, SAZ,
 * .mscap, or a folder of bodies), one session pass that feeds the field index,
 * and the filter evaluated over it. A bad filter is a usage error whose text
 * points at the offending column.
 */
import { statSync } from 'node:fs';
import type { Exchange } from '../../shared/capture/exchange.js';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import { type CompiledFilter, FieldIndexer, compileCaptureFilter, filterCapture } from '../../shared/filter/index.js';
import { SessionModel } from '../../shared/session/model.js';
import { CliFailure, UsageError } from './command.js';

/** The exchanges of a folder of bodies, its problems written as warnings; a usage failure for any other folder. */
export async function loadBodyFolderExchanges(file: string, io: { stderr: (s: string) => void }): Promise<Exchange[]> {
  const { isBodyFolder, loadBodyFolder } = await import('../backend/store/body-folder.js');
  if (!isBodyFolder(file))
    throw new CliFailure(
      `${file} is a folder but not a folder of MAPI bodies; give a body file (.bin), a capture file (.har, .saz, .mscap) or a folder of NNN-mapi-<endpoint>-<Type>.meta.txt bodies`,
    );
  const f = loadBodyFolder(file);
  for (const p of f.problems) io.stderr(`warning: ${p}\n`);
  return f.exchanges;
}

/** Every exchange of a capture file or a folder of bodies; undefined for a single body file. */
export async function loadCaptureExchanges(
  file: string,
  io: { stderr: (s: string) => void },
): Promise<Exchange[] | undefined> {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new CliFailure(`cannot read ${file}: no such file`);
  }
  if (st.isDirectory()) return loadBodyFolderExchanges(file, io);
  if (!/\.(har|saz|mscap|capture)$/i.test(file)) return undefined;
  return loadContainerExchanges(file, io);
}

/** A capture container's exchanges, its warnings written out; a load error is a CLI failure. */
export async function loadContainerExchanges(file: string, io: { stderr: (s: string) => void }): Promise<Exchange[]> {
  const { loadExchanges } = await import('../backend/store/load.js'); // loaded on use: keeps `--help` fast
  try {
    const loaded = await loadExchanges(file);
    for (const w of loaded.warnings) io.stderr(`warning: ${w}\n`);
    return loaded.exchanges;
  } catch (e) {
    throw new CliFailure(e instanceof Error ? e.message : String(e));
  }
}

/** The filter, or a usage error showing the text with a caret under the first problem. */
export function compileOrExplain(expr: string): CompiledFilter {
  const c = compileCaptureFilter(expr);
  if (c.errors.length) {
    const lines = c.errors.map((e) => `  ${expr}\n  ${' '.repeat(e.at)}^ column ${e.at + 1}: ${e.message}`);
    throw new UsageError(`bad filter:\n${lines.join('\n')}`);
  }
  return c;
}

export interface FilteredCapture {
  model: SessionModel;
  matched: number[];
  byId: Map<number, Exchange>;
}

/** One session pass over `exchanges` with the field index, then the filter. */
export function runCaptureFilter(exchanges: readonly Exchange[], f: CompiledFilter, cacheSize = 0): FilteredCapture {
  const indexer = new FieldIndexer();
  const model = new SessionModel({ cacheSize, onDecoded: indexer.observe });
  const byId = new Map<number, Exchange>();
  for (const ex of exchanges) {
    model.add(ex);
    byId.set(ex.id, ex);
  }
  const matched = filterCapture(f, {
    index: indexer.index,
    record: (i) => {
      const id = indexer.index.ids[i]!;
      const facts = model.factsOf(id);
      const ex = byId.get(id)!;
      const summary = summarizeExchange(ex);
      if (facts?.session !== undefined) summary.session = facts.session;
      if (facts?.ropNames?.length) summary.rops = facts.ropNames;
      return {
        summary,
        facts,
        session: facts?.session !== undefined ? model.session(facts.session) : undefined,
      };
    },
  });
  return { model, matched, byId };
}
