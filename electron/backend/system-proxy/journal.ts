/**
 * The restore journal: before MapiScope changes a proxy setting, the exact previous values are
 * written to `<data dir>/system-proxy.json` (written to a temporary file, flushed, renamed), and
 * after the change the values as the system reads them back. Whoever finds it later can put the
 * settings back: `system-proxy off`, the owner on a normal stop, or any next start after a crash.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ProxyTarget, SettingsSnapshot } from './settings.js';

export interface JournalOwner {
  /** "process": undone when that process stops (capture --system-proxy, the app); "persistent": until `off`. */
  kind: 'process' | 'persistent';
  pid: number;
  /** What set it ("mapiscope capture", "mapiscope system-proxy on", "MapiScope app"). */
  command: string;
}

export interface ProxyJournal {
  version: 1;
  platform: string;
  owner: JournalOwner;
  /** ISO time the settings were changed. */
  at: string;
  target: ProxyTarget;
  /** Host names or patterns the PAC routes (given ones; learned ones are added while capturing). */
  hosts: string[];
  stores: { id: string; label: string }[];
  /** With several stores: the label of the one whose previous proxy or PAC script the PAC URL names. */
  previousFrom?: string;
  /** Values before MapiScope changed anything. */
  previous: SettingsSnapshot;
  /** Values read back after the change; absent while the change is being made. */
  applied?: SettingsSnapshot;
}

export function journalPath(dataDir: string): string {
  return path.join(dataDir, 'system-proxy.json');
}

export async function readJournal(dataDir: string): Promise<ProxyJournal | undefined> {
  let text: string;
  try {
    text = await readFile(journalPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const j = JSON.parse(text) as ProxyJournal;
  if (j.version !== 1 || !j.previous || !j.owner) throw new Error(`${journalPath(dataDir)} is not a restore journal`);
  return j;
}

/** Writes the journal durably (temporary file, fsync, rename). */
export async function writeJournal(dataDir: string, j: ProxyJournal): Promise<void> {
  const file = journalPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(j, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

export async function removeJournal(dataDir: string): Promise<void> {
  await unlink(journalPath(dataDir)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** True when a process with this id exists (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
