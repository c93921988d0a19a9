import { homedir } from 'node:os';
import path from 'node:path';

/** The app data folder: $MAPISCOPE_DATA_DIR, else ~/.mapiscope (CA, captures, restore journal). */
export function defaultDataDir(): string {
  return process.env.MAPISCOPE_DATA_DIR ?? path.join(homedir(), '.mapiscope');
}
