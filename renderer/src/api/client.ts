/**
 * The renderer's one way to reach the backend. Inside Electron it uses the
 * preload bridge; in a browser it calls the local HTTP API with the per-run
 * token from the URL fragment and listens to the WebSocket. Components never
 * see which.
 */
import type {
  ApiMethod,
  ApiParams,
  ApiResult,
  BackendEvent,
  FileKind,
  PreloadBridge,
} from '../../../shared/api/contract';

export interface Transport {
  readonly kind: 'electron' | 'http';
  invoke(method: string, params: unknown): Promise<unknown>;
  /** URL of a backend download route (`/api/raw/<name>`), where the transport has one (HTTP only). */
  rawUrl?(name: string, query?: Record<string, string>): string;
  /** Subscribes to backend events; `onState` reports the event channel's health. */
  subscribe(listener: (e: BackendEvent) => void, onState: (s: ConnectionState) => void): () => void;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

/** Native dialogs and menu commands of the desktop shell (absent in a browser). */
export interface DesktopShell {
  openFile(kind: FileKind): Promise<string | undefined>;
  saveFile(kind: FileKind, defaultName: string): Promise<string | undefined>;
  onMenu(listener: (action: string) => void): () => void;
  platform: string;
}

export class ApiClient {
  constructor(
    readonly transport: Transport,
    readonly desktop?: DesktopShell,
  ) {}
  /** A download URL for a raw route, or undefined inside Electron (use a save dialog and an RPC there). */
  rawUrl(name: string, query?: Record<string, string>): string | undefined {
    return this.transport.rawUrl?.(name, query);
  }
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    return this.transport.invoke(method, params) as Promise<ApiResult<M>>;
  }
}

export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function bridgeTransport(b: PreloadBridge): Transport {
  return {
    kind: 'electron',
    invoke: (m, p) => b.invoke(m, p),
    subscribe(listener, onState) {
      onState('connected');
      return b.onEvent(listener);
    },
  };
}

export function httpTransport(baseUrl: string, token: string): Transport {
  return {
    kind: 'http',
    rawUrl(name, query = {}) {
      const q = new URLSearchParams({ ...query, token });
      return `${baseUrl}/api/raw/${encodeURIComponent(name)}?${q.toString()}`;
    },
    async invoke(method, params) {
      const res = await fetch(`${baseUrl}/api/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(params ?? {}),
      });
      const body = (await res.json().catch(() => ({ code: 'failed', message: `HTTP ${res.status}` }))) as unknown;
      if (!res.ok) {
        const e = body as { code?: string; message?: string };
        throw new RpcError(e.code ?? 'failed', e.message ?? `HTTP ${res.status}`);
      }
      return body;
    },
    subscribe(listener, onState) {
      let ws: WebSocket | undefined;
      let stopped = false;
      let retry = 250;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const open = () => {
        onState('connecting');
        const wsUrl = baseUrl.replace(/^http/, 'ws') + `/api/events?token=${encodeURIComponent(token)}`;
        ws = new WebSocket(wsUrl);
        ws.onopen = () => {
          retry = 250;
          onState('connected');
        };
        ws.onmessage = (m) => {
          try {
            listener(JSON.parse(String(m.data)) as BackendEvent);
          } catch {
            /* ignore malformed event */
          }
        };
        ws.onclose = () => {
          if (stopped) return;
          onState('disconnected');
          timer = setTimeout(open, retry);
          retry = Math.min(retry * 2, 5000);
        };
      };
      open();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        ws?.close();
      };
    },
  };
}

/** Token from `#token=…` (kept in sessionStorage so a reload keeps working). */
export function tokenFromLocation(loc: Location = window.location): string | undefined {
  const m = /(?:^|[#&])token=([0-9a-fA-F]+)/.exec(loc.hash);
  if (m?.[1]) {
    try {
      sessionStorage.setItem('mapiscope.token', m[1]);
    } catch {
      /* storage may be unavailable */
    }
    return m[1];
  }
  try {
    return sessionStorage.getItem('mapiscope.token') ?? undefined;
  } catch {
    return undefined;
  }
}

export function createClient(): ApiClient {
  const b = window.mapiscope;
  if (b)
    return new ApiClient(bridgeTransport(b), {
      openFile: (k) => b.openFile(k),
      saveFile: (k, n) => b.saveFile(k, n),
      onMenu: (l) => b.onMenu(l),
      platform: b.platform,
    });
  const token = tokenFromLocation() ?? '';
  return new ApiClient(httpTransport(window.location.origin, token));
}

let client: ApiClient | undefined;
export function api(): ApiClient {
  client ??= createClient();
  return client;
}
/** Tests and stories replace the client. */
export function setApi(c: ApiClient): void {
  client = c;
}
