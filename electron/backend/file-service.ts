/**
 * Opening and saving captures from the UI: a capture, HAR or SAZ file, or a
 * folder of bodies (the gromox-ruler layout), by path (desktop dialogs, CLI)
 * or as uploaded bytes (browser). What a damaged file held before the fault is
 * kept and shown, with the reason.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Exchange } from '../../shared/capture/exchange.js';
import { base64Decode } from '../../shared/api/contract.js';
import { isBodyFolder, loadBodyFolder } from '../cli/body-folder.js';
import { loadExchanges } from '../cli/load.js';
import type { Backend, BackendService } from './backend.js';
import { ApiError } from './rpc.js';
import { exportToFile } from '../cli/commands/export.js';
import { CaptureWriter } from './store/capture-file.js';

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
    const load = async (p: string, label: string): Promise<OpenResult> => {
      const r = await openAny(p);
      b.decodes.clear();
      b.workspace.replace(r.exchanges, label);
      for (const w of r.warnings) b.events.emit({ type: 'log', data: { level: 'warn', message: `${label}: ${w}` } });
      return { count: r.exchanges.length, format: r.format, warnings: r.warnings };
    };
    b.rpc.method('file.open', async (p) => {
      if (typeof p.path !== 'string' || !p.path) throw new ApiError('bad-request', 'file.open needs a path');
      return load(path.resolve(p.path), p.path);
    });
    b.rpc.method('file.importBytes', async (p) => {
      if (typeof p.name !== 'string' || typeof p.base64 !== 'string')
        throw new ApiError('bad-request', 'file.importBytes needs name and base64');
      const dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-import-'));
      const file = path.join(dir, path.basename(p.name) || 'upload');
      try {
        await writeFile(file, base64Decode(p.base64));
        return await load(file, p.name);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    const writeCapture = async (file: string, ids?: readonly number[]): Promise<number> => {
      const w = await CaptureWriter.create(file);
      let n = 0;
      try {
        const want = ids ? new Set(ids) : undefined;
        for (const ex of b.workspace.all()) {
          if (want && !want.has(ex.id)) continue;
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
    b.rpc.register('file.save', async (params) => {
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
    b.rpc.register('file.export', async (params) => {
      const p = (params ?? {}) as { format?: unknown; redact?: unknown; ids?: unknown; path?: unknown };
      const format = p.format;
      if (format !== 'har' && format !== 'saz' && format !== 'json')
        throw new ApiError('bad-request', 'file.export: format must be har, saz or json');
      const ids = Array.isArray(p.ids) ? p.ids.map(Number) : undefined;
      const redact = p.redact !== false;
      return withTemp(async (dir) => {
        const input = path.join(dir, 'input.mscap');
        await writeCapture(input, ids);
        const name = `capture.${format}`;
        const out = typeof p.path === 'string' && p.path ? path.resolve(p.path) : path.join(dir, name);
        const r = await exportToFile(input, out, { format, redact });
        const res: Record<string, unknown> = {
          exchanges: r.exchanges,
          bytes: r.bytes,
          warnings: r.warnings,
          ...(r.redaction ? { redaction: r.redaction } : {}),
        };
        if (typeof p.path === 'string' && p.path) res.path = p.path;
        else Object.assign(res, { name, base64: (await readFile(out)).toString('base64') });
        return res;
      });
    });
  }
}
