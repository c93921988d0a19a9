/**
 * Reads a capture stored as a folder of bodies (the `.meta.txt` layout parsed by
 * shared/capture/body-folder.ts): every entry in numeric order; entries that cannot be read
 * are reported in `problems`, never fatal.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../../../shared/capture/exchange.js';
import {
  BODY_FOLDER_ENTRY,
  type ConnectionIds,
  bodyFolderEntries,
  parseBodyFolderEntry,
} from '../../../shared/capture/body-folder.js';

export { type BodyFolderEntry, parseBodyFolderEntry } from '../../../shared/capture/body-folder.js';

export interface BodyFolder {
  exchanges: Exchange[];
  /** Entries that could not be read, with the reason. */
  problems: string[];
}

export function isBodyFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && readdirSync(path).some((f) => BODY_FOLDER_ENTRY.test(f));
  } catch {
    return false;
  }
}

/** Every `NNN-….meta.txt` of `dir` in numeric order, with its bodies. */
export function loadBodyFolder(dir: string): BodyFolder {
  const files = bodyFolderEntries(readdirSync(dir));
  const connections: ConnectionIds = new Map();
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const name = f.slice(0, -'.meta.txt'.length);
    const bin = (kind: string): Uint8Array | undefined => {
      const p = join(dir, `${name}.${kind}.bin`);
      return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
    };
    try {
      const response = bin('response');
      exchanges.push(
        parseBodyFolderEntry(
          {
            name,
            meta: readFileSync(join(dir, f), 'latin1'),
            request: bin('request') ?? new Uint8Array(0),
            ...(response ? { response } : {}),
          },
          exchanges.length + 1,
          connections,
        ),
      );
    } catch (e) {
      problems.push(`${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { exchanges, problems };
}
