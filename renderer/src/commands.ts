/**
 * User commands shared by the capture bar, the menus of the desktop shell and
 * the keyboard: open/import a file, save, export, CA download. Each picks the
 * native dialog inside Electron and a file picker / download in a browser;
 * every backend call goes through `api()`.
 */
import type { FileKind, FileWriteDto } from '../../shared/api/contract';
import { base64DecodeOrThrow as base64Decode, base64Encode } from '../../shared/codec/bytes';
import { api } from './api/client';
import { useConnectionStore } from './stores/connection-store';
import { useExchangesStore } from './stores/exchanges-store';
import { useUiStore } from './stores/ui-store';

export type ExportFormat = 'har' | 'saz' | 'json';

export interface ExportOptions {
  redact: boolean;
  /** Only these exchanges (the list's selection); all when absent. */
  ids?: readonly number[];
}

/** What `file.export` answers (written to `path`, or returned as base64 for a browser download). */
/** What an export or save wrote (`file.export`, `file.save`). */
export type ExportResult = FileWriteDto;

export interface OpenResult {
  count: number;
  format: string;
  warnings: string[];
}

/** Reports a command's failure in the status bar instead of throwing into React. */
export async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
  const conn = useConnectionStore.getState();
  conn.setError(undefined);
  try {
    return await f();
  } catch (e) {
    conn.setError(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** A browser file picker (one file); resolves undefined when cancelled. */
function pickFile(accept: string): Promise<File | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(input.files?.[0]);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(undefined);
      input.remove();
    });
    document.body.appendChild(input);
    input.click();
  });
}

export const OPEN_ACCEPT = '.mscap,.har,.saz,.json';

/** Sends a picked file's bytes to the backend (browser path). */
export async function importFile(file: File): Promise<OpenResult> {
  const buf = new Uint8Array(await file.arrayBuffer());
  const r = await api().call('file.importBytes', { name: file.name, base64: base64Encode(buf) });
  await useExchangesStore.getState().reload();
  return r;
}

/** File → Open / Import: a native dialog and `file.open` in Electron, a picker and `file.importBytes` in a browser. */
export async function openFile(kind: Extract<FileKind, 'capture' | 'import'>): Promise<OpenResult | undefined> {
  const desktop = api().desktop;
  if (desktop) {
    const path = await desktop.openFile(kind);
    if (!path) return undefined;
    const r = await api().call('file.open', { path });
    await useExchangesStore.getState().reload();
    return r;
  }
  const f = await pickFile(OPEN_ACCEPT);
  return f ? importFile(f) : undefined;
}

/** Starts a browser download of bytes. */
export function downloadBytes(name: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  downloadUrl(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadUrl(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

const MIME: Record<ExportFormat, string> = {
  har: 'application/json',
  saz: 'application/zip',
  json: 'application/json',
};

export function exportName(format: ExportFormat | 'mscap', now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  return `mapiscope-${stamp}${format === 'json' ? '.decoded.json' : `.${format}`}`;
}

/** Export HAR / SAZ / decoded JSON through `file.export`: to the path of a save dialog, or as a download. */
export async function exportAs(format: ExportFormat, opts: ExportOptions): Promise<ExportResult | undefined> {
  const params = { format, redact: opts.redact, ...(opts.ids?.length ? { ids: [...opts.ids] } : {}) };
  const desktop = api().desktop;
  const name = exportName(format);
  if (desktop) {
    const path = await desktop.saveFile(format, name);
    if (!path) return undefined;
    return api().call('file.export', { ...params, path });
  }
  const r = await api().call('file.export', params);
  if (r.base64 === undefined) throw new Error('file.export returned no bytes for the download');
  downloadBytes(name, base64Decode(r.base64), MIME[format]);
  return r;
}

/** File → Save Capture As: `file.save` to a path (Electron), or a download of the capture file. */
export async function saveCaptureAs(): Promise<unknown> {
  const desktop = api().desktop;
  if (desktop) {
    const path = await desktop.saveFile('capture', exportName('mscap'));
    if (!path) return undefined;
    return api().call('file.save', { path });
  }
  const r = await api().call('file.save', {});
  if (r.base64 === undefined) throw new Error('file.save returned no bytes for the download');
  downloadBytes(exportName('mscap'), base64Decode(r.base64));
  return r;
}

/** The CA certificate: the backend's raw route in a browser, a save dialog + `ca.export {format, path}` in Electron. */
export async function exportCa(format: 'pem' | 'der'): Promise<void> {
  const name = format === 'pem' ? 'mapiscope-ca.pem' : 'mapiscope-ca.cer';
  const desktop = api().desktop;
  if (desktop) {
    const path = await desktop.saveFile('cert', name);
    if (path) await api().call('ca.export', { format, path });
    return;
  }
  const url = api().rawUrl(`ca.${format}`);
  if (url) downloadUrl(url, name);
}

/** Every column of the exchange list back to its default width (the help overlay's "Reset column widths"). */
export function resetColumnWidths(): void {
  useUiStore.getState().resetColumnWidths();
}
