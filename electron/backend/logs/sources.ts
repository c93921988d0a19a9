/**
 * What `logs import` reads: files, folders (recursively) and .zip archives
 * (entries streamed to a scratch folder, never held whole in memory).
 */
import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';

export interface SourceFile {
  /** Path shown to the user and stored per row (`archive.zip!/Mapi/HttpProxy_….LOG` for zip entries). */
  display: string;
  /** Where the bytes are on disk now. */
  path: string;
  size: number;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

const isZip = (p: string) => /\.zip$/i.test(p);

/** Streams every file entry of `zip` into `scratch`; returns them in archive order. */
export async function extractZip(zip: string, scratch: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let failure: Error | undefined;
  const uz = new Unzip((entry) => {
    if (entry.name.endsWith('/')) return;
    const safe = entry.name
      .split(/[\\/]/)
      .filter((s) => s !== '' && s !== '.' && s !== '..')
      .join(sep);
    const target = join(scratch, String(files.length), safe);
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(target, 'w');
    const f: SourceFile = { display: `${zip}!/${entry.name}`, path: target, size: 0 };
    files.push(f);
    entry.ondata = (err, data, final) => {
      if (err) {
        failure ??= new Error(`${zip}: entry ${entry.name}: ${err.message}`);
        closeSync(fd);
        return;
      }
      if (data.length) writeSync(fd, data);
      f.size += data.length;
      if (final) closeSync(fd);
    };
    entry.start();
  });
  uz.register(UnzipInflate);
  await new Promise<void>((resolve, reject) => {
    const rs = createReadStream(zip, { highWaterMark: 1 << 20 });
    rs.on('data', (c) => uz.push(c as Buffer));
    rs.on('end', () => {
      uz.push(new Uint8Array(0), true);
      resolve();
    });
    rs.on('error', reject);
  });
  if (failure) throw failure;
  return files;
}

/** Every input file in a stable order: folders sorted by name, zips expanded into `scratch`. */
export async function collectSources(inputs: readonly string[], scratch: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const input of inputs) {
    const st = await stat(input).catch(() => undefined);
    if (!st) throw new Error(`${input}: no such file or folder`);
    const paths: string[] = [];
    if (st.isDirectory()) await walk(input, paths);
    else paths.push(input);
    for (const p of paths) {
      if (isZip(p)) {
        out.push(...(await extractZip(p, join(scratch, `zip${out.length}`))));
        continue;
      }
      const s = await stat(p);
      out.push({ display: st.isDirectory() ? join(input, relative(input, p)) : p, path: p, size: s.size });
    }
  }
  return out;
}
