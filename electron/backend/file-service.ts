/**
 * Opening and saving captures from the UI: a capture, HAR or SAZ file, or a
 * folder of bodies (the gromox-ruler layout), by path (desktop dialogs, CLI)
 * or as uploaded bytes (browser). What a damaged file held before the fault is
 * kept and shown, with the reason.
 *
 * A MapiScope capture opened by path stays on disk: one streaming pass builds
 * the list summaries, and the workspace reads exchanges from the file when
 * they are shown, decoded, analysed or exported (openStore). Everything else
 * (HAR, SAZ, body folders, uploaded bytes) is loaded into memory.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Exchange } from '../../shared/capture/exchange.js';
import { base64Decode } from '../../shared/codec/bytes.js';
import { isBodyFolder, loadBodyFolder } from './store/body-folder.js';
import { loadExchanges } from './store/load.js';
import type { Backend, BackendService } from './backend.js';
import { ApiError } from './rpc.js';
import { exportExchangesToFile } from './store/export.js';
import { CaptureWriter } from './store/capture-file.js';
import { openStore } from './store-source.js';

export { openStore } from './store-source.js';

export interface OpenResult {
  count: number;
  format: string;
  warnings: string[];
}

/** Loads any supported file or folder; a partial read is returned with the error as a warning. */
export async function openAny(p: string): Promise<{ exchanges: Exchange[]; format: string; warnings: string[] }> {
  const st = await stat(p).catch(() => undefined);
  if (!st) throw new ApiError('not-found', `${p}: no such file or folder`);
  if (st.isDirectory()) {
    if (!isBodyFolder(p))
      throw new ApiError(
        'bad-request',
        `${p}: a folder, but not a folder of MAPI bodies (NNN-mapi-<endpoint>-<Type>.meta.txt)`,
      );
    const f = loadBodyFolder(p);
    return { exchanges: f.exchanges, format: 'body-folder', warnings: f.problems };
  }
  try {
    return await loadExchanges(p);
  } catch (e) {
    const partial = (e as { partial?: { exchanges: Exchange[]; warnings: string[] } }).partial;
    const msg = e instanceof Error ? e.message : String(e);
    if (partial && partial.exchanges.length > 0)
      return {
        exchanges: partial.exchanges,
        format: 'partial',
        warnings: [...partial.warnings, `read stopped: ${msg}`],
      };
    throw new ApiError('bad-request', msg);
  }
}

export class FileService implements BackendService {
  readonly name = 'files';

  register(b: Backend): void {
    const warn = (label: string, warnings: readonly string[]) => {
      for (const w of warnings) b.events.emit({ type: 'log', data: { level: 'warn', message: `${label}: ${w}` } });
    };
    const load = async (p: string, label: string, onDisk: boolean): Promise<OpenResult> => {
      const s = onDisk ? await openStore(p) : undefined;
      if (s) {
        b.decodes.clear();
        await b.workspace.openStore(s.store, s.summaries, label);
        warn(label, s.warnings);
        return { count: s.summaries.length, format: s.format, warnings: s.warnings };
      }
      const r = await openAny(p);
      b.decodes.clear();
      await b.workspace.replace(r.exchanges, label);
      warn(label, r.warnings);
      return { count: r.exchanges.length, format: r.format, warnings: r.warnings };
    };
    b.rpc.method('file.open', async (p) => {
      if (typeof p.path !== 'string' || !p.path) throw new ApiError('bad-request', 'file.open needs a path');
      return load(path.resolve(p.path), p.path, true);
    });
    b.rpc.method('file.importBytes', async (p) => {
      if (typeof p.name !== 'string' || typeof p.base64 !== 'string')
        throw new ApiError('bad-request', 'file.importBytes needs name and base64');
      const dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-import-'));
      const file = path.join(dir, path.basename(p.name) || 'upload');
      try {
        const bytes = base64Decode(p.base64);
        if (!bytes) throw new ApiError('bad-request', 'file.importBytes: base64 is not base64 text');
        await writeFile(file, bytes);
        // In memory: the uploaded file is removed right after.
        return await load(file, p.name, false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    /** The workspace's exchanges in capture order (only `ids` if given), streamed from its file if it has one. */
    const exchanges = (ids?: readonly number[]) =>
      async function* (): AsyncGenerator<Exchange> {
        const want = ids ? new Set(ids) : undefined;
        if (!want) {
          yield* b.workspace.iterate();
          return;
        }
        // A selection: only its records are read.
        const at = [...want]
          .map((id) => b.workspace.indexOf(id))
          .filter((i): i is number => i !== undefined)
          .sort((x, y) => x - y);
        for (const i of at) {
          const ex = await b.workspace.at(i);
          if (ex) yield ex;
        }
      };
    const writeCapture = async (file: string): Promise<number> => {
      const w = await CaptureWriter.create(file);
      let n = 0;
      try {
        for await (const ex of exchanges()()) {
          await w.append(ex);
          n++;
        }
      } finally {
        await w.close();
      }
      return n;
    };
    const withTemp = async <T>(f: (dir: string) => Promise<T>): Promise<T> => {
      const dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-export-'));
      try {
        return await f(dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };

    // Save as a MapiScope capture: to a path (desktop), or returned for a download (browser).
    b.rpc.method('file.save', async (params) => {
      const p = (params ?? {}) as { path?: unknown };
      if (typeof p.path === 'string' && p.path) {
        const count = await writeCapture(path.resolve(p.path));
        return { count, path: p.path };
      }
      return withTemp(async (dir) => {
        const file = path.join(dir, 'capture.mscap');
        const count = await writeCapture(file);
        return { count, name: 'capture.mscap', base64: (await readFile(file)).toString('base64') };
      });
    });

    // Export HAR / SAZ / decoded JSON, redacted unless redact is false; `ids` limits it to a selection.
    b.rpc.method('file.export', async (params) => {
      const p = (params ?? {}) as { format?: unknown; redact?: unknown; ids?: unknown; path?: unknown };
      const format = p.format;
      if (format !== 'har' && format !== 'saz' && format !== 'json')
        throw new ApiError('bad-request', 'file.export: format must be har, saz or json');
      const ids = Array.isArray(p.ids) ? p.ids.map(Number) : undefined;
      const redact = p.redact !== false;
      return withTemp(async (dir) => {
        const name = `capture.${format}`;
        const out = typeof p.path === 'string' && p.path ? path.resolve(p.path) : path.join(dir, name);
        const r = await exportExchangesToFile(exchanges(ids), out, { format, redact });
        const res: Record<string, unknown> = {
          exchanges: r.exchanges,
          bytes: r.bytes,
          warnings: r.warnings,
        };
        if (r.redaction) res.redaction = r.redaction;
        if (typeof p.path === 'string' && p.path) res.path = p.path;
        else Object.assign(res, { name, base64: (await readFile(out)).toString('base64') });
        return res;
      });
    });
  }
}
