/**
 * The probe contract (`mapiscope probe --json`, the probe.* API methods and
 * the Probe panel). The probe's report: one row per step, as Test-OutlookConnectivity
 * (OutlookMapiHttpSelfTestProbe) reports a logon — identity, start, end,
 * latency, result, error — plus what a MAPI/HTTP engineer needs: the
 * X-ResponseCode, the ROP ReturnValue by name, the X-RequestId.
 */
export type StepResult = 'Succeeded' | 'Failed' | 'Skipped';

export type StepId =
  | 'tls'
  | 'autodiscover'
  | 'connect'
  | 'logon'
  | 'open-inbox'
  | 'disconnect'
  | 'bind'
  | 'resolve'
  | 'unbind'
  | 'ping-emsmdb'
  | 'ping-nspi';

export const STEP_NAMES: Readonly<Record<StepId, string>> = {
  tls: 'TLS certificate',
  autodiscover: 'Autodiscover (mapiHttp)',
  connect: 'Connect (emsmdb)',
  logon: 'Logon to the mailbox (RopLogon)',
  'open-inbox': 'Open Inbox (RopOpenFolder)',
  disconnect: 'Disconnect (emsmdb)',
  bind: 'Bind (nspi)',
  resolve: 'Find the user (nspi DNToMId)',
  unbind: 'Unbind (nspi)',
  'ping-emsmdb': 'PING (emsmdb)',
  'ping-nspi': 'PING (nspi)',
};

export interface ProbeStep {
  id: StepId;
  name: string;
  result: StepResult;
  /** Epoch ms. */
  start?: number;
  end?: number;
  durationMs?: number;
  url?: string;
  status?: number;
  /** X-ResponseCode as sent by the server. */
  responseCode?: number;
  /** Its name (spec meaning, also when a server profile maps it). */
  responseCodeName?: string;
  /** ROP or body return value by name ("Success", "ecUnknownUser (0x000003EB)"). */
  returnValue?: string;
  requestId?: string;
  /** What went wrong, in plain words. */
  error?: string;
  /** What was seen when it went right (URLs, display name, MId…). */
  detail?: string;
  /** The handshake this step's request needed ("NTLM handshake on connection 2"). */
  auth?: string;
}

export interface ProbeReport {
  target: string;
  /** DOMAIN\user, user@domain or the mailbox address; never a password. */
  identity: string;
  mailbox?: string;
  startedAt: number;
  endedAt: number;
  /** Succeeded only when every step succeeded. */
  result: 'Succeeded' | 'Failed';
  steps: ProbeStep[];
  mapiHttp?: { mailStore?: string; addressBook?: string; source: 'command line' | 'Autodiscover' | 'assumed' };
  serverApplication?: string;
  auth?: { scheme?: string; handshakes: number; notes: string[] };
  notes: string[];
}

export interface LatencyStats {
  step: StepId;
  name: string;
  runs: number;
  failures: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export interface ProbeSeries {
  runs: ProbeReport[];
  latency: LatencyStats[];
  result: 'Succeeded' | 'Failed';
}

/** `probe.start`: what the Probe panel sends (the password only travels to the local backend). */
export interface ProbeStartParams {
  url: string;
  /** DOMAIN\\user or user@domain. */
  user?: string;
  password?: string;
  email?: string;
  dn?: string;
  /** Force a scheme; otherwise chosen from WWW-Authenticate. */
  auth?: 'basic' | 'ntlm' | 'negotiate' | 'bearer';
  bearer?: string;
  insecure?: boolean;
  timeoutMs?: number;
}

/** One probe run as `probe.status` returns it and `probe-progress` events carry it. */
export interface ProbeRunData {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** The step being run (while running). */
  current?: StepId;
  report: ProbeReport;
  /** Why the run could not start or broke (not a step failure). */
  error?: string;
}
