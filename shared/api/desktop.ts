/**
 * What the backend tells the UI about capturing Outlook on this machine: whether the system
 * proxy routes through MapiScope, which trust stores hold the MapiScope CA, and the "Capture
 * Outlook" checklist built from both plus the traffic seen.
 */

export type TrustStoreKind = 'user' | 'nss' | 'system';

export interface TrustStoreDto {
  store: TrustStoreKind;
  /** "Windows CurrentUser\Root", "login keychain (…)", "NSS database …". */
  label: string;
  trusted: boolean;
  /** The store could not be read. */
  error?: string;
}

export interface CaTrustDto {
  fingerprint256: string;
  stores: TrustStoreDto[];
}

export interface SystemProxyDto {
  platform: string;
  /** What MapiScope routes: nothing, the Exchange hosts by PAC, or everything (manual proxy). */
  mode: 'off' | 'pac' | 'all';
  /** The current settings are exactly the ones MapiScope set. */
  ours: boolean;
  /** Who set them; `self` when this backend did (it undoes them when the capture stops). */
  owner?: { command: string; pid: number; running: boolean; self: boolean };
  pacUrl?: string;
  proxy?: { host: string; port: number };
  /** Hosts (names or patterns) the PAC sends through MapiScope now. */
  hosts: string[];
  /** Every proxy settings store found and how it routes now. */
  stores: { id: string; label: string; routing: string }[];
  /** Settings MapiScope set that someone else has changed since. */
  changedByOthers: { store: string; key: string }[];
  /** One line about settings restored when this backend started (left by an unclean stop). */
  recovered?: string;
}

export interface RestoreDto {
  /** One line saying what was restored, what was left as someone else set it, what failed. */
  summary: string;
  restored: number;
  changedByOthers: number;
  failed: number;
}

/** A certificate refusal seen while capturing (the untrusted-certificate event). */
export interface CertificateRefusalDto {
  side: 'client' | 'upstream';
  host: string;
  error: string;
  time: number;
}

export interface OutlookChecklistDto {
  ca: CaTrustDto & { ok: boolean };
  routing: SystemProxyDto & { ok: boolean; capturing: boolean; port?: number };
  /** The first MAPI over HTTP or Autodiscover exchange of this capture. */
  outlook: { ok: boolean; count: number; first?: { id: number; url: string; host?: string } };
  refusals: CertificateRefusalDto[];
}
