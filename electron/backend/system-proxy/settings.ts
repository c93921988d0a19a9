/**
 * The proxy settings of one place on the machine (GNOME's gsettings, KDE's kioslaverc, the
 * Windows per-user Internet Settings, one macOS network service), as named values. Every store
 * reads all its values at once, writes one value at a time, and says which values route
 * through MapiScope; the controller does the rest (journal, rollback, restore) the same way for all.
 */
import { type PreviousRoute, previousFromPacQuery } from './pac.js';

/** A setting's value as the store reads it back; null means absent (unset, deleted, empty). */
export type SettingValue = string | null;
export type SettingValues = Record<string, SettingValue>;
/** Values by store id. */
export type SettingsSnapshot = Record<string, SettingValues>;

/** Where clients should send traffic. */
export type ProxyTarget =
  | { kind: 'pac'; url: string; proxy: { host: string; port: number } }
  | { kind: 'manual'; proxy: { host: string; port: number }; bypass: string[] };

export interface SettingsStore {
  /** Stable id within a platform ("gnome", "kde", "windows", "macos:Wi-Fi"). */
  readonly id: string;
  /** What a user calls it ("GNOME proxy settings", "Wi-Fi (networksetup)"). */
  readonly label: string;
  /** Every value this store manages. */
  read(): Promise<SettingValues>;
  /** Sets one value (null: remove or clear it). */
  write(key: string, value: SettingValue): Promise<void>;
  /**
   * The values that route as `target` says, in the order they are written; `current` (the values
   * in place before MapiScope routed) for values derived from them (Windows' binary settings).
   */
  desired(target: ProxyTarget, current?: SettingValues): SettingValues;
  /**
   * Where `values` send traffic, when to a proxy or a PAC script: what MapiScope's PAC sends the
   * hosts that are not Exchange's to (undefined: direct, or not known for this store).
   */
  previousRoute?(values: SettingValues): PreviousRoute | undefined;
  /** How `values` route, in a few words ("no proxy", "PAC http://…", "manual 127.0.0.1:8888"). */
  describe(values: SettingValues): string;
  /** Tells running applications the settings changed (best effort). */
  notify?(): Promise<void>;
}

/**
 * Proxy target of a set of desired values, for messages; `from`: the store whose previous route
 * the PAC names, said when several stores were set (the journal's `previousFrom`).
 */
export function describeTarget(t: ProxyTarget, from?: string): string {
  if (t.kind !== 'pac') return `all traffic through ${t.proxy.host}:${t.proxy.port}`;
  const previous = previousFromPacQuery(new URL(t.url).search);
  const rest =
    previous?.kind === 'proxy'
      ? `, the other hosts through ${previous.server} as before`
      : previous?.kind === 'pac'
        ? `, the other hosts as the PAC script set before (${previous.url}) decides, or directly while it cannot be fetched`
        : '';
  const source = previous && from ? `; that route is the one ${from} had` : '';
  return `PAC ${t.url} (only the Exchange hosts through ${t.proxy.host}:${t.proxy.port}${rest}${source})`;
}
